/**
 * `npm run dev`: the n8n editor on http://localhost:5678 with this package installed, a credential
 * pointing at a local Ozon sandbox, and the examples imported. Ctrl+C stops everything.
 * Options: `--port 5678`, `--sandbox-port 8787`, `--line 2.x|1.x`. Set DEV_OWNER_EMAIL/DEV_OWNER_PASSWORD to change the login.
 */
import fs from 'node:fs';
import path from 'node:path';

import { OzonSandbox } from '../sandbox/server';
import { optionText } from './lib/args';
import { ROOT, createInstance, importCredential, importWorkflow, packPackage, startServer, stopServer, type N8nLine } from './lib/n8nHost';


export const DEV_OWNER = {
	email: process.env.DEV_OWNER_EMAIL ?? 'dev@example.com',
	password: process.env.DEV_OWNER_PASSWORD ?? 'Ozon-dev-1234',
	firstName: 'Ozon',
	lastName: 'Developer',
};

async function main(): Promise<void> {
	const port = Number(optionText('port') ?? '5678');
	const line = (optionText('line') ?? '2.x') as N8nLine;
	const work = path.join(ROOT, '.tmp', `dev-${line}`);
	fs.rmSync(work, { recursive: true, force: true });
	fs.mkdirSync(work, { recursive: true });
	console.log('Building and packing n8n-nodes-ozon-seller…');
	const tarball = packPackage(work);
	const sandbox = new OzonSandbox({ processingMs: 2000, faults: { cdnRewrite: true } });
	const sandboxUrl = await sandbox.start(Number(optionText('sandbox-port') ?? '8787'));
	const instance = createInstance(line, path.join(work, 'n8n-user'), tarball);
	instance.env.N8N_RESTRICT_FILE_ACCESS_TO = path.join(work, 'files');
	const credential = { id: 'ozonSandbox', name: 'Ozon sandbox' };
	await importCredential(instance, { ...credential, clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: sandboxUrl });
	for (const [file, id] of [
		['bulk-sync-from-sheet.json', 'exampleBulkSync'],
		['webhook-upload-push.json', 'exampleWebhook1'],
		['backup-images-to-file.json', 'exampleBackup01'],
		['push-with-error-output.json', 'exampleErrorOut'],
		['r2-upload-to-ozon.json', 'exampleR2Upload'],
		['minio-upload-to-ozon.json', 'exampleMinioUpl'],
		['s3-sns-upload-to-ozon.json', 'exampleS3SnsUpl'],
		['sync-from-bucket.json', 'exampleBktSync1'],
		['push-then-get-result.json', 'examplePushLate'],
	]) {
		await importWorkflow(instance, path.join(ROOT, 'examples', file), id, credential, (workflow) => {
			const save = workflow.nodes.find((node) => node.name === 'Save the backup');
			if (save) save.parameters.fileName = path.join(work, 'files', 'ozon-image-backup.json');
		});
	}
	const server = await startServer(instance, port);
	const base = `http://localhost:${port}`;
	const setup = await fetch(`${base}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(DEV_OWNER),
	});
	console.log(`\nn8n ${instance.version} editor: ${base}`);
	console.log(setup.ok ? `Log in as ${DEV_OWNER.email} / ${DEV_OWNER.password}` : 'Log in with the owner account you set up.');
	console.log(`Ozon sandbox: ${sandboxUrl} (credential "Ozon sandbox"; products SKU-001 … SKU-020)`);
	console.log('Examples imported: "Ozon: nightly image sync from a sheet", "…push images when an upload arrives", "…back up product images", "…failed products to the error output", "…push now, check the result later", and the storage ones: "…photos when they land in R2 / MinIO / S3", "…nightly photo sync from a bucket" (Run now works against the sandbox).');
	console.log('Ctrl+C to stop.');
	const stop = async () => {
		await stopServer(server);
		await sandbox.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
