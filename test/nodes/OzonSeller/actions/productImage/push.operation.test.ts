import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { OzonSeller } from '../../../../../nodes/OzonSeller/OzonSeller.node';
import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../../helpers/n8nEngine';
import {
	API_KEY,
	catalogueEntry,
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
import { useVirtualTime } from '../../../../helpers/virtualTime';

/** A 20-digit article from a spreadsheet column, as a JSON number arrives: 12345678901234567000. */
const SPREADSHEET_NUMBER = JSON.parse('12345678901234567890') as number;

type Output = { success: boolean; data: IDataObject; errors: IDataObject[]; warnings: IDataObject[] };

const PUSH_BY_OFFER = {
	resource: 'productImage',
	operation: 'push',
	identifyBy: 'offerId',
	offerId: '={{ $json.offer }}',
	images: '={{ $json.urls }}',
};

async function push(items: IDataObject[], parameters: IDataObject = {}, nodeOptions: Partial<INode> = KEEP_FAILED_ITEMS) {
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

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's turns, polls and read-back waits pass in no real time. */
useVirtualTime();


describe('push: batching', () => {
	it('250 products: 1 info/list call, 3 imports of at most 100, 1 pictures/info call, all confirmed', async () => {
		const products = Array.from({ length: 250 }, (_, i) => product(i + 1));
		const infoCalls = mockInfoList(products);
		const imports = mockImportV2();
		const polls = mockImportInfo(imports);
		const reads = mockPicturesInfo((id) => ({ primary_photo: [`https://cdn1.ozone.ru/s3/multimedia-t/${id}/a.jpg`], photo: [`https://cdn1.ozone.ru/s3/multimedia-t/${id}/b.jpg`] }));

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
			current_images: ['https://cdn1.ozone.ru/s3/multimedia-t/1001/a.jpg', 'https://cdn1.ozone.ru/s3/multimedia-t/1001/b.jpg'],
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
		expect(imports[0].items).toEqual([{ offer_id: 'SKU-001', primary_image: img('x', 1), images: [] }]);
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
			[{ offer_id: 'SKU-001', primary_image: img('first', 1), images: [] }],
			[{ offer_id: 'SKU-001', primary_image: img('second', 1), images: [] }],
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
	const existing = product(1, { primary_image: ['https://cdn1.ozone.ru/s3/multimedia-t/main.jpg'], images: ['https://cdn1.ozone.ru/s3/multimedia-t/a.jpg'], color_image: ['https://cdn1.ozone.ru/s3/multimedia-t/c.jpg'] });

	it.each([
		['append', ['https://cdn1.ozone.ru/s3/multimedia-t/a.jpg', img('SKU-001', 1)]],
		['prepend', [img('SKU-001', 1), 'https://cdn1.ozone.ru/s3/multimedia-t/a.jpg']],
	])('%s keeps the current photos and colour image', async (mode, expectedImages) => {
		mockInfoList([existing]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));

		const { json } = await push([row(existing, 1)], { mode });

		expect(imports[0].items).toEqual([
			{ offer_id: 'SKU-001', primary_image: 'https://cdn1.ozone.ru/s3/multimedia-t/main.jpg', color_image: 'https://cdn1.ozone.ru/s3/multimedia-t/c.jpg', images: expectedImages },
		]);
		expect(json[0].data.previous_images).toEqual(['https://cdn1.ozone.ru/s3/multimedia-t/main.jpg', 'https://cdn1.ozone.ru/s3/multimedia-t/a.jpg']);
	});

	// On Ozon an import replaces the whole set: building on "no photos" would delete the real ones.
	it.each([
		['left out', { images: undefined, primary_image: undefined }],
		['null', { images: null, primary_image: null }],
		['images left out', { images: undefined }],
		['primary_image null', { primary_image: null }],
	])('when /v3/product/info/list has the image fields %s, append and prepend fail that item and send nothing; replace is unaffected', async (_name, missing) => {
		const unknown = product(2, { ...missing });
		mockInfoList([existing, unknown]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));

		const rows = [
			{ ...row(existing, 1), mode: 'append' },
			{ ...row(unknown, 1), mode: 'append' },
			{ ...row(unknown, 1), mode: 'prepend' },
			{ ...row(unknown, 1), mode: 'replace' },
		];
		const { json } = await push(rows, { mode: '={{ $json.mode }}' });

		expect(json.map((item) => [item.success, item.data.status])).toEqual([
			[true, 'imported'],
			[false, 'invalid'],
			[false, 'invalid'],
			[true, 'imported'],
		]);
		for (const [index, mode] of [[1, 'append'], [2, 'prepend']] as const) {
			expect(json[index].errors).toEqual([
				{ field: 'images', reason: expect.stringMatching(new RegExp(`^Not sent: Ozon's product information left out .*"(images|primary_image)".* so its current images are unknown and ${mode === 'append' ? 'an' : 'a'} ${mode} could delete them`)) },
			]);
			expect(json[index].data.previous_images).toBeNull();
		}
		// Only the known product's append and the replace went to Ozon.
		expect(imports.flatMap((call) => call.items as IDataObject[])).toEqual([
			{ offer_id: 'SKU-001', primary_image: 'https://cdn1.ozone.ru/s3/multimedia-t/main.jpg', color_image: 'https://cdn1.ozone.ru/s3/multimedia-t/c.jpg', images: ['https://cdn1.ozone.ru/s3/multimedia-t/a.jpg', img('SKU-001', 1)] },
			{ offer_id: 'SKU-002', primary_image: img('SKU-002', 1), images: [] },
		]);
		expect(json[3].data.previous_images).toBeNull();
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

	// Import-task errors have no url: code, message, state, level, description, field, attribute_id, attribute_name.
	it("failed is reported from the errors' own fields; a URL named in Ozon's text points at its field and index", async () => {
		setup(() => ({
			status: 'failed',
			errors: [
				{ code: 'IMAGE_DOWNLOAD_FAILED', message: `HTTP 404 for ${img('SKU-001', 2)}`, state: 'failed', level: 'error', description: 'Could not download image', field: 'images', attribute_id: 0, attribute_name: '' },
				{ code: 'ATTRIBUTE_VALUE_INVALID', message: 'value is not allowed', state: 'failed', level: 'error', description: 'Invalid attribute value', field: 'attributes', attribute_id: 4194, attribute_name: 'Image' },
			],
		}));
		const { json } = await push([row(product(1))]);
		expect(json[0]).toMatchObject({
			success: false,
			data: { status: 'failed', task_id: 9000 },
			errors: [
				{ field: 'images', index: 1, url: img('SKU-001', 2), reason: `Could not download image: HTTP 404 for ${img('SKU-001', 2)} (Ozon code IMAGE_DOWNLOAD_FAILED)` },
				{ field: 'attributes', reason: 'Image: Invalid attribute value: value is not allowed (Ozon code ATTRIBUTE_VALUE_INVALID)' },
			],
		});
		expect(json[0].errors[1]).not.toHaveProperty('url');
	});

	it("failed with a bare code, or an echoed key in Ozon's text: still a clear reason, and the key redacted before shortening", async () => {
		const echo = `${'x'.repeat(495)}${API_KEY} tail`;
		setup(() => ({ status: 'failed', errors: [{ code: 'E42' }, { message: echo, level: 'error' }] }));
		const { json } = await push([row(product(1))]);
		expect(json[0].errors).toEqual([
			{ field: 'images', reason: 'error E42' },
			{ field: 'images', reason: `${'x'.repeat(495)}[red…` },
		]);
		expect(JSON.stringify(json)).not.toContain(API_KEY.slice(0, 10));
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
			primary_photo: ['https://cdn1.ozone.ru/s3/multimedia-t/1.jpg'],
			photo: [],
			errors: [
				{ url: img('SKU-001', 2), message: 'HTTP 404 when downloading' },
				{ url: 'https://elsewhere.example/old.jpg', message: 'an old error about another URL' },
			],
		});
		const { json } = await push([row(product(1))]);
		expect(json[0]).toMatchObject({
			success: false,
			data: { status: 'imported', current_images: ['https://cdn1.ozone.ru/s3/multimedia-t/1.jpg'] },
			errors: [{ field: 'images', index: 1, url: img('SKU-001', 2), reason: 'HTTP 404 when downloading' }],
		});
		// Another URL (Ozon's copy, or an older image) is reported as it is, as a warning.
		expect(json[0].warnings).toContainEqual({
			field: 'current_images',
			message: expect.stringContaining('https://elsewhere.example/old.jpg: an old error about another URL'),
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

describe('push: v1 (deprecated) path and 360° images', () => {
	const IMAGES_360_NOT_SENT = /^Not sent: Ozon stopped accepting 360° images on 2026-07-10; no Ozon method takes them any more \(v1 included\)/;

	it('v1 sends one product by product_id, main photo first, and never images360 (Ozon would refuse the field)', async () => {
		mockInfoList([product(1)]);
		const v1Calls: IDataObject[] = [];
		ozon()
			.post('/v1/product/pictures/import', (body) => {
				v1Calls.push(body);
				return true;
			})
			.reply(200, { result: { pictures: [{ product_id: 1001, url: img('m', 0), state: 'imported', is_primary: true, is_color: false }] } });
		mockPicturesInfo(() => ({ photo: ['https://cdn1.ozone.ru/s3/multimedia-t/x.jpg'] }));

		const { json } = await push([{ offer: 'SKU-001', urls: img('g', 1), r: `${img('r', 1)};${img('r', 2)}` }], {
			primaryImage: img('m', 0),
			images360: '={{ $json.r }}',
			options: { apiVersion: 'v1' },
		});

		expect(v1Calls).toEqual([{ product_id: 1001, images: [img('m', 0), img('g', 1)] }]);
		expect(json[0]).toMatchObject({ success: true, data: { status: 'imported', updated: { images: 1, images360: 0, primary_image: true } } });
		expect(json[0].warnings).toContainEqual({ field: 'images360', message: expect.stringMatching(IMAGES_360_NOT_SENT), urls: [img('r', 1), img('r', 2)] });
	});

	it('v2: 360° images are left out with the same warning, updated.images360 is 0, and the rest is sent', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));
		const { json } = await push([row(product(1))], { images360: img('r', 1) });
		expect(imports[0].items).toEqual([{ offer_id: 'SKU-001', primary_image: img('SKU-001', 1), images: [img('SKU-001', 2)] }]);
		expect(json[0]).toMatchObject({ success: true, data: { updated: { images360: 0 } } });
		expect(json[0].warnings).toContainEqual({ field: 'images360', message: expect.stringMatching(IMAGES_360_NOT_SENT), urls: [img('r', 1)] });
	});

	it('v1: an import Ozon did not answer (503) is not sent again as built: the product is looked up again first, and a photo another writer added meanwhile is kept', async () => {
		mockInfoList([product(1, { images: [img('old', 1)] })]);
		const v1Calls: IDataObject[] = [];
		ozon()
			.post('/v1/product/pictures/import', (body) => {
				v1Calls.push(body);
				return true;
			})
			.times(2)
			.reply(() => {
				if (v1Calls.length === 1) {
					// While Ozon was failing, another writer added a photo.
					catalogueEntry('SKU-001').images = [img('old', 1), img('other', 1)];
					return [503, { code: 14, message: 'Service temporarily unavailable' }];
				}
				return [200, { result: { pictures: [] } }];
			});
		mockPicturesInfo(() => ({}));
		const { json } = await push([{ offer: 'SKU-001', urls: img('new', 1) }], { mode: 'append', options: { apiVersion: 'v1' } });
		expect(v1Calls).toHaveLength(2);
		expect(v1Calls[1].images).toEqual([img('old', 1), img('other', 1), img('new', 1)]);
		expect(json[0]).toMatchObject({ success: true });
	});

	it('a dry run on v1 shows a body without images360', async () => {
		mockInfoList([product(1)]);
		const { json } = await push([row(product(1), 1)], { images360: img('r', 1), options: { apiVersion: 'v1', dryRun: true } });
		expect(json[0].data.request).toEqual({ method: 'POST', endpoint: '/v1/product/pictures/import', body: { product_id: 1001, images: [img('SKU-001', 1)] } });
	});

	it('the node describes 360° images as never sent, and v1 as no way to send them', () => {
		const properties = new OzonSeller().description.properties;
		const images360 = properties.find((property) => property.name === 'images360');
		expect(images360?.description).toMatch(/^Kept for existing workflows: Ozon stopped accepting 360° images on 2026-07-10, on every method \(v1 included\)\. .*never sent/);
		expect(JSON.stringify(properties)).not.toMatch(/only (the deprecated )?v1|took 360|with 360/i);
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
				request: { method: 'POST', endpoint: '/v2/product/pictures/import', body: { items: [{ offer_id: 'SKU-001', primary_image: img('SKU-001', 1), images: [img('SKU-001', 2)] }] } },
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

describe('push: identifiers as catalogues hold them', () => {
	it('by an older SKU (named only under sources[].sku): the product is found and its import sent by offer_id', async () => {
		mockInfoList([product(1, { sku: 700001, sources: [{ sku: 700001 }, { sku: 500001 }] })]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));
		const { json } = await push([{ sku: '500001', urls: img('SKU-001', 1) }], { identifyBy: 'sku', sku: '={{ $json.sku }}' });
		expect(json[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-001', product_id: 1001, sku: 500001, status: 'imported' } });
		expect(imports.map((call) => call.items)).toEqual([[{ offer_id: 'SKU-001', primary_image: img('SKU-001', 1), images: [] }]]);
	});

	it('an identifier number that is not a safe integer fails its item with nothing sent for it; the others go', async () => {
		const lookups = mockInfoList([product(1)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));
		const { json } = await push([
			{ offer: SPREADSHEET_NUMBER, urls: img('x', 1) },
			{ offer: 1e21, urls: img('y', 1) },
			{ offer: 'SKU-001', urls: img('SKU-001', 1) },
		]);
		expect(json.map((item) => [item.success, item.data.status])).toEqual([
			[false, 'invalid'],
			[false, 'invalid'],
			[true, 'imported'],
		]);
		expect(json[0].errors).toEqual([{ field: 'offer_id', reason: expect.stringMatching(/^Offer ID came as the number 12345678901234567000, past 2\^53/) }]);
		expect(json[1].errors).toEqual([{ field: 'offer_id', reason: expect.stringMatching(/^Offer ID came as the number 1e\+21, past 2\^53/) }]);
		expect(lookups).toEqual([{ offer_id: ['SKU-001'] }]);
		expect(imports.flatMap((call) => (call.items as IDataObject[]).map((item) => item.offer_id))).toEqual(['SKU-001']);
	});
});

describe('push: choice values from expressions', () => {
	it('are trimmed and taken as value or displayed name in any case', async () => {
		mockInfoList([product(1, { images: ['https://cdn1.ozone.ru/s3/multimedia-t/old.jpg'] })]);
		const imports = mockImportV2();
		const { json } = await push(
			[{ ...row(product(1), 1), mode: 'Replace ', dry: ' TRUE', version: 'v2 (current)', many: 'ERROR' }],
			{
				mode: '={{ $json.mode }}',
				options: { dryRun: '={{ $json.dry }}', apiVersion: '={{ $json.version }}', tooManyImages: '={{ $json.many }}' },
			},
		);
		expect(imports).toHaveLength(0);
		// Replace: the old photo is not kept (a silent prepend would keep it).
		expect(json[0]).toMatchObject({
			success: true,
			data: { status: 'dry_run', request: { body: { items: [{ offer_id: 'SKU-001', primary_image: img('SKU-001', 1), images: [] }] } } },
		});
	});

	it('a bad value fails its own item naming the choices, and nothing of that item is sent', async () => {
		mockInfoList([product(1), product(2)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));
		const { json } = await push(
			[
				{ ...row(product(1)), mode: 'append', version: ' V2 ', check: 'false' },
				{ ...row(product(2)), mode: 'upsert', version: 'v3', check: 'maybe' },
			],
			{ mode: '={{ $json.mode }}', options: { apiVersion: '={{ $json.version }}', checkUrls: '={{ $json.check }}' } },
		);
		expect(json[0]).toMatchObject({ success: true, data: { status: 'imported' } });
		expect(json[1]).toEqual({
			success: false,
			data: { offer_id: 'SKU-002', status: 'invalid' },
			errors: [
				{ field: 'mode', reason: 'Mode must be Replace, Append or Prepend (got "upsert")' },
				{ field: 'apiVersion', reason: 'API Version must be V2 (Current) or V1 (Deprecated) (got "v3")' },
				{ field: 'checkUrls', reason: 'Check URLs First must be true or false (got "maybe")' },
			],
			warnings: [],
		});
		expect(imports.flatMap((call) => (call.items as IDataObject[]).map((item) => item.offer_id))).toEqual(['SKU-001']);
	});

	// Identify Product By takes no expression, and n8n hides the identifier field for any value but
	// its own; a workflow written by hand can still hold a wrong one: it fails with the choices.
	it('a bad Identify Product By or Too Many Images fails the item', async () => {
		const { json } = await push([row(product(1))], { identifyBy: 'EAN', options: { tooManyImages: '={{ "drop" }}' } });
		expect(json[0]).toMatchObject({
			success: false,
			data: { status: 'invalid' },
			errors: [
				{ field: 'identifyBy', reason: 'Identify Product By must be Offer ID (Article), Product ID or SKU (got "EAN")' },
				{ field: 'tooManyImages', reason: 'Too Many Images must be Truncate or Error (got "drop")' },
			],
		});
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('Wait for Result, read once for the run: "FALSE " does not wait, a bad value fails every item and sends nothing', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		const polls = mockImportInfo(imports);
		const notWaited = await push([row(product(1))], { options: { waitForResult: '={{ "FALSE " }}' } });
		expect(polls).toHaveLength(0);
		expect(notWaited.json[0]).toMatchObject({ success: true, data: { status: 'pending', task_id: 9000 } });

		const bad = await push([row(product(1)), row(product(2))], { options: { waitForResult: '={{ "sometimes" }}' } });
		expect(bad.json.map((item) => [item.success, item.data.status, item.errors])).toEqual(
			[0, 1].map(() => [false, 'invalid', [{ field: 'waitForResult', reason: 'Wait for Result must be true or false (got "sometimes")' }]]),
		);
		expect(imports).toHaveLength(1);
	});

	it('Options whose expression fails on the first item fail every item with the reason, and nothing is sent; failing on a later item fails that item only', async () => {
		const products = [product(1), product(2), product(3)];
		const noRequests = ozon().post(/.*/).reply(500).persist();
		const first = await push(
			products.map((p, i) => ({ ...row(p), broken: i === 0 })),
			{ options: { resultTimeout: `={{ $json.broken ? $('No Such Node').item.json.seconds : 60 }}` } },
		);
		expect(first.items).toHaveLength(3);
		expect(first.json.map((item) => [item.success, item.data.status, item.errors.map((error) => error.field)])).toEqual(
			[0, 1, 2].map(() => [false, 'invalid', ['options']]),
		);
		expect(first.json[2].errors[0].reason).toMatch(/^Options could not be read on the first item, which sets them for the whole execution: /);
		expect(noRequests.isDone()).toBe(false);
		nock.cleanAll();

		mockInfoList(products);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo((id) => ({ photo: [img(`SKU-00${id - 1000}`, 1), img(`SKU-00${id - 1000}`, 2)] }));
		const later = await push(
			products.map((p, i) => ({ ...row(p), broken: i === 1 })),
			{ options: { resultTimeout: `={{ $json.broken ? $('No Such Node').item.json.seconds : 60 }}` } },
		);
		expect(later.json.map((item) => [item.success, item.data.status])).toEqual([[true, 'imported'], [false, 'invalid'], [true, 'imported']]);
	});

	it('an option read once per execution whose value on a later item is the same in another form (60 and "60", true and "TRUE") is not said to be unused', async () => {
		const products = [product(1), product(2), product(3)];
		mockInfoList(products);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo((id) => ({ photo: [img(`SKU-00${id - 1000}`, 1), img(`SKU-00${id - 1000}`, 2)] }));
		const rows = [
			{ ...row(products[0]), timeout: 60, wait: true },
			{ ...row(products[1]), timeout: '60', wait: ' TRUE ' },
			{ ...row(products[2]), timeout: ' 60 ', wait: 'true' },
		];
		const { json } = await push(rows, { options: { resultTimeout: '={{ $json.timeout }}', waitForResult: '={{ $json.wait }}' } });
		expect(json.map((item) => [item.success, item.data.status, item.warnings])).toEqual([0, 1, 2].map(() => [true, 'imported', []]));
		expect(imports).toHaveLength(1);
	});

	it("the first item's Options are evaluated once: an expression that would fail on a second evaluation (it has a side effect) does not stop the node", async () => {
		const products = [product(1), product(2)];
		mockInfoList(products);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo((id) => ({ photo: [img(`SKU-00${id - 1000}`, 1), img(`SKU-00${id - 1000}`, 2)] }));
		// Each evaluation on an item adds to its own list; from the second on, it fails as an ExpressionError.
		const { error, json } = await push(
			products.map((p) => ({ ...row(p), evaluations: [] })),
			{ options: { resultTimeout: "={{ $json.evaluations.push(1) > 1 ? $('No Such Node').item.json.seconds : 60 }}" } },
		);
		expect(error).toBeUndefined();
		expect(json.map((item) => [item.success, item.data.status, item.warnings])).toEqual([
			[true, 'imported', []],
			[true, 'imported', []],
		]);
	});

	it('an option read once per execution that an expression gives another value on a later item: that item says its value was not used', async () => {
		const products = [product(1), product(2), product(3)];
		mockInfoList(products);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo((id) => ({ photo: [img(`SKU-00${id - 1000}`, 1), img(`SKU-00${id - 1000}`, 2)] }));
		const rows = [
			{ ...row(products[0]), timeout: 60, batch: 100, dry: false },
			{ ...row(products[1]), timeout: 60, batch: 100, dry: true },
			{ ...row(products[2]), timeout: 5, batch: 1, dry: false },
		];

		const { json } = await push(rows, { options: { resultTimeout: '={{ $json.timeout }}', batchSize: '={{ $json.batch }}', dryRun: '={{ $json.dry }}' } });

		// Dry Run is read per item, so the second item's differing value is used, not warned about.
		expect(json.map((item) => [item.success, item.data.status])).toEqual([[true, 'imported'], [true, 'dry_run'], [true, 'imported']]);
		expect(json[0].warnings).toEqual([]);
		expect(json[1].warnings).toEqual([]);
		expect(json[2].warnings).toEqual([
			{
				field: 'options',
				message:
					"Result Timeout and Batch Size are read once per execution, from the first item: this item's value was not used, the first item's was. " +
					'Give every item the same value, or send these items in an execution of their own',
			},
		]);
		// The first item's Batch Size (100) was used: both writes went in one import.
		expect(imports).toHaveLength(1);
	});
});
