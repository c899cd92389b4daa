/**
 * The transport's behaviour as a user sees it through the node: which answers are retried, which
 * stop the run, which fail only their items, and what each error says.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { nodeProcess } from '../../../../nodes/OzonSeller/runtime/nodeProcess';
import { retryAfterSeconds } from '../../../../nodes/OzonSeller/transport/retryAfter';
import { checkRequest } from '../../../contract/violations';
import { OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../helpers/n8nEngine';
import { CLIENT_ID, credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, ozon, product } from '../../../helpers/ozonMock';
import { useFastTiming } from '../../../helpers/timing';
import { useVirtualTime } from '../../../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; errors: IDataObject[] };

const GET = { resource: 'productImage', operation: 'get', identifyBy: 'offerId', offerId: '={{ $json.offer }}' };
const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}' };

async function run(parameters: IDataObject, items: IDataObject[], nodeOptions: Partial<INode> = {}) {
	const result = await runWorkflow(ozonWorkflow(items, parameters as INode['parameters'], nodeOptions), credentials);
	return {
		error: result.error as (Error & { description?: string; httpCode?: string | null }) | undefined,
		json: (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output),
	};
}

const twoItems = [{ offer: 'SKU-001', urls: 'https://img.example/1.jpg' }, { offer: 'SKU-002', urls: 'https://img.example/2.jpg' }];
const continueOnFail: Partial<INode> = { onError: 'continueRegularOutput' };

/** Counts calls to an endpoint that always answers `status`/`body`. */
function always(endpoint: string, status: number, body: unknown, headers: Record<string, string> = {}) {
	let calls = 0;
	ozon()
		.post(endpoint)
		.times(50)
		.reply(() => {
			calls++;
			return [status, body, headers];
		});
	return () => calls;
}

useFastTiming();
// Every back-off, Retry-After and rate window of this file passes in virtual time: the waits asserted are the node's own.
const clock = useVirtualTime();

describe('answers that stop the run', () => {
	it('401: a NodeApiError that says the credential was rejected, sent once', async () => {
		const calls = always('/v3/product/info/list', 401, { code: 16, message: 'Client-Id and Api-Key headers are required' });
		const { error, json } = await run(GET, twoItems);
		expect(calls()).toBe(1);
		expect(json).toEqual([]);
		// The engine stores the error serialized, as it does for the execution log.
		expect(error?.name).toBe('NodeApiError');
		expect(error?.message).toBe('Ozon rejected the Client ID / API Key (HTTP 401): Client-Id and Api-Key headers are required');
		expect(error?.description).toMatch(/^Check the Client ID and API Key in the Ozon Seller API credential/);
		expect(error?.httpCode).toBe('401');
	});

	// A 403 is not always a bad key: a key without the method's role, or an unsigned offer agreement.
	it.each([
		['a bad key', 'Invalid Api-Key, please contact support'],
		['a key without the role', 'Api-key has no access to this method'],
		['an unsigned offer agreement', 'Seller has not accepted the offer'],
	])('403 (%s): quotes Ozon and names every possibility, sent once', async (_case, message) => {
		const calls = always('/v3/product/info/list', 403, { code: 7, message });
		const { error } = await run(GET, twoItems);
		expect(calls()).toBe(1);
		expect(error?.name).toBe('NodeApiError');
		expect(error?.message).toBe(
			`Ozon refused access to /v3/product/info/list (HTTP 403): "${message}". The API key may be wrong, deactivated or expired, may lack the role for this method, or the seller's offer agreement may not be accepted`,
		);
		expect(error?.description).toMatch(/wrong, deactivated or expired.*lacks the role this method needs.*offer agreement/);
		expect(error?.httpCode).toBe('403');
	});

	it('403 under continue-on-fail: every item fails with the reason, paired, and nothing more is sent', async () => {
		const calls = always('/v3/product/info/list', 403, { code: 7, message: 'Invalid Api-Key, please contact support' });
		const imports = mockImportV2();
		const { error, json } = await run(PUSH, twoItems, continueOnFail);
		expect(error).toBeUndefined();
		expect(calls()).toBe(1);
		expect(imports).toHaveLength(0);
		expect(json).toHaveLength(2);
		for (const item of json) {
			expect(item).toMatchObject({ success: false, data: { status: 'failed' } });
			expect(item.errors[0].reason).toMatch(/^Ozon refused access to \/v3\/product\/info\/list \(HTTP 403\): "Invalid Api-Key, please contact support"\. .*offer agreement/);
		}
	});

	it('403: requests of the run still waiting for their turn in the rate limiter are not sent', async () => {
		const calls = always('/v3/product/info/list', 403, { code: 7, message: 'Invalid Api-Key, please contact support' });
		// 2,500 items: three lookups of 1000 start side by side; at 2 requests a second the other two
		// are still waiting for their turn when the first comes back refused.
		const rows = Array.from({ length: 2500 }, (_, n) => ({ offer: `SKU-${n}` }));
		const { json } = await run({ ...GET, options: { requestsPerSecond: 2 } }, rows, continueOnFail);
		expect(calls()).toBe(1);
		expect(json).toHaveLength(2500);
		expect(json.every((item) => !item.success && /HTTP 403/.test(item.errors[0].reason as string))).toBe(true);
	});

	it('5xx on every attempt: retried maxRetries times, then a NodeApiError', async () => {
		const calls = always('/v3/product/info/list', 503, { code: 14, message: 'unavailable' });
		const { error } = await run(GET, twoItems);
		expect(calls()).toBe(3);
		expect(error?.message).toBe('Ozon had a server error (HTTP 503): unavailable (after 3 attempts)');
		expect(error?.description).toMatch(/^Ozon did not answer properly after all retries/);
	});

	it('5xx under continue-on-fail fails just the items of that request', async () => {
		mockInfoList([product(1), product(2)]);
		const calls = always('/v2/product/pictures/info', 500, { code: 13, message: 'internal error' });
		const { json } = await run({ ...GET, options: { maxRetries: 0 } }, twoItems, continueOnFail);
		expect(calls()).toBe(1);
		expect(json.map((item) => item.success)).toEqual([false, false]);
		expect(json[0].errors[0].reason).toMatch(/^Ozon had a server error \(HTTP 500\): internal error\./);
	});

	it('a timeout is retried, then reported with the timeout in the message', async () => {
		let calls = 0;
		ozon()
			.post('/v3/product/info/list')
			.times(5)
			.delay(1500)
			.reply(() => {
				calls++;
				return [200, { items: [] }];
			});
		const { error } = await run({ ...GET, options: { timeout: 1, maxRetries: 1 } }, twoItems);
		expect(calls).toBe(2);
		expect(error?.message).toBe('Ozon did not answer within 1 s (after 2 attempts)');
	});
});

