/**
 * 10,000 items through the write coordinator, through n8n's real engine against nock: every item
 * answered, paired, in its execution's order, without blocking the event loop.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { OZON_NODE_NAME, ozonWorkflow, startWorkflow, type RunResult } from '../../../helpers/n8nEngine';
import { ozon } from '../../../helpers/ozonMock';
import { useFastTiming } from '../../../helpers/timing';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }> };

const COUNT = 10_000;
const offer = (n: number) => `BULK-${n}`;
const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.url }}' };

/** The longest stretch the event loop was blocked while `work` ran (a 5 ms ticker's largest gap). */
async function longestBlock<T>(work: () => Promise<T>): Promise<{ value: T; blockedMs: number }> {
	let last = performance.now();
	let blockedMs = 0;
	const ticker = setInterval(() => {
		const now = performance.now();
		blockedMs = Math.max(blockedMs, now - last - 5);
		last = now;
	}, 5);
	try {
		const value = await work();
		return { value, blockedMs };
	} finally {
		clearInterval(ticker);
	}
}

/** An Ozon with `COUNT` products (looked up by a map, so the mock's own cost stays small). */
function bulkOzon(options: { lookupStatus?: number } = {}) {
	const imports: Array<{ items: Array<{ offer_id: string }> }> = [];
	ozon()
		.post('/v3/product/info/list')
		.times(1000)
		.reply((_uri, body) => {
			if (options.lookupStatus) return [options.lookupStatus, { code: 7, message: 'Invalid Api-Key, please contact support' }];
			const ids = (body as { offer_id: string[] }).offer_id;
			return [200, { items: ids.map((id) => ({ id: 100_000 + Number(id.slice(5)), offer_id: id, sku: 1, images: [], primary_image: [], color_image: [] })) }];
		});
	ozon()
		.post('/v2/product/pictures/import')
		.times(1000)
		.reply((_uri, body) => {
			imports.push(body as (typeof imports)[number]);
			return [200, { task_id: imports.length }];
		});
	ozon()
		.post('/v1/product/import/info')
		.times(10_000)
		.reply((_uri, body) => {
			// A task of another test's flight still polling finds nothing here.
			const request = imports[Number((body as IDataObject).task_id) - 1] ?? { items: [] };
			const items = request.items.map((item) => ({ offer_id: item.offer_id, product_id: 0, status: 'imported', errors: [] }));
			return [200, { result: { items, total: items.length } }];
		});
	ozon()
		.post('/v2/product/pictures/info')
		.times(1000)
		.reply((_uri, body) => {
			const ids = ((body as IDataObject).product_id as string[]).map(Number);
			return [200, { items: ids.map((id) => ({ product_id: id, primary_photo: [], photo: [`https://img.example/${offer(id - 100_000)}.jpg`], color_photo: [], errors: [] })) }];
		});
	return imports;
}

const items = Array.from({ length: COUNT }, (_, n) => ({ offer: offer(n), url: `https://img.example/${offer(n)}.jpg` }));

function outputOf(result: RunResult): Output[] {
	expect(result.error).toBeUndefined();
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output);
}

useFastTiming();

describe('10,000 items', () => {
	it('queued behind a flight of another execution: every item answered and paired, the event loop never blocked for long', async () => {
		bulkOzon();
		const { value, blockedMs } = await longestBlock(async () => {
			const first = startWorkflow(ozonWorkflow([items[0]], PUSH as INode['parameters']), { clientId: '123456', apiKey: 'SECRET-KEY-5f3e2a1b-LEAKCHECK', baseUrl: 'http://ozon.test' });
			const bulk = startWorkflow(ozonWorkflow(items, PUSH as INode['parameters']), { clientId: '123456', apiKey: 'SECRET-KEY-5f3e2a1b-LEAKCHECK', baseUrl: 'http://ozon.test' });
			return await Promise.all([first.result, bulk.result]);
		});
		const bulkResult = value[1];
		const output = outputOf(bulkResult);
		expect(output).toHaveLength(COUNT);
		expect((bulkResult.output(OZON_NODE_NAME) ?? []).every((item, n) => (item.pairedItem as { item: number }).item === n)).toBe(true);
		expect(output.every((item, n) => item.success && item.data.offer_id === offer(n))).toBe(true);
		// n8n itself blocks for a few hundred ms on 10,000 items (on a shared machine); a freeze would be seconds.
		expect(blockedMs).toBeLessThan(2000);
	}, 120_000);

	it('the key is rejected (403) under Continue On Fail: every item fails with the reason, paired, without blocking the event loop', async () => {
		bulkOzon({ lookupStatus: 403 });
		const { value: result, blockedMs } = await longestBlock(
			async () =>
				await startWorkflow(ozonWorkflow(items, PUSH as INode['parameters'], { onError: 'continueRegularOutput' }), {
					clientId: '123456',
					apiKey: 'SECRET-KEY-5f3e2a1b-LEAKCHECK',
					baseUrl: 'http://ozon.test',
				}).result,
		);
		const output = outputOf(result);
		expect(output).toHaveLength(COUNT);
		expect(output.every((item) => !item.success && item.errors[0]?.reason.includes('HTTP 403'))).toBe(true);
		// n8n itself blocks for a few hundred ms on 10,000 items (on a shared machine); a freeze would be seconds.
		expect(blockedMs).toBeLessThan(2000);
	}, 120_000);
});
