/**
 * `npm run demo`: builds the package, starts the Ozon sandbox, runs examples/bulk-sync-from-sheet.json
 * in a real n8n with the package installed, and prints what happened to each product.
 * `npm run demo -- --line 1.x` uses the n8n 1.x line instead of 2.x.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { OzonSandbox } from '../sandbox/server';
import { optionText } from './lib/args';
import { ROOT, createInstance, importCredential, importWorkflow, nodeOutput, packPackage, type N8nLine } from './lib/n8nHost';

/** A push result as the example asks for it: Options → Output "Flat Row". */
interface Row {
	offer_id: string | null;
	success: boolean;
	status: string | null;
	images_before: number | null;
	images_after: number | null;
	errors: string;
}

function table(rows: string[][]): string {
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

async function main(): Promise<void> {
	const line = (optionText('line') ?? '2.x') as N8nLine;
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-demo-'));
	console.log(`Building and packing n8n-nodes-ozon-seller…`);
	const tarball = packPackage(work);
	const sandbox = new OzonSandbox({ processingMs: 2000, faults: { cdnRewrite: true } });
	const url = await sandbox.start();
	console.log(`Ozon sandbox on ${url}`);
	try {
		const instance = createInstance(line, path.join(work, 'n8n-user'), tarball);
		console.log(`n8n ${instance.version} with the package installed into ${path.join(instance.userFolder, '.n8n', 'nodes')}`);
		const credential = { id: 'ozonSandbox', name: 'Ozon sandbox' };
		await importCredential(instance, { ...credential, clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: url });
		await importWorkflow(instance, path.join(ROOT, 'examples', 'bulk-sync-from-sheet.json'), 'demoBulkSync001', credential);
		console.log('Running "Ozon: nightly image sync from a sheet"…\n');
		const started = Date.now();
		const { status, result, stdout } = await instance.execute('demoBulkSync001');
		// The example's push has On Error → Continue: failed products come back as rows. A run that
		// stopped anyway (a whole-run failure, or the setting changed to Stop Workflow) shows n8n's error.
		const stopped = result?.data.resultData.error;
		if (stopped) {
			throw new Error(`The run stopped: ${stopped.message}${stopped.description ? `\n${stopped.description}` : ''}`);
		}
		if (status !== 0 || !result) {
			console.error(stdout.slice(-3000));
			throw new Error(`n8n execute failed with exit code ${status}`);
		}
		const output = nodeOutput(result, 'Push images to Ozon') as unknown as Row[];
		const rows = [['offer', 'result', 'status', 'images before → after', 'errors']];
		for (const item of output) {
			rows.push([
				item.offer_id ?? '(none)',
				item.success ? 'ok' : 'FAILED',
				item.status ?? '',
				item.images_before === null ? '–' : `${item.images_before} → ${item.images_after ?? item.images_before}`,
				item.errors.split('\n').join('; ').slice(0, 110),
			]);
		}
		console.log(table(rows));
		const succeeded = output.filter((item) => item.success).length;
		const stats = sandbox.store.log.length;
		console.log(`\n${output.length} products: ${succeeded} confirmed, ${output.length - succeeded} failed — ${stats} requests to Ozon, ${((Date.now() - started) / 1000).toFixed(1)} s in n8n.`);
		console.log('The push runs with On Error → Continue, so the failed products are rows like the others; under Stop Workflow the run would stop on the first of them after pushing the rest.');
	} finally {
		await sandbox.stop();
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
