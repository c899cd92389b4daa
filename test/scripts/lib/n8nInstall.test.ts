import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { cleanNpmEnv, n8nProblem } from '../../../scripts/lib/n8nInstall';

describe('cleanNpmEnv', () => {
	it('drops the npm configuration that `npm run` hands to child processes', () => {
		const env = cleanNpmEnv({ PATH: '/usr/bin', HOME: '/home/x', npm_config_ignore_scripts: 'true', npm_package_name: 'n8n-nodes-ozon-seller', NPM_CONFIG_NODEDIR: '/x' });
		expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/x' });
	});
});

describe('n8nProblem: a cached n8n is trusted only when it was verified and is whole', () => {
	const version = { version: '2.41.1', before: '2026-09-24T12:00:00Z' };
	const node = '/opt/node24/bin/node';
	let dir: string;

	function writeInstall(parts: { marker?: object | string; entry?: boolean; sqlite?: boolean }): void {
		if (parts.marker !== undefined) fs.writeFileSync(path.join(dir, '.ready'), typeof parts.marker === 'string' ? parts.marker : JSON.stringify(parts.marker));
		if (parts.entry) {
			fs.mkdirSync(path.join(dir, 'node_modules', 'n8n', 'bin'), { recursive: true });
			fs.writeFileSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), '');
		}
		if (parts.sqlite) {
			fs.mkdirSync(path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release'), { recursive: true });
			fs.writeFileSync(path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'), '');
		}
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
		writeInstall({ marker: { ...goodMarker, node: '/usr/bin/node' } });
		expect(n8nProblem(dir, version, node)).toMatch(/verified with \/usr\/bin\/node/);
	});

	it('refuses a half-deleted install', () => {
		writeInstall({ marker: goodMarker, sqlite: true });
		expect(n8nProblem(dir, version, node)).toBe("n8n's entry point is missing");
	});
});
