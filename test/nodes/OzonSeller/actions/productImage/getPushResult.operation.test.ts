/**
 * Get Push Result: a push's import task asked about by its task_id, one output item per product of
 * the task, paired to the input item; the finished products' photos read back; never an import.
 */
import nock from 'nock';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { OzonSeller } from '../../../../../nodes/OzonSeller/OzonSeller.node';
import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../../helpers/n8nEngine';
import { OzonSandbox } from '../../../../../sandbox/server';
import { seedProducts } from '../../../../../sandbox/store';
import type { OzonTransport } from '../../../../../nodes/OzonSeller/transport';
import { nodeProcess } from '../../../../../nodes/OzonSeller/runtime/nodeProcess';
import { credentials, keyRoles, mockInfoList, mockPicturesInfo, ozon, product } from '../../../../helpers/ozonMock';
import { virtualTimeForThisCase } from '../../../../helpers/virtualTime';
import { useFastTiming } from '../../../../helpers/timing';

type Output = { success: boolean; data: IDataObject; errors: IDataObject[]; warnings: IDataObject[] };

const GET_RESULT = { resource: 'productImage', operation: 'getPushResult', taskId: '={{ $json.task }}' };

async function getResult(items: IDataObject[], parameters: IDataObject = {}, nodeOptions: Partial<INode> = KEEP_FAILED_ITEMS) {
	const result = await runWorkflow(ozonWorkflow(items, { ...GET_RESULT, ...parameters } as INode['parameters'], nodeOptions), credentials);
	const output = result.output(OZON_NODE_NAME) ?? [];
	return { error: result.error, outputs: result.outputs(OZON_NODE_NAME) ?? [], output, json: output.map((item: INodeExecutionData) => item.json as unknown as Output) };
}

type TaskItem = { offer_id: string; product_id?: number; status: string; errors?: IDataObject[] };

/** Answers /v1/product/import/info for the tasks given (any other task: Ozon's 404), recording what was asked. */
function answerTasks(tasks: Record<string, TaskItem[] | (() => TaskItem[])>, asked: IDataObject[] = []): IDataObject[] {
	ozon()
		.post('/v1/product/import/info')
		.times(100)
		.reply((_uri, body) => {
			asked.push(body as IDataObject);
			const taskId = String((body as IDataObject).task_id);
			const task = tasks[taskId];
			if (!task) return [404, { code: 5, message: `task ${taskId} not found` }];
			const items = (typeof task === 'function' ? task() : task).map((item) => ({ product_id: 0, errors: [], ...item }));
			return [200, { result: { items, total: items.length } }];
		});
	return asked;
}

const cdn = (name: string) => `https://cdn1.ozone.ru/s3/multimedia-t/${name}.jpg`;

/** Imports are never sent by this operation: any would be recorded here. */
function watchImports(): IDataObject[] {
	const sent: IDataObject[] = [];
	ozon()
		.post('/v2/product/pictures/import')
		.optionally()
		.times(100)
		.reply((_uri, body) => {
			sent.push(body as IDataObject);
			return [200, { task_id: 1 }];
		});
	return sent;
}

useFastTiming();

