import { importRequest, toV1Request, toV2Item } from '../../../../nodes/OzonSeller/transport/ozonApi';

const u = (name: string) => `https://a.io/${name}.jpg`;

describe("Ozon's request bodies", () => {
	it('v2 item carries offer_id and only the fields that are set', () => {
		expect(toV2Item('SKU-1', { images: [u('a')], primaryImage: u('m') })).toEqual({ offer_id: 'SKU-1', primary_image: u('m'), images: [u('a')] });
	});

	it('v2 item names the main photo when none is set: the first image as primary_image, the rest as images, the card in the same order', () => {
		expect(toV2Item('SKU-1', { images: [u('a'), u('b'), u('c')], colorImage: u('k') })).toEqual({ offer_id: 'SKU-1', primary_image: u('a'), color_image: u('k'), images: [u('b'), u('c')] });
		expect(toV2Item('SKU-1', { images: [u('a')] })).toEqual({ offer_id: 'SKU-1', primary_image: u('a'), images: [] });
		// A main photo of its own is sent as it is, the gallery whole.
		expect(toV2Item('SKU-1', { primaryImage: u('m'), images: [u('a'), u('b')] })).toEqual({ offer_id: 'SKU-1', primary_image: u('m'), images: [u('a'), u('b')] });
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
