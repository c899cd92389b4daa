/**
 * Attacks on the queue-mode change (#15): the adaptive limiter, per-second 429s waited out within
 * the item's time, and the read-back's wait for other writers, through n8n's real engine.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow, startWorkflow } from '../helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, ozon, product } from '../helpers/ozonMock';
import { useFastTiming } from '../helpers/timing';
import { useVirtualTime } from '../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }>; warnings: Array<{ field: string; message: string }> };

const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}' };
const row = (n: number) => ({ offer: product(n).offer_id, urls: `https://img.example/${n}.jpg` });
const PER_SECOND = { code: 8, message: 'You have reached request rate limit per second' };

/** A promise that resolves the first time `onCall` is called: for a test to wait on an event instead of polling for it. */
function firstCall(): { reached: Promise<void>; onCall: () => void } {
	let onCall = () => {};
	const reached = new Promise<void>((resolve) => (onCall = resolve));
	return { reached, onCall };
}

async function run(parameters: IDataObject, items: IDataObject[]) {
	const result = await runWorkflow(ozonWorkflow(items, parameters as INode['parameters'], KEEP_FAILED_ITEMS), credentials);
	return { error: result.error, json: (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output) };
}

useFastTiming();

/**
 * Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` and nock's answers
 * included: the limiter's one request a second, Ozon's 2–2.5 s, the read-back's wait and the waits
 * after a Stop pass in no real time, and the times compared are the node's own.
 */
const clock = useVirtualTime();
const pause = (ms: number) => clock().sleep(ms);

describe('cancellation while requests wait in the limiter', () => {
	it('after the Stop button, requests still queued in the limiter are never sent', async () => {
		const products = Array.from({ length: 20 }, (_, n) => product(n + 1));
		mockInfoList(products);
		const imports: number[] = [];
		const firstImport = firstCall();
		let taskId = 9000;
		ozon()
			.post('/v2/product/pictures/import')
			.times(100)
			.reply(() => {
				imports.push(clock().now());
				firstImport.onCall();
				return [200, { task_id: taskId++ }];
			});
		mockImportInfo([]);
		mockPicturesInfo(() => ({}));
		const items = products.map((_, n) => row(n + 1));
		const execution = startWorkflow(ozonWorkflow(items, { ...PUSH, options: { requestsPerSecond: 1, batchSize: 1 } } as INode['parameters']), credentials);
		await firstImport.reached;
		const cancelledAt = clock().now();
		execution.cancel();
		await execution.result;
		// Requests queued in the limiter would leave one a second from here on.
		await pause(3500);
		expect(imports.filter((at) => at > cancelledAt + 50)).toEqual([]);
	}, 20_000);

	it("requests of a stopped execution give up their turns: another execution's push is not held back behind them", async () => {
		const products = Array.from({ length: 21 }, (_, n) => product(n + 1));
		mockInfoList(products);
		const imports: Array<{ at: number; offer: string }> = [];
		const firstImport = firstCall();
		let taskId = 9000;
		ozon()
			.post('/v2/product/pictures/import')
			.times(100)
			.reply((_uri, body) => {
				imports.push({ at: clock().now(), offer: (body as { items: Array<{ offer_id: string }> }).items[0].offer_id });
				firstImport.onCall();
				return [200, { task_id: taskId++ }];
			});
		mockImportInfo([]);
		mockPicturesInfo(() => ({}));
		const options = { requestsPerSecond: 1, batchSize: 1, waitForResult: false };
		const stopped = startWorkflow(ozonWorkflow(products.slice(0, 20).map((_, n) => row(n + 1)), { ...PUSH, options } as INode['parameters']), credentials);
		await firstImport.reached;
		stopped.cancel();
		await stopped.result;
		const started = clock().now();
		const other = await run({ ...PUSH, options }, [row(21)]);
		expect(other.json[0]).toMatchObject({ success: true, data: { status: 'pending' } });
		// Its lookup and import, one a second: not behind the 7 turns the stopped execution had queued.
		expect(clock().now() - started).toBeLessThan(3500);
	}, 30_000);
});

