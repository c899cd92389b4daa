import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../../helpers/n8nEngine';
import {
	credentials,
	mockImportInfo,
	mockImportV2,
	mockInfoList,
	mockPicturesInfo,
	ozon,
	product,
	type MockProduct,
} from '../../../../helpers/ozonMock';
import { useFastTiming } from '../../../../helpers/timing';

type Output = { success: boolean; data: IDataObject; errors: IDataObject[]; warnings: IDataObject[] };

const PUSH_BY_OFFER = {
	resource: 'productImage',
	operation: 'push',
	identifyBy: 'offerId',
	offerId: '={{ $json.offer }}',
	images: '={{ $json.urls }}',
};

async function push(items: IDataObject[], parameters: IDataObject = {}, nodeOptions: Partial<INode> = {}) {
	const result = await runWorkflow(
		ozonWorkflow(items, { ...PUSH_BY_OFFER, ...parameters } as INode['parameters'], nodeOptions),
		credentials,
	);
	const output = result.output(OZON_NODE_NAME);
	return {
		error: result.error,
		items: output,
		json: (output ?? []).map((item) => item.json as unknown as Output),
	};
}

const img = (offer: string, n: number) => `https://img.example/${offer}/${n}.jpg`;
const row = (p: MockProduct, count = 2) => ({ offer: p.offer_id, urls: Array.from({ length: count }, (_, i) => img(p.offer_id, i + 1)).join(', ') });

useFastTiming();


describe('push: batching', () => {
	it('250 products: 1 info/list call, 3 imports of at most 100, 1 pictures/info call, all confirmed', async () => {
		const products = Array.from({ length: 250 }, (_, i) => product(i + 1));
		const infoCalls = mockInfoList(products);
		const imports = mockImportV2();
		const polls = mockImportInfo(imports);
		const reads = mockPicturesInfo((id) => ({ photo: [`https://cdn.ozon.test/${id}/a.jpg`, `https://cdn.ozon.test/${id}/b.jpg`] }));

		const { json, items } = await push(products.map((p) => row(p)));

		expect(infoCalls).toHaveLength(1);
		expect(imports.map((call) => (call.items as unknown[]).length)).toEqual([100, 100, 50]);
		expect(polls).toHaveLength(3);
		expect(reads).toHaveLength(1);
		for (const call of imports) {
			const offers = (call.items as Array<{ offer_id: string }>).map((item) => item.offer_id);
			expect(new Set(offers).size).toBe(offers.length);
		}
		expect(json).toHaveLength(250);
		expect(json.every((item) => item.success && item.data.status === 'imported')).toBe(true);
		expect(items?.map((item) => item.pairedItem)).toEqual(products.map((_, i) => ({ item: i })));
		expect(json[0].data).toEqual({
			offer_id: 'SKU-001',
			product_id: 1001,
			task_id: 9000,
			status: 'imported',
			updated: { images: 2, images360: 0, color_image: false, primary_image: false },
			previous_images: [],
			current_images: ['https://cdn.ozon.test/1001/a.jpg', 'https://cdn.ozon.test/1001/b.jpg'],
		});
	});

	it('Batch Size splits the imports into smaller requests', async () => {
		const products = Array.from({ length: 5 }, (_, i) => product(i + 1));
		mockInfoList(products);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));
		const { json } = await push(products.map((p) => row(p)), { options: { batchSize: 2 } });
		expect(imports.map((call) => (call.items as unknown[]).length)).toEqual([2, 2, 1]);
		expect(json.every((item) => item.success)).toBe(true);
	});

	it.each([
		['productId', { product_id: ['1001'] }, '1001'],
		['sku', { sku: ['500001'] }, 500001],
	])('resolves %s to the offer_id that v2 needs', async (identifyBy, expectedLookup, id) => {
		const infoCalls = mockInfoList([product(1), product(2)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));

		const { json } = await push([{ id, urls: img('x', 1) }], { identifyBy, [identifyBy]: '={{ $json.id }}' });

		expect(infoCalls).toEqual([expectedLookup]);
		expect(imports[0].items).toEqual([{ offer_id: 'SKU-001', images: [img('x', 1)] }]);
		expect(json[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-001', product_id: 1001 } });
	});

	it('an unknown product fails only its own item', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));

		const { json } = await push([row(product(1)), { offer: 'NOPE-9', urls: img('n', 1) }]);

		expect(json[0].success).toBe(true);
		expect(json[1]).toMatchObject({
			success: false,
			data: { offer_id: 'NOPE-9', status: 'invalid' },
			errors: [{ field: 'offer_id', reason: 'No product with offer_id "NOPE-9" in this Ozon account' }],
		});
		expect(imports[0].items).toHaveLength(1);
	});

	it('the same product twice in a run: two requests, the second after the first finished', async () => {
		const p = product(1);
		mockInfoList([p]);
		const events: string[] = [];
		const imports = mockImportV2();
		mockImportInfo(imports, (offer, poll) => {
			events.push(`poll ${offer} #${poll}`);
			return { status: poll < 2 ? 'pending' : 'imported' };
		});
		mockPicturesInfo(() => ({}));

		const { json } = await push([
			{ offer: p.offer_id, urls: img('first', 1) },
			{ offer: p.offer_id, urls: img('second', 1) },
		]);

		expect(imports.map((call) => call.items)).toEqual([
			[{ offer_id: 'SKU-001', images: [img('first', 1)] }],
			[{ offer_id: 'SKU-001', images: [img('second', 1)] }],
		]);
		expect(json.map((item) => [item.success, item.data.task_id])).toEqual([
			[true, 9000],
			[true, 9001],
		]);
		// The second push's "previous" images are what the first one set.
		expect(json[1].data.previous_images).toEqual([img('first', 1)]);
	});
});

