/**
 * The README is the newcomer's page and docs/ the manual (#25): the README stays short and links to
 * every page of docs/, every relative link of README.md, CHANGELOG.md and docs/*.md reaches a file,
 * every `#anchor` names a heading there (GitHub's slug), and the anchors the node's own documentation
 * links use (the credential's `#credential`) are README headings. The checker is tested on broken
 * input too, so that each check is seen to fail.
 */
import fs from 'node:fs';
import path from 'node:path';

import { OzonSellerApi } from '../../credentials/OzonSellerApi.credentials';
import { anchorsOf, brokenLinks, lineCount, linksOf, slug, type Files } from '../helpers/markdownLinks';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

const README_MAX_LINES = 250;

/** One page per topic (#25); the README links to each. */
const PAGES = [
	'docs/push-images.md',
	'docs/storage-events.md',
	'docs/failure-handling.md',
	'docs/security.md',
	'docs/scaling-out.md',
	'docs/performance.md',
	'docs/sandbox.md',
	'docs/development.md',
	'docs/releasing.md',
	'docs/architecture.md',
];

/** Headings that other work fills in (#25: Get Push Result, storage uploads, the suites' table); kept so it has a place. */
const PLACES = {
	'README.md': ['operations', 'push-images', 'get-images', 'get-push-result', 'storage-uploads', 'credential', 'compatibility', 'documentation'],
	'docs/push-images.md': ['coming-back-to-a-pending-push', 'ozons-2026-api-changes'],
	'docs/development.md': ['test-suites'],
} as const;

