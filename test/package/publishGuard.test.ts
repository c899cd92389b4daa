/**
 * A publish from anywhere but a GitHub Actions job allowed to mint an OIDC token is refused by npm
 * itself: package.json's publishConfig asks for provenance, which npm can only sign there. This holds
 * with the project's .npmrc (ignore-scripts=true), which would silently skip a prepublishOnly guard.
 * Exercised against a local stand-in registry that records whether a package ever arrives.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Registry {
	url: string;
	uploads: string[];
	close: () => Promise<void>;
}

async function startRegistry(): Promise<Registry> {
	const uploads: string[] = [];
	const server = http.createServer((request, response) => {
		if (request.method === 'PUT') uploads.push(request.url ?? '');
		// Never published before: npm then goes on to publish as a first version.
		response.writeHead(request.method === 'PUT' ? 201 : 404, { 'content-type': 'application/json' });
		response.end(JSON.stringify(request.method === 'PUT' ? { ok: true } : { error: 'not found' }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		uploads,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

/** A copy of the package as `npm publish` sees it (manifest, .npmrc, the files it ships). */
function packageCopy(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-publish-'));
	for (const file of ['package.json', '.npmrc', 'index.js', 'LICENSE', 'README.md']) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
	return dir;
}

function npmPublish(cwd: string, registry: Registry, extraEnv: Record<string, string>): Promise<{ status: number | null; output: string }> {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-publish-home-'));
	const host = registry.url.replace(/^http:/, '');
	// Only what npm needs: no CI markers from the machine running the tests, no user .npmrc.
	const env = { PATH: process.env.PATH ?? '', HOME: home, npm_config_cache: path.join(home, 'cache'), ...extraEnv };
	return new Promise((resolve) => {
		const child = spawn('npm', ['publish', `--registry=${registry.url}`, `--${host}:_authToken=stand-in-token`, '--no-audit'], { cwd, env });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('close', (status) => {
			fs.rmSync(home, { recursive: true, force: true });
			resolve({ status, output });
		});
	});
}

describe('local publish guard', () => {
	let registry: Registry;
	let dir: string;

	beforeAll(async () => {
		registry = await startRegistry();
		dir = packageCopy();
	});
	afterAll(async () => {
		await registry.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('asks npm for provenance and public access on every publish', () => {
		const { publishConfig } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publishConfig?: Record<string, unknown> };
		expect(publishConfig).toEqual({ access: 'public', provenance: true });
	});

	it('refuses a publish from a developer machine, and nothing reaches the registry', async () => {
		const result = await npmPublish(dir, registry, {});
		expect(result.status).not.toBe(0);
		expect(result.output).toMatch(/provenance generation not supported/i);
		expect(registry.uploads).toEqual([]);
	});

	it('refuses a GitHub Actions job without the id-token permission', async () => {
		const result = await npmPublish(dir, registry, { CI: 'true', GITHUB_ACTIONS: 'true' });
		expect(result.status).not.toBe(0);
		expect(result.output).toMatch(/requires "write" access to the "id-token" permission/);
		expect(registry.uploads).toEqual([]);
	});
});