describe('answers that are retried and then succeed', () => {
	function okAfter(firstAnswers: Array<(scope: nock.Interceptor) => nock.Scope>) {
		for (const answer of firstAnswers) answer(ozon().post('/v3/product/info/list'));
		mockInfoList([product(1)]);
		mockPicturesInfo(() => ({ photo: ['https://cdn.ozon.test/1.jpg'] }));
	}

	it.each([
		['a 500', (i: nock.Interceptor) => i.reply(500, { code: 13, message: 'internal' })],
		['a truncated JSON body', (i: nock.Interceptor) => i.reply(200, '{"items":[{"id":1001,"offer_')],
		['a body of the wrong shape', (i: nock.Interceptor) => i.reply(200, { items: 'nope' })],
		['a 429 with Retry-After', (i: nock.Interceptor) => i.reply(429, { code: 'RESOURCE_EXHAUSTED', message: 'Too many requests' }, { 'Retry-After': '0.05' })],
		['a 429 with Item-Retry-After 0', (i: nock.Interceptor) => i.reply(429, { code: 'RESOURCE_EXHAUSTED', message: 'limit' }, { 'Item-Retry-After': '0' })],
		['a per-second 429 (code 8)', (i: nock.Interceptor) => i.reply(429, { code: 8, message: 'You have reached request rate limit per second' }, { 'Retry-After': '0.05' })],
		['a 429 saying "Retry after 0 seconds"', (i: nock.Interceptor) => i.reply(429, { code: 'RESOURCE_EXHAUSTED', message: 'You have reached operation items limits. Retry after 0 seconds. Remaining 10 items' })],
	])('%s', async (_name, first) => {
		okAfter([first]);
		const { json, error } = await run(GET, [{ offer: 'SKU-001' }]);
		expect(error).toBeUndefined();
		expect(json[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-001', images: ['https://cdn.ozon.test/1.jpg'] } });
	});
});

test('a connection reset (a real socket destroyed mid-request) is retried', async () => {
	// nock cannot reset a socket under n8n's HTTP agent, so a real local server does it.
	let lookups = 0;
	const server = http.createServer((req, res) => {
		if (req.url === '/v3/product/info/list' && ++lookups === 1) {
			req.socket.destroy();
			return;
		}
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			// A real server rather than nock: hold what reaches it to Ozon's contract all the same.
			checkRequest(req.method ?? '', req.url ?? '', req.headers, body);
			res.setHeader('Content-Type', 'application/json');
			const answers: Record<string, unknown> = {
				'/v1/roles': { expires_at: '2099-01-01T00:00:00Z', roles: [] },
				'/v3/product/info/list': { items: [product(1)] },
				'/v2/product/pictures/info': { items: [{ product_id: 1001, photo: ['https://cdn.ozon.test/1.jpg'] }] },
			};
			res.end(JSON.stringify(answers[req.url ?? ''] ?? {}));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	nock.enableNetConnect('127.0.0.1');
	try {
		const { port } = server.address() as AddressInfo;
		const result = await runWorkflow(ozonWorkflow([{ offer: 'SKU-001' }], GET as INode['parameters']), { ...credentials, baseUrl: `http://127.0.0.1:${port}` });
		const json = (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output);
		expect(lookups).toBe(2);
		expect(json[0]).toMatchObject({ success: true, data: { images: ['https://cdn.ozon.test/1.jpg'] } });
	} finally {
		nock.disableNetConnect();
		server.close();
	}
});

test('a refused connection names the Base URL and says so in words (the raw code would be hidden by n8n)', async () => {
	// A port that was just free: nothing listens there.
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	nock.enableNetConnect('127.0.0.1');
	try {
		const result = await runWorkflow(ozonWorkflow([{ offer: 'SKU-001' }], { ...GET, options: { maxRetries: 0 } } as INode['parameters']), { ...credentials, baseUrl: `http://127.0.0.1:${port}` });
		expect(result.error?.message).toBe(`Could not reach Ozon at http://127.0.0.1:${port}: the connection was refused`);
	} finally {
		nock.disableNetConnect();
	}
});

describe('answers that fail only their items, never retried', () => {
	function pushWithImportAnswer(status: number, body: unknown, headers: Record<string, string> = {}) {
		mockInfoList([product(1), product(2)]);
		const calls = always('/v2/product/pictures/import', status, body, headers);
		return calls;
	}

	it.each([
		[400, { code: 3, message: 'items[0].images: invalid value' }, 'Ozon rejected the request (HTTP 400): items[0].images: invalid value'],
		[404, { code: 5, message: 'not found' }, 'Ozon could not find what was asked for (HTTP 404): not found'],
		[409, { code: 10, message: 'conflict' }, 'Ozon reported a conflict with an update still in progress (HTTP 409): conflict'],
	])('%s on import', async (status, body, message) => {
		const calls = pushWithImportAnswer(status, body);
		const { json, error } = await run(PUSH, twoItems, continueOnFail);
		expect(error).toBeUndefined();
		expect(calls()).toBe(1);
		expect(json).toHaveLength(2);
		for (const item of json) {
			expect(item.success).toBe(false);
			expect(item.errors[0].reason).toMatch(new RegExp(`^${message.replace(/[()[\].]/g, '\\$&')}\\. `));
		}
	});

	it('a 429 asking for longer than the cap fails the items with "retry after"', async () => {
		const calls = pushWithImportAnswer(429, { code: 'RESOURCE_EXHAUSTED', message: 'You have reached operation items limits. Retry after 600 seconds. Remaining 0 items' });
		const { json } = await run(PUSH, twoItems, continueOnFail);
		expect(calls()).toBe(1);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'failed', retry_after_seconds: 600 } });
		expect(json[0].errors[0].reason).toMatch(/^Rate limited by Ozon \(product update limit per minute or per day used up\), retry after 10 min, at /);
	});

	it('a failed poll never re-sends the write', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		always('/v1/product/import/info', 400, { code: 3, message: 'bad task' });
		const { json } = await run(PUSH, [twoItems[0]], continueOnFail);
		expect(imports).toHaveLength(1);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'pending', task_id: 9000 } });
	});
});

