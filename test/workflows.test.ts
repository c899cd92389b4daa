/** Saved workflow JSON (as the n8n editor exports it) run through n8n-core's execution engine. */
import fs from 'node:fs';
import path from 'node:path';

import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { OzonSandbox } from '../sandbox/server';
import { seedProducts } from '../sandbox/store';
import pushSheetRows from './fixtures/workflows/push-sheet-rows.json';
import { S3_TEST_EVENT, minioEvent, r2Event, s3Event, snsNotification, webhookItem, workerBatch } from './fixtures/storageEvents';
import { OZON_NODE_NAME, ozonWorkflow, runWorkflow, startWorkflow, type WorkflowJson } from './helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, product } from './helpers/ozonMock';
import { useFastTiming } from './helpers/timing';
import { useVirtualTime } from './helpers/virtualTime';

useFastTiming();

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's turns, polls and read-back waits pass in no real time. */
useVirtualTime();

test('push-sheet-rows.json: rows become one import, each row one paired result', async () => {
	mockInfoList([product(1), product(2)]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	// Ozon's copies of the photos sent, one for one.
	mockPicturesInfo((id) => ({ primary_photo: [], photo: id === 1001 ? ['https://cdn1.ozone.ru/s3/multimedia-t/1a.jpg', 'https://cdn1.ozone.ru/s3/multimedia-t/1b.jpg'] : ['https://cdn1.ozone.ru/s3/multimedia-t/2m.jpg', 'https://cdn1.ozone.ru/s3/multimedia-t/2a.jpg', 'https://cdn1.ozone.ru/s3/multimedia-t/2b.jpg'] }));

	const result = await runWorkflow(pushSheetRows as unknown as WorkflowJson, credentials);
	const output = result.output('Push to Ozon') ?? [];

	expect(imports.map((call) => call.items)).toEqual([
		[
			{ offer_id: 'SKU-001', primary_image: 'https://img.example/SKU-001/1.jpg', images: ['https://img.example/SKU-001/2.jpg'] },
			{ offer_id: 'SKU-002', primary_image: 'https://img.example/SKU-002/main.jpg', images: ['https://img.example/SKU-002/1.jpg', 'https://img.example/SKU-002/2.jpg'] },
		],
	]);
	expect(output.map((item) => [item.pairedItem, (item.json as IDataObject).success])).toEqual([
		[{ item: 0 }, true],
		[{ item: 1 }, true],
		[{ item: 2 }, false],
	]);
	expect((output[2].json.errors as IDataObject[])[0]).toEqual({ field: 'offer_id', reason: 'Offer ID is empty' });
});

/**
 * An example from examples/ as users import it: its Ozon node exactly as saved (parameters and node
 * settings), fed the rows of the Code node that stands in for its source. The examples run whole in
 * a real n8n in test/e2e/n8n.e2e.ts; this keeps their node settings under the offline suite too.
 */
function example(file: string, standIn: string, ozonNode: string): { workflow: WorkflowJson; rows: IDataObject[] } {
	const saved = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', file), 'utf8')) as WorkflowJson;
	const code = saved.nodes.find((node) => node.name === standIn)?.parameters.jsCode as string;
	// The stand-ins are plain data: their code needs nothing from n8n.
	const rows = (new Function(code)() as Array<{ json: IDataObject }>).map((row) => row.json);
	const node = saved.nodes.find((candidate) => candidate.name === ozonNode) as INode;
	return { workflow: ozonWorkflow(rows, node.parameters, { onError: node.onError }), rows };
}

test('bulk-sync-from-sheet.json: the push gives one flat row per sheet row, ready for Append or Update Row by offer_id', async () => {
	mockInfoList([1, 2, 3, 4, 5, 6].map((n) => product(n)));
	const imports = mockImportV2();
	mockImportInfo(imports);
	// Ozon reads back what the task set (the mocks keep each product's photos).
	mockPicturesInfo(() => ({}));

	const { workflow, rows } = example('bulk-sync-from-sheet.json', 'Sheet rows', 'Push images to Ozon');
	const output = (await runWorkflow(workflow, credentials)).output(OZON_NODE_NAME) ?? [];

	expect(output.map((item) => item.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
	for (const item of output) {
		expect(Object.keys(item.json)).toEqual(['offer_id', 'product_id', 'success', 'status', 'images_before', 'images_after', 'task_id', 'errors', 'warnings']);
	}
	expect(output.map((item) => [item.json.offer_id, item.json.success, item.json.status])).toEqual([
		['SKU-001', true, 'imported'],
		['SKU-002', true, 'imported'],
		['SKU-003', true, 'imported'],
		['SKU-004', true, 'imported'],
		['SKU-404', false, 'invalid'],
		['SKU-005', false, 'invalid'],
		['SKU-006', false, 'invalid'],
	]);
	expect(output[6].json.errors).toBe('images[1]: URL must start with http:// or https:// (got ftp) (ftp://img.example.com/SKU-006/2.jpg)');
});

test('push-with-error-output.json: confirmed products on Success, the four failed ones on Error, paired', async () => {
	mockInfoList([10, 11, 12, 13].map((n) => product(n)));
	const imports = mockImportV2();
	mockImportInfo(imports);
	// Ozon reads back what the task set (the mocks keep each product's photos).
	mockPicturesInfo(() => ({}));

	const { workflow } = example('push-with-error-output.json', 'Product rows', 'Push images to Ozon');
	const [success, failed] = (await runWorkflow(workflow, credentials)).outputs(OZON_NODE_NAME) ?? [];

	expect(success.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id])).toEqual([[{ item: 0 }, 'SKU-010']]);
	expect(failed.map((item) => [item.pairedItem, item.json.success, (item.json.errors as IDataObject[])[0].field])).toEqual([
		[{ item: 1 }, false, 'offer_id'],
		[{ item: 2 }, false, 'images'],
		[{ item: 3 }, false, 'mode'],
		[{ item: 4 }, false, 'mode'],
	]);
	expect(imports.map((call) => (call.items as IDataObject[]).map((item) => item.offer_id))).toEqual([['SKU-010']]);
});

test('webhook-upload-push.json: a confirmed push takes the first output, a failed one the error output, each with its result', async () => {
	mockInfoList([product(7)]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	// Ozon reads back what the task set (the mocks keep each product's photos).
	mockPicturesInfo(() => ({}));

	const saved = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', 'webhook-upload-push.json'), 'utf8')) as WorkflowJson;
	const node = saved.nodes.find((candidate) => candidate.name === 'Push images to Ozon') as INode;
	// What the Webhook node gives the push: the request under `body`.
	const requests = [
		{ headers: { 'content-type': 'application/json' }, body: { offer_id: 'SKU-007', urls: ['https://r2.example.com/SKU-007/1.jpg'] } },
		{ headers: { 'content-type': 'application/json' }, body: { offer_id: 'SKU-008', urls: [] } },
	];
	const [pushed, failed] = (await runWorkflow(ozonWorkflow(requests, node.parameters, { onError: node.onError }), credentials)).outputs(OZON_NODE_NAME) ?? [];

	expect(pushed.map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).offer_id])).toEqual([[{ item: 0 }, true, 'SKU-007']]);
	expect(failed.map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).status])).toEqual([[{ item: 1 }, false, 'invalid']]);
	// Each branch ends in its own Respond to Webhook: 200 for the confirmed push, 422 for the failed one.
	const respond = (name: string) => saved.nodes.find((candidate) => candidate.name === name)?.parameters.options as IDataObject;
	expect(saved.connections['Push images to Ozon'].main.map((branch) => branch?.map((connection) => respond(connection.node).responseCode))).toEqual([[200], [422]]);
	expect(imports.map((call) => (call.items as IDataObject[]).map((item) => item.offer_id))).toEqual([['SKU-007']]);
});

