/**
 * The node against the sandbox's switches for Ozon's 2026 facts, through n8n's engine: the
 * product-update quota (429 with Item-Retry-After in minutes), image fields Ozon leaves out, the
 * switched-off v1 method, images360 refused by Ozon's decoder, and an API key about to expire.
 * Every request and answer is also checked against Ozon's contract (test/setup/contract.ts).
 */
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { OzonSandbox } from '../../sandbox/server';
import { seedProducts, type SandboxConfig } from '../../sandbox/store';
import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../helpers/n8nEngine';
import { useFastTiming } from '../helpers/timing';
import { useVirtualTime } from '../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }>; warnings: Array<{ field: string; message: string }> };

const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}' };
const GET = { resource: 'productImage', operation: 'get', identifyBy: 'offerId', offerId: '={{ $json.offer }}' };
const rows = (...offers: string[]) => offers.map((offer) => ({ offer, urls: `https://img.example.com/${offer}/new.jpg` }));

let sandbox: OzonSandbox;

async function run(parameters: IDataObject, items: IDataObject[]) {
	const result = await runWorkflow(ozonWorkflow(items, parameters as INode['parameters'], KEEP_FAILED_ITEMS), { clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: sandbox.url });
	expect(result.error).toBeUndefined();
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output);
}

const sent = (path: string) => sandbox.store.log.filter((entry) => entry.path === path).length;

async function start(config: Partial<SandboxConfig>) {
	sandbox = new OzonSandbox({ processingMs: 50, ...config }, seedProducts(5));
	await sandbox.start();
}

beforeAll(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => sandbox?.stop());
useFastTiming();

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's turns, Ozon's processing, polls and read-back waits pass in no real time. */
useVirtualTime();

describe('the node against the sandbox switches', () => {
	it('quota per minute: past it, the items fail at once with a minute to wait, and a second run sends nothing to the import', async () => {
		await start({ operationLimits: { perMinute: 1, perDay: 0 } });
		const first = await run({ ...PUSH, options: { batchSize: 1, maxRateLimitWait: 30 } }, rows('SKU-001', 'SKU-002', 'SKU-003'));
		expect(first.filter((item) => item.success)).toHaveLength(1);
		for (const item of first.filter((candidate) => !candidate.success)) {
			expect(item.data.retry_after_seconds).toBeGreaterThanOrEqual(59);
			expect(item.data.retry_after_seconds).toBeLessThanOrEqual(60);
			expect(item.errors[0].reason).toMatch(/^Rate limited by Ozon \(product update limit per minute or per day used up\), retry after (59 s|1 min), at /);
		}
		const imports = sent('/v2/product/pictures/import');
		expect(imports).toBeLessThanOrEqual(3);
		const second = await run({ ...PUSH, options: { maxRateLimitWait: 30 } }, rows('SKU-004'));
		expect(second[0].success).toBe(false);
		expect(second[0].errors[0].reason).toMatch(/Not sent: Ozon refused this method/);
		expect(sent('/v2/product/pictures/import')).toBe(imports);
	});

	it.each(['absent', 'null'] as const)('image fields %s: append fails and changes nothing, replace works, get shows null with a warning', async (imageFields) => {
		await start({});
		sandbox.store.configure({ imageFields });
		const before = sandbox.store.byOffer('SKU-001')?.images;
		const appended = await run({ ...PUSH, mode: 'append' }, rows('SKU-001'));
		expect(appended[0]).toMatchObject({ success: false, data: { status: 'invalid', previous_images: null } });
		expect(sent('/v2/product/pictures/import')).toBe(0);
		expect(sandbox.store.byOffer('SKU-001')?.images).toEqual(before);

		const replaced = await run(PUSH, rows('SKU-002'));
		expect(replaced[0]).toMatchObject({ success: true, data: { status: 'imported', current_images: null } });
		expect(sandbox.store.byOffer('SKU-002')?.primary_image).toEqual(['https://img.example.com/SKU-002/new.jpg']);

		const read = await run(GET, rows('SKU-001'));
		expect(read[0]).toMatchObject({ success: true, data: { primary_image: null, images: null, color_image: null } });
		expect(read[0].warnings[0].message).toMatch(/unknown, not absent/);
	});

	it.each(['obsolete', '410', '404'] as const)('v1 switched off (%s): the item says to use v2, sent once', async (v1OffAnswer) => {
		await start({ v1Enabled: false, v1OffAnswer });
		const json = await run({ ...PUSH, options: { apiVersion: 'v1', maxRetries: 3 } }, rows('SKU-001'));
		expect(json[0].success).toBe(false);
		expect(json[0].errors[0].reason).toMatch(/^Ozon no longer offers the v1 picture method \(HTTP (400|410|404)\).*Set Options → API Version to 'v2 \(Current\)'/);
		expect(sent('/v1/product/pictures/import')).toBe(1);
	});

	it('v1 with 360° URLs: Ozon would refuse images360, so it is never sent; the photos are set and the item warns', async () => {
		await start({});
		const json = await run({ ...PUSH, images360: 'https://img.example.com/r1.jpg', options: { apiVersion: 'v1' } }, rows('SKU-003'));
		expect(json[0]).toMatchObject({ success: true, data: { updated: { images360: 0 } } });
		expect(json[0].warnings).toContainEqual(expect.objectContaining({ field: 'images360', urls: ['https://img.example.com/r1.jpg'] }));
		expect(sandbox.store.byOffer('SKU-003')?.primary_image).toEqual(['https://img.example.com/SKU-003/new.jpg']);
	});

	it('a key that expires in 3 days: every item warns', async () => {
		await start({ keyExpiresAt: new Date(Date.now() + 3 * 86_400_000 + 60_000).toISOString() });
		const json = await run(GET, rows('SKU-001', 'SKU-002'));
		for (const item of json) expect(item.warnings).toContainEqual({ field: 'credentials', message: expect.stringMatching(/^The Ozon API key of this credential expires on .* \(in 3 days\)/) });
	});
});
