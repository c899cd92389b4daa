import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import nock from 'nock';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow, withCodeInput } from '../../../../helpers/n8nEngine';
import { ITEMS_PER_TURN } from '../../../../../nodes/OzonSeller/actions/common/concurrency';
import { OzonSeller } from '../../../../../nodes/OzonSeller/OzonSeller.node';
import { itemsCountingReads, mostReadBetweenYields } from '../../../../helpers/itemReads';
import { credentials, mockInfoList, mockPicturesInfo, ozon, product } from '../../../../helpers/ozonMock';
import { useVirtualTime } from '../../../../helpers/virtualTime';

/** A 20-digit article from a spreadsheet column, as a JSON number arrives: 12345678901234567000. */
const SPREADSHEET_NUMBER = JSON.parse('12345678901234567890') as number;

type Output = { success: boolean; data: IDataObject; errors: IDataObject[]; warnings: IDataObject[] };

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's turns pass in no real time. */
const clock = useVirtualTime();

async function get(items: IDataObject[], parameters: IDataObject) {
	const result = await runWorkflow(ozonWorkflow(items, { resource: 'productImage', operation: 'get', ...parameters } as INode['parameters'], KEEP_FAILED_ITEMS), credentials);
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => ({ json: item.json as unknown as Output, paired: item.pairedItem }));
}


