/**
 * The packed package installed into a real n8n the way n8n installs community packages, running the
 * example workflows from examples/ against the Ozon sandbox, on the latest 2.x (Node 24) and the last
 * 1.x line (Node 20). Asserts on each item of the node's output and on the sandbox's state afterwards.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { OzonSandbox } from '../../sandbox/server';
import { listingEntry, minioEvent, r2Event, s3Event, snsNotification, workerBatch } from '../fixtures/storageEvents';
import {
	ROOT,
	activateWorkflow,
	createInstance,
	freePort,
	importCredential,
	importWorkflow,
	nodeOutput,
	nodeOutputs,
	packPackage,
	type WorkflowFile,
	startServer,
	stopServer,
	type N8nInstance,
	type N8nLine,
} from '../../scripts/lib/n8nHost';

const LINES = (process.env.E2E_N8N_LINES ?? '2.x,1.x').split(',').map((line) => line.trim()) as N8nLine[];
const CREDENTIAL = { id: 'ozonSandbox', name: 'Ozon sandbox' };
const API_KEY = 'sandbox-api-key';
const example = (name: string) => path.join(ROOT, 'examples', name);

type Result = { success: boolean; data: Record<string, unknown>; errors: Array<Record<string, unknown>>; warnings: unknown[] };
/** A result in Options → Output "Flat Row". */
type Row = Record<string, unknown>;
const ROW_COLUMNS = ['offer_id', 'product_id', 'success', 'status', 'images_before', 'images_after', 'task_id', 'errors', 'warnings'];

/** A public-looking name the n8n process resolves to 127.0.0.1 (test/e2e/support/resolve-names.cjs). */
const LOOPBACK_NAME = 'images.loopback-e2e.example.net';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-e2e-'));
let tarball: string;

beforeAll(() => {
	tarball = packPackage(work);
});

/** Sets the Ozon nodes of a workflow to n8n's default On Error, Stop Workflow. */
function stopWorkflowOnError(workflow: WorkflowFile): void {
	for (const node of workflow.nodes as Array<WorkflowFile['nodes'][number] & { onError?: string }>) {
		if (node.type === 'n8n-nodes-ozon-seller.ozonSeller') delete node.onError;
	}
}

