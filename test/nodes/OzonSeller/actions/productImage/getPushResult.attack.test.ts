/**
 * Get Push Result under a hostile review (#24): input items that only look like Push results,
 * products the account no longer has, and answers of Ozon for a task it does not know.
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../../helpers/n8nEngine';
import { credentials, mockInfoList, mockPicturesInfo, ozon, product } from '../../../../helpers/ozonMock';
import { useFastTiming } from '../../../../helpers/timing';

type Output = { success: boolean; data: IDataObject; errors: IDataObject[]; warnings: IDataObject[] };

async function getResult(items: IDataObject[], nodeOptions: Partial<INode> = KEEP_FAILED_ITEMS) {
	const parameters = { resource: 'productImage', operation: 'getPushResult', taskId: '={{ $json.task }}' };
	const result = await runWorkflow(ozonWorkflow(items, parameters as INode['parameters'], nodeOptions), credentials);
	const output = result.output(OZON_NODE_NAME) ?? [];
	return { error: result.error, output, json: output.map((item: INodeExecutionData) => item.json as unknown as Output) };
}

/** Answers /v1/product/import/info with `answer(taskId)` (an HTTP status and body), counting the questions. */
function answerTasks(answer: (taskId: string) => [number, unknown]): { asked: number } {
	const counter = { asked: 0 };
	ozon()
		.post('/v1/product/import/info')
		.times(100)
		.reply((_uri, body) => {
			counter.asked++;
			return answer(String((body as IDataObject).task_id));
		});
	return counter;
}

const imported = (offers: string[]) => [200, { result: { items: offers.map((offer, n) => ({ offer_id: offer, product_id: 1001 + n, status: 'imported', errors: [] })), total: offers.length } }] as [number, unknown];
const cdn = (name: string) => `https://cdn1.ozone.ru/s3/multimedia-t/${name}.jpg`;

useFastTiming();

describe('getPushResult: items that only look like Push results', () => {
	it('a sheet row with its own data.offer_id (no task_id of a Push beside it) gets the task\'s products, not "the task lists no product with offer_id"', async () => {
		answerTasks(() => imported(['SKU-001', 'SKU-002']));
		mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		const { json, output } = await getResult([{ task: 9000, data: { offer_id: 'ROW-7', sheet: 'Products' } }, { task: '9000', offer_id: 'ROW-8' }]);
		expect(output.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id, item.json.success])).toEqual([
			[{ item: 0 }, 'SKU-001', true],
			[{ item: 0 }, 'SKU-002', true],
			[{ item: 1 }, 'SKU-001', true],
			[{ item: 1 }, 'SKU-002', true],
		]);
		expect(json.flatMap((item) => item.errors)).toEqual([]);
	});

	it('a Push item of another task (its own data.task_id differs) is not taken for one of this task', async () => {
		answerTasks(() => imported(['SKU-001']));
		mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		const { output } = await getResult([{ task: 9000, data: { offer_id: 'SKU-404', task_id: 8000 } }]);
		expect(output.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id, item.json.success])).toEqual([[{ item: 0 }, 'SKU-001', true]]);
	});
});

describe('getPushResult: a product of the task the account no longer has', () => {
	it('named by product_id, but absent from the read-back: success false, its photos are not on Ozon; the others succeed', async () => {
		answerTasks(() => [200, { result: { items: [{ offer_id: 'SKU-001', product_id: 1001, status: 'imported', errors: [] }, { offer_id: 'SKU-009', product_id: 1009, status: 'imported', errors: [] }] } }]);
		ozon().post('/v2/product/pictures/info').reply(200, { items: [{ product_id: 1001, primary_photo: [cdn('m')], photo: [], color_photo: [], errors: [] }] });
		const { json, output } = await getResult([{ task: 9000 }]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		expect(json[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-001', status: 'imported', current_images: [cdn('m')] } });
		expect(json[1]).toMatchObject({
			success: false,
			data: { offer_id: 'SKU-009', product_id: 1009, status: 'imported', current_images: null },
			errors: [{ field: 'product_id', reason: expect.stringMatching(/^Ozon returned no pictures for product 1009/) }],
		});
	});

	it('named without product_id and not found by its offer_id: success false, not a success with a warning', async () => {
		answerTasks(() => [200, { result: { items: [{ offer_id: 'SKU-GONE', product_id: 0, status: 'imported', errors: [] }] } }]);
		mockInfoList([product(1)]);
		const { json } = await getResult([{ task: 9000 }]);
		expect(json[0]).toMatchObject({ success: false, data: { offer_id: 'SKU-GONE', product_id: null, status: 'imported' }, errors: [{ field: 'product_id', reason: expect.stringMatching(/^No product with offer_id "SKU-GONE" in this Ozon account now/) }] });
	});
});

describe('getPushResult: what Ozon may answer for a task it does not know', () => {
	it.each([
		['an empty object', {}],
		['result null', { result: null }],
		['items null', { result: { items: null, total: 0 } }],
	])('%s: the item fails saying Ozon lists no products for the task, asked once (not retried as a broken answer), and the run goes on', async (_name, body) => {
		const counter = answerTasks((taskId) => (taskId === '42' ? [200, body] : imported(['SKU-001'])));
		mockPicturesInfo(() => ({ primary_photo: [cdn('m')], photo: [] }));
		const { json, error } = await getResult([{ task: 42 }, { task: 9000 }], {});
		expect(error?.message).toMatch(/^Failed on item 0: task_id: Ozon's answer for task_id 42 lists no products/);
		expect(counter.asked).toBe(2);
		expect(json).toEqual([]);
		const kept = await getResult([{ task: 42 }, { task: 9000 }]);
		expect(kept.json.map((item) => [item.success, item.errors[0]?.field])).toEqual([
			[false, 'task_id'],
			[true, undefined],
		]);
	});
});
