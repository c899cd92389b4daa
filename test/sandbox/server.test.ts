/** The sandbox on its own: does it answer like shared/ozon-api.md says Ozon does? */
import axios, { type AxiosResponse } from 'axios';
import nock from 'nock';

import { OzonSandbox } from '../../sandbox/server';
import { seedProducts } from '../../sandbox/store';

const HEADERS = { 'Client-Id': '123456', 'Api-Key': 'sandbox-api-key' };
let sandbox: OzonSandbox;

async function call(path: string, body: unknown = {}, headers: Record<string, string> = HEADERS): Promise<AxiosResponse> {
	return axios.post(`${sandbox.url}${path}`, body, { headers, validateStatus: () => true, transformResponse: (data) => data });
}
const json = (response: AxiosResponse) => JSON.parse(response.data as string);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(() => nock.enableNetConnect('127.0.0.1'));

beforeEach(async () => {
	sandbox = new OzonSandbox({ processingMs: 100 }, seedProducts(5));
	await sandbox.start();
});

afterEach(async () => sandbox.stop());

describe('auth', () => {
	it('401 without the headers, in Ozon error shape', async () => {
		const response = await call('/v1/roles', {}, {});
		expect(response.status).toBe(401);
		expect(json(response)).toEqual({ code: 16, message: 'Client-Id and Api-Key headers are required', details: [] });
	});

	it('403 for a wrong key', async () => {
		const response = await call('/v1/roles', {}, { ...HEADERS, 'Api-Key': 'wrong' });
		expect(response.status).toBe(403);
		expect(json(response)).toMatchObject({ code: 7, message: 'Invalid Api-Key, please contact support' });
	});

	it('roles and seller info answer a good key', async () => {
		expect(json(await call('/v1/roles')).roles[0].methods).toContain('/v2/product/pictures/import');
		expect(json(await call('/v1/seller/info')).company.name).toBe('Sandbox Seller');
	});
});

describe('/v3/product/info/list', () => {
	it.each([
		['offer_id', ['SKU-001', 'NOPE']],
		['product_id', ['100001']],
		['sku', ['2000000001']],
	])('finds products by %s; unknown ones are absent', async (field, ids) => {
		const { items } = json(await call('/v3/product/info/list', { [field]: ids }));
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ id: 100001, offer_id: 'SKU-001', sku: 2000000001, primary_image: ['https://cdn1.ozone.ru/s3/multimedia-seed/SKU-001-main.jpg'] });
	});

	it.each([
		[{}],
		[{ offer_id: ['a'], sku: ['1'] }],
		[{ offer_id: Array.from({ length: 1001 }, (_, i) => String(i)) }],
		[{ offer_id: 'SKU-001' }],
	])('400 for a bad request %#', async (body) => {
		const response = await call('/v3/product/info/list', body);
		expect(response.status).toBe(400);
		expect(json(response).code).toBe(3);
	});
});

describe('v2 import → task → pictures', () => {
	it('is pending until processing time has passed, then imported and visible', async () => {
		const { task_id } = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', images: ['https://img.example/1.jpg', 'https://img.example/2.jpg'] }] }));
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0]).toMatchObject({ offer_id: 'SKU-001', status: 'pending' });
		await wait(150);
		expect(json(await call('/v1/product/import/info', { task_id })).result).toEqual({
			items: [{ offer_id: 'SKU-001', product_id: 100001, status: 'imported', errors: [] }],
			total: 1,
		});
		const { items } = json(await call('/v2/product/pictures/info', { product_id: ['100001'] }));
		expect(items[0]).toMatchObject({ product_id: 100001, primary_photo: ['https://img.example/1.jpg'], photo: ['https://img.example/2.jpg'], errors: [] });
	});

	it('the same URLs again are skipped', async () => {
		const body = { items: [{ offer_id: 'SKU-002', images: ['https://img.example/a.jpg'] }] };
		const first = json(await call('/v2/product/pictures/import', body)).task_id;
		await wait(150);
		await call('/v1/product/import/info', { task_id: first });
		const second = json(await call('/v2/product/pictures/import', body)).task_id;
		await wait(150);
		expect(json(await call('/v1/product/import/info', { task_id: second })).result.items[0].status).toBe('skipped');
	});

	it('images that fail to download: errors per URL, or failed when none could be fetched', async () => {
		const partial = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-003', images: ['https://img.example/ok.jpg', 'https://broken.example/x.jpg'] }, { offer_id: 'SKU-004', images: ['https://img.example/missing/y.jpg'] }] })).task_id;
		await wait(150);
		const results = json(await call('/v1/product/import/info', { task_id: partial })).result.items;
		expect(results[0].status).toBe('imported');
		expect(results[1]).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 'IMAGE_DOWNLOAD_FAILED', url: 'https://img.example/missing/y.jpg' })] });
		const { items } = json(await call('/v2/product/pictures/info', { product_id: ['100003'] }));
		expect(items[0].photo).toEqual([]);
		expect(items[0].primary_photo).toEqual(['https://img.example/ok.jpg']);
		expect(items[0].errors).toEqual([{ url: 'https://broken.example/x.jpg', message: expect.stringContaining('Failed to download') }]);
	});

	it('an unknown offer_id fails in the task', async () => {
		const { task_id } = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'GHOST', images: ['https://img.example/1.jpg'] }] }));
		await wait(150);
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0]).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 'PRODUCT_NOT_FOUND' })] });
	});

	it.each([
		['no items', { items: [] }],
		['101 items', { items: Array.from({ length: 101 }, (_, i) => ({ offer_id: `X${i}`, images: [] })) }],
		['a product twice', { items: [{ offer_id: 'SKU-001', images: [] }, { offer_id: 'SKU-001', images: [] }] }],
		['31 images', { items: [{ offer_id: 'SKU-001', images: Array.from({ length: 31 }, (_, i) => `https://img.example/${i}.jpg`) }] }],
		['a bad URL', { items: [{ offer_id: 'SKU-001', images: ['ftp://x/1.jpg'] }] }],
		['not JSON', '{"items": ['],
	])('400 for %s', async (_name, body) => {
		const response = await call('/v2/product/pictures/import', body);
		expect(response.status).toBe(400);
		expect(json(response).code).toBe(3);
	});

	it('an unknown task is 404', async () => {
		expect((await call('/v1/product/import/info', { task_id: 42 })).status).toBe(404);
	});
});