/** A workflow file: manual trigger → a Code node emitting `rows` → one Ozon node with `parameters` and node settings. */
function rowsWorkflow(file: string, rows: Array<Record<string, unknown>>, parameters: Record<string, unknown>, settings: Record<string, unknown> = {}): string {
	fs.writeFileSync(
		file,
		JSON.stringify({
			name: path.basename(file, '.json'),
			nodes: [
				{ id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'rows', name: 'Rows', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode: `return ${JSON.stringify(rows)}.map((json) => ({ json }));` } },
				{ id: 'ozon', name: 'Ozon', type: 'n8n-nodes-ozon-seller.ozonSeller', typeVersion: 1, position: [440, 0], parameters, ...settings },
			],
			connections: { Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] }, Rows: { main: [[{ node: 'Ozon', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		}),
	);
	return file;
}

/** A local HTTP server that records every request; `answer` decides the reply. */
async function recordingServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
	const requests: Array<{ method?: string; url?: string; apiKey?: string | string[] }> = [];
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method, url: req.url, apiKey: req.headers['api-key'] });
		req.resume();
		answer(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { requests, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.each(LINES)('n8n %s', (line) => {
	let sandbox: OzonSandbox;
	let instance: N8nInstance;
	const backupDir = path.join(work, `files-${line}`);
	// A Base URL that redirects every call to another host, which must never see a request.
	let elsewhere: Awaited<ReturnType<typeof recordingServer>>;
	let redirector: Awaited<ReturnType<typeof recordingServer>>;

	beforeAll(async () => {
		elsewhere = await recordingServer((_req, res) => {
			res.setHeader('Content-Type', 'application/json');
			res.end(JSON.stringify({ items: [], roles: [] }));
		});
		redirector = await recordingServer((req, res) => {
			res.statusCode = 307;
			res.setHeader('Location', `${elsewhere.url}${req.url ?? '/'}`);
			res.end();
		});
		sandbox = new OzonSandbox({ processingMs: 1000 });
		const url = await sandbox.start();
		instance = createInstance(line, path.join(work, `user-${line}`), tarball);
		instance.env.N8N_RESTRICT_FILE_ACCESS_TO = backupDir;
		// Stands in for a hostile DNS record: LOOPBACK_NAME resolves to 127.0.0.1 inside n8n.
		instance.env.NODE_OPTIONS = `${instance.env.NODE_OPTIONS ?? ''} --require ${path.join(ROOT, 'test', 'e2e', 'support', 'resolve-names.cjs')}`.trim();
		instance.env.OZON_E2E_RESOLVE = `${LOOPBACK_NAME}=127.0.0.1`;
		fs.mkdirSync(backupDir, { recursive: true });
		await importCredential(instance, { ...CREDENTIAL, clientId: '123456', apiKey: API_KEY, baseUrl: url });
		await importCredential(instance, { id: 'ozonWrongKey', name: 'Ozon wrong key', clientId: '123456', apiKey: 'WRONG-KEY-e2e-4242', baseUrl: url });
		await importCredential(instance, { id: 'ozonRedirects', name: 'Ozon redirects', clientId: '123456', apiKey: 'REDIRECT-KEY-e2e-7171', baseUrl: redirector.url });
		await importWorkflow(instance, example('bulk-sync-from-sheet.json'), 'bulkSync0000001', CREDENTIAL);
		// With n8n's default On Error (Stop Workflow), a failure of the whole run stops it.
		await importWorkflow(instance, example('bulk-sync-from-sheet.json'), 'bulkSyncWrongKy', { id: 'ozonWrongKey', name: 'Ozon wrong key' }, stopWorkflowOnError);
		await importWorkflow(instance, example('bulk-sync-from-sheet.json'), 'bulkSyncRedirct', { id: 'ozonRedirects', name: 'Ozon redirects' }, stopWorkflowOnError);
		await importWorkflow(instance, example('backup-images-to-file.json'), 'backupImages001', CREDENTIAL, (workflow) => {
			const save = workflow.nodes.find((node) => node.name === 'Save the backup');
			if (save) save.parameters.fileName = path.join(backupDir, 'ozon-image-backup.json');
		});
		await importWorkflow(instance, example('webhook-upload-push.json'), 'webhookPush0001', CREDENTIAL);
		await importWorkflow(instance, example('push-with-error-output.json'), 'errorOutput0001', CREDENTIAL);
	});

	afterAll(async () => {
		elsewhere?.server.close();
		redirector?.server.close();
		await sandbox?.stop();
	});

	it('(b) bulk sync from sheet rows: one flat row per row for the sheet, paired, and Ozon holds what the rows claim', async () => {
		const photoCount = (offer: string) => {
			const product = sandbox.store.byOffer(offer);
			return (product?.primary_image.length ?? 0) + (product?.images.length ?? 0);
		};
		const before = photoCount('SKU-001');
		const { status, result, stdout } = await instance.execute('bulkSync0000001');
		// On failure, show what n8n printed.
		expect({ status, parsed: result !== undefined, printed: result ? '' : stdout.slice(-3000) }).toEqual({ status: 0, parsed: true, printed: '' });
		const [pushed] = nodeOutputs(result, 'Push images to Ozon');
		expect(pushed.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4, 5, 6].map((item) => ({ item })));
		const rows = pushed.map((item) => item.json as Row);
		// Options → Output "Flat Row": the same columns on every row, nothing nested.
		for (const row of rows) expect(Object.keys(row)).toEqual(ROW_COLUMNS);
		expect(rows.map((row) => [row.offer_id, row.success, row.status])).toEqual([
			['SKU-001', true, 'imported'],
			['SKU-002', true, 'imported'],
			['SKU-003', false, 'imported'],
			['SKU-004', false, 'failed'],
			['SKU-404', false, 'invalid'],
			['SKU-005', false, 'invalid'],
			['SKU-006', false, 'invalid'],
		]);
		const products = new Map([...sandbox.store.products.values()].map((product) => [product.offer_id, product]));
		sandbox.processDueTasks();
		expect(rows[0]).toEqual({
			offer_id: 'SKU-001',
			product_id: products.get('SKU-001')?.id,
			success: true,
			status: 'imported',
			images_before: before,
			images_after: photoCount('SKU-001'),
			task_id: expect.any(Number),
			errors: '',
			warnings: '',
		});
		expect(rows[2].errors).toMatch(/^images\[1\]: .*https:\/\/broken\.example\/SKU-003\/back\.jpg/);
		expect(rows[6].errors).toBe('images[1]: URL must start with http:// or https:// (got ftp) (ftp://img.example.com/SKU-006/2.jpg)');
		expect(rows[4]).toMatchObject({ offer_id: 'SKU-404', product_id: null, images_before: null, images_after: null, task_id: null, errors: expect.stringMatching(/^offer_id: /) });

		expect(products.get('SKU-001')).toMatchObject({ primary_image: ['https://img.example.com/SKU-001/front.jpg'], images: ['https://img.example.com/SKU-001/back.jpg'] });
		expect(products.get('SKU-002')).toMatchObject({ primary_image: ['https://img.example.com/SKU-002/main.jpg'], images: ['https://img.example.com/SKU-002/front.jpg', 'https://img.example.com/SKU-002/side.jpg'] });
		// Failed and invalid items changed nothing.
		expect(products.get('SKU-004')?.primary_image).toEqual(['https://cdn1.ozone.ru/s3/multimedia-seed/SKU-004-main.jpg']);
		expect(products.get('SKU-005')?.primary_image).toEqual(['https://cdn1.ozone.ru/s3/multimedia-seed/SKU-005-main.jpg']);
		expect(products.get('SKU-006')?.primary_image).toEqual(['https://cdn1.ozone.ru/s3/multimedia-seed/SKU-006-main.jpg']);

		// The Google Sheets "Append or Update Row" node (switched off in the example, so it passes its
		// input on) receives exactly these rows, one per product, keyed by offer_id.
		const [written] = nodeOutputs(result, 'Write results to the sheet');
		expect(written.map((item) => item.json)).toEqual(rows);

		const [summary] = nodeOutput(result, 'Summary of failures');
		expect(summary).toMatchObject({ total: 7, succeeded: 2, failed: 5 });
		expect((summary.failures as Row[])[4]).toEqual({ offer_id: 'SKU-006', status: 'invalid', reasons: rows[6].errors });
		expect(stdout).not.toContain(API_KEY);
	});

	it('(d) On Error → Continue (using error output): the error output gets exactly the failed items, paired, with their result', async () => {
		const seeded = (offer: string) => structuredClone(sandbox.store.byOffer(offer));
		const untouched = ['SKU-011', 'SKU-012', 'SKU-013'].map(seeded);
		const { status, result, stdout } = await instance.execute('errorOutput0001');
		expect({ status, parsed: result !== undefined, printed: result ? '' : stdout.slice(-3000) }).toEqual({ status: 0, parsed: true, printed: '' });
		const outputs = nodeOutputs(result, 'Push images to Ozon');
		expect(outputs).toHaveLength(2);
		const [success, failed] = outputs;
		expect(success.map((item) => [item.pairedItem, item.json.success, (item.json as Result).data.offer_id, (item.json as Result).data.status])).toEqual([
			[{ item: 0 }, true, 'SKU-010', 'imported'],
		]);
		expect(failed.map((item) => [item.pairedItem, item.json.success, (item.json as Result).data.status, (item.json as Result).errors.map((error) => error.field)])).toEqual([
			[{ item: 1 }, false, 'invalid', ['offer_id']],
			[{ item: 2 }, false, 'invalid', ['images']],
			[{ item: 3 }, false, 'invalid', ['mode']],
			[{ item: 4 }, false, 'invalid', ['mode']],
		]);
		// The node's whole result, over the fields of the row it came from (n8n adds those to error-output items).
		expect(failed[1].json).toEqual({
			article: 'SKU-011',
			photos: 'https://img.example.com/SKU-011/front.jpg, ftp://img.example.com/SKU-011/back.jpg',
			mode: 'replace',
			success: false,
			data: { offer_id: 'SKU-011', status: 'invalid' },
			errors: [{ field: 'images', index: 1, url: 'ftp://img.example.com/SKU-011/back.jpg', reason: 'URL must start with http:// or https:// (got ftp)' }],
			warnings: [],
		});
		expect((failed[2].json as Result).errors).toEqual([{ field: 'mode', reason: 'Mode must be Replace, Append or Prepend (got "upsert")' }]);
		expect((failed[3].json as Result).errors).toEqual([{ field: 'mode', reason: 'Mode must be Replace, Append or Prepend (got "overwrite")' }]);
		expect((failed[0].json as Result).data.offer_id).toBe('SKU-999');

		// Each branch ran on its own items.
		expect(nodeOutput(result, 'Confirmed on Ozon')).toHaveLength(1);
		const [alert] = nodeOutput(result, 'Alert about failures');
		expect(alert.failed).toBe(4);
		for (const offer of ['SKU-999', 'SKU-011', 'SKU-012', 'SKU-013']) expect(alert.text).toContain(offer);

		sandbox.processDueTasks();
		expect(sandbox.store.byOffer('SKU-010')).toMatchObject({ primary_image: ['https://img.example.com/SKU-010/front.jpg'], images: ['https://img.example.com/SKU-010/back.jpg'] });
		expect(['SKU-011', 'SKU-012', 'SKU-013'].map(seeded)).toEqual(untouched);
	});

	it('(c) get images and back them up to a file', async () => {
		const { status, result } = await instance.execute('backupImages001');
		expect(status).toBe(0);
		const output = nodeOutput(result, 'Get images from Ozon') as unknown as Result[];
		expect(output.map((item) => item.success)).toEqual([true, true, true]);
		const backup = JSON.parse(fs.readFileSync(path.join(backupDir, 'ozon-image-backup.json'), 'utf8')) as Result[];
		expect(backup).toHaveLength(3);
		for (const entry of backup) {
			const product = sandbox.store.byOffer(entry.data.offer_id as string);
			expect(entry.data).toMatchObject({ product_id: product?.id, primary_image: product?.primary_image[0] ?? null, images: product?.images });
		}
	});

	it('Check URLs First and a public-looking name that resolves to 127.0.0.1: refused by n8n\'s egress filter on 2.x; 1.x probes it', async () => {
		// A local "image host" that counts what reaches it.
		const reached: string[] = [];
		const imageHost = http.createServer((req, res) => {
			reached.push(`${req.method} ${req.url}`);
			res.statusCode = 404;
			res.end();
		});
		await new Promise<void>((resolve) => imageHost.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = imageHost.address() as AddressInfo;
			const url = `http://${LOOPBACK_NAME}:${port}/sku-009/front.jpg`;
			const file = path.join(work, `check-urls-${line}.json`);
			fs.writeFileSync(
				file,
				JSON.stringify({
					name: 'Check URLs First meets a name that resolves to loopback',
					nodes: [
						{ id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
						{
							id: 'ozon',
							name: 'Push checked',
							type: 'n8n-nodes-ozon-seller.ozonSeller',
							typeVersion: 1,
							position: [220, 0],
							parameters: { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: 'SKU-009', images: url, options: { checkUrls: true } },
							// The failed item itself is what this test reads.
							onError: 'continueRegularOutput',
						},
					],
					connections: { Start: { main: [[{ node: 'Push checked', type: 'main', index: 0 }]] } },
					settings: { executionOrder: 'v1' },
				}),
			);
			const workflowId = `checkUrlsLoop${line === '2.x' ? '2' : '1'}x`;
			await importWorkflow(instance, file, workflowId, CREDENTIAL);
			const before = sandbox.store.byOffer('SKU-009')?.images;
			const { status, result, stdout } = await instance.execute(workflowId);
			// Under load n8n 2.x's `execute` has exited 1 here now and then after printing a complete,
			// error-free result (cause not found yet). The run itself must have no error.
			expect({ parsed: result !== undefined, printed: result ? '' : stdout.slice(-3000), runError: result?.data.resultData.error?.message }).toEqual({ parsed: true, printed: '', runError: undefined });
			expect([0, 1]).toContain(status);
			const [item] = nodeOutput(result, 'Push checked') as unknown as Result[];
			expect(item).toMatchObject({ success: false, data: { status: 'invalid' } });
			if (line === '2.x') {
				// n8n-workflow >= 2.30: the name is resolved and 127.0.0.1 refused, although the instance has SSRF protection off.
				expect(item.errors).toEqual([{ field: 'images', index: 0, url, reason: `Refused to check: ${LOOPBACK_NAME} resolves to 127.0.0.1, an address n8n's egress rules block` }]);
				expect(reached).toEqual([]);
			} else {
				// n8n 1.x has no egress filter for nodes: only the address as written is screened, so the name is
				// probed (docs/security.md, "What n8n adds"). The local host answers 404, which fails the item.
				expect(item.errors).toEqual([{ field: 'images', index: 0, url, reason: 'Answers HTTP 404' }]);
				expect(reached).toEqual(['HEAD /sku-009/front.jpg']);
			}
			// Nothing went to Ozon for this item.
			expect(sandbox.store.byOffer('SKU-009')?.images).toEqual(before);
		} finally {
			imageHost.close();
		}
	});

	it('a Base URL that redirects: the run stops naming the status and the host, and the key never reaches that host', async () => {
		const { status, stdout } = await instance.execute('bulkSyncRedirct');
		expect(status).not.toBe(0);
		expect(stdout).toContain(`The Base URL answered /v3/product/info/list with a redirect (HTTP 307) to ${new URL(elsewhere.url).host}`);
		// The key's expiry read (/v1/roles, best effort) meets the redirect first and is dropped; the lookup stops the run.
		expect(redirector.requests).toEqual([
			{ method: 'POST', url: '/v1/roles', apiKey: 'REDIRECT-KEY-e2e-7171' },
			{ method: 'POST', url: '/v3/product/info/list', apiKey: 'REDIRECT-KEY-e2e-7171' },
		]);
		expect(elsewhere.requests).toEqual([]);
		expect(stdout).not.toContain('REDIRECT-KEY-e2e-7171');
	});

	it('(s) storage objects: R2 events in reverse order, an encoded S3 key, S3 in SNS, MinIO, a listing, a deletion and an outsider go in one import; each product holds exactly its photos in order, every item has its output', async () => {
		const base = 'https://photos.example.com';
		const rows = [
			workerBatch(r2Event('products/SKU-018/2.jpg'), r2Event('products/SKU-018/1.jpg')),
			s3Event(['products/SKU-019/1+front.jpg']),
			snsNotification(s3Event(['products/SKU-019/2.jpg'])),
			minioEvent('products/SKU-020/1.jpg', 'products%2FSKU-020%2F1.jpg'),
			listingEntry('products/SKU-018/3.jpg'),
			r2Event('products/SKU-005/1.jpg', 'DeleteObject'),
			r2Event('products/SKU-006/thumbs/1.jpg'),
		];
		const file = rowsWorkflow(
			path.join(work, `storage-${line}.json`),
			rows,
			{ resource: 'productImage', operation: 'push', imageSource: 'storageObjects', storageObject: '={{ $json }}', publicBaseUrl: base, keyPattern: 'products/{offer_id}/*', mode: 'replace', options: {} },
			{ onError: 'continueRegularOutput' },
		);
		const workflowId = `storage${line === '2.x' ? '2' : '1'}x000001`;
		await importWorkflow(instance, file, workflowId, CREDENTIAL);
		const untouched = ['SKU-005', 'SKU-006'].map((offer) => structuredClone(sandbox.store.byOffer(offer)));
		const importsBefore = sandbox.store.log.filter((entry) => entry.path === '/v2/product/pictures/import').length;
		const { status, result, stdout } = await instance.execute(workflowId);
		expect({ status, printed: result ? '' : stdout.slice(-3000) }).toEqual({ status: 0, printed: '' });

		const output = nodeOutput(result, 'Ozon') as Result[];
		expect(output.map((item) => [item.success, item.data.status, item.data.offer_id])).toEqual([
			[true, 'imported', 'SKU-018'],
			[true, 'imported', 'SKU-019'],
			[true, 'imported', 'SKU-019'],
			[true, 'imported', 'SKU-020'],
			[true, 'imported', 'SKU-018'],
			[true, 'ignored', undefined],
			[true, 'ignored', undefined],
		]);
		expect(nodeOutputs(result, 'Ozon')[0].map((item) => item.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
		expect(sandbox.store.log.filter((entry) => entry.path === '/v2/product/pictures/import').length - importsBefore).toBe(1);
		sandbox.processDueTasks();
		const photos = (offer: string) => {
			const product = sandbox.store.byOffer(offer);
			return [...(product?.primary_image ?? []), ...(product?.images ?? [])];
		};
		expect(photos('SKU-018')).toEqual([1, 2, 3].map((n) => `${base}/products/SKU-018/${n}.jpg`));
		expect(photos('SKU-019')).toEqual([`${base}/products/SKU-019/1%20front.jpg`, `${base}/products/SKU-019/2.jpg`]);
		expect(photos('SKU-020')).toEqual([`${base}/products/SKU-020/1.jpg`]);
		expect(['SKU-005', 'SKU-006'].map((offer) => sandbox.store.byOffer(offer))).toEqual(untouched);
	});

	it('On Error → Stop Workflow: every product is pushed, then the run stops on the first failed item, its reason in the message, the count in the description', async () => {
		const file = rowsWorkflow(
			path.join(work, `stop-push-${line}.json`),
			[
				{ article: 'SKU-014', photos: 'https://img.example.com/SKU-014/front.jpg, https://img.example.com/SKU-014/back.jpg' },
				{ article: 'SKU-998', photos: 'https://img.example.com/SKU-998/front.jpg' },
				{ article: 'SKU-015', photos: 'https://img.example.com/SKU-015/front.jpg, ftp://img.example.com/SKU-015/back.jpg' },
			],
			{ resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.article }}', images: '={{ $json.photos }}', options: {} },
		);
		const workflowId = `stopPush${line === '2.x' ? '2' : '1'}x00001`;
		await importWorkflow(instance, file, workflowId, CREDENTIAL);
		const untouched = structuredClone(sandbox.store.byOffer('SKU-015'));
		const { status, result, stdout } = await instance.execute(workflowId);
		expect(status).not.toBe(0);
		// The error as n8n stores it with the execution, which the editor shows: message, description, item.
		expect({ parsed: result !== undefined, printed: result ? '' : stdout.slice(-3000) }).toEqual({ parsed: true, printed: '' });
		const error = result?.data.resultData.error;
		expect(error).toMatchObject({
			message: 'Failed on item 1 (SKU-998): offer_id: No product with offer_id "SKU-998" in this Ozon account',
			description: expect.stringMatching(/^2 of 3 items failed; the other 1 was pushed\. Failed items: 1 \(SKU-998\), 2 \(SKU-015\)\. Set On Error \(node settings\) to 'Continue \(using error output\)'/),
			node: expect.objectContaining({ name: 'Ozon' }),
		});
		expect(error?.context?.itemIndex).toBe(1);
		expect(stdout).toContain('Failed on item 1 (SKU-998)');
		expect(stdout).not.toContain(API_KEY);
		// The good product was pushed before the run stopped; the invalid one was not sent.
		sandbox.processDueTasks();
		expect(sandbox.store.byOffer('SKU-014')).toMatchObject({ primary_image: ['https://img.example.com/SKU-014/front.jpg'], images: ['https://img.example.com/SKU-014/back.jpg'] });
		expect(sandbox.store.byOffer('SKU-015')).toEqual(untouched);
	});

	it('On Error → Stop Workflow on Get Images: the run stops on the product Ozon does not know, after reading the others', async () => {
		const file = rowsWorkflow(path.join(work, `stop-get-${line}.json`), [{ article: 'SKU-016' }, { article: 'SKU-997' }, { article: 'SKU-017' }], {
			resource: 'productImage',
			operation: 'get',
			identifyBy: 'offerId',
			offerId: '={{ $json.article }}',
			options: {},
		});
		const workflowId = `stopGet${line === '2.x' ? '2' : '1'}x000001`;
		await importWorkflow(instance, file, workflowId, CREDENTIAL);
		const { status, result, stdout } = await instance.execute(workflowId);
		expect(status).not.toBe(0);
		expect({ parsed: result !== undefined, printed: result ? '' : stdout.slice(-3000) }).toEqual({ parsed: true, printed: '' });
		expect(result?.data.resultData.error).toMatchObject({
			message: 'Failed on item 1 (SKU-997): offer_id: No product with offer_id "SKU-997" in this Ozon account',
			description: expect.stringMatching(/^1 of 3 items failed; the other 2 were read\. Set On Error/),
		});
		expect(result?.data.resultData.error?.context?.itemIndex).toBe(1);
	});

	it('(#24) Get Images by an older SKU reaches the product, and a push by that SKU sets its photos', async () => {
		// A product whose current SKU replaced an older one: Ozon finds it by either, naming the older only under sources[].sku.
		const seeded = sandbox.store.byOffer('SKU-001');
		sandbox.store.products.set(100021, { ...structuredClone(seeded), id: 100021, offer_id: 'SKU-021', sku: 2000000021, olderSkus: [1900000021] } as NonNullable<typeof seeded>);
		const get = rowsWorkflow(path.join(work, `older-sku-get-${line}.json`), [{ sku: '1900000021' }], { resource: 'productImage', operation: 'get', identifyBy: 'sku', sku: '={{ $json.sku }}', options: {} });
		const getId = `olderSkuGet${line === '2.x' ? '2' : '1'}x01`;
		await importWorkflow(instance, get, getId, CREDENTIAL);
		const read = await instance.execute(getId);
		expect({ status: read.status, printed: read.result ? '' : read.stdout.slice(-3000) }).toEqual({ status: 0, printed: '' });
		const [found] = nodeOutput(read.result, 'Ozon') as unknown as Result[];
		expect(found).toMatchObject({ success: true, data: { offer_id: 'SKU-021', product_id: 100021, sku: 2000000021, status: 'ok' } });
		expect(found.warnings).toEqual([{ field: 'sku', message: "Found by an older SKU of the product, 1900000021: Ozon's current SKU for it is 2000000021 (shown in sku)" }]);

		const push = rowsWorkflow(path.join(work, `older-sku-push-${line}.json`), [{ sku: 1900000021, photos: 'https://img.example.com/SKU-021/front.jpg;https://img.example.com/SKU-021/img;v=2/back.jpg' }], {
			resource: 'productImage',
			operation: 'push',
			identifyBy: 'sku',
			sku: '={{ $json.sku }}',
			images: '={{ $json.photos }}',
			options: {},
		});
		const pushId = `olderSkuPsh${line === '2.x' ? '2' : '1'}x01`;
		await importWorkflow(instance, push, pushId, CREDENTIAL);
		const pushed = await instance.execute(pushId);
		expect({ status: pushed.status, printed: pushed.result ? '' : pushed.stdout.slice(-3000) }).toEqual({ status: 0, printed: '' });
		const [result] = nodeOutput(pushed.result, 'Ozon') as unknown as Result[];
		expect(result).toMatchObject({ success: true, data: { offer_id: 'SKU-021', product_id: 100021, sku: 1900000021, status: 'imported' } });
		// The semicolon inside the second URL stayed in it; the main photo was named in the import.
		expect(sandbox.store.products.get(100021)).toMatchObject({ primary_image: ['https://img.example.com/SKU-021/front.jpg'], images: ['https://img.example.com/SKU-021/img;v=2/back.jpg'] });
	});

	it('(#24) an offer_id that arrives as a number past 2^53 fails its item, and nothing is sent for it', async () => {
		const file = rowsWorkflow(
			path.join(work, `big-number-${line}.json`),
			// As a spreadsheet column of 20-digit articles arrives: a JSON number, already rounded.
			[{ article: JSON.parse('12345678901234567890') as number, photos: 'https://img.example.com/big/1.jpg' }],
			{ resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.article }}', images: '={{ $json.photos }}', options: {} },
			{ onError: 'continueRegularOutput' },
		);
		const workflowId = `bigNumber${line === '2.x' ? '2' : '1'}x00001`;
		await importWorkflow(instance, file, workflowId, CREDENTIAL);
		const logged = sandbox.store.log.length;
		const { status, result, stdout } = await instance.execute(workflowId);
		expect({ status, printed: result ? '' : stdout.slice(-3000) }).toEqual({ status: 0, printed: '' });
		const [item] = nodeOutput(result, 'Ozon') as unknown as Result[];
		expect(item).toMatchObject({ success: false, data: { status: 'invalid' } });
		expect(item.errors).toEqual([
			{
				field: 'offer_id',
				reason:
					'Offer ID came as the number 12345678901234567000, past 2^53 (9007199254740991), where a JSON number no longer holds every digit: its last digits may already be lost, so nothing was sent. Give it as text (a text column in the sheet, or a string in the expression)',
			},
		]);
		// Nothing reached Ozon for it: no lookup, no import (the key's expiry check is all a run may ask).
		expect(sandbox.store.log.slice(logged).map((entry) => entry.path).filter((path) => path !== '/v1/roles')).toEqual([]);
	});

	it('(#24) Push with Wait for Result off, then Get Push Result by the task_id: each product reported imported, paired to its row, with no second import', async () => {
		const workflowId = `pushThenGet${line === '2.x' ? '2' : '1'}x01`;
		await importWorkflow(instance, example('push-then-get-result.json'), workflowId, CREDENTIAL, (workflow) => {
			// Ozon (the sandbox) takes 1 s here: a 3 s Wait is enough, and keeps the run short.
			const wait = workflow.nodes.find((node) => node.name === 'Wait for Ozon');
			if (wait) wait.parameters.amount = 3;
		});
		const imports = () => sandbox.store.log.filter((entry) => entry.path === '/v2/product/pictures/import').length;
		const importsBefore = imports();
		const { status, result, stdout } = await instance.execute(workflowId);
		expect({ status, parsed: result !== undefined, printed: result ? '' : stdout.slice(-3000) }).toEqual({ status: 0, parsed: true, printed: '' });

		const [pushed, notSent] = nodeOutputs(result, 'Push images to Ozon');
		expect(notSent ?? []).toEqual([]);
		const taskIds = pushed.map((item) => (item.json as Result).data.task_id);
		expect(pushed.map((item) => [item.pairedItem, (item.json as Result).data.offer_id, (item.json as Result).data.status])).toEqual([
			[{ item: 0 }, 'SKU-018', 'pending'],
			[{ item: 1 }, 'SKU-019', 'pending'],
			[{ item: 2 }, 'SKU-020', 'pending'],
		]);
		expect(new Set(taskIds).size).toBe(1);

		const [onOzon, failed] = nodeOutputs(result, 'Get push result');
		expect(failed ?? []).toEqual([]);
		expect(onOzon.map((item) => [item.pairedItem, (item.json as Result).success, (item.json as Result).data.offer_id, (item.json as Result).data.status, (item.json as Result).data.task_id])).toEqual([
			[{ item: 0 }, true, 'SKU-018', 'imported', taskIds[0]],
			[{ item: 1 }, true, 'SKU-019', 'imported', taskIds[0]],
			[{ item: 2 }, true, 'SKU-020', 'imported', taskIds[0]],
		]);
		expect((onOzon[0].json as Result).data.current_images).toEqual(['https://img.example.com/SKU-018/front.jpg', 'https://img.example.com/SKU-018/back.jpg']);
		expect(nodeOutput(result, 'On Ozon')).toHaveLength(3);
		// One import for the three products, and none from Get Push Result.
		expect(imports() - importsBefore).toBe(1);
		expect(sandbox.store.byOffer('SKU-020')).toMatchObject({ primary_image: ['https://img.example.com/SKU-020/front.jpg'], images: ['https://img.example.com/SKU-020/side.jpg'] });
	});

	it('a wrong API key stops the run with a clear error that does not show the key', async () => {
		const { status, stdout } = await instance.execute('bulkSyncWrongKy');
		expect(status).not.toBe(0);
		// Ozon's words are quoted in the message (n8n may print it JSON-escaped).
		expect(stdout).toContain('Ozon refused access to /v3/product/info/list (HTTP 403)');
		expect(stdout).toContain('Invalid Api-Key, please contact support');
		expect(stdout).not.toContain('WRONG-KEY-e2e-4242');
	});

	it('(a) webhook: an upload notification pushes the images and answers with the result; the credential test works', async () => {
		await activateWorkflow(instance, 'webhookPush0001');
		const port = await freePort();
		const server = await startServer(instance, port);
		try {
			const post = async (body: unknown) => {
				const send = () =>
					fetch(`http://127.0.0.1:${port}/webhook/ozon-images`, {
						method: 'POST',
						headers: { 'Content-Type': 'application/json' },
						body: JSON.stringify(body),
					});
				let response = await send();
				// Active workflows are registered just after start-up: give it a few seconds.
				for (let attempt = 0; attempt < 30 && response.status === 404; attempt++) {
					await new Promise((resolve) => setTimeout(resolve, 1000));
					response = await send();
				}
				const text = await response.text();
				try {
					return { status: response.status, json: JSON.parse(text) as Result };
				} catch {
					throw new Error(`webhook answered ${response.status}: ${text.slice(0, 500)}`);
				}
			};
			const ok = await post({ offer_id: 'SKU-007', urls: ['https://r2.example.com/SKU-007/1.jpg', 'https://r2.example.com/SKU-007/2.jpg'] });
			expect(ok.status).toBe(200);
			expect(ok.json).toMatchObject({ success: true, data: { offer_id: 'SKU-007', status: 'imported' } });
			expect(sandbox.store.byOffer('SKU-007')).toMatchObject({ primary_image: ['https://r2.example.com/SKU-007/1.jpg'], images: ['https://r2.example.com/SKU-007/2.jpg'] });

			const appended = await post({ offer_id: 'SKU-007', urls: ['https://r2.example.com/SKU-007/3.jpg'], mode: 'append' });
			expect(appended.json.success).toBe(true);
			expect(sandbox.store.byOffer('SKU-007')?.images).toEqual(['https://r2.example.com/SKU-007/2.jpg', 'https://r2.example.com/SKU-007/3.jpg']);

			// A failed push takes the error output, whose Respond to Webhook answers 422 with the result alone.
			const bad = await post({ offer_id: 'SKU-008', urls: [] });
			expect(bad.status).toBe(422);
			expect(bad.json).toEqual({ success: false, data: { offer_id: 'SKU-008', status: 'invalid' }, errors: [expect.objectContaining({ field: 'images' })], warnings: [] });
			const unknown = await post({ offer_id: 'SKU-996', urls: ['https://r2.example.com/SKU-996/1.jpg'] });
			expect(unknown.status).toBe(422);
			expect(unknown.json).toMatchObject({ success: false, data: { offer_id: 'SKU-996', status: 'invalid' }, errors: [{ field: 'offer_id' }] });

			// n8n's own credential test (the editor's "Test" button) tells a good key from a wrong one.
			const base = `http://127.0.0.1:${port}`;
			const owner = { email: 'e2e@example.com', password: 'Ozon-e2e-1234', firstName: 'E2E', lastName: 'Owner' };
			await fetch(`${base}/rest/owner/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(owner) });
			const login = await fetch(`${base}/rest/login`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ email: owner.email, emailOrLdapLoginId: owner.email, password: owner.password }),
			});
			const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
			const testKey = async (apiKey: string) => {
				const response = await fetch(`${base}/rest/credentials/test`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', cookie },
					body: JSON.stringify({ credentials: { id: CREDENTIAL.id, name: CREDENTIAL.name, type: 'ozonSellerApi', data: { clientId: '123456', apiKey, baseUrl: sandbox.url } } }),
				});
				return ((await response.json()) as { data: { status: string; message: string } }).data;
			};
			expect(await testKey(API_KEY)).toEqual({ status: 'OK', message: 'Connection successful!' });
			const wrong = await testKey('WRONG-KEY-e2e-4242');
			expect(wrong.status).toBe('Error');
			// 1.x does not apply the credential's response-code rules and shows its generic 403 text.
			expect(wrong.message).toBe(
				line === '2.x'
					? "Ozon refused this Client ID / API Key (HTTP 403): the key may be wrong, deactivated or expired, may lack the Product (or Admin) role, or the seller may not have accepted Ozon's offer agreement"
					: 'Forbidden - perhaps check your credentials?',
			);

			// A Base URL that redirects fails the test, and the key is not forwarded to the other host.
			const seenBefore = elsewhere.requests.length;
			const redirectResponse = await fetch(`${base}/rest/credentials/test`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', cookie },
				body: JSON.stringify({ credentials: { id: 'ozonRedirects', name: 'Ozon redirects', type: 'ozonSellerApi', data: { clientId: '123456', apiKey: API_KEY, baseUrl: redirector.url } } }),
			});
			const redirected = ((await redirectResponse.json()) as { data: { status: string; message: string } }).data;
			expect(redirected.status).toBe('Error');
			if (line === '2.x') expect(redirected.message).toMatch(/^The Base URL answered with a redirect \(HTTP 307\)/);
			expect(elsewhere.requests.length).toBe(seenBefore);
		} finally {
			await stopServer(server);
		}
	});
});
