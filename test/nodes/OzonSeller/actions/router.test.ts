/**
 * What each of n8n's On Error settings (and Retry On Fail) does with the node's failed items, run
 * through n8n-core's real engine: its routing to the error output, its pairing, the error that stops
 * the workflow, and its retries.
 */
import { NodeOperationError, type IDataObject, type INode, type INodeExecutionData } from 'n8n-workflow';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, ozon, product } from '../../../helpers/ozonMock';
import { useFastTiming } from '../../../helpers/timing';
import { useVirtualTime } from '../../../helpers/virtualTime';

useFastTiming();

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's turns, polls and read-back waits pass in no real time. */
useVirtualTime();

const PUSH = {
	resource: 'productImage',
	operation: 'push',
	identifyBy: 'offerId',
	offerId: '={{ $json.offer }}',
	images: '={{ $json.urls }}',
	mode: '={{ $json.mode }}',
};

/** A good product, an unknown offer, an ftp:// URL and two modes the node does not know. */
const ROWS: IDataObject[] = [
	{ offer: 'SKU-001', urls: 'https://img.example/SKU-001/1.jpg', mode: 'replace' },
	{ offer: 'SKU-404', urls: 'https://img.example/SKU-404/1.jpg', mode: 'replace' },
	{ offer: 'SKU-002', urls: 'https://img.example/SKU-002/1.jpg, ftp://img.example/SKU-002/2.jpg', mode: 'replace' },
	{ offer: 'SKU-002', urls: 'https://img.example/SKU-002/1.jpg', mode: 'upsert' },
	{ offer: 'SKU-003', urls: 'https://img.example/SKU-003/1.jpg', mode: 'overwrite' },
];