/**
 * The storage examples against the Ozon sandbox: each one's Ozon node exactly as saved, fed what its
 * source hands on (documented events, built in test/fixtures/storageEvents.ts, or the listing
 * stand-in's rows), and the sandbox's products read afterwards.
 */
describe('storage examples against the sandbox', () => {
	let sandbox: OzonSandbox;
	const SEED = (offer: string) => ({ primary_image: [`https://cdn1.ozone.ru/s3/multimedia-seed/${offer}-main.jpg`], images: [`https://cdn1.ozone.ru/s3/multimedia-seed/${offer}-1.jpg`] });

	beforeAll(() => nock.enableNetConnect('127.0.0.1'));
	beforeEach(async () => {
		sandbox = new OzonSandbox({ processingMs: 50 }, seedProducts(5));
		await sandbox.start();
	});
	afterEach(async () => sandbox.stop());

	const saved = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', file), 'utf8')) as WorkflowJson;
	const pushNode = (workflow: WorkflowJson) => workflow.nodes.find((node) => node.name === 'Push images to Ozon') as INode;
	const photos = (offer: string) => {
		const held = sandbox.store.byOffer(offer);
		return { primary_image: held?.primary_image, images: held?.images };
	};
	const sandboxCredentials = () => ({ clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: sandbox.url });
	async function run(workflow: WorkflowJson, items: unknown[]) {
		const node = pushNode(workflow);
		const result = await runWorkflow(ozonWorkflow(items as IDataObject[], node.parameters, { onError: node.onError }), sandboxCredentials());
		expect(result.error).toBeUndefined();
		return result.output(OZON_NODE_NAME) ?? [];
	}
	const imports = () => sandbox.store.log.filter((entry) => entry.path === '/v2/product/pictures/import').length;
	const statuses = (output: Array<{ pairedItem?: unknown; json: IDataObject }>) => output.map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).status, (item.json.data as IDataObject).offer_id]);

	it("r2-upload-to-ozon.json: a Worker batch (two photos in reverse order, a deletion, a thumbnail) appends SKU-001's photos in position order after those it had; the Worker gets 200 only when every product went through", async () => {
		const workflow = saved('r2-upload-to-ozon.json');
		const base = pushNode(workflow).parameters.publicBaseUrl as string;
		const batch = workerBatch(r2Event('products/SKU-001/2.jpg'), r2Event('products/SKU-001/1.jpg'), r2Event('products/SKU-002/1.jpg', 'DeleteObject'), r2Event('products/SKU-002/thumbs/1.jpg'));
		const output = await run(workflow, [webhookItem(batch)]);

		expect(statuses(output)).toEqual([[{ item: 0 }, true, 'imported', 'SKU-001']]);
		expect(photos('SKU-001')).toEqual({ primary_image: SEED('SKU-001').primary_image, images: [...SEED('SKU-001').images, `${base}/products/SKU-001/1.jpg`, `${base}/products/SKU-001/2.jpg`] });
		expect(photos('SKU-002')).toEqual(SEED('SKU-002'));
		expect(imports()).toBe(1);
		expect(((output[0].json.warnings as IDataObject[]) ?? []).map((warning) => warning.field)).toEqual(['storageObject', 'keyPattern']);
		// One answer for the whole batch: every result, 200 only when every one succeeded (else the Worker retries the batch).
		const answer = workflow.nodes.find((node) => node.name === 'Answer the Worker') as INode;
		expect(answer.parameters).toEqual({ respondWith: 'allIncomingItems', options: { responseCode: '={{ $input.all().every((item) => item.json.success) ? 200 : 500 }}' } });
		expect(workflow.connections['Push images to Ozon'].main).toEqual([[{ node: 'Answer the Worker', type: 'main', index: 0 }]]);
		expect(workflow.nodes.find((node) => node.name === 'R2 upload batch')?.parameters.responseMode).toBe('responseNode');
	});

	it("minio-upload-to-ozon.json: MinIO's escaped keys are decoded and each product's photos appended; the webhook answers MinIO's HEAD check on an output of its own", async () => {
		const workflow = saved('minio-upload-to-ozon.json');
		const output = await run(workflow, [webhookItem(minioEvent('SKU-003/2.jpg', 'SKU-003%2F2.jpg')), webhookItem(minioEvent('SKU-003/1.jpg', 'SKU-003%2F1.jpg')), webhookItem(minioEvent('SKU-004/1.jpg', 'SKU-004%2F1.jpg', 's3:ObjectRemoved:Delete'))]);

		expect(statuses(output)).toEqual([
			[{ item: 0 }, true, 'imported', 'SKU-003'],
			[{ item: 1 }, true, 'imported', 'SKU-003'],
			[{ item: 2 }, true, 'ignored', undefined],
		]);
		expect(photos('SKU-003')).toEqual({ primary_image: SEED('SKU-003').primary_image, images: [...SEED('SKU-003').images, 'https://minio.example.com/photos/SKU-003/1.jpg', 'https://minio.example.com/photos/SKU-003/2.jpg'] });
		expect(photos('SKU-004')).toEqual(SEED('SKU-004'));
		const webhook = workflow.nodes.find((node) => node.name === 'MinIO bucket events') as INode;
		expect([webhook.typeVersion, webhook.parameters.multipleMethods, webhook.parameters.httpMethod]).toEqual([2.1, true, ['HEAD', 'POST']]);
		expect(workflow.connections['MinIO bucket events'].main).toEqual([[], [{ node: 'Push images to Ozon', type: 'main', index: 0 }]]);
	});

	it("s3-sns-upload-to-ozon.json: the SNS Trigger's body (the S3 event as text in Message) is read, the form-encoded key decoded; S3's test event is ignored", async () => {
		const workflow = saved('s3-sns-upload-to-ozon.json');
		const output = await run(workflow, [snsNotification(S3_TEST_EVENT), snsNotification(s3Event(['products/SKU-005/front+view.jpg'], ['products/SKU-005/back.jpg']))]);

		expect(statuses(output)).toEqual([
			[{ item: 0 }, true, 'ignored', undefined],
			[{ item: 1 }, true, 'imported', 'SKU-005'],
		]);
		expect(photos('SKU-005')).toEqual({ primary_image: SEED('SKU-005').primary_image, images: [...SEED('SKU-005').images, 'https://photos.s3.eu-central-1.amazonaws.com/products/SKU-005/back.jpg', 'https://photos.s3.eu-central-1.amazonaws.com/products/SKU-005/front%20view.jpg'] });
		// The trigger subscribes and confirms by itself; n8n refuses a space in its name.
		expect(workflow.nodes.find((node) => node.type === 'n8n-nodes-base.awsSnsTrigger')?.name).not.toMatch(/\s/);
	});

	/**
	 * MinIO and S3 → SNS deliver one event per object, so each upload is an execution of its own. Each
	 * upload example must keep every photo of a product uploaded one by one: Replace would leave only the last.
	 */
	describe('three uploads of one product, one execution each', () => {
		const upload = (file: string, key: string) => {
			if (file.startsWith('minio')) return webhookItem(minioEvent(key, encodeURIComponent(key)));
			if (file.startsWith('s3-sns')) return snsNotification(s3Event([`products/${key}`]));
			return webhookItem(workerBatch(r2Event(`products/${key}`)));
		};
		const keys = ['SKU-003/1.jpg', 'SKU-003/2.jpg', 'SKU-003/3.jpg'];
		const kept = (file: string) => {
			const base = pushNode(saved(file)).parameters.publicBaseUrl as string;
			return keys.map((key) => `${base}/${file.startsWith('minio') ? '' : 'products/'}${key}`);
		};

		it.each(['r2-upload-to-ozon.json', 'minio-upload-to-ozon.json', 's3-sns-upload-to-ozon.json'])('%s: uses Append, so the product keeps its photos and gets all three, in upload order', async (file) => {
			const workflow = saved(file);
			for (const key of keys) await run(workflow, [upload(file, key)]);
			const held = photos('SKU-003');
			expect([...(held.primary_image ?? []), ...(held.images ?? [])]).toEqual([...SEED('SKU-003').primary_image, ...SEED('SKU-003').images, ...kept(file)]);
			expect(imports()).toBe(3);
		});

		it('minio-upload-to-ozon.json: three uploads whose executions overlap each keep their photo (the write path takes appends of one product in turn)', async () => {
			const workflow = saved('minio-upload-to-ozon.json');
			const node = pushNode(workflow);
			const runs = keys.map((key) => startWorkflow(ozonWorkflow([upload('minio-upload-to-ozon.json', key)] as IDataObject[], node.parameters, { onError: node.onError }), sandboxCredentials()).result);
			const results = await Promise.all(runs);
			expect(results.map((result) => (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json.success))).toEqual([[true], [true], [true]]);
			const held = photos('SKU-003');
			expect([...(held.images ?? [])].sort()).toEqual([...SEED('SKU-003').images, ...kept('minio-upload-to-ozon.json')].sort());
		});

		it('with Replace instead, only the last upload is left on Ozon: why the upload examples use Append', async () => {
			const workflow = saved('minio-upload-to-ozon.json');
			pushNode(workflow).parameters.mode = 'replace';
			for (const key of keys) await run(workflow, [upload('minio-upload-to-ozon.json', key)]);
			expect(photos('SKU-003')).toEqual({ primary_image: [kept('minio-upload-to-ozon.json')[2]], images: [] });
		});
	});

	it("sync-from-bucket.json: the listing's rows give each product exactly its folder's photos in position order, in one import; the folder entry and the thumbnail send nothing", async () => {
		const { workflow, rows } = example('sync-from-bucket.json', 'Bucket listing', 'Push images to Ozon');
		const base = pushNode(saved('sync-from-bucket.json')).parameters.publicBaseUrl as string;
		const result = await runWorkflow(workflow, sandboxCredentials());
		expect(rows).toHaveLength(7);
		const output = result.output(OZON_NODE_NAME) ?? [];

		expect(output.map((item) => [item.pairedItem, item.json.offer_id, item.json.success, item.json.status])).toEqual([
			[{ item: 0 }, null, true, 'ignored'],
			[{ item: 1 }, 'SKU-001', true, 'imported'],
			[{ item: 2 }, 'SKU-001', true, 'imported'],
			[{ item: 3 }, null, true, 'ignored'],
			[{ item: 4 }, 'SKU-002', true, 'imported'],
			[{ item: 5 }, 'SKU-003', true, 'imported'],
			[{ item: 6 }, 'SKU-003', true, 'imported'],
		]);
		expect(photos('SKU-001')).toEqual({ primary_image: [`${base}/products/SKU-001/1.jpg`], images: [`${base}/products/SKU-001/2.jpg`] });
		expect(photos('SKU-002')).toEqual({ primary_image: [`${base}/products/SKU-002/1.jpg`], images: [] });
		expect(photos('SKU-003')).toEqual({ primary_image: [`${base}/products/SKU-003/9.jpg`], images: [`${base}/products/SKU-003/10.jpg`] });
		expect(imports()).toBe(1);
		expect(output[3].json.warnings).toMatch(/^keyPattern: Skipped 1 key\(s\) that do not match the Key Pattern/);
		// The real listing node is in the workflow, disabled until the user swaps it in.
		const listing = saved('sync-from-bucket.json').nodes.find((candidate) => candidate.type === 'n8n-nodes-base.s3') as INode;
		expect([listing.disabled, listing.parameters.operation, (listing.parameters.options as IDataObject).folderKey]).toEqual([true, 'getAll', 'products/']);
	});
});

