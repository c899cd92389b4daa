/**
 * A SKU that is one product's current SKU and another product's older one (under sources[].sku):
 * which product it names must not depend on the order of Ozon's answer. Neither is taken: the item
 * fails naming both, and a push sends nothing.
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../../helpers/n8nEngine';
import { credentials, mockImportV2, mockInfoList, mockPicturesInfo, product } from '../../../../helpers/ozonMock';
import { useFastTiming } from '../../../../helpers/timing';

async function run(items: IDataObject[], parameters: IDataObject) {
	const result = await runWorkflow(ozonWorkflow(items, parameters as INode['parameters'], KEEP_FAILED_ITEMS), credentials);
	return (result.output(OZON_NODE_NAME) ?? []).map((item: INodeExecutionData) => ({ paired: item.pairedItem, json: item.json as { success: boolean; data: IDataObject; errors: IDataObject[] } }));
}

const current = product(1, { sku: 777001 });
const older = product(2, { sku: 888002, sources: [{ sku: 777001, source: 'fbo' }] });
const REASON = /^sku "777001" names 2 products in this Ozon account, as a current SKU of one and an older SKU of another: .*offer_id "SKU-00[12]".*offer_id "SKU-00[12]".*identify the product by offer_id or product_id$/;

useFastTiming();

describe('a SKU naming two products', () => {
	it.each([
		['current first', [current, older]],
		['older first', [older, current]],
	])('Get Images, %s in Ozon\'s answer: the item fails naming both; another SKU of the same request is read', async (_name, catalogue) => {
		mockInfoList([...catalogue, product(3)]);
		const reads = mockPicturesInfo(() => ({ primary_photo: ['https://cdn1.ozone.ru/s3/multimedia-t/m.jpg'], photo: [] }));
		const output = await run([{ sku: '777001' }, { sku: '500003' }], { resource: 'productImage', operation: 'get', identifyBy: 'sku', sku: '={{ $json.sku }}' });
		expect(output.map((o) => [o.paired, o.json.success])).toEqual([
			[{ item: 0 }, false],
			[{ item: 1 }, true],
		]);
		expect(output[0].json.errors).toEqual([{ field: 'sku', reason: expect.stringMatching(REASON) }]);
		expect(reads).toEqual([{ product_id: ['1003'] }]);
	});

	it('Push Images by that SKU sends no import', async () => {
		mockInfoList([older, current]);
		const imports = mockImportV2();
		const output = await run([{ sku: 777001 }], { resource: 'productImage', operation: 'push', identifyBy: 'sku', sku: '={{ $json.sku }}', images: 'https://img.example.com/a.jpg' });
		expect(output.map((o) => [o.paired, o.json.success, o.json.data.status])).toEqual([[{ item: 0 }, false, 'invalid']]);
		expect(output[0].json.errors).toEqual([{ field: 'sku', reason: expect.stringMatching(REASON) }]);
		expect(imports).toEqual([]);
	});
});
