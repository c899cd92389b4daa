/**
 * The sandbox on its own: does it answer like Ozon documents its methods? Every answer is
 * also checked against Ozon's contract (test/setup/contract.ts); the requests these tests get wrong
 * on purpose are taken out of the check with `expectRefusedByContract`, which also proves that the
 * contract refuses them too.
 */
import axios, { type AxiosResponse } from 'axios';
import nock from 'nock';

import { nextDailyReset } from '../../sandbox/ozonMethods';
import { OzonSandbox } from '../../sandbox/server';
import { seedProducts } from '../../sandbox/store';
import { takeViolations } from '../contract/violations';

const HEADERS = { 'Client-Id': '123456', 'Api-Key': 'sandbox-api-key' };
let sandbox: OzonSandbox;

async function call(path: string, body: unknown = {}, headers: Record<string, string> = HEADERS): Promise<AxiosResponse> {
	return axios.post(`${sandbox.url}${path}`, body, { headers, validateStatus: () => true, transformResponse: (data) => data });
}
const json = (response: AxiosResponse) => JSON.parse(response.data as string);

/**
 * The sandbox's time, moved on by hand (the store takes its clock from `now`): Ozon's processing
 * passes without waiting for it, and requests sent together fall in one moment whatever the
 * machine's load.
 */
let sandboxNow = 0;
const pass = (ms: number) => {
	sandboxNow += ms;
};

/** The request just sent was bad on purpose: the contract must have refused it as well. */
function expectRefusedByContract(pattern: RegExp): void {
	const violations = takeViolations();
	expect(violations.length).toBeGreaterThan(0);
	expect(violations.join('\n')).toMatch(pattern);
}

beforeAll(() => nock.enableNetConnect('127.0.0.1'));

beforeEach(async () => {
	sandbox = new OzonSandbox({ processingMs: 100 }, seedProducts(5));
	sandboxNow = Date.now();
	sandbox.store.now = () => sandboxNow;
	await sandbox.start();
});

afterEach(async () => sandbox.stop());

describe('auth', () => {
	it('401 without the headers, in Ozon error shape', async () => {
		const response = await call('/v1/roles', {}, {});
		expect(response.status).toBe(401);
		expect(json(response)).toEqual({ code: 16, message: 'Client-Id and Api-Key headers are required', details: [] });
		expectRefusedByContract(/Client-Id header missing/);
	});

	it('403 for a wrong key', async () => {
		const response = await call('/v1/roles', {}, { ...HEADERS, 'Api-Key': 'wrong' });
		expect(response.status).toBe(403);
		expect(json(response)).toMatchObject({ code: 7, message: 'Invalid Api-Key, please contact support' });
	});

	it('roles answers a good key and says when the key expires (about 3 months, or as configured)', async () => {
		const roles = json(await call('/v1/roles'));
		expect(roles.roles[0].methods).toContain('/v2/product/pictures/import');
		expect(Date.parse(roles.expires_at) - Date.now()).toBeGreaterThan(80 * 86_400_000);
		sandbox.store.configure({}, { keyExpiresAt: '2026-12-01T00:00:00Z' });
		expect(json(await call('/v1/roles')).expires_at).toBe('2026-12-01T00:00:00Z');
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
		[{ offer_id: ['SKU-001'], limit: 10 }],
	])('400 for a bad request %#', async (body) => {
		const response = await call('/v3/product/info/list', body);
		expect(response.status).toBe(400);
		expect(json(response).code).toBe(3);
		expectRefusedByContract(/request/);
	});

	it.each([
		['left out', 'absent', {}],
		['null', 'null', { images: null, primary_image: null, color_image: null }],
	] as const)('the imageFields switch: image fields %s, here and in the read-back', async (_name, mode, fields) => {
		sandbox.store.configure({ imageFields: mode });
		const { items } = json(await call('/v3/product/info/list', { offer_id: ['SKU-001'] }));
		expect(items[0]).toEqual({ id: 100001, offer_id: 'SKU-001', sku: 2000000001, ...fields, statuses: expect.any(Object), errors: [] });
		const read = json(await call('/v2/product/pictures/info', { product_id: ['100001'] })).items[0];
		expect(Object.keys(read).sort()).toEqual(mode === 'absent' ? ['errors', 'product_id'] : ['color_photo', 'errors', 'photo', 'primary_photo', 'product_id']);
	});
});