describe('getPushResult: one item per product of the task', () => {
	it('imported, failed and pending products: status and errors from the task, the finished ones\' photos read back, all paired to the one input item, no import sent', async () => {
		const imports = watchImports();
		const asked = answerTasks({
			'172549793': [
				{ offer_id: 'SKU-001', product_id: 1001, status: 'imported' },
				{ offer_id: 'SKU-002', product_id: 1002, status: 'failed', errors: [{ code: 'IMAGE_DOWNLOAD_FAILED', field: 'images', message: 'HTTP 404 for https://img.example/2.jpg', description: 'Failed to download the image' }] },
				{ offer_id: 'SKU-003', product_id: 1003, status: 'pending' },
			],
		});
		mockInfoList([product(1), product(2), product(3)]);
		const reads = mockPicturesInfo((id) => (id === 1001 ? { primary_photo: [cdn('m')], photo: [cdn('a')], color_photo: [cdn('c')] } : { primary_photo: [cdn('old')], photo: [] }));

		const { json, output } = await getResult([{ task: '172549793' }]);

		expect(asked).toEqual([{ task_id: 172549793 }]);
		expect(reads).toEqual([{ product_id: ['1001', '1002'] }]);
		expect(imports).toEqual([]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		expect(json[0]).toEqual({
			success: true,
			data: { offer_id: 'SKU-001', product_id: 1001, task_id: 172549793, status: 'imported', current_images: [cdn('m'), cdn('a')], color_image: cdn('c'), image_errors: [] },
			errors: [],
			warnings: [],
		});
		expect(json[1]).toEqual({
			success: false,
			data: { offer_id: 'SKU-002', product_id: 1002, task_id: 172549793, status: 'failed', current_images: [cdn('old')], color_image: null, image_errors: [] },
			errors: [{ field: 'images', reason: 'Failed to download the image: HTTP 404 for https://img.example/2.jpg (Ozon code IMAGE_DOWNLOAD_FAILED)' }],
			warnings: [],
		});
		expect(json[2]).toEqual({
			success: false,
			data: { offer_id: 'SKU-003', product_id: 1003, task_id: 172549793, status: 'pending' },
			errors: [{ field: 'task', reason: 'Ozon is still processing this product (task_id 172549793): ask again later, after a longer Wait or with Retry On Fail on this node' }],
			warnings: [],
		});
	});

	it('items from a Push (one task for the batch) each get their own product: 3 items, 3 results, one question to Ozon', async () => {
		const asked = answerTasks({ '9000': ['SKU-001', 'SKU-002', 'SKU-003'].map((offer, n) => ({ offer_id: offer, product_id: 1001 + n, status: 'imported' })) });
		mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		// Push results as the full output and as flat rows, mapped straight from the Push's data.task_id.
		const pushed = [
			{ success: true, data: { offer_id: 'SKU-002', task_id: 9000, status: 'pending' } },
			{ offer_id: 'SKU-003', task_id: 9000, status: 'pending' },
			{ success: true, data: { offer_id: 'SKU-001', task_id: 9000, status: 'pending' } },
		];
		const { json, output } = await getResult(pushed, { taskId: '={{ $json.data?.task_id ?? $json.task_id }}' });
		expect(asked).toHaveLength(1);
		expect(output.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id])).toEqual([
			[{ item: 0 }, 'SKU-002'],
			[{ item: 1 }, 'SKU-003'],
			[{ item: 2 }, 'SKU-001'],
		]);
		expect(json.every((item) => item.success)).toBe(true);
	});

	it('a Push item whose product the task does not list is told so; an item naming the task alone gets the products no Push item claims', async () => {
		answerTasks({ '9000': [{ offer_id: 'SKU-001', product_id: 1001, status: 'imported' }, { offer_id: 'SKU-002', product_id: 1002, status: 'skipped' }] });
		mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		const { json, output } = await getResult([{ task: 9000, data: { offer_id: 'SKU-001', task_id: 9000 } }, { task: 9000 }, { task: 9000, data: { offer_id: 'SKU-404', task_id: 9000 } }]);
		expect(output.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id, item.json.success, (item.json.data as IDataObject).status])).toEqual([
			[{ item: 0 }, 'SKU-001', true, 'imported'],
			[{ item: 1 }, 'SKU-002', true, 'skipped'],
			[{ item: 2 }, 'SKU-404', false, 'failed'],
		]);
		expect(json[2].errors).toEqual([{ field: 'offer_id', reason: 'Ozon\'s answer for task_id 9000 lists no product with offer_id "SKU-404", the one this item pushed' }]);
	});

	it('a product Ozon\'s answer names without product_id is found by its offer_id before its photos are read', async () => {
		answerTasks({ '9000': [{ offer_id: 'SKU-007', product_id: 0, status: 'imported' }, { offer_id: 'SKU-GONE', product_id: 0, status: 'skipped' }] });
		const lookups = mockInfoList([product(7)]);
		const reads = mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		const { json } = await getResult([{ task: '9000' }]);
		expect(lookups).toEqual([{ offer_id: ['SKU-007', 'SKU-GONE'] }]);
		expect(reads).toEqual([{ product_id: ['1007'] }]);
		expect(json[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-007', product_id: 1007, status: 'imported', current_images: [cdn('m')] } });
		// A product the account no longer has: its photos are on no product of it, so no success.
		expect(json[1]).toMatchObject({ success: false, data: { offer_id: 'SKU-GONE', product_id: null, status: 'skipped', current_images: null }, errors: [{ field: 'product_id', reason: expect.stringMatching(/^No product with offer_id "SKU-GONE"/) }] });
	});
});

