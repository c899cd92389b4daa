/**
 * Hostile and unlucky answers around Ozon's "too many requests", switched-off methods, the key's
 * expiry date and very long texts, through n8n's real engine. Each case broke the node once.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { nodeProcess } from '../../nodes/OzonSeller/runtime/nodeProcess';
import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow, startWorkflow } from '../helpers/n8nEngine';
import { BASE_URL, CLIENT_ID, credentials, keyRoles, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, ozon, product } from '../helpers/ozonMock';
import { useFastTiming } from '../helpers/timing';
import { useVirtualTime } from '../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string; url?: string }>; warnings: Array<{ field: string; message: string; urls?: string[] }> };

const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}' };
const GET = { resource: 'productImage', operation: 'get', identifyBy: 'offerId', offerId: '={{ $json.offer }}' };
const row = (n: number) => ({ offer: product(n).offer_id, urls: `https://img.example/${n}.jpg` });
const QUOTA = { code: 'RESOURCE_EXHAUSTED', message: 'You have reached operation items limits. Retry after 20 seconds. Remaining 0 items' };
const PER_SECOND = { code: 8, message: 'You have reached request rate limit per second' };
const DAY_S = 86_400;

async function run(parameters: IDataObject, items: IDataObject[]) {
	const result = await runWorkflow(ozonWorkflow(items, parameters as INode['parameters'], KEEP_FAILED_ITEMS), credentials);
	return { error: result.error, json: (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output) };
}

useFastTiming();

/**
 * Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` and nock's answers
 * included: the seconds between refused requests, the refusal windows and the waits before a Stop
 * pass in no real time, and the times compared are the node's own.
 */
const clock = useVirtualTime();

/** Answers every call to `endpoint` the same way; returns when each call arrived, and tells `onCall`. */
function always(endpoint: string, status: number, body: unknown, headers: Record<string, string> | string[] = {}, onCall: () => void = () => {}): number[] {
	const sentAt: number[] = [];
	ozon()
		.post(endpoint)
		.times(50)
		.reply(() => {
			sentAt.push(clock().now());
			onCall();
			return [status, body, headers as Record<string, string>];
		});
	return sentAt;
}

describe('429 waits Ozon could never mean', () => {
	it.each([
		['Retry-After: 1e308', { 'Retry-After': '1e308' }, QUOTA],
		['Item-Retry-After: 1e12 (minutes)', { 'Item-Retry-After': '1e12' }, QUOTA],
		['"Retry after 99999999999999 seconds"', { 'Item-Retry-After': '1' }, { code: 'RESOURCE_EXHAUSTED', message: 'You have reached operation items limits. Retry after 99999999999999 seconds. Remaining 0 items' }],
	])('%s: the items fail with a wait of at most a day (the daily limit resets at 03:00 Moscow time), and the next run is refused the same way, not crashed', async (_name, headers, body) => {
		mockInfoList([product(1), product(2)]);
		const sentAt = always('/v2/product/pictures/import', 429, body, headers);
		for (const n of [1, 2]) {
			const { error, json } = await run(PUSH, [row(n)]);
			expect(error).toBeUndefined();
			expect(json).toHaveLength(1);
			expect(json[0]).toMatchObject({ success: false, data: { status: 'failed' } });
			expect(json[0].data.retry_after_seconds).toBeGreaterThan(DAY_S - 60);
			expect(json[0].data.retry_after_seconds).toBeLessThanOrEqual(DAY_S);
			expect(json[0].errors[0].reason).toMatch(/^Rate limited by Ozon \(product update limit per minute or per day used up\), retry after (24 h|23 h 59 min), at /);
		}
		expect(sentAt).toHaveLength(1);
	});

	it.each([
		['Item-Retry-After: 0', { 'Item-Retry-After': '0' }, { code: 'RESOURCE_EXHAUSTED', message: 'You have reached operation items limits' }],
		['a Retry-After date in the past', { 'Retry-After': 'Fri, 27 Nov 2020 12:05:00 GMT' }, { code: 'RESOURCE_EXHAUSTED', message: 'limit' }],
	])('%s: a refused request is never sent again within the same second', async (_name, headers, body) => {
		mockInfoList([product(1)]);
		const sentAt = always('/v2/product/pictures/import', 429, body, headers);
		const { json } = await run({ ...PUSH, options: { maxRetries: 2 } }, [row(1)]);
		expect(sentAt).toHaveLength(3);
		for (let i = 1; i < sentAt.length; i++) expect(sentAt[i] - sentAt[i - 1]).toBeGreaterThanOrEqual(1000);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'failed' } });
	});

	it('Retry-After: 0 on the per-second limit: never sent again within the same second, and not counted against Max Retries (0), only Max Rate Limit Wait', async () => {
		mockInfoList([product(1)]);
		const sentAt = always('/v2/product/pictures/import', 429, PER_SECOND, { 'Retry-After': '0' });
		const { json } = await run({ ...PUSH, options: { maxRetries: 0, maxRateLimitWait: 3 } }, [row(1)]);
		expect(sentAt).toHaveLength(3);
		for (let i = 1; i < sentAt.length; i++) expect(sentAt[i] - sentAt[i - 1]).toBeGreaterThanOrEqual(1000);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'failed' } });
	});

	it('Item-Retry-After sent twice (1 and 5 minutes): the longer counts', async () => {
		mockInfoList([product(1)]);
		const sentAt = always('/v2/product/pictures/import', 429, QUOTA, ['Item-Retry-After', '1', 'Item-Retry-After', '5']);
		const { json } = await run({ ...PUSH, options: { maxRetries: 0 } }, [row(1)]);
		expect(sentAt).toHaveLength(1);
		expect(json[0].data.retry_after_seconds).toBe(300);
		expect(json[0].errors[0].reason).toMatch(/retry after 5 min, at /);
	});
});