describe('older SKUs', () => {
	it('/v3/product/info/list finds a product by an older SKU and names it only under sources[].sku', async () => {
		const seeded = sandbox.store.byOffer('SKU-002');
		if (seeded) seeded.olderSkus = [1900000002];
		const { items } = json(await call('/v3/product/info/list', { sku: ['1900000002'] }));
		expect(items).toEqual([expect.objectContaining({ id: 100002, offer_id: 'SKU-002', sku: 2000000002, sources: [{ sku: 2000000002, source: 'sds' }, { sku: 1900000002, source: 'sds' }] })]);
		expect(json(await call('/v3/product/info/list', { sku: ['2000000002'] })).items.map((item: { id: number }) => item.id)).toEqual([100002]);
		// A product without older SKUs has no sources, as before.
		expect(json(await call('/v3/product/info/list', { sku: ['2000000001'] })).items[0]).not.toHaveProperty('sources');
	});
});

describe('v2 import → task → pictures', () => {
	it('is pending until processing time has passed, then imported and visible', async () => {
		const { task_id } = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', primary_image: 'https://img.example/1.jpg', images: ['https://img.example/2.jpg'] }] }));
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0]).toMatchObject({ offer_id: 'SKU-001', status: 'pending' });
		pass(150);
		expect(json(await call('/v1/product/import/info', { task_id })).result).toEqual({
			items: [{ offer_id: 'SKU-001', product_id: 100001, status: 'imported', errors: [] }],
			total: 1,
		});
		const { items } = json(await call('/v2/product/pictures/info', { product_id: ['100001'] }));
		// No photo_360: it left Ozon's schema.
		expect(items[0]).toEqual({ product_id: 100001, primary_photo: ['https://img.example/1.jpg'], photo: ['https://img.example/2.jpg'], color_photo: [], errors: [] });
	});

	it('the same URLs again are skipped', async () => {
		const body = { items: [{ offer_id: 'SKU-002', primary_image: 'https://img.example/a.jpg', images: [] }] };
		const first = json(await call('/v2/product/pictures/import', body)).task_id;
		pass(150);
		await call('/v1/product/import/info', { task_id: first });
		const second = json(await call('/v2/product/pictures/import', body)).task_id;
		pass(150);
		expect(json(await call('/v1/product/import/info', { task_id: second })).result.items[0].status).toBe('skipped');
	});

	it('primary_image and images are one ordered card: the same card sent the other way is skipped', async () => {
		// Ozon's schema allows leaving the main photo to the first of images (the contract does not: taken out below).
		const first = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-005', images: ['https://img.example/m.jpg', 'https://img.example/g.jpg'] }] })).task_id;
		expectRefusedByContract(/items\.0\.primary_image: every import item names its main photo/);
		pass(150);
		expect(json(await call('/v1/product/import/info', { task_id: first })).result.items[0].status).toBe('imported');
		expect(sandbox.store.byOffer('SKU-005')).toMatchObject({ primary_image: ['https://img.example/m.jpg'], images: ['https://img.example/g.jpg'] });
		const second = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-005', primary_image: 'https://img.example/m.jpg', images: ['https://img.example/g.jpg'] }] })).task_id;
		pass(150);
		expect(json(await call('/v1/product/import/info', { task_id: second })).result.items[0].status).toBe('skipped');
		// Another main photo is another card.
		const third = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-005', primary_image: 'https://img.example/g.jpg', images: ['https://img.example/m.jpg'] }] })).task_id;
		pass(150);
		expect(json(await call('/v1/product/import/info', { task_id: third })).result.items[0].status).toBe('imported');
		expect(sandbox.store.byOffer('SKU-005')).toMatchObject({ primary_image: ['https://img.example/g.jpg'], images: ['https://img.example/m.jpg'] });
	});

	it('images that fail to download: errors per URL in the read-back, or a failed task (errors without url) when none could be fetched', async () => {
		const partial = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-003', primary_image: 'https://img.example/ok.jpg', images: ['https://broken.example/x.jpg'] }, { offer_id: 'SKU-004', primary_image: 'https://img.example/missing/y.jpg', images: [] }] })).task_id;
		pass(150);
		const results = json(await call('/v1/product/import/info', { task_id: partial })).result.items;
		expect(results[0].status).toBe('imported');
		expect(results[1]).toMatchObject({ status: 'failed' });
		// Ozon's fields only: the image is named inside the message.
		expect(results[1].errors).toEqual([
			{ code: 'IMAGE_DOWNLOAD_FAILED', message: 'HTTP 404 for https://img.example/missing/y.jpg', state: 'failed', level: 'error', description: 'Failed to download the image', field: 'images', attribute_id: 0, attribute_name: '' },
		]);
		const { items } = json(await call('/v2/product/pictures/info', { product_id: ['100003'] }));
		expect(items[0].photo).toEqual([]);
		expect(items[0].primary_photo).toEqual(['https://img.example/ok.jpg']);
		expect(items[0].errors).toEqual([{ url: 'https://broken.example/x.jpg', message: expect.stringContaining('Failed to download') }]);
	});

	it('an unknown offer_id fails in the task', async () => {
		const { task_id } = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'GHOST', primary_image: 'https://img.example/1.jpg', images: [] }] }));
		pass(150);
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0]).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 'PRODUCT_NOT_FOUND' })] });
	});

	it.each([
		['no items', { items: [] }],
		['101 items', { items: Array.from({ length: 101 }, (_, i) => ({ offer_id: `X${i}`, images: [] })) }],
		['a product twice', { items: [{ offer_id: 'SKU-001', images: [] }, { offer_id: 'SKU-001', images: [] }] }],
		['31 images', { items: [{ offer_id: 'SKU-001', images: Array.from({ length: 31 }, (_, i) => `https://img.example/${i}.jpg`) }] }],
		['a bad URL', { items: [{ offer_id: 'SKU-001', images: ['ftp://x/1.jpg'] }] }],
		['not JSON', '{"items": ['],
		['an unknown field in an item', { items: [{ offer_id: 'SKU-001', images: ['https://img.example/1.jpg'], images360: ['https://img.example/r.jpg'] }] }],
	])('400 for %s', async (_name, body) => {
		const response = await call('/v2/product/pictures/import', body);
		expect(response.status).toBe(400);
		expect(json(response).code).toBe(3);
		expectRefusedByContract(/POST \/v2\/product\/pictures\/import/);
	});

	it('an unknown task is 404, in Ozon\'s error shape', async () => {
		const response = await call('/v1/product/import/info', { task_id: 42 });
		expect(response.status).toBe(404);
		expect(json(response)).toEqual({ code: 5, message: 'task 42 not found', details: [] });
		expect((await call('/v1/product/import/info', { task_id: '9223372036854775807' })).status).toBe(404);
	});

	it('a task asked for by its task_id as text (int64 as digits) is the same task', async () => {
		const { task_id } = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-004', primary_image: 'https://img.example/4.jpg', images: [] }] }));
		pass(150);
		expect(json(await call('/v1/product/import/info', { task_id: String(task_id) })).result.items).toEqual([{ offer_id: 'SKU-004', product_id: 100004, status: 'imported', errors: [] }]);
	});

	it('Ozon\'s decoder refuses unknown fields: 400 naming the field', async () => {
		const response = await call('/v1/product/import/info', { task_id: 42, verbose: true });
		expect(response.status).toBe(400);
		expect(json(response)).toEqual({ code: 3, message: 'proto: (line 1:15): unknown field "verbose"', details: [] });
		expectRefusedByContract(/unrecognized|verbose/i);
	});
});