const docsPages = () =>
	fs
		.readdirSync(path.join(ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`);

/** The anchors of README.md that the node's documentation URLs point at (`…#credential`); GitHub's own `#readme` is not a heading. */
function anchorsUsedByCode(): string[] {
	const codex = JSON.parse(read('nodes/OzonSeller/OzonSeller.node.json')) as { resources: Record<string, Array<{ url: string }>> };
	const urls = [new OzonSellerApi().documentationUrl, ...Object.values(codex.resources).flatMap((links) => links.map((link) => link.url))];
	return [...new Set(urls.map((url) => new URL(url).hash.slice(1)).filter((anchor) => anchor !== '' && anchor !== 'readme'))];
}

/** What is wrong with a README: too long, a page missing or not linked, an anchor the code uses missing. */
function readmeProblems(readme: string, pages: string[], codeAnchors: string[], exists: (file: string) => boolean): string[] {
	const problems: string[] = [];
	const lines = lineCount(readme);
	if (lines > README_MAX_LINES) problems.push(`README.md has ${lines} lines, more than ${README_MAX_LINES}`);
	const linked = new Set(linksOf(readme).map(({ target }) => path.posix.normalize(target.split('#')[0])));
	for (const page of pages) {
		if (!exists(page)) problems.push(`${page} does not exist`);
		if (!linked.has(page)) problems.push(`README.md does not link to ${page}`);
	}
	const anchors = anchorsOf(readme);
	for (const anchor of codeAnchors) if (!anchors.has(anchor)) problems.push(`README.md has no heading for #${anchor}, which the node's documentation links point at`);
	return problems;
}

describe('README and docs/', () => {
	it(`README.md is at most ${README_MAX_LINES} lines, links to every page of docs/, and has the headings the code links to`, () => {
		const pages = [...new Set([...PAGES, ...docsPages()])];
		expect(readmeProblems(read('README.md'), pages, anchorsUsedByCode(), (file) => fs.existsSync(path.join(ROOT, file)))).toEqual([]);
	});

	it("the credential's and the codex's documentation links use the README's #credential", () => {
		expect(anchorsUsedByCode()).toEqual(['credential']);
	});

	it.each(['README.md', 'CHANGELOG.md', ...docsPages()])('every relative link and anchor of %s resolves', (file) => {
		expect(brokenLinks(ROOT, file)).toEqual([]);
	});

	it.each(Object.entries(PLACES))('%s keeps its sections', (file, headings) => {
		const anchors = anchorsOf(read(file));
		expect(headings.filter((heading) => !anchors.has(heading))).toEqual([]);
	});
});

describe('the checks fail on broken input', () => {
	const root = '/repo';
	function inMemory(texts: Record<string, string>): Files {
		const absolute = new Map(Object.entries(texts).map(([file, text]) => [path.join(root, file), text]));
		const folders = new Set([...absolute.keys()].flatMap((file) => [path.dirname(file), path.dirname(path.dirname(file))]));
		return { exists: (file) => absolute.has(file) || folders.has(file), read: (file) => absolute.get(file) ?? '' };
	}
	const files = inMemory({
		'README.md': [
			'# Title',
			'## Credential',
			'[ok](docs/a.md#section-two) [ok](#credential) [ok](docs/images/x.png) [ok](https://example.com/#nothing)',
			'[missing file](docs/b.md)',
			'[missing anchor](docs/a.md#section-three)',
			'[missing here](#credentials)',
			'![missing image](docs/images/y.png)',
			'[outside](../elsewhere.md)',
			'[anchor in code](docs/images/x.png#L1)',
			'`[in a code span](docs/c.md)`',
			'```',
			'[in a fence](docs/d.md)',
			'## Not a heading in a fence',
			'```',
		].join('\n'),
		'docs/a.md': '# A\n\n## Section two\n\n[back](../README.md#not-a-fence-heading)\n[dup](#a-1)\n',
		'docs/images/x.png': '',
	});

	it('reports each broken link with its line and reason, and nothing in code', () => {
		expect(brokenLinks(root, 'README.md', files).map(({ line, target }) => `${line} ${target}`)).toEqual([
			'4 docs/b.md',
			'5 docs/a.md#section-three',
			'6 #credentials',
			'7 docs/images/y.png',
			'8 ../elsewhere.md',
			'9 docs/images/x.png#L1',
		]);
		expect(brokenLinks(root, 'docs/a.md', files).map(({ target }) => target)).toEqual(['../README.md#not-a-fence-heading', '#a-1']);
		expect(brokenLinks(root, 'docs/gone.md', files)).toHaveLength(1);
	});

	it('reports a README too long, a page missing or not linked, and a missing #credential', () => {
		const long = `## Credential\n[a](docs/a.md)\n${'line\n'.repeat(README_MAX_LINES)}`;
		expect(readmeProblems(long, ['docs/a.md', 'docs/b.md'], ['credential', 'setup'], (file) => file === 'docs/a.md')).toEqual([
			`README.md has ${README_MAX_LINES + 2} lines, more than ${README_MAX_LINES}`,
			'docs/b.md does not exist',
			'README.md does not link to docs/b.md',
			"README.md has no heading for #setup, which the node's documentation links point at",
		]);
		expect(readmeProblems('## Credential\n[a](./docs/a.md#x)\n', ['docs/a.md'], ['credential'], () => true)).toEqual([]);
	});

	it('slugs headings as GitHub does, numbering repeats', () => {
		expect(slug("Ozon's 2026 API changes")).toBe('ozons-2026-api-changes');
		expect(slug('Limits, retries and rate limiting')).toBe('limits-retries-and-rate-limiting');
		expect(slug("After #22's write path")).toBe('after-22s-write-path');
		expect(slug('Operation `getPushResult` — *Task ID*')).toBe('operation-getpushresult--task-id');
		expect(slug('360° images [here](x.md)')).toBe('360-images-here');
		expect([...anchorsOf('# A\n## A\n## A #\n<a id="kept"></a>\n')]).toEqual(['a', 'a-1', 'a-2', 'kept']);
	});

	it('counts lines as wc -l does', () => {
		expect(lineCount('a\nb\n')).toBe(2);
		expect(lineCount('a\nb')).toBe(1);
	});
});

