/**
 * One place for the package's whereabouts: package.json's `repository` (and `author`). npm's provenance
 * check compares `repository` with the GitHub repository that published, so everything else that names
 * the project's home follows it; this test lists each place that disagrees, with the value it expects.
 */
import fs from 'node:fs';
import path from 'node:path';

import { OzonSellerApi } from '../../credentials/OzonSellerApi.credentials';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (...parts: string[]) => fs.readFileSync(path.join(ROOT, ...parts), 'utf8');

interface PackageJson {
	homepage?: string;
	bugs?: { url?: string };
	repository?: { type?: string; url?: string };
	author?: { name?: string; email?: string };
}
interface Codex {
	resources: Record<'primaryDocumentation' | 'credentialDocumentation', Array<{ url: string }>>;
}

const pkg = JSON.parse(read('package.json')) as PackageJson;
const codex = JSON.parse(read('nodes', 'OzonSeller', 'OzonSeller.node.json')) as Codex;

/** https://github.com/OWNER/REPO from the forms npm accepts for a GitHub repository URL. */
function githubHome(url: string | undefined): string | undefined {
	const match = /^(?:git\+)?https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(url ?? '');
	return match ? `https://github.com/${match[1]}/${match[2]}` : undefined;
}

describe('package metadata follows package.json repository', () => {
	const home = githubHome(pkg.repository?.url);

	it('names a GitHub repository over https (what npm provenance can match)', () => {
		expect(pkg.repository?.type).toBe('git');
		expect(home).toBeDefined();
	});

	it('homepage, bugs, codex and credential documentation all point into it', () => {
		const actual = {
			'package.json homepage': pkg.homepage,
			'package.json bugs.url': pkg.bugs?.url,
			'OzonSeller.node.json primaryDocumentation': codex.resources.primaryDocumentation.map((link) => link.url),
			'OzonSeller.node.json credentialDocumentation': codex.resources.credentialDocumentation.map((link) => link.url),
			'OzonSellerApi.credentials.ts documentationUrl': new OzonSellerApi().documentationUrl,
		};
		expect(actual).toEqual({
			'package.json homepage': `${home}#readme`,
			'package.json bugs.url': `${home}/issues`,
			'OzonSeller.node.json primaryDocumentation': [`${home}#readme`],
			'OzonSeller.node.json credentialDocumentation': [`${home}#credential`],
			'OzonSellerApi.credentials.ts documentationUrl': `${home}#credential`,
		});
	});

	it('has the README section the credential links to', () => {
		// GitHub's anchor for a "## Credential" heading is #credential.
		expect(read('README.md')).toMatch(/^## Credential$/m);
	});

	it('credits the author named in package.json in the licence', () => {
		expect(pkg.author?.name).toBeTruthy();
		expect(pkg.author?.email).toMatch(/^[^\s@]+@[^\s@]+$/);
		expect(read('LICENSE')).toMatch(new RegExp(`^Copyright \\(c\\) \\d{4} ${pkg.author?.name?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
	});
});