describe('v1 import (deprecated)', () => {
	it('applies at once, main photo first; its answer has no is_360', async () => {
		const response = json(await call('/v1/product/pictures/import', { product_id: 100001, images: ['https://img.example/m.jpg', 'https://img.example/g.jpg'] }));
		expect(response.result.pictures[0]).toEqual({ product_id: 100001, url: 'https://img.example/m.jpg', state: 'imported', is_primary: true, is_color: false });
		const { items } = json(await call('/v2/product/pictures/info', { product_id: ['100001'] }));
		expect(items[0]).toEqual({ product_id: 100001, primary_photo: ['https://img.example/m.jpg'], photo: ['https://img.example/g.jpg'], color_photo: [], errors: [] });
	});

	it('refuses images360 as an unknown field (it left the method on 2026-07-10), changing nothing', async () => {
		const response = await call('/v1/product/pictures/import', { product_id: 100001, images: ['https://img.example/m.jpg'], images360: ['https://img.example/r.jpg'] });
		expect(response.status).toBe(400);
		expect(json(response)).toMatchObject({ code: 3, message: expect.stringMatching(/^proto: \(line 1:\d+\): unknown field "images360"$/) });
		expect(sandbox.store.products.get(100001)?.primary_image).toEqual(['https://cdn1.ozone.ru/s3/multimedia-seed/SKU-001-main.jpg']);
		expectRefusedByContract(/images360/);
	});

	it.each([
		['obsolete', 400, { code: 9, message: 'obsolete method cannot be used' }],
		['410', 410, { code: 5 }],
		['404', 404, { code: 5 }],
	] as const)('switched off (answer %s), as Ozon does for retired methods', async (answer, status, body) => {
		sandbox.store.configure({}, { v1Enabled: false, v1OffAnswer: answer });
		const response = await call('/v1/product/pictures/import', { product_id: 100001, images: ['https://img.example/m.jpg'] });
		expect(response.status).toBe(status);
		expect(json(response)).toMatchObject(body);
	});
});