test('push-then-get-result.json: Push with Wait for Result off answers pending with the task_id; after the Wait, Get push result reports each product, paired to its row, and sends nothing', async () => {
	const saved = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', 'push-then-get-result.json'), 'utf8')) as WorkflowJson;
	// Push → Wait (under 65 s: n8n keeps such a wait in memory) → Get push result, failures of each on their error output.
	expect(saved.connections['Push images to Ozon'].main.map((branch) => branch?.map((connection) => connection.node))).toEqual([['Wait for Ozon'], ['Not sent']]);
	expect(saved.connections['Wait for Ozon'].main[0]?.map((connection) => connection.node)).toEqual(['Get push result']);
	expect(saved.connections['Get push result'].main.map((branch) => branch?.map((connection) => connection.node))).toEqual([['On Ozon'], ['Failed or still pending']]);
	const wait = saved.nodes.find((node) => node.name === 'Wait for Ozon') as INode;
	expect(wait.parameters).toEqual({ amount: 20, unit: 'seconds' });

	mockInfoList([18, 19, 20].map((n) => product(n)));
	const imports = mockImportV2();
	mockImportInfo(imports);
	mockPicturesInfo(() => ({}));

	const { workflow, rows } = example('push-then-get-result.json', 'Product rows', 'Push images to Ozon');
	const [pushed, notSent] = (await runWorkflow(workflow, credentials)).outputs(OZON_NODE_NAME) ?? [];
	expect(notSent).toEqual([]);
	expect(pushed.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id, (item.json.data as IDataObject).status, (item.json.data as IDataObject).task_id])).toEqual(
		rows.map((row, index) => [{ item: index }, row.article, 'pending', 9000]),
	);

	// What the Wait node hands on: the Push's items as they are.
	const getNode = saved.nodes.find((node) => node.name === 'Get push result') as INode;
	const [onOzon, failed] = (await runWorkflow(ozonWorkflow(pushed.map((item) => item.json), getNode.parameters, { onError: getNode.onError }), credentials)).outputs(OZON_NODE_NAME) ?? [];
	expect(failed).toEqual([]);
	expect(onOzon.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id, (item.json.data as IDataObject).status])).toEqual(rows.map((row, index) => [{ item: index }, row.article, 'imported']));
	expect((onOzon[0].json.data as IDataObject).current_images).toEqual(['https://img.example.com/SKU-018/front.jpg', 'https://img.example.com/SKU-018/back.jpg']);
	expect(imports).toHaveLength(1);
});
