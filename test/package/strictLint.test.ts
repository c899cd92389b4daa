/**
 * n8n's strict mode: `n8n-node lint` accepts only node-cli's default eslint.config.mjs, which is what
 * n8n Cloud verification expects of a community package. `npm run lint` (the first step of `npm test`)
 * runs it; these tests pin the wiring that makes it meaningful.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (...parts: string[]) => fs.readFileSync(path.join(ROOT, ...parts), 'utf8');

// node-cli compares the two files with runs of whitespace collapsed; so does this test.
const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

const packageJson = JSON.parse(read('package.json')) as {
	n8n?: { strict?: boolean };
	scripts: Record<string, string>;
	devDependencies: Record<string, string>;
};

describe('strict lint with @n8n/node-cli', () => {
	it('asks for strict mode, with node-cli pinned to an exact version', () => {
		expect(packageJson.n8n?.strict).toBe(true);
		expect(packageJson.devDependencies['@n8n/node-cli']).toMatch(/^\d+\.\d+\.\d+$/);
	});

	it("keeps eslint.config.mjs exactly node-cli's default, as strict mode demands", () => {
		const template = read('node_modules', '@n8n', 'node-cli', 'dist', 'template', 'templates', 'shared', 'default', 'eslint.config.mjs');
		expect(normalise(read('eslint.config.mjs'))).toBe(normalise(template));
	});

	it('lints through n8n-node lint, so the strict check runs with every npm test', () => {
		expect(packageJson.scripts.test).toMatch(/^npm run lint && /);
		expect(packageJson.scripts.lint).toBe('node scripts/lint.mjs');
	});

	it('gives no shipped folder a config of its own: nodes/ and credentials/ get the default', () => {
		const configsUnder = (dir: string): string[] =>
			fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((file) => /(^|\/)eslint\.config\.[cm]?[jt]s$/.test(file));
		expect(configsUnder('nodes')).toEqual([]);
		expect(configsUnder('credentials')).toEqual([]);
	});
});
