/**
 * What each of n8n's On Error settings (and Retry On Fail) does with the node's failed items, run
 * through n8n-core's real engine: its routing to the error output, its pairing and its retries.
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, ozon, product } from '../../../helpers/ozonMock';
import { useFastTiming } from '../../../helpers/timing';

useFastTiming();

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
	mockPicturesInfo((id) => ({ photo: [`https://cdn.ozon.test/${id}/1.jpg`] }));
	return { lookups, imports };
}

async function push(nodeOptions: Partial<INode>, options: IDataObject = {}, rows = ROWS) {
	const result = await runWorkflow(ozonWorkflow(rows, { ...PUSH, options } as INode['parameters'], nodeOptions), credentials);
	return { error: result.error, outputs: result.outputs(OZON_NODE_NAME) ?? [] };
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

describe('the other On Error settings keep every item on the one output', () => {
	it.each([
		['Stop Workflow (the default)', {}],
		['Continue', { onError: 'continueRegularOutput' as const }],
	])('%s: the failed items leave with success:false beside the others, paired, and the run goes on', async (_name, nodeOptions) => {
		mockOzon();
		const { error, outputs } = await push(nodeOptions);
		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(1);
		expect(summary(outputs[0])).toEqual([
			[{ item: 0 }, true],
			[{ item: 1 }, false],
			[{ item: 2 }, false],
			[{ item: 3 }, false],
			[{ item: 4 }, false],
		]);
	});

	it('Stop Workflow: a rejected key stops the run with n8n\'s error; Continue: every item fails instead', async () => {
		ozon().post('/v3/product/info/list').times(2).reply(403, { code: 7, message: 'Invalid Api-Key, please contact support' });
		const stopped = await push({});
		expect(stopped.error?.message).toContain('Ozon refused access to /v3/product/info/list (HTTP 403)');
		const continued = await push({ onError: 'continueRegularOutput' });
		expect(continued.error).toBeUndefined();
		expect(summary(continued.outputs[0])).toEqual(ROWS.map((_, index) => [{ item: index }, false]));
	});
});

describe('Retry On Fail', () => {
	it('re-runs the whole node when it stops with an error (here a rejected key), every item again', async () => {
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
		// The valid items are looked up again on the second try.
		expect(lookups).toEqual([{ offer_id: ['SKU-001', 'SKU-404'] }, { offer_id: ['SKU-001', 'SKU-404'] }]);
	});

	it.each([
		['Stop Workflow', {}],
		['Continue (using error output)', { onError: 'continueErrorOutput' as const }],
	])('%s: items that fail on their own are not retried: the node runs once', async (_name, nodeOptions) => {
		const { lookups, imports } = mockOzon();
		const { error } = await push({ ...nodeOptions, retryOnFail: true, maxTries: 3, waitBetweenTries: 10 });
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
		const { outputs } = await push({}, { output: '={{ "spreadsheet" }}' });
		expect(outputs[0].map((item) => item.json)).toEqual(
			ROWS.map(() => ({
				success: false,
				data: { status: 'invalid' },
				errors: [{ field: 'output', reason: 'Output must be Flat Row or Full Result (got "spreadsheet")' }],
				warnings: [],
			})),
		);
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
			mockPicturesInfo(() => ({ photo: ['https://cdn.ozon.test/1.jpg'] }));
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
