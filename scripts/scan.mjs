/**
 * `npm run scan`: the checks n8n's package scanner (@n8n/scan-community-package, used for verified
 * community nodes) runs, on the sources and on the packed tarball, without the network. Exits 1 on
 * any violation.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { SOURCE_FILE_PATTERNS, analyzePackage } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-scan-'));

execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
const unpacked = path.join(work, 'package');
fs.mkdirSync(unpacked);
execFileSync('tar', ['-xzf', path.join(work, path.basename(filename)), '-C', unpacked, '--strip-components=1']);

let failed = false;
for (const [label, dir, patterns] of [
	['sources', root, SOURCE_FILE_PATTERNS],
	['packed tarball', unpacked, ['**/*.js', 'package.json']],
]) {
	const result = await analyzePackage(dir, patterns);
	console.log(`scanner rules on the ${label}: ${result.passed ? 'clean' : result.message}`);
	if (!result.passed) {
		failed = true;
		console.log(result.details ?? result.error ?? '');
	}
}
fs.rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