describe('limits and faults', () => {
	it('caps requests at the configured rate per Client-Id with Ozon\'s per-second 429 (code 8)', async () => {
		sandbox.store.configure({}, { rateLimitPerSecond: 10 });
		const responses = await Promise.all(Array.from({ length: 15 }, () => call('/v1/roles')));
		const limited = responses.filter((r) => r.status === 429);
		expect(limited).toHaveLength(5);
		expect(json(limited[0])).toEqual({ code: 8, message: 'You have reached request rate limit per second', details: [] });
		expect(limited[0].headers['retry-after']).toBe('1');
	});

	describe('the product-update quota switch (operationLimits)', () => {
		const push = (offer: string, n = 1) =>
			call('/v2/product/pictures/import', { items: Array.from({ length: n }, (_, i) => ({ offer_id: i === 0 ? offer : `SKU-00${i + 1}`, primary_image: `https://img.example/${offer}.jpg`, images: [] })) });

		it('per minute: 429 with Item-Retry-After in minutes, the wait in seconds in the message, and what is left', async () => {
			sandbox.store.configure({}, { operationLimits: { perMinute: 3, perDay: 0 } });
			expect((await push('SKU-001', 2)).status).toBe(200);
			const refused = await push('SKU-003', 2);
			expect(refused.status).toBe(429);
			expect(refused.headers['item-retry-after']).toBe('1');
			expect(refused.headers['item-rate-limit-remaining']).toBe('1');
			expect(json(refused)).toEqual({ code: 'RESOURCE_EXHAUSTED', message: expect.stringMatching(/^You have reached operation items limits\. Retry after (59|60) seconds\. Remaining 1 items$/), details: [] });
			// Reads do not count, and a push that fits still goes through.
			expect((await call('/v3/product/info/list', { offer_id: ['SKU-001'] })).status).toBe(200);
			expect((await push('SKU-004', 1)).status).toBe(200);
		});

		it('per day: Item-Retry-After is the minutes until 03:00 Moscow time', async () => {
			sandbox.store.configure({}, { operationLimits: { perMinute: 0, perDay: 1 } });
			expect((await push('SKU-001')).status).toBe(200);
			const refused = await call('/v1/product/pictures/import', { product_id: 100002, images: ['https://img.example/2.jpg'] });
			expect(refused.status).toBe(429);
			const minutes = Math.ceil((nextDailyReset(Date.now()) - Date.now()) / 60_000);
			expect(Math.abs(Number(refused.headers['item-retry-after']) - minutes)).toBeLessThanOrEqual(1);
		});

		it('the next reset is 03:00 Moscow time, 00:00 UTC', () => {
			expect(new Date(nextDailyReset(Date.parse('2026-11-27T23:30:00Z'))).toISOString()).toBe('2026-11-28T00:00:00.000Z');
			expect(new Date(nextDailyReset(Date.parse('2026-11-28T00:00:00Z'))).toISOString()).toBe('2026-11-29T00:00:00.000Z');
		});
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
		expect([limited.status, limited.headers['retry-after'], limited.headers['item-retry-after']]).toEqual([429, '7', undefined]);
		expect(json(limited)).toMatchObject({ code: 8, message: 'You have reached request rate limit per second' });
		sandbox.store.configure({ rate429: 0, rateReset: 1 });
		await expect(call('/v1/roles')).rejects.toThrow(/socket hang up|ECONNRESET/);
		sandbox.store.configure({ rateReset: 0, rateTruncated: 1 });
		const truncated = await call('/v1/roles');
		expect(truncated.status).toBe(200);
		expect(() => JSON.parse(truncated.data as string)).toThrow();
	});

	it('a truncated answer still took effect (the write happened)', async () => {
		sandbox.store.configure({ rateTruncated: 1 });
		await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', primary_image: 'https://img.example/1.jpg', images: [] }] });
		expect(sandbox.store.tasks.size).toBe(1);
	});

	it('tasks that never finish stay pending', async () => {
		sandbox.store.configure({ rateNeverFinish: 1 });
		const { task_id } = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', primary_image: 'https://img.example/1.jpg', images: [] }] }));
		pass(150);
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0].status).toBe('pending');
	});

	it('slow tasks take longer than the others', async () => {
		sandbox.store.configure({ rateSlowTask: 1, slowTaskMs: 400 });
		const { task_id } = json(await call('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', primary_image: 'https://img.example/1.jpg', images: [] }] }));
		pass(150);
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0].status).toBe('pending');
		pass(300);
		expect(json(await call('/v1/product/import/info', { task_id })).result.items[0].status).toBe('imported');
	});

	it('serves stored images from a CDN host when asked', async () => {
		sandbox.store.configure({ cdnRewrite: true });
		await call('/v1/product/pictures/import', { product_id: 100001, images: ['https://img.example/m.jpg'] });
		const { items } = json(await call('/v2/product/pictures/info', { product_id: ['100001'] }));
		expect(items[0].primary_photo[0]).toMatch(/^https:\/\/cdn1\.ozone\.ru\/s3\/multimedia-[0-9a-f]{2}\/[0-9a-f]{8}\.jpg$/);
	});

	it('adds latency: the answer is held until that much time has passed', async () => {
		sandbox.store.configure({ latencyMs: 120 });
		// The latency is a timer of the sandbox's: in fake time, the answer's moment is the timer's, not the machine's.
		jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'Date', 'hrtime', 'performance'] });
		try {
			const response = call('/v1/roles');
			// The request has reached the sandbox once its latency timer is set.
			while (jest.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
			await jest.advanceTimersByTimeAsync(119);
			expect(sandbox.store.log).toHaveLength(0);
			await jest.advanceTimersByTimeAsync(1);
			expect(sandbox.store.log.map((entry) => [entry.path, entry.status])).toEqual([['/v1/roles', 200]]);
			expect((await response).status).toBe(200);
		} finally {
			jest.useRealTimers();
		}
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