describe('push: append and prepend', () => {
	const existing = product(1, { primary_image: ['https://cdn.ozon.test/main.jpg'], images: ['https://cdn.ozon.test/a.jpg'], color_image: ['https://cdn.ozon.test/c.jpg'] });

	it.each([
		['append', ['https://cdn.ozon.test/a.jpg', img('SKU-001', 1)]],
		['prepend', [img('SKU-001', 1), 'https://cdn.ozon.test/a.jpg']],
	])('%s keeps the current photos and colour image', async (mode, expectedImages) => {
		mockInfoList([existing]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));

		const { json } = await push([row(existing, 1)], { mode });

		expect(imports[0].items).toEqual([
			{ offer_id: 'SKU-001', primary_image: 'https://cdn.ozon.test/main.jpg', color_image: 'https://cdn.ozon.test/c.jpg', images: expectedImages },
		]);
		expect(json[0].data.previous_images).toEqual(['https://cdn.ozon.test/main.jpg', 'https://cdn.ozon.test/a.jpg']);
	});
});

describe('push: waiting for the task', () => {
	function setup(status: (offer: string, poll: number) => { status: string; errors?: unknown[] }, pictures: Record<string, unknown> = {}) {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		const polls = mockImportInfo(imports, status);
		const reads = mockPicturesInfo(() => pictures);
		return { imports, polls, reads };
	}

	it('polls while pending, then confirms imported', async () => {
		const { polls } = setup((_o, poll) => ({ status: poll < 3 ? 'pending' : 'imported' }));
		const { json } = await push([row(product(1))]);
		expect(polls).toHaveLength(3);
		expect(json[0]).toMatchObject({ success: true, data: { status: 'imported', task_id: 9000 } });
	});

	it('skipped succeeds, with a warning on how to force Ozon to fetch again', async () => {
		setup(() => ({ status: 'skipped' }));
		const { json } = await push([row(product(1))]);
		expect(json[0].success).toBe(true);
		expect(json[0].data.status).toBe('skipped');
		expect(json[0].warnings).toContainEqual(expect.objectContaining({ field: 'images', message: expect.stringContaining('give it a new URL') }));
	});

	it('failed carries Ozon errors mapped back to the field and index of the URL', async () => {
		setup(() => ({
			status: 'failed',
			errors: [{ code: 'image_download_failed', field: 'images', url: img('SKU-001', 2), description: 'Could not download image', level: 'error' }],
		}));
		const { json } = await push([row(product(1))]);
		expect(json[0]).toMatchObject({
			success: false,
			data: { status: 'failed', task_id: 9000 },
			errors: [{ field: 'images', index: 1, url: img('SKU-001', 2), reason: 'Could not download image' }],
		});
	});

	it('stops waiting at the result timeout: status pending, not a success', async () => {
		const { polls } = setup(() => ({ status: 'pending' }));
		const { json } = await push([row(product(1))], { options: { resultTimeout: 1 } });
		expect(polls.length).toBeGreaterThan(1);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'pending', task_id: 9000 } });
		expect(json[0].errors[0].reason).toMatch(/^Ozon had not finished processing within 1 s \(task_id 9000\)/);
	});

	it('read-back errors for URLs we sent make the item fail, naming field and index', async () => {
		setup(() => ({ status: 'imported' }), {
			photo: ['https://cdn.ozon.test/1.jpg'],
			errors: [
				{ url: img('SKU-001', 2), message: 'HTTP 404 when downloading' },
				{ url: 'https://elsewhere.example/old.jpg', message: 'an old error about another URL' },
			],
		});
		const { json } = await push([row(product(1))]);
		expect(json[0]).toMatchObject({
			success: false,
			data: { status: 'imported', current_images: ['https://cdn.ozon.test/1.jpg'] },
			errors: [{ field: 'images', index: 1, url: img('SKU-001', 2), reason: 'HTTP 404 when downloading' }],
		});
	});

	it('with Wait for Result off: no polling, status pending with the task id', async () => {
		const { polls, reads } = setup(() => ({ status: 'imported' }));
		const { json } = await push([row(product(1))], { options: { waitForResult: false } });
		expect(polls).toHaveLength(0);
		expect(reads).toHaveLength(0);
		expect(json[0]).toMatchObject({ success: true, data: { status: 'pending', task_id: 9000 } });
	});
});

