import type { IDataObject, INode } from 'n8n-workflow';

import { OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../../helpers/n8nEngine';
import { credentials, mockInfoList, mockPicturesInfo, product } from '../../../../helpers/ozonMock';

type Output = { success: boolean; data: IDataObject; errors: IDataObject[] };

async function get(items: IDataObject[], parameters: IDataObject) {
	const result = await runWorkflow(ozonWorkflow(items, { resource: 'productImage', operation: 'get', ...parameters } as INode['parameters']), credentials);
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => ({ json: item.json as unknown as Output, paired: item.pairedItem }));
}


describe('get', () => {
	it('reads main, gallery, colour and 360° images in bulk, one item per input, paired', async () => {
		const products = Array.from({ length: 1200 }, (_, i) => product(i + 1));
		const lookups = mockInfoList(products);
		const reads = mockPicturesInfo((id) => ({
			primary_photo: [`https://cdn.ozon.test/${id}/main.jpg`],
			photo: [`https://cdn.ozon.test/${id}/1.jpg`],
			color_photo: id === 1001 ? ['https://cdn.ozon.test/c.jpg'] : [],
			photo_360: id === 1001 ? ['https://cdn.ozon.test/r.jpg'] : undefined,
			errors: id === 1001 ? [{ url: 'https://img.example/broken.jpg', message: 'download failed' }] : [],
		}));

		const output = await get(products.map((p) => ({ offer: p.offer_id })), { identifyBy: 'offerId', offerId: '={{ $json.offer }}' });

		expect(lookups.map((call) => (call.offer_id as string[]).length)).toEqual([1000, 200]);
		expect(reads.map((call) => (call.product_id as string[]).length)).toEqual([1000, 200]);
		expect(output).toHaveLength(1200);
		expect(output[0]).toEqual({
			paired: { item: 0 },
			json: {
				success: true,
				data: {
					offer_id: 'SKU-001',
					product_id: 1001,
					sku: 500001,
					status: 'ok',
					primary_image: 'https://cdn.ozon.test/1001/main.jpg',
					images: ['https://cdn.ozon.test/1001/1.jpg'],
					color_image: 'https://cdn.ozon.test/c.jpg',
					images360: ['https://cdn.ozon.test/r.jpg'],
					image_errors: [{ url: 'https://img.example/broken.jpg', message: 'download failed' }],
				},
				errors: [],
				warnings: [],
			},
		});
		expect(output[1].json.data).toMatchObject({ color_image: null, images360: [] });
	});

	it('a bad or unknown identifier fails only its item', async () => {
		mockInfoList([product(1)]);
		mockPicturesInfo(() => ({}));
		const output = await get([{ id: '1001' }, { id: '-3' }, { id: '4242' }], { identifyBy: 'productId', productId: '={{ $json.id }}' });
		expect(output.map((o) => [o.json.success, o.json.data.status])).toEqual([
			[true, 'ok'],
			[false, 'invalid'],
			[false, 'invalid'],
		]);
		expect(output[1].json.errors[0]).toEqual({ field: 'product_id', reason: 'Product ID must be a positive whole number, got "-3"' });
		expect(output[2].json.errors[0]).toEqual({ field: 'product_id', reason: 'No product with product_id "4242" in this Ozon account' });
	});
});