describe("retryAfterSeconds: the longest wait any of Ozon's hints gives", () => {
	const now = Date.parse('2026-11-27T12:00:00Z');
	it.each([
		[{ 'Retry-After': '30' }, undefined, 30],
		// Item-Retry-After is in minutes (Ozon: "time in minutes … for the daily limit, until 03:00 Moscow time").
		[{ 'item-retry-after': '12' }, undefined, 720],
		[{ 'Item-Retry-After': '1' }, 'You have reached operation items limits. Retry after 20 seconds. Remaining 0 items', 60],
		[{}, 'You have reached operation items limits. Retry after 120 seconds. Remaining 10 items', 120],
		[{ 'Retry-After': '5' }, 'Retry after 60 seconds', 60],
		[{ 'Item-Retry-After': '2', 'Retry-After': '30' }, 'Retry after 100 seconds', 120],
		[{ 'Retry-After': 'Fri, 27 Nov 2026 12:05:00 GMT', 'Item-Retry-After': '1' }, undefined, 300],
		[{ 'Item-Retry-After': 'soon' }, undefined, undefined],
		[{}, 'no hint', undefined],
	])('%p %p → %p', (headers, message, expected) => {
		expect(retryAfterSeconds(headers, message, now)).toBe(expected);
	});
});

describe("Ozon's 429: the longest wait, never a request inside it", () => {
	const QUOTA = { code: 'RESOURCE_EXHAUSTED', message: 'You have reached operation items limits. Retry after 20 seconds. Remaining 0 items' };
	const PER_SECOND = { code: 8, message: 'You have reached request rate limit per second' };
	const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`;

	it('Item-Retry-After: 1 is a minute: beyond Max Rate Limit Wait the import is sent once and the items fail at once, with the wait in words', async () => {
		const calls = always('/v2/product/pictures/import', 429, QUOTA, { 'Item-Retry-After': '1', 'Item-Rate-Limit-Remaining': '0' });
		mockInfoList([product(1), product(2)]);
		const started = clock().now();
		const { json } = await run({ ...PUSH, options: { maxRateLimitWait: 30 } }, twoItems, continueOnFail);
		expect(calls()).toBe(1);
		// At once: no wait toward the minute (virtual time, so the node's own waits are all that counts).
		expect(clock().now() - started).toBeLessThan(1000);
		expect(json).toHaveLength(2);
		for (const item of json) {
			expect(item).toMatchObject({ success: false, data: { status: 'failed', retry_after_seconds: 60, retry_at: expect.stringMatching(new RegExp(`^${ISO}$`)) } });
			expect(item.errors[0].reason).toMatch(
				new RegExp(`^Rate limited by Ozon \\(product update limit per minute or per day used up\\), retry after 1 min, at ${ISO} \\(\\d\\d:\\d\\d Moscow time( on [-\\d]+)?\\)\\. Ozon said: "You have reached operation items limits\\. Retry after 20 seconds\\. Remaining 0 items"\\. Ozon limits how many product updates`),
			);
		}
	});

	it('a daily limit says until when, in hours, as an ISO time and in Moscow time', async () => {
		always('/v2/product/pictures/import', 429, QUOTA, { 'Item-Retry-After': '600' });
		mockInfoList([product(1)]);
		const { json } = await run(PUSH, [twoItems[0]], continueOnFail);
		expect(json[0].data.retry_after_seconds).toBe(36000);
		expect(json[0].errors[0].reason).toMatch(new RegExp(`^Rate limited by Ozon \\(product update limit per minute or per day used up\\), retry after 10 h, at ${ISO} \\(\\d\\d:\\d\\d Moscow time`));
		expect(json[0].errors[0].reason).toMatch(/the daily limit resets at 03:00 Moscow time/);
	});

	it.each([
		// A per-second 429 is waited out within Max Rate Limit Wait whatever Max Retries says: 0 gives up at once.
		['the per-second limit (code 8)', PER_SECOND, {}, 'more than 50 requests per second for this Client-Id', 'retry after 1 s', /counted over every n8n process \(main and queue-mode workers\).*waits these refusals out and slows down by itself/, { maxRateLimitWait: 0 }],
		['the product-update quota', QUOTA, { 'Item-Retry-After': '1' }, 'product update limit per minute or per day used up', 'retry after 1 min', /per minute and per day/, { maxRetries: 0 }],
	])('tells %s apart in the message and the hint', async (_name, body, headers, limit, wait, hint, options) => {
		const calls = always('/v2/product/pictures/import', 429, body, headers);
		mockInfoList([product(1)]);
		const { json } = await run({ ...PUSH, options }, [twoItems[0]], continueOnFail);
		expect(calls()).toBe(1);
		expect(json[0].errors[0].reason).toContain(`Rate limited by Ozon (${limit}), ${wait}, at `);
		expect(json[0].errors[0].reason).toMatch(hint);
		if (body === PER_SECOND) expect(json[0].errors[0].reason).not.toMatch(/per minute|per day|product update/);
	});

	it('another execution in the same process sends nothing to the method inside the window, and says how long is left', async () => {
		const calls = always('/v2/product/pictures/import', 429, QUOTA, { 'Item-Retry-After': '5' });
		mockInfoList([product(1), product(2)]);
		const first = await run(PUSH, [twoItems[0]], continueOnFail);
		expect(first.json[0].data.retry_after_seconds).toBe(300);
		const second = await run(PUSH, [twoItems[1]], continueOnFail);
		expect(calls()).toBe(1);
		expect(second.json[0]).toMatchObject({ success: false, data: { status: 'failed' } });
		expect(second.json[0].data.retry_after_seconds).toBeGreaterThan(290);
		expect(second.json[0].data.retry_after_seconds).toBeLessThanOrEqual(300);
		expect(second.json[0].errors[0].reason).toMatch(/^Rate limited by Ozon \(product update limit per minute or per day used up\), retry after [45] min( \d+ s)?, at .*Not sent: Ozon refused this method for this Client-Id a moment ago/);
	});

	it('a later push in the same run is not sent inside the window either', async () => {
		const calls = always('/v2/product/pictures/import', 429, QUOTA, { 'Item-Retry-After': '5' });
		mockInfoList([product(1)]);
		// The same product twice: the second push goes in a later request, after the 429.
		const { json } = await run(PUSH, [twoItems[0], { offer: 'SKU-001', urls: 'https://img.example/3.jpg' }], continueOnFail);
		expect(calls()).toBe(1);
		expect(json.map((item) => item.success)).toEqual([false, false]);
		expect(json[1].errors[0].reason).toMatch(/Not sent: Ozon refused this method/);
	});

	it('other methods are not held up by a quota window; a per-second 429 holds every method for its wait', async () => {
		always('/v2/product/pictures/import', 429, QUOTA, { 'Item-Retry-After': '5' });
		mockInfoList([product(1)]);
		mockPicturesInfo(() => ({ photo: ['https://cdn.ozon.test/1.jpg'] }));
		await run(PUSH, [twoItems[0]], continueOnFail);
		const read = await run(GET, [twoItems[0]]);
		expect(read.json[0].success).toBe(true);
	});

	it('within Max Rate Limit Wait, waits out the whole window before sending again, then succeeds', async () => {
		mockInfoList([product(1)]);
		const sentAt: number[] = [];
		const accepted: Array<Record<string, unknown>> = [];
		ozon()
			.post('/v2/product/pictures/import')
			.times(2)
			.reply((_uri, body) => {
				sentAt.push(clock().now());
				if (sentAt.length === 2) accepted.push(body as Record<string, unknown>);
				// The message asks for 1 s, Retry-After for 1.5 s: the longer one counts.
				return sentAt.length === 1 ? [429, { code: 'RESOURCE_EXHAUSTED', message: 'You have reached operation items limits. Retry after 1 seconds. Remaining 0 items' }, { 'Retry-After': '1.5' }] : [200, { task_id: 9000 }];
			});
		mockImportInfo(accepted);
		mockPicturesInfo(() => ({}));
		const { json } = await run(PUSH, [twoItems[0]]);
		expect(sentAt).toHaveLength(2);
		expect(sentAt[1] - sentAt[0]).toBeGreaterThanOrEqual(1500);
		expect(json[0]).toMatchObject({ success: true, data: { status: 'imported' } });
	});
});

describe("Ozon's per-second limit: expected when n8n workers or other tools share the Client-Id", () => {
	const PER_SECOND = { code: 8, message: 'You have reached request rate limit per second' };

	/** The first `times` calls to `endpoint` answer the per-second 429; returns when each arrived. */
	function refuseFirst(endpoint: string, times: number, body: unknown = PER_SECOND, headers: Record<string, string> = { 'Retry-After': '1' }): number[] {
		const sentAt: number[] = [];
		ozon()
			.post(endpoint)
			.times(times)
			.reply(() => {
				sentAt.push(clock().now());
				return [429, body, headers];
			});
		return sentAt;
	}

	it('refused imports are waited out and sent again without using up Max Retries (0 here), and the process slows down', async () => {
		mockInfoList([product(1)]);
		const refused = refuseFirst('/v2/product/pictures/import', 2);
		const accepted = mockImportV2();
		mockImportInfo(accepted);
		mockPicturesInfo(() => ({}));
		const { json } = await run({ ...PUSH, options: { maxRetries: 0 } }, [twoItems[0]]);
		expect(json[0]).toMatchObject({ success: true, data: { status: 'imported' } });
		expect(refused).toHaveLength(2);
		expect(accepted).toHaveLength(1);
		// Each refusal waited out (Retry-After: 1) before the next request.
		expect(refused[1] - refused[0]).toBeGreaterThanOrEqual(1000);
		// Two overloads, each halving the rate (40 → 20 → about 10), regained slowly since.
		expect(nodeProcess().transport.limiterFor(CLIENT_ID, 40).rate).toBeLessThan(15);
	});

	it('refused polls are asked again until Result Timeout, and the write is never sent again', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		const refused = refuseFirst('/v1/product/import/info', 2);
		const polls = mockImportInfo(imports);
		mockPicturesInfo(() => ({}));
		const { json } = await run({ ...PUSH, options: { maxRetries: 0, resultTimeout: 30 } }, [twoItems[0]]);
		expect(json[0]).toMatchObject({ success: true, data: { status: 'imported', task_id: 9000 } });
		expect(refused).toHaveLength(2);
		expect(polls.length).toBeGreaterThanOrEqual(1);
		expect(imports).toHaveLength(1);
	});

	it('polls refused until Result Timeout: pending with the task, the write sent once, the reason names the per-second limit, never the quota', async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		const refused = refuseFirst('/v1/product/import/info', 50);
		const started = clock().now();
		const { json } = await run({ ...PUSH, options: { maxRetries: 0, resultTimeout: 3 } }, [twoItems[0]], continueOnFail);
		// Answered at its Result Timeout (3 s), not later.
		expect(clock().now() - started).toBeLessThanOrEqual(3000);
		expect(imports).toHaveLength(1);
		// More polls than Max Retries allows for faults: each refusal was waited out.
		expect(refused.length).toBeGreaterThanOrEqual(2);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'pending', task_id: 9000 } });
		const reason = json[0].errors[0].reason as string;
		// Refused until the last refusal would outlast the task's deadline: pending at once, with Ozon's reason.
		expect(reason).toMatch(/^Rate limited by Ozon \(more than 50 requests per second for this Client-Id\), retry after 1 s, at .*\. Refused \d+ times? for the per-second limit; waiting again would pass this request's time limit/);
		expect(reason).toMatch(/raise Result Timeout/);
		expect(reason).not.toMatch(/per minute|per day|product update/);
	});

	it("refused read-backs are asked again: the item is settled on Ozon's answer, not left unverified", async () => {
		mockInfoList([product(1)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		const refused = refuseFirst('/v2/product/pictures/info', 2);
		mockPicturesInfo(() => ({}));
		const { json } = await run({ ...PUSH, options: { maxRetries: 0 } }, [twoItems[0]]);
		expect(refused).toHaveLength(2);
		expect(json[0]).toMatchObject({ success: true, data: { status: 'imported', current_images: ['https://img.example/1.jpg'] } });
		expect(JSON.stringify(json[0])).not.toContain('Could not read the images back');
	});

	it('refused lookups are asked again within Max Rate Limit Wait, whatever Max Retries says', async () => {
		const refused = refuseFirst('/v3/product/info/list', 2);
		mockInfoList([product(1)]);
		mockPicturesInfo(() => ({ photo: ['https://cdn.ozon.test/1.jpg'] }));
		const { json } = await run({ ...GET, options: { maxRetries: 0 } }, [twoItems[0]]);
		expect(refused).toHaveLength(2);
		expect(json[0]).toMatchObject({ success: true, data: { images: ['https://cdn.ozon.test/1.jpg'] } });
	});

	it('a 429 that names no limit, on a method that updates no product, is the per-second limit: waited a second, not a minute', async () => {
		const refused = refuseFirst('/v3/product/info/list', 1, { code: 'RESOURCE_EXHAUSTED', message: 'Too many requests' }, {});
		mockInfoList([product(1)]);
		mockPicturesInfo(() => ({ photo: ['https://cdn.ozon.test/1.jpg'] }));
		const started = clock().now();
		const { json } = await run({ ...GET, options: { maxRetries: 0, maxRateLimitWait: 10 } }, [twoItems[0]]);
		expect(refused).toHaveLength(1);
		// The second waited out, and no more: the per-minute quota's wait would be 60 s.
		expect(clock().now() - started).toBeGreaterThanOrEqual(1000);
		expect(clock().now() - started).toBeLessThan(2000);
		expect(json[0]).toMatchObject({ success: true });
	});

	it('refused for longer than Max Rate Limit Wait: the import fails naming the per-second limit and how often it was refused', async () => {
		mockInfoList([product(1)]);
		const refused = refuseFirst('/v2/product/pictures/import', 50);
		const { json } = await run({ ...PUSH, options: { maxRetries: 5, maxRateLimitWait: 2 } }, [twoItems[0]], continueOnFail);
		expect(refused.length).toBeGreaterThanOrEqual(2);
		expect(refused.length).toBeLessThanOrEqual(3);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'failed' } });
		expect(json[0].errors[0].reason).toMatch(/^Rate limited by Ozon \(more than 50 requests per second for this Client-Id\), retry after 1 s, at .*Refused [23] times for the per-second limit/);
		expect(json[0].errors[0].reason).not.toMatch(/per minute|per day|product update/);
	});
});

describe('a switched-off method', () => {
	it.each([
		['400 with code 9', 400, { code: 9, message: 'obsolete method cannot be used' }],
		['410', 410, { code: 5, message: 'method is gone' }],
		['404', 404, { code: 5, message: 'Not Found' }],
	])('v1 answering %s: each item says Ozon switched the v1 method off and to use v2; never retried, not asked again in the run', async (_name, status, body) => {
		mockInfoList([product(1), product(2)]);
		const calls = always('/v1/product/pictures/import', status, body);
		const { json } = await run({ ...PUSH, options: { apiVersion: 'v1', maxRetries: 3 } }, twoItems, continueOnFail);
		// Both items may be in flight at once; never more than one request per item, never a retry.
		expect(calls()).toBeLessThanOrEqual(2);
		expect(json).toHaveLength(2);
		for (const item of json) {
			expect(item.success).toBe(false);
			expect(item.errors[0].reason).toBe(
				`Ozon no longer offers the v1 picture method (HTTP ${status}): ${body.message}. Ozon has switched off the deprecated v1 picture method (/v1/product/pictures/import). Set Options → API Version to 'v2 (Current)', Ozon's current method.`,
			);
		}
	});

	it('a later v1 item of the same run is not sent to a method Ozon said is off', async () => {
		mockInfoList([product(1), product(2)]);
		const calls = always('/v1/product/pictures/import', 400, { code: 9, message: 'obsolete method cannot be used' });
		// One request at a time: the second item comes after Ozon's answer to the first.
		const { json } = await run({ ...PUSH, options: { apiVersion: 'v1', requestsPerSecond: 1 } }, twoItems, continueOnFail);
		expect(json.map((item) => item.success)).toEqual([false, false]);
		expect(calls()).toBe(1);
	});

	it('code 9 on another method names that method and asks for a node update', async () => {
		always('/v3/product/info/list', 400, { code: 9, message: 'obsolete method cannot be used' });
		const { json } = await run(GET, [twoItems[0]], continueOnFail);
		expect(json[0].errors[0].reason).toBe(
			'Ozon no longer offers /v3/product/info/list (HTTP 400): obsolete method cannot be used. Ozon has switched off /v3/product/info/list, which this version of the node uses. Update the n8n-nodes-ozon-seller package.',
		);
	});
});

