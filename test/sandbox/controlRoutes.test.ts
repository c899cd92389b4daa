/** The sandbox's own routes under /__sandbox/: what the bench, the demo and docs/sandbox.md rely on. */
import axios from 'axios';
import nock from 'nock';

import { OzonSandbox } from '../../sandbox/server';
import { seedProducts } from '../../sandbox/store';

const HEADERS = { 'Client-Id': '123456', 'Api-Key': 'sandbox-api-key' };
let sandbox: OzonSandbox;

/** The sandbox's clock, set by hand: the seconds traffic falls in are the test's, not the machine's. */
const STARTED = Date.parse('2026-11-27T12:00:00.000Z');
let now = STARTED;

const control = async (method: 'GET' | 'POST', route: string, body?: unknown) =>
	axios.request({ method, url: `${sandbox.url}/__sandbox/${route}`, data: body, validateStatus: () => true });
const ozon = async (path: string, body: unknown = {}) => axios.post(`${sandbox.url}${path}`, body, { headers: HEADERS, validateStatus: () => true });

beforeAll(() => nock.enableNetConnect('127.0.0.1'));

beforeEach(async () => {
	sandbox = new OzonSandbox({ processingMs: 100 }, seedProducts(3));
	now = STARTED;
	sandbox.store.now = () => now;
	await sandbox.start();
});

afterEach(async () => sandbox.stop());

it('POST configure switches faults and settings for the next requests, and answers the configuration', async () => {
	const configured = await control('POST', 'configure', { faults: { rate5xx: 1 }, keyExpiresAt: '2027-01-01T00:00:00Z' });
	expect(configured.status).toBe(200);
	expect(configured.data).toMatchObject({ keyExpiresAt: '2027-01-01T00:00:00Z', faults: { rate5xx: 1, rate429: 0 } });
	expect((await ozon('/v1/roles')).status).toBe(503);
});

it('GET stats counts what reached the Ozon methods; POST reset forgets it and keeps the products', async () => {
	await ozon('/v1/roles');
	await ozon('/v3/product/info/list', { offer_id: ['SKU-001'] });
	await ozon('/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', primary_image: 'https://img.example/1.jpg', images: [] }] });
	const stats = await control('GET', 'stats');
	expect(stats.data).toEqual({
		requests: 3,
		byStatus: { 200: 3 },
		byPath: { '/v1/roles': 1, '/v3/product/info/list': 1, '/v2/product/pictures/import': 1 },
		faults: {},
		peakRequestsPerSecond: 3,
		tasks: 1,
	});
	expect((await control('POST', 'reset')).data).toEqual({ ok: true });
	expect((await control('GET', 'stats')).data).toMatchObject({ requests: 0, byPath: {}, tasks: 0 });
	expect(sandbox.store.products.size).toBe(3);
});

it('GET timeline tells when the traffic came: first and last request, the first of each path, requests and 429s per second', async () => {
	expect((await control('GET', 'timeline')).data).toEqual({ firstAt: null, lastAt: null, firstByPath: {}, perSecond: [] });
	await ozon('/v1/roles');
	now += 400;
	await ozon('/v3/product/info/list', { offer_id: ['SKU-001'] });
	await control('POST', 'configure', { rateLimitPerSecond: 2 });
	now += 300;
	// A third request within the second: over the cap of 2, refused.
	await ozon('/v1/roles');
	now += 1500;
	await ozon('/v1/roles');
	const { data } = await control('GET', 'timeline');
	expect(data).toEqual({
		firstAt: STARTED,
		lastAt: STARTED + 2200,
		firstByPath: { '/v1/roles': STARTED, '/v3/product/info/list': STARTED + 400 },
		perSecond: [
			{ requests: 3, refused: 1, byPath: { '/v1/roles': 2, '/v3/product/info/list': 1 } },
			{ requests: 0, refused: 0, byPath: {} },
			{ requests: 1, refused: 0, byPath: { '/v1/roles': 1 } },
		],
	});
});

it('an unknown route is a 404 and a body that is not JSON a 400, each with a message', async () => {
	const unknown = await control('GET', 'products');
	expect([unknown.status, unknown.data]).toEqual([404, { message: 'unknown control route GET /__sandbox/products' }]);
	const broken = await axios.post(`${sandbox.url}/__sandbox/configure`, '{"faults":', { headers: { 'Content-Type': 'application/json' }, transformRequest: (data) => data, validateStatus: () => true });
	expect(broken.status).toBe(400);
	expect(broken.data.message).toEqual(expect.any(String));
});