describe('get', () => {
	it('reads main, gallery and colour images in bulk, one item per input, paired; 360° images only passed on if Ozon sends them', async () => {
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
		expect(output[1].json.data).toMatchObject({ color_image: null });
		// photo_360 is gone from Ozon's schema: no promise of an empty list when Ozon sends none.
		expect(output[1].json.data).not.toHaveProperty('images360');
	});

	it.each([
		['left out', {}],
		['null', { primary_photo: null, photo: null, color_photo: null }],
	])('image lists Ozon %s are unknown, not empty: null plus a warning', async (_name, missing) => {
		mockInfoList([product(1)]);
		ozon()
			.post('/v2/product/pictures/info')
			.reply(200, { items: [{ product_id: 1001, ...missing, errors: [] }] });
		const output = await get([{ offer: 'SKU-001' }], { identifyBy: 'offerId', offerId: '={{ $json.offer }}' });
		expect(output[0].json).toMatchObject({
			success: true,
			data: { primary_image: null, images: null, color_image: null },
			warnings: [{ field: 'primary_image', message: expect.stringMatching(/^Ozon's answer left out "primary_image", "images", "color_image": shown as null because the current images are unknown, not absent/) }],
		});
	});

	it('the operation describes main, gallery and colour images only', () => {
		const operation = new OzonSeller().description.properties.find((property) => property.name === 'operation');
		const getOption = (operation?.options as Array<{ value: string; description: string }>).find((option) => option.value === 'get');
		expect(getOption?.description).toBe("Read a product's current main, gallery and colour images");
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

describe('get: identifiers as catalogues hold them', () => {
	it('a product found by an older SKU, which Ozon names only under sources[].sku, is read; the current SKU is shown, with a warning', async () => {
		const lookups = mockInfoList([product(1, { sku: 700001, sources: [{ sku: 700001, source: 'sds' }, { sku: '500001', source: 'fbo' }] }), product(2)]);
		const reads = mockPicturesInfo(() => ({ primary_photo: ['https://cdn1.ozone.ru/s3/multimedia-t/m.jpg'], photo: [] }));
		const output = await get([{ sku: '500001' }, { sku: 700001 }, { sku: '500002' }], { identifyBy: 'sku', sku: '={{ $json.sku }}' });
		expect(lookups).toEqual([{ sku: ['500001', '700001', '500002'] }]);
		expect(reads).toEqual([{ product_id: ['1001', '1002'] }]);
		expect(output.map((o) => [o.paired, o.json.success, o.json.data.offer_id, o.json.data.sku])).toEqual([
			[{ item: 0 }, true, 'SKU-001', 700001],
			[{ item: 1 }, true, 'SKU-001', 700001],
			[{ item: 2 }, true, 'SKU-002', 500002],
		]);
		expect(output[0].json.warnings).toEqual([{ field: 'sku', message: "Found by an older SKU of the product, 500001: Ozon's current SKU for it is 700001 (shown in sku)" }]);
		expect(output[1].json.warnings).toEqual([]);
	});

	it('an offer_id number past 2^53 fails its item ("give it as text") and is never looked up; a safe integer converts exactly', async () => {
		const lookups = mockInfoList([product(1, { offer_id: '9007199254740991' })]);
		mockPicturesInfo(() => ({}));
		const output = await get([{ offer: SPREADSHEET_NUMBER }, { offer: 9007199254740991 }], { identifyBy: 'offerId', offerId: '={{ $json.offer }}' });
		expect(output[0].json).toMatchObject({ success: false, data: { status: 'invalid' } });
		expect(output[0].json.errors).toEqual([{ field: 'offer_id', reason: expect.stringMatching(/^Offer ID came as the number 12345678901234567000, past 2\^53 .*Give it as text/) }]);
		expect(output[1].json).toMatchObject({ success: true, data: { offer_id: '9007199254740991', product_id: 1001 } });
		expect(lookups).toEqual([{ offer_id: ['9007199254740991'] }]);
	});
});

describe('get: choice values from expressions', () => {
	it('a bad Identify Product By (a workflow written by hand) fails the item naming the choices, and asks nothing', async () => {
		const bad = await get([{}], { identifyBy: 'ean', productId: '1001' });
		expect(bad[0].json).toEqual({
			success: false,
			data: { status: 'invalid' },
			errors: [{ field: 'identifyBy', reason: 'Identify Product By must be Offer ID (Article), Product ID or SKU (got "ean")' }],
			warnings: [],
		});
		expect(nock.pendingMocks()).toEqual([]);
	});
});

describe('get: options read once per execution', () => {
	it('an item whose Output (by expression) differs from the first item\'s says so; with one value for all, nothing is said', async () => {
		const products = [product(1), product(2)];
		mockInfoList(products);
		mockPicturesInfo((id) => ({ photo: [`https://cdn.ozon.test/${id}/1.jpg`] }));
		const differing = await get(
			[{ offer: products[0].offer_id, shape: 'full' }, { offer: products[1].offer_id, shape: 'row' }],
			{ identifyBy: 'offerId', offerId: '={{ $json.offer }}', options: { output: '={{ $json.shape }}' } },
		);
		expect(differing.map(({ json }) => json.success)).toEqual([true, true]);
		expect(differing[0].json).toMatchObject({ warnings: [] });
		expect(differing[1].json).toMatchObject({
			warnings: [{ field: 'options', message: expect.stringMatching(/^Output is read once per execution, from the first item: this item's value was not used/) }],
		});

		mockInfoList(products);
		mockPicturesInfo((id) => ({ photo: [`https://cdn.ozon.test/${id}/1.jpg`] }));
		const same = await get(
			products.map((p) => ({ offer: p.offer_id, shape: 'full' })),
			{ identifyBy: 'offerId', offerId: '={{ $json.offer }}', options: { output: '={{ $json.shape }}' } },
		);
		expect(same.map(({ json }) => json)).toEqual([expect.objectContaining({ warnings: [] }), expect.objectContaining({ warnings: [] })]);
	});
});

describe('get: options read once per execution, the same value in another form', () => {
	it('Output " Full " on a later item, "full" on the first, and a Timeout of "30" against 30: no warning, as the value used is the same', async () => {
		const products = [product(1), product(2)];
		mockInfoList(products);
		mockPicturesInfo((id) => ({ photo: [`https://cdn.ozon.test/${id}/1.jpg`] }));
		const output = await get(
			[{ offer: products[0].offer_id, shape: 'full', seconds: 30 }, { offer: products[1].offer_id, shape: ' Full ', seconds: '30' }],
			{ identifyBy: 'offerId', offerId: '={{ $json.offer }}', options: { output: '={{ $json.shape }}', timeout: '={{ $json.seconds }}' } },
		);
		expect(output.map(({ json }) => json)).toEqual([expect.objectContaining({ success: true, warnings: [] }), expect.objectContaining({ success: true, warnings: [] })]);
	});
});

describe('get: options read once per execution, megabytes long', () => {
	it('a 2 MB Timeout (by expression) on each of 2,000 items, compared with the first item\'s: never serialised per item to compare', async () => {
		const seconds = 'x'.repeat(2 * 1024 * 1024);
		// Each item's 2 MB value serialised twice to compare took ~28 s here: count the serialisations of
		// megabytes instead of timing them (how long the run takes is the bench's figure).
		const stringify = JSON.stringify;
		let megabytesSerialised = 0;
		JSON.stringify = function (...args: Parameters<typeof JSON.stringify>) {
			const text = stringify.apply(JSON, args);
			if (typeof text === 'string' && text.length >= 1024 * 1024) megabytesSerialised++;
			return text;
		} as typeof JSON.stringify;
		let output: INodeExecutionData[];
		try {
			const result = await runWorkflow(
				withCodeInput(
					ozonWorkflow([], { resource: 'productImage', operation: 'get', identifyBy: 'offerId', offerId: '={{ $json.offer }}', options: { timeout: '={{ $json.seconds }}' } } as INode['parameters'], KEEP_FAILED_ITEMS),
					'2 MB option on every item',
					() => Array.from({ length: 2000 }, () => ({ offer: '', seconds })),
				),
				credentials,
			);
			output = result.output(OZON_NODE_NAME) ?? [];
		} finally {
			JSON.stringify = stringify;
		}
		expect(output).toHaveLength(2000);
		expect(output[1].json).toMatchObject({ success: false, warnings: [] });
		// Not once per item: at most a few, whatever n8n itself serialises.
		expect(megabytesSerialised).toBeLessThan(10);
	}, 120_000);
});

describe('get: Options by expression on 10,000 items', () => {
	it('each item\'s Options are evaluated (to warn of unused values) without holding the event loop: the node yields to it at least every ITEMS_PER_TURN items', async () => {
		const read = new Set<number>();
		const { value: result, mostBetweenYields, yields } = await mostReadBetweenYields(read, async () =>
			await runWorkflow(
				withCodeInput(
					ozonWorkflow([], { resource: 'productImage', operation: 'get', identifyBy: 'offerId', offerId: '={{ $json.offer }}', options: { output: '={{ $json.shape }}' } } as INode['parameters'], KEEP_FAILED_ITEMS),
					'10,000 items with Options by expression',
					() => itemsCountingReads(10_000, 'shape', () => ({ offer: '', shape: 'full' }), read),
				),
				credentials,
			),
			clock(),
		);
		expect(result.output(OZON_NODE_NAME)).toHaveLength(10_000);
		// Read in one go, the items held the event loop for 2.2 s here (the longest stall is the bench's figure).
		expect(read.size).toBe(10_000);
		expect(mostBetweenYields).toBeLessThanOrEqual(ITEMS_PER_TURN);
		expect(yields).toBeGreaterThanOrEqual(10_000 / ITEMS_PER_TURN - 1);
	}, 60_000);
});

describe('get: Options whose expression fails', () => {
	it('on the first item: every item fails with the reason and nothing is asked; on a later item: a warning, the first item\'s Options used', async () => {
		const products = [product(1), product(2)];
		const noRequests = ozon().post(/.*/).reply(500).persist();
		const first = await get(
			[{ offer: products[0].offer_id, broken: true }, { offer: products[1].offer_id, broken: false }],
			{ identifyBy: 'offerId', offerId: '={{ $json.offer }}', options: { output: `={{ $json.broken ? $('No Such Node').item.json.shape : 'full' }}` } },
		);
		expect(first.map(({ json }) => [json.success, json.errors.map((error) => error.field)])).toEqual([[false, ['options']], [false, ['options']]]);
		expect(noRequests.isDone()).toBe(false);
		nock.cleanAll();

		mockInfoList(products);
		mockPicturesInfo((id) => ({ photo: [`https://cdn.ozon.test/${id}/1.jpg`] }));
		const later = await get(
			[{ offer: products[0].offer_id, broken: false }, { offer: products[1].offer_id, broken: true }],
			{ identifyBy: 'offerId', offerId: '={{ $json.offer }}', options: { output: `={{ $json.broken ? $('No Such Node').item.json.shape : 'full' }}` } },
		);
		expect(later.map(({ json }) => json.success)).toEqual([true, true]);
		expect(later[1].json).toMatchObject({ warnings: [{ field: 'options', message: expect.stringMatching(/^Options could not be read on this item \(.+\): the first item's were used/) }] });
	});
});

describe('get: Output "Flat Row"', () => {
	it('one flat row per product: URL lists as text a Push can read back, image errors and failures as text', async () => {
		mockInfoList([product(1), product(2)]);
		mockPicturesInfo((id) => ({
			primary_photo: [`https://cdn.ozon.test/${id}/main.jpg`],
			photo: [`https://cdn.ozon.test/${id}/1.jpg`, `https://cdn.ozon.test/${id}/2.jpg`],
			color_photo: [],
			errors: id === 1002 ? [{ url: 'https://img.example/broken.jpg', message: 'download failed' }] : [],
		}));
		const output = await get([{ offer: 'SKU-001' }, { offer: 'SKU-002' }, { offer: 'SKU-404' }], {
			identifyBy: 'offerId',
			offerId: '={{ $json.offer }}',
			options: { output: 'flatRow' },
		});
		expect(output.map((item) => item.paired)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json).toEqual({
			offer_id: 'SKU-001',
			product_id: 1001,
			sku: 500001,
			success: true,
			status: 'ok',
			primary_image: 'https://cdn.ozon.test/1001/main.jpg',
			images: 'https://cdn.ozon.test/1001/1.jpg, https://cdn.ozon.test/1001/2.jpg',
			color_image: null,
			image_errors: '',
			errors: '',
			warnings: '',
		});
		expect(output[1].json).toMatchObject({ offer_id: 'SKU-002', image_errors: 'https://img.example/broken.jpg: download failed' });
		expect(output[2].json).toEqual({
			offer_id: 'SKU-404',
			product_id: null,
			sku: null,
			success: false,
			status: 'invalid',
			primary_image: null,
			images: null,
			color_image: null,
			image_errors: '',
			errors: expect.stringMatching(/^offer_id: .*SKU-404/),
			warnings: '',
		});
	});
});