describe('getPushResult: task ids and tasks Ozon does not know', () => {
	it.each([
		['text that is no number', 'abc', 'Task ID must be a positive whole number, got "abc"'],
		['zero', 0, 'Task ID is out of range'],
		['a negative number', -7, 'Task ID must be a positive whole number, got "-7"'],
		['a fraction', 1.5, 'Task ID came as the number 1.5, not a whole number: give it as text'],
		['past int64', '9223372036854775808', 'Task ID is out of range'],
		['nothing', undefined, expect.stringMatching(/^No task_id given: set Task ID/)],
	])('%s fails its item, and nothing is asked of Ozon', async (_name, task, reason) => {
		const asked = answerTasks({});
		const { json, output } = await getResult([{ task }]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'invalid' }, errors: [{ field: 'task_id', reason }] });
		expect(asked).toEqual([]);
		expect(keyRoles.calls).toBe(0);
	});

	it('an unsafe integer arriving as a number fails asking for text; the same digits as text are asked as they are', async () => {
		const asked = answerTasks({});
		const { json } = await getResult([{ task: JSON.parse('12345678901234567890') as number }, { task: '1234567890123456789' }]);
		expect(json[0].errors).toEqual([{ field: 'task_id', reason: expect.stringMatching(/^Task ID came as the number 12345678901234567000, past 2\^53 .*Give it as text/) }]);
		// An int64 past a JSON number's exact range goes to Ozon as text.
		expect(asked).toEqual([{ task_id: '1234567890123456789' }]);
		expect(json[1]).toMatchObject({ success: false, data: { task_id: '1234567890123456789', status: 'failed' } });
	});

	it("an unknown task fails its item in Ozon's words; the other items are answered", async () => {
		answerTasks({ '9000': [{ offer_id: 'SKU-001', product_id: 1001, status: 'imported' }] });
		mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		const { json, output } = await getResult([{ task: '42' }, { task: '9000' }]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(json[0]).toEqual({
			success: false,
			data: { task_id: 42, status: 'failed' },
			errors: [{ field: 'task_id', reason: 'Ozon does not know task_id 42 (HTTP 404): "task 42 not found". Check that it comes from a Push with the same Ozon account (Client ID)' }],
			warnings: [],
		});
		expect(json[1]).toMatchObject({ success: true, data: { offer_id: 'SKU-001', status: 'imported' } });
	});

	it('a task Ozon answers with no products fails its item', async () => {
		answerTasks({ '77': [] });
		const { json } = await getResult([{ task: 77 }]);
		expect(json[0]).toMatchObject({ success: false, data: { task_id: 77, status: 'failed' }, errors: [{ field: 'task_id', reason: expect.stringMatching(/^Ozon's answer for task_id 77 lists no products/) }] });
	});
});

describe('getPushResult: in a workflow', () => {
	it('Retry On Fail asks again for a product Ozon was still processing, and keeps what was settled', async () => {
		let asked = 0;
		answerTasks({
			'9000': () => {
				asked++;
				return [
					{ offer_id: 'SKU-001', product_id: 1001, status: 'imported' },
					{ offer_id: 'SKU-002', product_id: 1002, status: asked === 1 ? 'pending' : 'imported' },
				];
			},
			'9001': [{ offer_id: 'SKU-003', product_id: 1003, status: 'imported' }],
		});
		const reads = mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		const { error, json, output } = await getResult([{ task: 9000 }, { task: 9001 }], {}, { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 });
		expect(error).toBeUndefined();
		expect(asked).toBe(2);
		expect(output.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id, item.json.success])).toEqual([
			[{ item: 0 }, 'SKU-001', true],
			[{ item: 0 }, 'SKU-002', true],
			[{ item: 1 }, 'SKU-003', true],
		]);
		// The second try read only the task that was still open; task 9001 was settled by the first.
		expect(reads.map((call) => call.product_id)).toEqual([['1001', '1003'], ['1001', '1002']]);
		expect(json.map((item) => item.data.status)).toEqual(['imported', 'imported', 'imported']);
	});

	it('On Error → Stop Workflow: the run stops on the first failed product, naming its input item', async () => {
		answerTasks({ '9000': [{ offer_id: 'SKU-001', product_id: 1001, status: 'imported' }], '9001': [{ offer_id: 'SKU-002', product_id: 1002, status: 'pending' }] });
		mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		const { error } = await getResult([{ task: 9000 }, { task: 9001 }], {}, {});
		expect(error?.message).toBe('Failed on item 1 (SKU-002): task: Ozon is still processing this product (task_id 9001): ask again later, after a longer Wait or with Retry On Fail on this node');
	});

	it('On Error → Continue (using error output): failed products on the error output, paired to their input', async () => {
		answerTasks({ '9000': [{ offer_id: 'SKU-001', product_id: 1001, status: 'imported' }, { offer_id: 'SKU-002', product_id: 1002, status: 'pending' }] });
		mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		const { outputs } = await getResult([{ task: 9000 }], {}, { onError: 'continueErrorOutput' });
		const [success, failed] = outputs;
		expect(success.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id])).toEqual([[{ item: 0 }, 'SKU-001']]);
		expect(failed.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id])).toEqual([[{ item: 0 }, 'SKU-002']]);
	});

	it('Output "Flat Row": one row per product, the photos as text', async () => {
		answerTasks({ '9000': [{ offer_id: 'SKU-001', product_id: 1001, status: 'imported' }] });
		mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [cdn('a')] }));
		const { json } = await getResult([{ task: 9000 }], { options: { output: 'flatRow' } });
		expect(json[0]).toEqual({
			offer_id: 'SKU-001',
			product_id: 1001,
			task_id: 9000,
			success: true,
			status: 'imported',
			current_images: `${cdn('m')}, ${cdn('a')}`,
			color_image: null,
			errors: '',
			warnings: '',
		});
	});

	it('the operation and its one parameter, as the contract names them', () => {
		const properties = new OzonSeller().description.properties;
		const operation = properties.find((property) => property.name === 'operation');
		expect((operation?.options as Array<{ name: string; value: string }>).map((option) => [option.value, option.name])).toContainEqual(['getPushResult', 'Get Push Result']);
		const taskId = properties.find((property) => property.name === 'taskId');
		expect(taskId).toMatchObject({ displayName: 'Task ID', type: 'string', displayOptions: { show: { resource: ['productImage'], operation: ['getPushResult'] } } });
	});
});