// Keeps the helpers honest: a plain successful push through the same mocks.
test('baseline: the mocks answer a push with success', async () => {
	mockInfoList([product(1)]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	mockPicturesInfo(() => ({}));
	const { json } = await run(PUSH, [twoItems[0]]);
	expect(json[0].success).toBe(true);
});

describe('a redirect from the Base URL is never followed, on any method', () => {
	const ATTACKER = 'https://attacker.example';

	/** Everything the other host receives: it must stay empty. */
	function attackerHost() {
		const seen: Array<{ method: string; path: string; headers: Record<string, unknown> }> = [];
		const record = function (this: nock.ReplyFnContext): [number, object] {
			seen.push({ method: this.req.method, path: this.req.path, headers: { ...this.req.headers } });
			return [200, { items: [], result: { items: [] }, task_id: 1 }];
		};
		nock(ATTACKER).persist().post(/.*/).reply(record).get(/.*/).reply(record);
		return seen;
	}

	/** Mocks a push (or get) normally, except that `target` answers `status` with a Location on the other host. */
	function arrange(target: string, status: number) {
		let redirects = 0;
		const redirectFrom = (endpoint: string) =>
			ozon()
				.post(endpoint)
				.times(10)
				.reply(() => {
					redirects++;
					return [status, '', { Location: `${ATTACKER}${endpoint}` }];
				});
		if (target === '/v3/product/info/list') redirectFrom(target);
		else mockInfoList([product(1), product(2)]);
		let imports: Array<Record<string, unknown>> = [];
		if (target === '/v2/product/pictures/import' || target === '/v1/product/pictures/import') redirectFrom(target);
		else imports = mockImportV2();
		if (target === '/v1/product/import/info') redirectFrom(target);
		else mockImportInfo(imports);
		if (target === '/v2/product/pictures/info') redirectFrom(target);
		else mockPicturesInfo(() => ({}));
		return { redirects: () => redirects, imports };
	}

	// [endpoint, operation, requests made (never repeated): v1 sends one product per request, the first alone]
	const cases: Array<[string, string, IDataObject, number]> = [
		['/v3/product/info/list', 'get', GET, 1],
		['/v3/product/info/list', 'push', PUSH, 1],
		['/v2/product/pictures/import', 'push', PUSH, 1],
		['/v1/product/import/info', 'push', PUSH, 1],
		['/v2/product/pictures/info', 'get', GET, 1],
		['/v1/product/pictures/import', 'push v1', { ...PUSH, options: { apiVersion: 'v1' } }, 1],
	];
	const redirectReason = (endpoint: string, status: number) =>
		new RegExp(`^The Base URL answered ${endpoint.replace(/\//g, '\\/')} with a redirect \\(HTTP ${status}\\) to attacker\\.example: the node never follows redirects`);

	describe.each([301, 302, 307, 308])('HTTP %s', (status) => {
		it.each(cases)('%s (%s): the items fail naming the status and the host; nothing reaches that host', async (endpoint, _operation, parameters, requests) => {
			const seen = attackerHost();
			const { redirects } = arrange(endpoint, status);
			const { error, json } = await run(parameters, twoItems, continueOnFail);
			expect(seen).toEqual([]);
			expect(error).toBeUndefined();
			// Final: never retried, and no further request once the Base URL is known to redirect.
			expect(redirects()).toBe(requests);
			expect(json).toHaveLength(2);
			for (const item of json) {
				expect(item.success).toBe(false);
				expect(item.errors[0].reason).toMatch(redirectReason(endpoint, status));
			}
		});

		it('/v2/product/pictures/info after a confirmed push: nothing reaches that host; the push is reported pending, unconfirmed', async () => {
			const seen = attackerHost();
			const { redirects } = arrange('/v2/product/pictures/info', status);
			const { json } = await run(PUSH, twoItems, continueOnFail);
			expect(seen).toEqual([]);
			expect(redirects()).toBe(1);
			// Ozon's task status says imported, but without the read-back nothing confirms the photos stayed:
			// pending with the task, and the error says why.
			for (const item of json) {
				expect(item).toMatchObject({ success: false, data: { status: 'pending', task_id: expect.any(Number) } });
				expect((item as unknown as { errors: Array<{ reason: string }> }).errors[0].reason).toMatch(/could not be read back to confirm them before Result Timeout ran out: The Base URL answered \/v2\/product\/pictures\/info with a redirect \(HTTP \d+\) to attacker\.example/);
			}
		});
	});

	it('without continue-on-fail the run stops with an error naming the status and the host', async () => {
		const seen = attackerHost();
		arrange('/v3/product/info/list', 307);
		const { error, json } = await run(GET, twoItems);
		expect(seen).toEqual([]);
		expect(json).toEqual([]);
		expect(error?.message).toBe(
			'The Base URL answered /v3/product/info/list with a redirect (HTTP 307) to attacker.example: the node never follows redirects, so nothing was sent there',
		);
		expect(error?.description).toMatch(/^Set the credential's Base URL to the address that answers directly/);
	});

	it('a redirect without a Location, or to an unreadable one, is reported as such', async () => {
		ozon().post('/v3/product/info/list').reply(302, '');
		const missing = await run(GET, [twoItems[0]], continueOnFail);
		expect(missing.json[0].errors[0].reason).toMatch(/with a redirect \(HTTP 302\) without a Location: /);
		ozon().post('/v3/product/info/list').reply(301, '', { Location: 'http://[::1' });
		const invalid = await run(GET, [twoItems[0]], continueOnFail);
		expect(invalid.json[0].errors[0].reason).toMatch(/with a redirect \(HTTP 301\) to an invalid address: /);
	});
});

/**
 * How much of a text an error quotes, to the character: Ozon's message 500 characters, a body that
 * is not JSON 300, a redirect's host 200, each followed by an ellipsis when cut; a text that fits is
 * quoted whole.
 */
describe('what an error quotes of Ozon\'s text', () => {
	const reasonOf = async () => (await run(GET, [twoItems[0]], continueOnFail)).json[0].errors[0].reason as string;

	it.each([
		['a JSON message that fits', { code: 3, message: 'm'.repeat(500) }, `Ozon rejected the request (HTTP 400): ${'m'.repeat(500)}. `],
		['a JSON message two characters too long', { code: 3, message: `${'m'.repeat(500)}yz` }, `Ozon rejected the request (HTTP 400): ${'m'.repeat(500)}…. `],
		['a long JSON message', { code: 3, message: 'm'.repeat(2000) }, `Ozon rejected the request (HTTP 400): ${'m'.repeat(500)}…. `],
		['a body that is not JSON and fits', 'b'.repeat(300), `Ozon rejected the request (HTTP 400): ${'b'.repeat(300)}. `],
		['a long body that is not JSON', 'b'.repeat(2000), `Ozon rejected the request (HTTP 400): ${'b'.repeat(300)}…. `],
	])('%s', async (_name, body, start) => {
		ozon().post('/v3/product/info/list').reply(400, body);
		expect((await reasonOf()).startsWith(start)).toBe(true);
	});

	it.each([
		['a host that fits', 'h'.repeat(192), `${'h'.repeat(192)}.example`],
		['a long host', 'h'.repeat(250), `${'h'.repeat(200)}…`],
	])('a redirect to %s', async (_name, label, quoted) => {
		ozon().post('/v3/product/info/list').reply(302, '', { Location: `https://${label}.example/x` });
		expect(await reasonOf()).toMatch(new RegExp(`^The Base URL answered /v3/product/info/list with a redirect \\(HTTP 302\\) to ${quoted.replace(/\./g, '\\.')}: `));
	});
});
