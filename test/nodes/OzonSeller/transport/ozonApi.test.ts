import { importRequest, toV1Request, toV2Item } from '../../../../nodes/OzonSeller/transport/ozonApi';

const u = (name: string) => `https://a.io/${name}.jpg`;

describe("Ozon's request bodies", () => {
	it('v2 item carries offer_id and only the fields that are set', () => {
		expect(toV2Item('SKU-1', { images: [u('a')], primaryImage: u('m') })).toEqual({ offer_id: 'SKU-1', primary_image: u('m'), images: [u('a')] });
	});

	it('v1 request puts the main photo first and has no images360 field', () => {
		expect(toV1Request(7, { images: [u('a')], primaryImage: u('m'), colorImage: u('c') })).toEqual({
			product_id: 7,
			images: [u('m'), u('a')],
			color_image: u('c'),
		});
	});

	it('a dry run shows the body and the endpoint of the method that would be used', () => {
		const v2Item = toV2Item('SKU-1', { images: [u('a')] });
		expect(importRequest({ v2Item })).toEqual({ method: 'POST', endpoint: '/v2/product/pictures/import', body: { items: [v2Item] } });
		const v1Request = toV1Request(7, { images: [u('a')] });
		expect(importRequest({ v1Request })).toEqual({ method: 'POST', endpoint: '/v1/product/pictures/import', body: v1Request });
	});
});