describe('refusal windows and time limits', () => {
	it('a poll refused for longer than Result Timeout is not waited out: the item reports pending at once, with the wait', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		const polls = always('/v1/product/import/info', 429, PER_SECOND, { 'Retry-After': '4' });
		const started = clock().now();
		const { json } = await run({ ...PUSH, options: { resultTimeout: 1 } }, [row(1)]);
		expect(clock().now() - started).toBeLessThan(3000);
		expect(imports).toHaveLength(1);
		expect(polls).toHaveLength(1);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'pending', task_id: 9000, retry_after_seconds: 4 } });
		expect(json[0].errors[0].reason).toMatch(/^Rate limited by Ozon \(more than 50 requests per second for this Client-Id\), retry after [34] s/);
	});

	it('a request that waited out a window checks again before it is sent: no request inside a window Ozon gave meanwhile', async () => {
		// An earlier refusal, still in force when the imports are due. Both batches queue for the
		// limiter (one request a second): the first is kept from the window and planned again after it,
		// behind the second, which is sent once the window is over and refused for 10 minutes. (A push kept from
		// a window is looked up again before it is planned anew: later lookups answer the same.)
		let lookups = 0;
		ozon()
			.post('/v3/product/info/list')
			.times(5)
			.reply(() => {
				if (++lookups === 1) nodeProcess().transport.windows.close(`${BASE_URL} ${CLIENT_ID}`, '/v2/product/pictures/import', { kind: 'quota', until: clock().now() + 1800 });
				return [200, { items: [product(1), product(2)] }];
			});
		const imports: number[] = [];
		ozon()
			.post('/v2/product/pictures/import')
			.times(10)
			.reply(() => {
				imports.push(clock().now());
				return imports.length === 1 ? [429, QUOTA, { 'Item-Retry-After': '10' }] : [200, { task_id: 9000 }];
			});
		const { json } = await run({ ...PUSH, options: { requestsPerSecond: 1, maxRateLimitWait: 30, batchSize: 1 } }, [row(1), row(2)]);
		expect(imports).toHaveLength(1);
		expect(json.map((item) => [item.success, item.data.status])).toEqual([
			[false, 'failed'],
			[false, 'failed'],
		]);
		expect(json.some((item) => /Not sent: Ozon refused this method/.test(item.errors[0].reason))).toBe(true);
	}, 20_000);
});