describe('v1 import (deprecated)', () => {
	it('applies at once, with 360° images, main photo first', async () => {
		const response = json(await call('/v1/product/pictures/import', { product_id: 100001, images: ['https://img.example/m.jpg', 'https://img.example/g.jpg'], images360: ['https://img.example/r.jpg'] }));
		expect(response.result.pictures[0]).toMatchObject({ url: 'https://img.example/m.jpg', state: 'imported', is_primary: true });
		const { items } = json(await call('/v2/product/pictures/info', { product_id: ['100001'] }));
		expect(items[0]).toMatchObject({ primary_photo: ['https://img.example/m.jpg'], photo: ['https://img.example/g.jpg'], photo_360: ['https://img.example/r.jpg'] });
	});

	it('answers 404 once switched off, as Ozon announced', async () => {
		sandbox.store.configure({}, { v1Enabled: false });
		const response = await call('/v1/product/pictures/import', { product_id: 100001, images: ['https://img.example/m.jpg'] });
		expect(response.status).toBe(404);
		expect(json(response).message).toMatch(/switched off/);
	});
});

describe('limits and faults', () => {
	it('caps requests at the configured rate per Client-Id with 429 and Retry-After', async () => {
		sandbox.store.configure({}, { rateLimitPerSecond: 10 });
		const responses = await Promise.all(Array.from({ length: 15 }, () => call('/v1/roles')));
		const limited = responses.filter((r) => r.status === 429);
		expect(limited).toHaveLength(5);
		expect(limited[0].headers['retry-after']).toBe('1');
	});

	it('measures the peak requests in any one-second window', async () => {
		for (let i = 0; i < 4; i++) await call('/v1/roles');
		expect(sandbox.store.peakRequestsPerSecond()).toBe(4);
	});

	it('injects 5xx, 429 with Retry-After, resets and truncated bodies as configured', async () => {
		sandbox.store.configure({ rate5xx: 1 });
		expect((await call('/v1/roles')).status).toBe(503);
		sandbox.store.configure({ rate5xx: 0, rate429: 1, retryAfterSeconds: 7 });
		const limited = await call('/v1/roles');
		expect([limited.status, limited.headers['retry-after'], limited.headers['item-retry-after']]).toEqual([429, '7', '7']);
		expect(json(limited).message).toMatch(/Retry after 7 seconds/);
		sandbox.store.configure({ rate429: 0, rateReset: 1 });
		await expect(call('/v1/roles')).rejects.toThrow(/socket hang up|ECONNRESET/);
		sandbox.store.configure({ rateReset: 0, rateTruncated: 1 });
		const truncated = await call('/v1/roles');
		expect(truncated.status).toBe(200);
		expect(() => JSON.parse(truncated.data as string)).toThrow();
	});

	it('a truncated answer still took effect (the write happened)', async () => {
		sandbox.store.configure({ rateTruncated: 1 });
		await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', images: ['https://img.example/1.jpg'] }] });
		expect(sandbox.store.tasks.size).toBe(1);
	});

	it('tasks that never finish stay pending', async () => {
		sandbox.store.configure({ rateNeverFinish: 1 });
		const { task_id } = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', images: ['https://img.example/1.jpg'] }] }));
		await wait(150);
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0].status).toBe('pending');
	});

	it('slow tasks take longer than the others', async () => {
		sandbox.store.configure({ rateSlowTask: 1, slowTaskMs: 400 });
		const { task_id } = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', images: ['https://img.example/1.jpg'] }] }));
		await wait(150);
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0].status).toBe('pending');
		await wait(300);
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0].status).toBe('imported');
	});

	it('serves stored images from a CDN host when asked', async () => {
		sandbox.store.configure({ cdnRewrite: true });
		await call('/v1/product/pictures/import', { product_id: 100001, images: ['https://img.example/m.jpg'] });
		const { items } = json(await call('/v2/product/pictures/info', { product_id: ['100001'] }));
		expect(items[0].primary_photo[0]).toMatch(/^https:\/\/cdn1\.ozone\.ru\/s3\/multimedia-[0-9a-f]{2}\/[0-9a-f]{8}\.jpg$/);
	});

	it('adds latency', async () => {
		sandbox.store.configure({ latencyMs: 120 });
		const started = Date.now();
		await call('/v1/roles');
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
	});

	it('the same seed gives the same faults', async () => {
		const outcomes = async () => {
			sandbox.store.configure({ rate5xx: 0.5, seed: 42 });
			const statuses: number[] = [];
			for (let i = 0; i < 12; i++) statuses.push((await call('/v1/roles')).status);
			return statuses;
		};
		const first = await outcomes();
		expect(first).toContain(503);
		expect(first).toContain(200);
		expect(await outcomes()).toEqual(first);
	});
});