describe('getPushResult after a Push with Wait for Result off, in the same n8n process', () => {
	let sandbox: OzonSandbox | undefined;
	beforeAll(() => nock.enableNetConnect('127.0.0.1'));
	afterEach(async () => {
		await sandbox?.stop();
		sandbox = undefined;
	});

	it('reports each product imported once Ozon is done, sends no second import, and frees the lanes the push left waiting for an answer', async () => {
		const clock = virtualTimeForThisCase();
		// Ozon takes 5 s; the push waits for nothing and gives its task up after a Result Timeout of 1 s.
		sandbox = new OzonSandbox({ processingMs: 5000, rateLimitPerSecond: 1000 }, seedProducts(3));
		sandbox.store.now = () => clock.now();
		await sandbox.start();
		const sandboxCredentials = { clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: sandbox.url };
		const url = (offer: string, name: string) => `https://img.example.com/${offer}/${name}.jpg`;
		const rows = ['SKU-001', 'SKU-002'].map((offer) => ({ offer, urls: `${url(offer, 'front')}, ${url(offer, 'back')}` }));
		const imports = () => sandbox?.store.log.filter((entry) => entry.path === '/v2/product/pictures/import').length;

		const push = await runWorkflow(
			ozonWorkflow(rows, { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}', options: { waitForResult: false, resultTimeout: 1 } } as INode['parameters'], KEEP_FAILED_ITEMS),
			sandboxCredentials,
		);
		const pushed = (push.output(OZON_NODE_NAME) ?? []).map((item) => item.json);
		expect(pushed.map((item) => [item.success, (item.data as IDataObject).status])).toEqual([
			[true, 'pending'],
			[true, 'pending'],
		]);
		const taskId = (pushed[0].data as IDataObject).task_id as number;
		expect((pushed[1].data as IDataObject).task_id).toBe(taskId);

		// The push's flight asks until its Result Timeout, then leaves each product's lane waiting for the answer.
		await clock.sleep(2000);
		const account = { account: `${sandbox.url} 123456` } as OzonTransport;
		expect(nodeProcess().writes.lanesOfTask(account, taskId).map((lane) => lane.state)).toEqual(['unknown', 'unknown']);

		const ask = async () => {
			const result = await runWorkflow(ozonWorkflow(pushed, { resource: 'productImage', operation: 'getPushResult', taskId: '={{ $json.data.task_id }}' } as INode['parameters'], KEEP_FAILED_ITEMS), sandboxCredentials);
			return (result.output(OZON_NODE_NAME) ?? []).map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).offer_id, (item.json.data as IDataObject).status, (item.json.data as IDataObject).current_images]);
		};
		// Asked before Ozon is done: pending, and the lanes still wait.
		expect(await ask()).toEqual([
			[{ item: 0 }, false, 'SKU-001', 'pending', undefined],
			[{ item: 1 }, false, 'SKU-002', 'pending', undefined],
		]);
		expect(nodeProcess().writes.lanesOfTask(account, taskId)).toHaveLength(2);

		await clock.sleep(4000);
		expect(await ask()).toEqual([
			[{ item: 0 }, true, 'SKU-001', 'imported', [url('SKU-001', 'front'), url('SKU-001', 'back')]],
			[{ item: 1 }, true, 'SKU-002', 'imported', [url('SKU-002', 'front'), url('SKU-002', 'back')]],
		]);
		// Ozon's answer reached the lanes: the next push of these products need not wait for a poll.
		expect(nodeProcess().writes.lanesOfTask(account, taskId)).toEqual([]);
		expect(nodeProcess().writes.heldLanes).toBe(0);
		expect(imports()).toBe(1);
	});
});