function mockOzon() {
	const lookups = mockInfoList([product(1), product(2), product(3)]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	mockPicturesInfo((id) => ({ primary_photo: [`https://cdn1.ozone.ru/s3/multimedia-t/${id}/1.jpg`], photo: [] }));
	return { lookups, imports };
}

async function push(nodeOptions: Partial<INode>, options: IDataObject = {}, rows = ROWS) {
	const result = await runWorkflow(ozonWorkflow(rows, { ...PUSH, options } as INode['parameters'], nodeOptions), credentials);
	return { error: result.error, outputs: result.outputs(OZON_NODE_NAME) ?? [], run: result.run };
}

const summary = (items: INodeExecutionData[]) => items.map((item) => [item.pairedItem, item.json.success]);

describe('On Error → Continue (using error output)', () => {
	it('every success:false item leaves on the error output with its json, paired to its input; the rest on the success output', async () => {
		const { imports } = mockOzon();
		const { error, outputs } = await push({ onError: 'continueErrorOutput' });

		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(2);
		const [success, failed] = outputs;
		expect(summary(success)).toEqual([[{ item: 0 }, true]]);
		expect(summary(failed)).toEqual([
			[{ item: 1 }, false],
			[{ item: 2 }, false],
			[{ item: 3 }, false],
			[{ item: 4 }, false],
		]);
		// Only the good product was sent.
		expect(imports.map((call) => (call.items as IDataObject[]).map((item) => item.offer_id))).toEqual([['SKU-001']]);
		// The node's json arrives whole; n8n adds the input item's fields to an error-output item, as for every node.
		expect(failed[0].json).toEqual({
			...ROWS[1],
			success: false,
			data: { offer_id: 'SKU-404', status: 'invalid' },
			errors: [expect.objectContaining({ field: 'offer_id' })],
			warnings: [],
		});
		expect(failed[1].json).toMatchObject({
			success: false,
			data: { offer_id: 'SKU-002', status: 'invalid' },
			errors: [{ field: 'images', index: 1, url: 'ftp://img.example/SKU-002/2.jpg', reason: 'URL must start with http:// or https:// (got ftp)' }],
		});
		expect(failed[2].json.errors).toEqual([{ field: 'mode', reason: 'Mode must be Replace, Append or Prepend (got "upsert")' }]);
		expect(failed[3].json.errors).toEqual([{ field: 'mode', reason: 'Mode must be Replace, Append or Prepend (got "overwrite")' }]);
		// No item carries n8n's error marker into the run data (n8n would have replaced its json).
		for (const item of [...success, ...failed]) expect(item.error).toBeUndefined();
	});

	it('the json on the error output is the json "Continue (using regular output)" gives the same item, plus the input fields', async () => {
		mockOzon();
		const routed = await push({ onError: 'continueErrorOutput' });
		const regular = await push({ onError: 'continueRegularOutput' });
		const [, failed] = routed.outputs;
		expect(failed).toHaveLength(4);
		for (const item of failed) {
			const index = (item.pairedItem as { item: number }).item;
			expect(item.json).toEqual({ ...ROWS[index], ...regular.outputs[0][index].json });
		}
	});

	it('a rejected key fails every item onto the error output instead of stopping the workflow', async () => {
		ozon().post('/v3/product/info/list').reply(403, { code: 7, message: 'Invalid Api-Key, please contact support' });
		const { error, outputs } = await push({ onError: 'continueErrorOutput' });
		expect(error).toBeUndefined();
		expect(outputs[0]).toEqual([]);
		expect(summary(outputs[1])).toEqual(ROWS.map((_, index) => [{ item: index }, false]));
		// Items that failed validation keep their own reason; the others carry the refusal.
		expect(outputs[1][0].json.errors).toEqual([expect.objectContaining({ field: 'request', reason: expect.stringContaining('Ozon refused access to /v3/product/info/list (HTTP 403)') })]);
	});

	it('with Output "Flat Row", the error output gets the flat rows of the failed items', async () => {
		mockOzon();
		const { outputs } = await push({ onError: 'continueErrorOutput' }, { output: 'flatRow' });
		const [success, failed] = outputs;
		expect(success.map((item) => item.json)).toEqual([
			{ offer_id: 'SKU-001', product_id: 1001, success: true, status: 'imported', images_before: 0, images_after: 1, task_id: 9000, errors: '', warnings: '' },
		]);
		expect(failed.map((item) => [item.pairedItem, item.json.offer_id, item.json.status, item.json.errors])).toEqual([
			[{ item: 1 }, 'SKU-404', 'invalid', expect.stringMatching(/^offer_id: /)],
			[{ item: 2 }, 'SKU-002', 'invalid', 'images[1]: URL must start with http:// or https:// (got ftp) (ftp://img.example/SKU-002/2.jpg)'],
			[{ item: 3 }, 'SKU-002', 'invalid', 'mode: Mode must be Replace, Append or Prepend (got "upsert")'],
			[{ item: 4 }, 'SKU-003', 'invalid', 'mode: Mode must be Replace, Append or Prepend (got "overwrite")'],
		]);
	});
});

describe('On Error → Continue', () => {
	it('the failed items leave with success:false beside the others, paired, and the run goes on', async () => {
		const { imports } = mockOzon();
		const { error, outputs } = await push(KEEP_FAILED_ITEMS);
		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(1);
		expect(summary(outputs[0])).toEqual([
			[{ item: 0 }, true],
			[{ item: 1 }, false],
			[{ item: 2 }, false],
			[{ item: 3 }, false],
			[{ item: 4 }, false],
		]);
		expect(imports.map((call) => (call.items as IDataObject[]).map((item) => item.offer_id))).toEqual([['SKU-001']]);
	});

	it('a rejected key: every item fails with the reason instead of stopping the workflow', async () => {
		ozon().post('/v3/product/info/list').reply(403, { code: 7, message: 'Invalid Api-Key, please contact support' });
		const continued = await push(KEEP_FAILED_ITEMS);
		expect(continued.error).toBeUndefined();
		expect(summary(continued.outputs[0])).toEqual(ROWS.map((_, index) => [{ item: index }, false]));
	});
});

describe('On Error → Stop Workflow (the default)', () => {
	it('every item is processed first; then the workflow stops on the first failed item, its reasons in the message, the count in the description', async () => {
		const { imports } = mockOzon();
		const { error, outputs, run } = await push({});
		// The good product was pushed: one product's failure never keeps the others from Ozon.
		expect(imports.map((call) => (call.items as IDataObject[]).map((item) => item.offer_id))).toEqual([['SKU-001']]);
		// The engine keeps the error serialized, as it stores it with the execution.
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe('Failed on item 1 (SKU-404): offer_id: No product with offer_id "SKU-404" in this Ozon account');
		expect((error as NodeOperationError).description).toBe(
			"4 of 5 items failed; the other 1 was pushed. Failed items: 1 (SKU-404), 2 (SKU-002), 3 (SKU-002), 4 (SKU-003). Set On Error (node settings) to 'Continue (using error output)' to route failed items to a branch of their own instead, or to 'Continue' to keep them in the output with success: false.",
		);
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
		expect((error as NodeOperationError).node.name).toBe(OZON_NODE_NAME);
		// As for any node that stops the workflow: the node's run holds the error, no output.
		expect(outputs).toEqual([]);
		expect(run.data.resultData.runData[OZON_NODE_NAME][0].error?.message).toBe(error?.message);
	});

	it('the message names every reason of the first failed item; with no item left, the description says all failed', async () => {
		const { error } = await push({}, {}, [ROWS[3], { offer: '', urls: 'ftp://img.example/x.jpg', mode: 'replace' }]);
		expect(error?.message).toBe('Failed on item 0 (SKU-002): mode: Mode must be Replace, Append or Prepend (got "upsert")');
		expect((error as NodeOperationError).description).toMatch(/^All 2 items failed\. Failed items: 0 \(SKU-002\), 1\. Set On Error/);
	});

	it('items that all succeed leave as usual', async () => {
		mockOzon();
		const { error, outputs } = await push({}, {}, [ROWS[0]]);
		expect(error).toBeUndefined();
		expect(summary(outputs[0])).toEqual([[{ item: 0 }, true]]);
	});

	it("a rejected key stops the run with n8n's error, as before", async () => {
		ozon().post('/v3/product/info/list').reply(403, { code: 7, message: 'Invalid Api-Key, please contact support' });
		const stopped = await push({});
		expect(stopped.error?.name).toBe('NodeApiError');
		expect(stopped.error?.message).toContain('Ozon refused access to /v3/product/info/list (HTTP 403)');
	});

	it('Get Images: every product is read, then the workflow stops on the first one Ozon does not know', async () => {
		const lookups = mockInfoList([product(1), product(2)]);
		const reads = mockPicturesInfo(() => ({ primary_photo: ['https://cdn1.ozone.ru/s3/multimedia-t/1.jpg'], photo: [] }));
		const result = await runWorkflow(
			ozonWorkflow([{ offer: 'SKU-001' }, { offer: 'SKU-404' }, { offer: 'SKU-002' }], { resource: 'productImage', operation: 'get', identifyBy: 'offerId', offerId: '={{ $json.offer }}' } as INode['parameters']),
			credentials,
		);
		expect(lookups).toEqual([{ offer_id: ['SKU-001', 'SKU-404', 'SKU-002'] }]);
		expect(reads).toEqual([{ product_id: ['1001', '1002'] }]);
		expect(result.error?.message).toBe('Failed on item 1 (SKU-404): offer_id: No product with offer_id "SKU-404" in this Ozon account');
		expect((result.error as NodeOperationError).description).toMatch(/^1 of 3 items failed; the other 2 were read\. Set On Error/);
		expect((result.error as NodeOperationError).context.itemIndex).toBe(1);
	});
});

/**
 * A small stateful Ozon for retries: products keep the images imports give them, an import of the
 * set a product already has is "skipped", and `answer(offer, attempt)` may refuse an import (an
 * HTTP status) or fail its task ('failed'). Imports go one product per request (Batch Size 1).
 */
function statefulOzon(offers: string[], answer: (offer: string, attempt: number) => number | 'failed' = () => 200) {
	const products = new Map(offers.map((offer, index) => [offer, { id: 1001 + index, primary: [] as string[], images: [`https://cdn1.ozone.ru/s3/multimedia-t/${offer}/old.jpg`] }]));
	const lookups: string[][] = [];
	const imports: IDataObject[] = [];
	/** Every image set an import applied, per offer. */
	const applied: Record<string, string[][]> = {};
	const attempts: Record<string, number> = {};
	const tasks = new Map<number, { offer: string; status: string }>();
	let nextTask = 9000;
	ozon()
		.post('/v3/product/info/list')
		.times(100)
		.reply(200, (_uri, body) => {
			const wanted = (body as { offer_id: string[] }).offer_id;
			lookups.push(wanted);
			return {
				items: wanted.filter((offer) => products.has(offer)).map((offer) => {
					const held = products.get(offer)!;
					return { id: held.id, offer_id: offer, sku: 500000 + held.id, primary_image: held.primary, images: held.images, color_image: [] };
				}),
			};
		});
	ozon()
		.post('/v2/product/pictures/import')
		.times(100)
		.reply((_uri, body) => {
			const [item] = (body as { items: Array<{ offer_id: string; primary_image?: string; images: string[] }> }).items;
			imports.push(item as unknown as IDataObject);
			attempts[item.offer_id] = (attempts[item.offer_id] ?? 0) + 1;
			const verdict = answer(item.offer_id, attempts[item.offer_id]);
			if (typeof verdict === 'number' && verdict !== 200) return [verdict, { code: verdict === 409 ? 10 : 13, message: verdict === 409 ? 'conflict' : 'internal' }];
			const held = products.get(item.offer_id)!;
			const primary = item.primary_image ? [item.primary_image] : [];
			let status = 'skipped';
			if (verdict === 'failed') status = 'failed';
			else if (JSON.stringify([primary, item.images]) !== JSON.stringify([held.primary, held.images])) {
				held.primary = primary;
				held.images = item.images;
				(applied[item.offer_id] ??= []).push([...primary, ...item.images]);
				status = 'imported';
			}
			tasks.set(nextTask, { offer: item.offer_id, status });
			return [200, { task_id: nextTask++ }];
		});
	ozon()
		.post('/v1/product/import/info')
		.times(100)
		.reply(200, (_uri, body) => {
			const task = tasks.get(Number((body as { task_id: string }).task_id))!;
			const errors = task.status === 'failed' ? [{ code: 'IMAGE_DOWNLOAD_FAILED', message: 'Could not download the image', level: 'error' }] : [];
			return { result: { items: [{ offer_id: task.offer, product_id: products.get(task.offer)!.id, status: task.status, errors }], total: 1 } };
		});
	ozon()
		.post('/v2/product/pictures/info')
		.times(100)
		.reply(200, (_uri, body) => ({
			items: ((body as { product_id: string[] }).product_id ?? []).map((id) => {
				const held = [...products.values()].find((candidate) => String(candidate.id) === id)!;
				return { product_id: held.id, primary_photo: held.primary, photo: held.images, color_photo: [], errors: [] };
			}),
		}));
	return { products, lookups, imports, applied };
}

const RETRY: Partial<INode> = { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 };

describe('Retry On Fail', () => {
	it('a node stopped by an error (here a rejected key) gives every item its result first: the retry asks nothing again that would be refused the same way', async () => {
		const lookups: IDataObject[] = [];
		ozon()
			.post('/v3/product/info/list')
			.times(5)
			.reply(403, (_uri, body) => {
				lookups.push(body as IDataObject);
				return { code: 7, message: 'Invalid Api-Key, please contact support' };
			});
		const { error } = await push({ retryOnFail: true, maxTries: 2, waitBetweenTries: 10 });
		expect(error?.message).toContain('HTTP 403');
		// A rejected key is not cured by another try: the second try sends nothing.
		expect(lookups).toEqual([{ offer_id: ['SKU-001', 'SKU-404'] }]);
	});

	it.each([
		['replace', 'https://img.example/SKU-001/new.jpg', ['https://img.example/SKU-001/new.jpg']],
		['append', 'https://img.example/SKU-001/new.jpg', ['https://cdn1.ozone.ru/s3/multimedia-t/SKU-001/old.jpg', 'https://img.example/SKU-001/new.jpg']],
	])(
		'an Ozon 5xx that outlasts Max Retries stops the node once every item has its result; n8n\'s second try pushes the failed product only: the one already on Ozon (%s) is never sent again',
		async (mode, url, photos) => {
			// SKU-002's import answers 500 on both attempts of the first try (Max Retries 1), then 200.
			const ozonState = statefulOzon(['SKU-001', 'SKU-002'], (offer, attempt) => (offer === 'SKU-002' && attempt <= 2 ? 500 : 200));
			const rows = [
				{ offer: 'SKU-001', urls: url, mode },
				{ offer: 'SKU-002', urls: 'https://img.example/SKU-002/new.jpg', mode: 'replace' },
			];
			const { error, outputs } = await push(RETRY, { batchSize: 1, maxRetries: 1 }, rows);

			expect(error).toBeUndefined();
			expect(outputs[0].map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).status])).toEqual([
				[{ item: 0 }, true, 'imported'],
				[{ item: 1 }, true, 'imported'],
			]);
			expect((outputs[0][0].json.data as IDataObject).current_images).toEqual(photos);
			// SKU-001 was imported on the first try, which kept its result: it is sent once.
			const sent = (offer: string) => ozonState.imports.filter((item) => item.offer_id === offer);
			expect(sent('SKU-001')).toHaveLength(1);
			expect(ozonState.applied['SKU-001']).toEqual([photos]);
			expect(ozonState.applied['SKU-002']).toEqual([['https://img.example/SKU-002/new.jpg']]);
			expect(sent('SKU-002')).toHaveLength(3);
		},
	);

	it('under Stop Workflow, a retry after failed items re-runs only the failures worth retrying: nothing settled is sent or looked up again', async () => {
		// SKU-002: Ozon answers 409 (an update in progress) the first time. SKU-003: Ozon rejects the
		// images (task failed). SKU-404: not in the account.
		const ozonState = statefulOzon(['SKU-001', 'SKU-002', 'SKU-003'], (offer, attempt) => (offer === 'SKU-002' && attempt === 1 ? 409 : offer === 'SKU-003' ? 'failed' : 200));
		const rows = ['SKU-001', 'SKU-404', 'SKU-003', 'SKU-002'].map((offer) => ({ offer, urls: `https://img.example/${offer}/new.jpg`, mode: 'replace' }));
		const { error } = await push(RETRY, { batchSize: 1 }, rows);

		// The second try asked Ozon about SKU-002 alone, and pushed it.
		expect(ozonState.lookups).toEqual([['SKU-001', 'SKU-404', 'SKU-003', 'SKU-002'], ['SKU-002']]);
		expect(ozonState.imports.map((item) => item.offer_id).sort()).toEqual(['SKU-001', 'SKU-002', 'SKU-002', 'SKU-003']);
		expect(ozonState.applied).toEqual({ 'SKU-001': [['https://img.example/SKU-001/new.jpg']], 'SKU-002': [['https://img.example/SKU-002/new.jpg']] });
		// What could not be cured still stops the workflow, counted over the results of both tries.
		expect(error?.message).toBe('Failed on item 1 (SKU-404): offer_id: No product with offer_id "SKU-404" in this Ozon account');
		expect((error as NodeOperationError).description).toMatch(/^2 of 4 items failed; the other 2 were pushed\. Failed items: 1 \(SKU-404\), 2 \(SKU-003\)\./);
	});

	it('a retry that cures every failure gives every item its result, paired, the settled ones from the first try', async () => {
		const ozonState = statefulOzon(['SKU-001', 'SKU-002'], (offer, attempt) => (offer === 'SKU-002' && attempt === 1 ? 409 : 200));
		const rows = ['SKU-001', 'SKU-002'].map((offer) => ({ offer, urls: `https://img.example/${offer}/new.jpg`, mode: 'replace' }));
		const { error, outputs } = await push(RETRY, { batchSize: 1 }, rows);
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).status, (item.json.data as IDataObject).task_id])).toEqual([
			[{ item: 0 }, true, 'imported', 9000],
			[{ item: 1 }, true, 'imported', 9001],
		]);
		expect(ozonState.imports.map((item) => item.offer_id)).toEqual(['SKU-001', 'SKU-002', 'SKU-002']);
	});

	it("a retry's items keep the first item's Options (which set the execution's): the first retried item whose Output differs still says its value was not used", async () => {
		statefulOzon(['SKU-001', 'SKU-002'], (offer, attempt) => (offer === 'SKU-002' && attempt === 1 ? 409 : 200));
		const rows = [
			{ offer: 'SKU-001', urls: 'https://img.example/SKU-001/new.jpg', mode: 'replace', shape: 'full' },
			{ offer: 'SKU-002', urls: 'https://img.example/SKU-002/new.jpg', mode: 'replace', shape: 'flatRow' },
		];
		const { error, outputs } = await push(RETRY, { batchSize: 1, output: '={{ $json.shape }}' }, rows);
		expect(error).toBeUndefined();
		// The first item's Output (Full Result) shaped both; the second item's Flat Row was not used, and says so.
		expect(outputs[0].map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).status])).toEqual([
			[{ item: 0 }, true, 'imported'],
			[{ item: 1 }, true, 'imported'],
		]);
		expect(outputs[0][1].json.warnings).toEqual([
			{ field: 'options', message: expect.stringMatching(/^Output is read once per execution, from the first item: this item's value was not used/) },
		]);
	});

	it('an item naming several products (storage objects) is retried while any of its results is worth it, but a product it settled is not sent again: it keeps its result, every result paired to its item', async () => {
		// SKU-002's import answers 409 the first time. Item 0 names SKU-001 and SKU-002, item 1 SKU-003.
		const ozonState = statefulOzon(['SKU-001', 'SKU-002', 'SKU-003'], (offer, attempt) => (offer === 'SKU-002' && attempt === 1 ? 409 : 200));
		const storage = { resource: 'productImage', operation: 'push', imageSource: 'storageObjects', publicBaseUrl: 'https://cdn.example.com', keyPattern: '{offer_id}/*', storageObject: '={{ $json.keys }}', options: { batchSize: 1 } };
		const rows = [{ keys: ['SKU-001/new.jpg', 'SKU-002/new.jpg'] }, { keys: 'SKU-003/new.jpg' }];
		const result = await runWorkflow(ozonWorkflow(rows, storage as INode['parameters'], RETRY), credentials);

		expect(result.error).toBeUndefined();
		expect((result.output(OZON_NODE_NAME) ?? []).map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).offer_id, (item.json.data as IDataObject).status])).toEqual([
			[{ item: 0 }, true, 'SKU-001', 'imported'],
			[{ item: 0 }, true, 'SKU-002', 'imported'],
			[{ item: 1 }, true, 'SKU-003', 'imported'],
		]);
		// The retry looked up and sent SKU-002 only: SKU-001 (imported by the first try) and SKU-003 never again.
		expect(ozonState.lookups).toEqual([['SKU-001', 'SKU-002', 'SKU-003'], ['SKU-002']]);
		expect(ozonState.imports.map((item) => item.offer_id)).toEqual(['SKU-001', 'SKU-002', 'SKU-003', 'SKU-002']);
		expect(ozonState.applied['SKU-001']).toEqual([['https://cdn.example.com/SKU-001/new.jpg']]);
	});

	it('invalid items fail again on every try without a request; the node runs its tries and stops with the same error', async () => {
		const { lookups, imports } = mockOzon();
		const { error } = await push({ retryOnFail: true, maxTries: 3, waitBetweenTries: 10 });
		expect(error?.message).toBe('Failed on item 1 (SKU-404): offer_id: No product with offer_id "SKU-404" in this Ozon account');
		expect(lookups).toHaveLength(1);
		expect(imports).toHaveLength(1);
	});

	it('under Continue (using error output) items that fail on their own do not stop the node, so it runs once', async () => {
		const { lookups, imports } = mockOzon();
		const { error } = await push({ onError: 'continueErrorOutput', retryOnFail: true, maxTries: 3, waitBetweenTries: 10 });
		expect(error).toBeUndefined();
		expect(lookups).toHaveLength(1);
		expect(imports).toHaveLength(1);
	});

	it('under Continue a rejected key becomes failed items, so the node is not retried', async () => {
		const lookups: IDataObject[] = [];
		ozon()
			.post('/v3/product/info/list')
			.times(5)
			.reply(403, (_uri, body) => {
				lookups.push(body as IDataObject);
				return { code: 7, message: 'Invalid Api-Key, please contact support' };
			});
		const { error } = await push({ onError: 'continueErrorOutput', retryOnFail: true, maxTries: 3, waitBetweenTries: 10 });
		expect(error).toBeUndefined();
		expect(lookups).toHaveLength(1);
	});
});

