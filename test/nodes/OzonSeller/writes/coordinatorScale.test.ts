/**
 * 10,000 items through the write coordinator, through n8n's real engine against nock: every item
 * answered, paired, in its execution's order, without holding the event loop: the node yields to it
 * at least every ITEMS_PER_TURN items it reads. How long the loop is held at most is a figure of the
 * machine as much as of the node: the bench prints it (`npm run bench`, "event loop held up to").
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { ITEMS_PER_TURN } from '../../../../nodes/OzonSeller/actions/common/concurrency';
import { itemsCountingReads, mostReadBetweenYields } from '../../../helpers/itemReads';
import { OZON_NODE_NAME, ozonWorkflow, startWorkflow, withCodeInput, type RunResult } from '../../../helpers/n8nEngine';
import { ozon } from '../../../helpers/ozonMock';
import { useFastTiming } from '../../../helpers/timing';
import { useVirtualTime } from '../../../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }> };

const COUNT = 10_000;
const offer = (n: number) => `BULK-${n}`;
const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.url }}' };

/** The items, each telling `read` when n8n first reads its Offer ID. */
const countedItems = (read: Set<number>) => itemsCountingReads(COUNT, 'offer', (n) => ({ offer: offer(n), url: `https://img.example/${offer(n)}.jpg` }), read);

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

function outputOf(result: RunResult): Output[] {
	expect(result.error).toBeUndefined();
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output);
}

const credentials = { clientId: '123456', apiKey: 'SECRET-KEY-5f3e2a1b-LEAKCHECK', baseUrl: 'http://ozon.test' };

useFastTiming();

/** In virtual time (test/helpers/virtualTime.ts): the limiter's 40 requests a second for some 230 requests pass in no real time. */
const clock = useVirtualTime();

describe('10,000 items', () => {
	it('queued behind a flight of another execution: every item answered and paired, the node yielding to the event loop at least every ITEMS_PER_TURN items read', async () => {
		bulkOzon();
		const read = new Set<number>();
		const { value, mostBetweenYields: most, yields } = await mostReadBetweenYields(read, async () => {
			const first = startWorkflow(ozonWorkflow([{ offer: offer(0), url: `https://img.example/${offer(0)}.jpg` }], PUSH as INode['parameters']), credentials);
			const bulk = startWorkflow(withCodeInput(ozonWorkflow([], PUSH as INode['parameters']), '10,000 items, queued', () => countedItems(read)), credentials);
			return await Promise.all([first.result, bulk.result]);
		}, clock());
		const bulkResult = value[1];
		const output = outputOf(bulkResult);
		expect(output).toHaveLength(COUNT);
		expect((bulkResult.output(OZON_NODE_NAME) ?? []).every((item, n) => (item.pairedItem as { item: number }).item === n)).toBe(true);
		expect(output.every((item, n) => item.success && item.data.offer_id === offer(n))).toBe(true);
		// Read in one go, the 10,000 items would hold the event loop for seconds of n8n's expression work.
		expect(read.size).toBe(COUNT);
		expect(most).toBeLessThanOrEqual(ITEMS_PER_TURN);
		expect(yields).toBeGreaterThanOrEqual(COUNT / ITEMS_PER_TURN - 1);
	}, 120_000);

	it('the key is rejected (403) under Continue On Fail: every item fails with the reason, paired, the node yielding to the event loop at least every ITEMS_PER_TURN items read', async () => {
		bulkOzon({ lookupStatus: 403 });
		const read = new Set<number>();
		const { value: result, mostBetweenYields: most, yields } = await mostReadBetweenYields(
			read,
			async () => await startWorkflow(withCodeInput(ozonWorkflow([], PUSH as INode['parameters'], { onError: 'continueRegularOutput' }), '10,000 items, key rejected', () => countedItems(read)), credentials).result,
			clock(),
		);
		const output = outputOf(result);
		expect(output).toHaveLength(COUNT);
		expect((result.output(OZON_NODE_NAME) ?? []).every((item, n) => (item.pairedItem as { item: number }).item === n)).toBe(true);
		expect(output.every((item) => !item.success && item.errors[0]?.reason.includes('HTTP 403'))).toBe(true);
		expect(read.size).toBe(COUNT);
		expect(most).toBeLessThanOrEqual(ITEMS_PER_TURN);
		expect(yields).toBeGreaterThanOrEqual(COUNT / ITEMS_PER_TURN - 1);
	}, 120_000);
});