describe('cancellation', () => {
	it('an execution cancelled while it waits out a refusal window ends at once, and sends nothing more', async () => {
		mockInfoList([product(1)]);
		let refused = () => {};
		const firstRefusal = new Promise<void>((resolve) => (refused = resolve));
		const sentAt = always('/v2/product/pictures/import', 429, { code: 'RESOURCE_EXHAUSTED', message: 'You have reached operation items limits' }, { 'Item-Retry-After': '1' }, () => refused());
		const execution = startWorkflow(ozonWorkflow([row(1)], PUSH as INode['parameters']), credentials);
		// Refused for a minute, within Max Rate Limit Wait (120 s): the node waits. The user stops it.
		await firstRefusal;
		// Let the answer arrive, so the node is waiting rather than reading it.
		await clock().sleep(300);
		const cancelledAt = clock().now();
		execution.cancel();
		const { run: result } = await execution.result;
		// At once: not at the end of the minute.
		expect(clock().now() - cancelledAt).toBeLessThan(2000);
		// (n8n's server marks the execution canceled; the engine alone reports the node's error.)
		expect(result.data.resultData.error?.message).toBe('The execution was cancelled');
		expect(sentAt).toHaveLength(1);
	});
});

describe('a switched-off v1', () => {
	it('20 items on v1 after Ozon switched it off: one request finds out, the other 19 are never sent', async () => {
		const products = Array.from({ length: 20 }, (_, i) => product(i + 1));
		mockInfoList(products);
		const sentAt = always('/v1/product/pictures/import', 400, { code: 9, message: 'obsolete method cannot be used' });
		const { json } = await run({ ...PUSH, options: { apiVersion: 'v1' } }, products.map((_, i) => row(i + 1)));
		expect(sentAt).toHaveLength(1);
		expect(json).toHaveLength(20);
		for (const item of json) expect(item.errors[0].reason).toMatch(/^Ozon no longer offers the v1 picture method \(HTTP 400\).*API Version to 'v2 \(Current\)'/);
	});
});

describe("the key's expiry date in forms that are not a date", () => {
	const expiryWarnings = (json: Output[]) => json.map((item) => item.warnings.filter((warning) => warning.field === 'credentials').length);

	it.each([
		["Go's zero time (a key without an expiry date)", '0001-01-01T00:00:00Z'],
		['the Unix epoch', '1970-01-01T00:00:00Z'],
		['"0"', '0'],
		['a day-first date (1 December read as 12 January)', '01.12.2026'],
	])('%s: no warning on the items (Ozon has just accepted the key)', async (_name, expiresAt) => {
		keyRoles.expiresAt = expiresAt;
		mockInfoList([product(1)]);
		mockPicturesInfo(() => ({}));
		const { json } = await run(GET, [row(1)]);
		expect(json[0].success).toBe(true);
		expect(expiryWarnings(json)).toEqual([0]);
	});

	it('a date with spaces around it is still read', async () => {
		keyRoles.expiresAt = ` ${new Date(clock().now() + 3 * DAY_S * 1000).toISOString()} `;
		mockInfoList([product(1)]);
		mockPicturesInfo(() => ({}));
		const { json } = await run(GET, [row(1)]);
		expect(expiryWarnings(json)).toEqual([1]);
	});
});

describe('very long texts from Ozon stay short in the output', () => {
	const huge = 'x'.repeat(200_000);

	it('an import/info error whose field is 200 KB', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		mockImportInfo(imports, () => ({ status: 'failed', errors: [{ code: 'BAD', field: huge, message: 'bad image' }] }));
		const { json } = await run(PUSH, [row(1)]);
		expect(json[0].success).toBe(false);
		expect(json[0].errors[0].field.length).toBeLessThanOrEqual(200);
		expect(JSON.stringify(json[0]).length).toBeLessThan(5000);
	});

	it('a read-back error about a 200 KB URL, on push and on get', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({ photo: ['https://cdn.ozon.test/1.jpg'], errors: [{ url: `https://cdn.ozon.test/${huge}.jpg`, message: 'could not download' }] }));
		const pushed = await run(PUSH, [row(1)]);
		expect(JSON.stringify(pushed.json[0]).length).toBeLessThan(10_000);
		const read = await run(GET, [row(1)]);
		expect(read.json[0].success).toBe(true);
		expect(JSON.stringify(read.json[0]).length).toBeLessThan(10_000);
	});
});

describe('unknown current images', () => {
	it('an append on a product whose images Ozon left out says "an append"', async () => {
		mockInfoList([product(1, { images: undefined, primary_image: undefined })]);
		const { json } = await run({ ...PUSH, mode: 'append' }, [row(1)]);
		expect(json[0].errors[0].reason).toMatch(/are unknown and an append could delete them/);
	});
});
