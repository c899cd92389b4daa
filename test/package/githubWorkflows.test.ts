/**
 * .github/workflows: CI with the checks of .ci/run, and a release that publishes with npm provenance
 * through trusted publishing. Checked offline with GitHub's own workflow parser (scripts/check-workflows.mjs)
 * and, for what the parser cannot know, against this project's rules.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (...parts: string[]) => fs.readFileSync(path.join(ROOT, ...parts), 'utf8');

interface Step {
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
}
interface Job {
	'runs-on'?: string;
	container?: string;
	needs?: string | string[];
	uses?: string;
	permissions?: Record<string, string>;
	steps?: Step[];
}
interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const workflow = (name: string) => parse(read('.github', 'workflows', name)) as Workflow;
const runs = (job: Job) => (job.steps ?? []).flatMap((step) => (step.run ? step.run.split('\n').map((line) => line.trim()).filter(Boolean) : []));

function checkWorkflows(...files: string[]) {
	const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'check-workflows.mjs'), ...files], { cwd: ROOT, encoding: 'utf8' });
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('GitHub workflows', () => {
	it("pass GitHub's workflow parser (schema, expressions, job graph, the reusable call)", () => {
		const { status, output } = checkWorkflows();
		expect(output).toContain('✓ .github/workflows/ci.yml');
		expect(output).toContain('✓ .github/workflows/release.yml');
		expect(status).toBe(0);
	});

	it('the check fails on a broken workflow and says where', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-workflow-'));
		const broken = path.join(dir, 'broken.yml');
		fs.writeFileSync(
			broken,
			['on: push', 'jobs:', '  build:', '    runs_on: ubuntu-latest', '    permissions:', '      id-token: admin', '    steps:', '      - run: echo ${{ github.ref == }}', ''].join('\n'),
		);
		try {
			const { status, output } = checkWorkflows(broken);
			expect(status).toBe(1);
			expect(output).toMatch(/Line: 4, Col: 5\): Unexpected value 'runs_on'/);
			expect(output).toMatch(/Unexpected value 'admin'/);
			expect(output).toMatch(/Unexpected end of expression/);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	describe('ci.yml', () => {
		const ci = workflow('ci.yml');
		const job = ci.jobs.checks;

		it('runs every npm command of .ci/run, in its order', () => {
			// `npm pack --dry-run 2>&1 | tail -n 12` counts as `npm pack --dry-run`: the shell plumbing is .ci/run's own.
			const ciRun = read('.ci', 'run')
				.split('\n')
				.map((line) => line.trim())
				.filter((line) => line.startsWith('npm '))
				.map((line) => line.split(/\s+(?:\d?>|\|)/)[0].trim());
			expect(ciRun).toEqual(['npm ci --no-audit --no-fund', 'npm test', 'npm run scan', 'npm pack --dry-run', 'npm run test:e2e']);
			expect(runs(job).filter((line) => line.startsWith('npm '))).toEqual(ciRun);
		});

		it("runs on ubuntu in Debian with Node 20, and installs Debian's Chromium before the e2e suite", () => {
			expect(job['runs-on']).toBe('ubuntu-latest');
			expect(job.container).toBe('node:20-bookworm');
			const lines = runs(job);
			expect(lines.indexOf('apt-get install -y -qq chromium > /dev/null')).toBeGreaterThan(-1);
			expect(lines.indexOf('apt-get install -y -qq chromium > /dev/null')).toBeLessThan(lines.indexOf('npm run test:e2e'));
		});

		it('runs on pushes to main and pull requests, can be called by the release, and only reads the repository', () => {
			expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
			expect(ci.on.push).toEqual({ branches: ['main'] });
			expect(ci.permissions).toEqual({ contents: 'read' });
		});
	});

	describe('release.yml', () => {
		const text = read('.github', 'workflows', 'release.yml');
		const release = workflow('release.yml');

		it('starts only from a version tag', () => {
			expect(release.on).toEqual({ push: { tags: ['v*'] } });
			expect(runs(release.jobs.version).join('\n')).toContain('"$GITHUB_REF_NAME" != "$expected"');
		});

		it('publishes only after the tag check and the full CI checks', () => {
			expect(release.jobs.checks).toMatchObject({ needs: 'version', uses: './.github/workflows/ci.yml' });
			expect(release.jobs.publish.needs).toBe('checks');
		});

		it('publishes with provenance through trusted publishing: an OIDC token, no npm token', () => {
			const publish = release.jobs.publish;
			expect(release.permissions).toEqual({ contents: 'read' });
			expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
			expect(runs(publish)).toContain('npm publish --provenance --access public');
			expect(text).not.toMatch(/secrets\.|NPM_TOKEN|NODE_AUTH_TOKEN/);
		});

		it('uses an npm that can do trusted publishing (11.5.1 or later), pinned', () => {
			const install = runs(release.jobs.publish).find((line) => line.startsWith('npm install -g npm@'));
			const [major, minor, patch] = (install ?? '').replace('npm install -g npm@', '').split('.').map(Number);
			expect(install).toMatch(/^npm install -g npm@\d+\.\d+\.\d+$/);
			expect(major > 11 || (major === 11 && (minor > 5 || (minor === 5 && patch >= 1)))).toBe(true);
		});
	});
});
