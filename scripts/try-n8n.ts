/** One-off: run examples/bulk-sync-from-sheet.json in a real n8n against the sandbox. Usage: node .build/scripts/try-n8n.js 2.x */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { OzonSandbox } from '../sandbox/server';
import { ROOT, createInstance, importCredential, importWorkflow, nodeOutput, packPackage, type N8nLine } from './lib/n8nHost';

async function main(): Promise<void> {
	const line = (process.argv[2] ?? '2.x') as N8nLine;
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-try-'));
	const tarball = packPackage(work);
	const sandbox = new OzonSandbox({ processingMs: 1500 });
	const url = await sandbox.start();
	const instance = createInstance(line, path.join(work, 'user'), tarball);
	await importCredential(instance, { id: 'ozonSandbox', name: 'Ozon sandbox', clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: url });
	await importWorkflow(instance, path.join(ROOT, 'examples', 'bulk-sync-from-sheet.json'), 'bulkSync0000001', { id: 'ozonSandbox', name: 'Ozon sandbox' });
	const started = Date.now();
	const { status, result, stdout } = await instance.execute('bulkSync0000001');
	console.log(`n8n ${instance.version} exit ${status} in ${Date.now() - started} ms`);
	if (!result) console.log(stdout.slice(0, 3000));
	console.log(JSON.stringify(nodeOutput(result, 'Push images to Ozon'), null, 1).slice(0, 6000));
	console.log(JSON.stringify(nodeOutput(result, 'Summary of failures'), null, 1));
	await sandbox.stop();
}

void main();
