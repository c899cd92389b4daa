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