describe('Output option', () => {
	it('a value the node does not know fails every item, naming the choices, and sends nothing', async () => {
		const { outputs } = await push(KEEP_FAILED_ITEMS, { output: '={{ "spreadsheet" }}' });
		expect(outputs[0].map((item) => item.json)).toEqual(
			ROWS.map(() => ({
				success: false,
				data: { status: 'invalid' },
				errors: [{ field: 'output', reason: 'Output must be Flat Row or Full Result (got "spreadsheet")' }],
				warnings: [],
			})),
		);
		const stopped = await push({}, { output: '={{ "spreadsheet" }}' });
		expect(stopped.error?.message).toBe('Failed on item 0: output: Output must be Flat Row or Full Result (got "spreadsheet")');
		expect((stopped.error as NodeOperationError).description).toMatch(/^All 5 items failed\./);
	});

	it('accepts the displayed name from an expression, in any case, with spaces around', async () => {
		mockOzon();
		const { outputs } = await push({}, { output: '={{ " flat row " }}' }, [ROWS[0]]);
		expect(outputs[0][0].json).toEqual({ offer_id: 'SKU-001', product_id: 1001, success: true, status: 'imported', images_before: 0, images_after: 1, task_id: 9000, errors: '', warnings: '' });
	});
});

describe('Get Images', () => {
	it('under Continue (using error output) a product Ozon does not know takes the error output, in either Output', async () => {
		for (const output of ['full', 'flatRow']) {
			mockInfoList([product(1)]);
			mockPicturesInfo(() => ({ primary_photo: ['https://cdn1.ozone.ru/s3/multimedia-t/1.jpg'], photo: [] }));
			const result = await runWorkflow(
				ozonWorkflow([{ offer: 'SKU-001' }, { offer: 'SKU-404' }], { resource: 'productImage', operation: 'get', identifyBy: 'offerId', offerId: '={{ $json.offer }}', options: { output } } as INode['parameters'], {
					onError: 'continueErrorOutput',
				}),
				credentials,
			);
			const [found, missing] = result.outputs(OZON_NODE_NAME) ?? [];
			expect(summary(found)).toEqual([[{ item: 0 }, true]]);
			expect(summary(missing)).toEqual([[{ item: 1 }, false]]);
		}
	});
});
