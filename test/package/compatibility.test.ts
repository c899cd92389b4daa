/** README's Compatibility section states what the suites really run: it follows LINES and engines. */
import fs from 'node:fs';
import path from 'node:path';

import { LINES } from '../../scripts/lib/n8nHost';

const ROOT = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = /^## Compatibility\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('README Compatibility', () => {
	it.each(Object.entries(LINES))('names the n8n %s versions the end-to-end suite installs, with their Node.js', (_line, spec) => {
		const [first, ...fallbacks] = spec.versions.map((entry) => entry.version);
		const minor = first.split('.').slice(0, 2).join('.');
		const row = section.split('\n').find((line) => line.startsWith(`| ${minor}.x (${first};`));
		expect(row).toBeDefined();
		for (const version of fallbacks) expect(row).toContain(version);
		expect(row?.split('|')[2].trim()).toMatch(new RegExp(`^${spec.nodeMajor}\\b`));
	});

	it("states package.json's engines", () => {
		const minimum = pkg.engines.node.replace(/^>=\s*/, '');
		expect(section).toContain(`Node.js ${minimum} or newer`);
	});

	it('says where n8n 3.x stands, with the date it was checked', () => {
		expect(section).toMatch(/\*\*n8n 3\.x\*\* is announced as Docker-only/);
		expect(section).toMatch(/Checked\s+on \d{4}-\d{2}-\d{2}: the npm registry has no 3\.x version of `n8n`/);
	});
});