describe('push: v1 (deprecated) path', () => {
	it('sends one product by product_id with images360, main photo first', async () => {
		mockInfoList([product(1)]);
		const v1Calls: IDataObject[] = [];
		ozon()
			.post('/v1/product/pictures/import', (body) => {
				v1Calls.push(body);
				return true;
			})
			.reply(200, { result: { pictures: [{ product_id: 1001, url: img('m', 0), state: 'imported', is_primary: true, is_color: false }] } });
		mockPicturesInfo(() => ({ photo: ['https://cdn.ozon.test/x.jpg'], photo_360: ['https://cdn.ozon.test/r.jpg'] }));

		const { json } = await push([{ offer: 'SKU-001', urls: img('g', 1), r: `${img('r', 1)};${img('r', 2)}` }], {
			primaryImage: img('m', 0),
			images360: '={{ $json.r }}',
			options: { apiVersion: 'v1' },
		});

		expect(v1Calls).toEqual([{ product_id: 1001, images: [img('m', 0), img('g', 1)], images360: [img('r', 1), img('r', 2)] }]);
		expect(json[0]).toMatchObject({ success: true, data: { status: 'imported', updated: { images: 1, images360: 2, primary_image: true } } });
	});

	it('when Ozon has switched v1 off, the item fails saying to use v2', async () => {
		mockInfoList([product(1)]);
		ozon().post('/v1/product/pictures/import').reply(404, { code: 5, message: 'method not found' });
		const { json } = await push([row(product(1))], { options: { apiVersion: 'v1' } });
		expect(json[0].success).toBe(false);
		expect(json[0].errors[0].reason).toMatch(/^Ozon no longer offers the v1 picture method \(HTTP 404\): method not found\. Ozon has switched off/);
	});

	it('on v2, 360° images are left out with a warning and the rest is sent', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));
		const { json } = await push([row(product(1))], { images360: img('r', 1) });
		expect(imports[0].items).toEqual([{ offer_id: 'SKU-001', images: [img('SKU-001', 1), img('SKU-001', 2)] }]);
		expect(json[0].success).toBe(true);
		expect(json[0].warnings).toContainEqual(expect.objectContaining({ field: 'images360', urls: [img('r', 1)] }));
	});
});

describe('push: dry run', () => {
	it('shows the exact request and sends nothing', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		const { json } = await push([row(product(1))], { options: { dryRun: true } });
		expect(imports).toHaveLength(0);
		expect(json[0]).toMatchObject({
			success: true,
			data: {
				status: 'dry_run',
				request: { method: 'POST', endpoint: '/v2/product/pictures/import', body: { items: [{ offer_id: 'SKU-001', images: [img('SKU-001', 1), img('SKU-001', 2)] }] } },
			},
		});
	});
});

describe('push: validation inside a run', () => {
	it('bad items fail on their own, are never sent, and every input item gets one paired output', async () => {
		mockInfoList([product(1), product(3)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));

		const { json, items } = await push([
			row(product(1)),
			{ offer: 'SKU-002', urls: '' },
			row(product(3)),
			{ offer: null, urls: img('z', 1) },
			{ offer: 'SKU-004', urls: ['https://ok.example/1.jpg', 'not a url at all'] },
		]);

		expect(items?.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(json.map((item) => [item.success, item.data.status])).toEqual([
			[true, 'imported'],
			[false, 'invalid'],
			[true, 'imported'],
			[false, 'invalid'],
			[false, 'invalid'],
		]);
		expect(json[1].errors[0].reason).toMatch(/an empty set would delete them/);
		expect(json[1].data).toEqual({ offer_id: 'SKU-002', status: 'invalid' });
		expect(json[3].data).toEqual({ status: 'invalid' });
		expect(json[3].errors[0]).toMatchObject({ field: 'offer_id' });
		expect(json[4].errors[0]).toMatchObject({ field: 'images', index: 1, reason: 'URL contains whitespace or control characters' });
		expect(imports[0].items).toHaveLength(2);
	});

	it('a run of only invalid items makes no request at all', async () => {
		const { json } = await push([{ offer: '', urls: img('a', 1) }]);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'invalid' } });
		expect(nock.pendingMocks()).toEqual([]);
	});
});