describe('the read-back wait for other writers against a short Result Timeout', () => {
	it('a read-back pushed to the end of Result Timeout by the wait still waits out a per-second 429: a replace another writer undid is a conflict, never success', async () => {
		mockInfoList([product(1)]);
		let sentAt = 0;
		ozon()
			.post('/v2/product/pictures/import')
			.reply(() => {
				sentAt = clock().now();
				return [200, { task_id: 9000 }];
			});
		// Ozon takes 2.5 s: the read-back's wait (one processing time) would end past Result Timeout (4 s), so it ends there.
		ozon()
			.post('/v1/product/import/info')
			.times(1000)
			.reply(() => [200, { result: { items: [{ offer_id: product(1).offer_id, product_id: 1001, status: clock().now() - sentAt >= 2500 ? 'imported' : 'pending', errors: [] }], total: 1 } }]);
		// Another worker's write, built on the photos before ours, replaced them meanwhile; the first read-back meets the per-second limit.
		const readBacks: number[] = [];
		ozon()
			.post('/v2/product/pictures/info')
			.times(10)
			.reply(() => {
				readBacks.push(clock().now());
				if (readBacks.length === 1) return [429, PER_SECOND];
				return [200, { items: [{ product_id: 1001, primary_photo: [], photo: ['https://other.example/theirs-1.jpg', 'https://other.example/theirs-2.jpg'], color_photo: [], errors: [] }] }];
			});
		const { json } = await run({ ...PUSH, options: { resultTimeout: 4 } }, [row(1)]);
		expect(json).toHaveLength(1);
		expect(readBacks.length).toBeGreaterThanOrEqual(2);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'conflict' } });
	}, 20_000);
});

describe('the Stop button during the read-back wait', () => {
	it('ends the execution at once, and the product is not read back for nobody', async () => {
		mockInfoList([product(1)]);
		let sentAt = 0;
		const answered = firstCall();
		ozon()
			.post('/v2/product/pictures/import')
			.reply(() => {
				sentAt = clock().now();
				return [200, { task_id: 9000 }];
			});
		ozon()
			.post('/v1/product/import/info')
			.times(1000)
			.reply(() => {
				const done = clock().now() - sentAt >= 2000;
				if (done) answered.onCall();
				return [200, { result: { items: [{ offer_id: product(1).offer_id, product_id: 1001, status: done ? 'imported' : 'pending', errors: [] }], total: 1 } }];
			});
		const readBacks = mockPicturesInfo(() => ({}));
		const execution = startWorkflow(ozonWorkflow([row(1)], PUSH as INode['parameters']), credentials);
		await answered.reached;
		// The node now waits one processing time (2 s) before reading the product back.
		await pause(300);
		const cancelledAt = clock().now();
		execution.cancel();
		await execution.result;
		// At once: not at the end of that wait.
		expect(clock().now() - cancelledAt).toBeLessThan(1000);
		await pause(2500);
		expect(readBacks).toEqual([]);
	}, 20_000);
});

describe('a per-second refusal that asks for a day', () => {
	it('a read-back refused with no body and Retry-After: 1e20 does not shut every method of the account: the next run pushes', async () => {
		mockInfoList([product(1), product(2)]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		let refusals = 0;
		ozon()
			.post('/v2/product/pictures/info')
			.times(1000)
			.reply(() => {
				// A proxy in front of Ozon, once: no body, a wait no per-second limit could mean.
				if (refusals++ === 0) return [429, '', { 'Retry-After': '100000000000000000000' }];
				return [200, { items: [{ product_id: 1002, primary_photo: [], photo: ['https://img.example/2.jpg'], color_photo: [], errors: [] }] }];
			});
		const first = await run(PUSH, [row(1)]);
		expect(first.json).toHaveLength(1);
		const started = clock().now();
		const second = await run(PUSH, [row(2)]);
		expect(second.json[0].errors).toEqual([]);
		expect(second.json[0]).toMatchObject({ success: true, data: { status: 'imported' } });
		expect(imports).toHaveLength(2);
		expect(clock().now() - started).toBeLessThan(10_000);
	}, 30_000);
});

describe('Watch for Other Writers from an expression', () => {
	it.each([['"yes"'], ['{ on: true }'], ['[true]'], ['1']])('%s: every item fails on its own with a clear reason, nothing is sent', async (value) => {
		const lookups = mockInfoList([product(1), product(2)]);
		const { error, json } = await run({ ...PUSH, options: { watchOtherWriters: `={{ ${value} }}` } }, [row(1), row(2)]);
		expect(error).toBeUndefined();
		expect(json).toHaveLength(2);
		for (const item of json) {
			expect(item.success).toBe(false);
			expect(JSON.stringify(item.errors)).toMatch(/Watch for Other Writers must be true or false/);
		}
		expect(lookups).toEqual([]);
	});
});
