/**
 * Overlapping executions of one workflow (n8n runs one per webhook call) through n8n's real
 * engine, against the sandbox: writes to one product are applied in order and none is lost,
 * pushes that meet in time share requests, and each execution gets exactly its own results.
 */
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { OzonSandbox } from '../../../../sandbox/server';
import { seedProducts } from '../../../../sandbox/store';
import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, startWorkflow, type RunResult } from '../../../helpers/n8nEngine';
import { useFastTiming } from '../../../helpers/timing';
import { tuneProcess } from '../../../helpers/nodeProcess';
import { useVirtualTime } from '../../../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }>; warnings: Array<{ field: string; message: string }> };

const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}', mode: '={{ $json.mode ?? "replace" }}' };
const url = (offer: string, name: string) => `https://img.example.com/${offer}/${name}.jpg`;

let sandbox: OzonSandbox;
const credentials = () => ({ clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: sandbox.url });

function start(items: IDataObject[], parameters: IDataObject = {}) {
	// Failed items stay in the output beside the others (On Error: Continue), to be asserted on.
	return startWorkflow(ozonWorkflow(items, { ...PUSH, ...parameters } as INode['parameters'], KEEP_FAILED_ITEMS), credentials());
}

function outputOf(result: RunResult): Output[] {
	expect(result.error).toBeUndefined();
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output);
}

/**
 * Every case in virtual time (test/helpers/virtualTime.ts), the node's and the sandbox's alike: Ozon's
 * processing, the node's polls and waits and the gaps between the executions started here are
 * exact, whatever the machine's load.
 */
const clock = useVirtualTime();
const sleep = (ms: number) => clock().sleep(ms);
const requests = (path?: string) => sandbox.store.log.filter((entry) => !path || entry.path === path).length;
const photosOf = (offer: string) => {
	const product = sandbox.store.byOffer(offer);
	return [...(product?.primary_image ?? []), ...(product?.images ?? [])];
};

/** Starts one execution per item set, `gapMs` apart (as upload notifications arrive), and waits for all. */
async function overlapping(sets: IDataObject[][], gapMs: number, parameters: IDataObject = {}): Promise<Output[][]> {
	const runs: Array<Promise<RunResult>> = [];
	for (const [position, items] of sets.entries()) {
		if (position > 0) await sleep(gapMs);
		runs.push(start(items, parameters).result);
	}
	return (await Promise.all(runs)).map(outputOf);
}

beforeAll(() => nock.enableNetConnect('127.0.0.1'));
useFastTiming();

beforeEach(async () => {
	// Ozon's real pace, scaled down: the task takes 300 ms, the first poll comes after 400 ms.
	sandbox = new OzonSandbox({ processingMs: 300 }, seedProducts(200));
	sandbox.store.now = () => clock().now();
	await sandbox.start();
	tuneProcess({ writes: { polling: { firstDelayMs: 400, stepMs: 400 } } });
});
afterEach(async () => {
	await sandbox.stop();
});

describe('overlapping executions: nothing lost', () => {
	it('6 Append notifications for one product, 150 ms apart: all 6 images and the original ones stay', async () => {
		const before = photosOf('SKU-001');
		const sets = Array.from({ length: 6 }, (_, n) => [{ offer: 'SKU-001', urls: url('SKU-001', `upload-${n}`), mode: 'append' }]);

		const outputs = await overlapping(sets, 150);

		expect(outputs.map((output) => output.map((item) => [item.success, item.data.status]))).toEqual(sets.map(() => [[true, 'imported']]));
		expect(photosOf('SKU-001')).toEqual([...before, ...sets.map(([row]) => row.urls)]);
		// Each execution's read-back shows its own image on the product.
		for (const [n, [item]] of outputs.entries()) expect(item.data.current_images).toContain(url('SKU-001', `upload-${n}`));
	});

	it('Prepend and Append from overlapping executions land in arrival order', async () => {
		const before = photosOf('SKU-002');
		const outputs = await overlapping(
			[
				[{ offer: 'SKU-002', urls: url('SKU-002', 'a'), mode: 'append' }],
				[{ offer: 'SKU-002', urls: url('SKU-002', 'p'), mode: 'prepend' }],
				[{ offer: 'SKU-002', urls: url('SKU-002', 'b'), mode: 'append' }],
			],
			50,
		);
		expect(outputs.flat().every((item) => item.success)).toBe(true);
		// The primary photo stays main; the gallery is prepend → existing → appends.
		expect(photosOf('SKU-002')).toEqual([before[0], url('SKU-002', 'p'), ...before.slice(1), url('SKU-002', 'a'), url('SKU-002', 'b')]);
	});

	it('a Replace between appends starts a new write: the appends before it are confirmed first, the ones after build on it', async () => {
		const outputs = await overlapping(
			[
				[{ offer: 'SKU-003', urls: url('SKU-003', 'a'), mode: 'append' }],
				[{ offer: 'SKU-003', urls: url('SKU-003', 'r'), mode: 'replace' }],
				[{ offer: 'SKU-003', urls: url('SKU-003', 'b'), mode: 'append' }],
			],
			30,
		);
		expect(outputs.flat().map((item) => item.success)).toEqual([true, true, true]);
		expect(photosOf('SKU-003')).toEqual([url('SKU-003', 'r'), url('SKU-003', 'b')]);
	});
});

describe('two n8n processes (queue-mode workers), each with its own write coordinator', () => {
	// The second push reads the product before the first one's task is processed and is processed
	// after it: its write, built on the older photos, drops the first push's image. The first push
	// must not be reported as pushed on a read-back made between the two.
	it.each([50, 150, 250, 350])('an append from each, the second %s ms after the first: every image reported as pushed is on the product', async (gapMs) => {
		const offer = 'SKU-020';
		const before = photosOf(offer);
		const first = start([{ offer, urls: url(offer, 'first'), mode: 'append' }]);
		await sleep(gapMs);
		// What another process has: a coordinator that knows nothing of the first push.
		tuneProcess({});
		const second = start([{ offer, urls: url(offer, 'second'), mode: 'append' }]);
		const [[a], [b]] = (await Promise.all([first.result, second.result])).map(outputOf);
		sandbox.processDueTasks();
		const held = photosOf(offer);
		const reportedPushed = [a.success && url(offer, 'first'), b.success && url(offer, 'second')].filter((entry): entry is string => Boolean(entry));
		expect(reportedPushed.filter((image) => !held.includes(image))).toEqual([]);
		// Applied again where needed: both end up on the product, with the photos it had.
		expect([a.success, b.success]).toEqual([true, true]);
		expect(held).toEqual(expect.arrayContaining([...before, url(offer, 'first'), url(offer, 'second')]));
	});
});

describe("the read-back's wait for other processes' writes", () => {
	const at = (path: string, from = 0) => sandbox.store.log.slice(from).find((entry) => entry.path === path)?.at;

	it('comes one processing time after Ozon answered the task, and holds back no other push: one arriving meanwhile leaves at once', async () => {
		const lone = start([{ offer: 'SKU-040', urls: url('SKU-040', 'lone') }]);
		// Ozon has answered the lone push's task (300 ms processing, first poll after 400 ms).
		while (at('/v1/product/import/info') === undefined) await sleep(5);
		const answered = at('/v1/product/import/info') as number;
		await sleep(50);
		const mark = sandbox.store.log.length;
		const arrived = clock().now();
		const other = start([{ offer: 'SKU-041', urls: url('SKU-041', 'other') }]);
		const [[first], [second]] = (await Promise.all([lone.result, other.result])).map(outputOf);
		expect([first.success, second.success]).toEqual([true, true]);
		const readBack = at('/v2/product/pictures/info') as number;
		// Not before another process's write, built on the photos before this one, could have landed.
		expect(readBack - answered).toBeGreaterThanOrEqual(300);
		// The other push did not gather behind a flight that only waits to read back (up to 2 s).
		const otherImport = at('/v2/product/pictures/import', mark) as number;
		expect(otherImport - arrived).toBeLessThan(250);
		expect(otherImport).toBeLessThan(readBack);
	});
});

describe('Watch for Other Writers: another process writes the product from the photos before ours', () => {
	const offer = 'SKU-060';
	const ours = url(offer, 'ours');
	const foreign = url(offer, 'foreign');

	/**
	 * Appends `ours` in this process; 250 ms after our import (our task is processed at 300 ms,
	 * answered at the first poll, 400 ms) another process sends its own append built on the photos
	 * from before ours, as a second n8n worker does. Returns our item and the photos once all is done.
	 */
	async function raceAnotherProcess(options: IDataObject): Promise<{ item: Output; photos: string[] }> {
		const before = sandbox.store.byOffer(offer);
		const run = start([{ offer, urls: ours, mode: 'append' }], { options });
		let sentAt: number | undefined;
		while ((sentAt = sandbox.store.log.find((entry) => entry.path === '/v2/product/pictures/import')?.at) === undefined) await sleep(5);
		await sleep(Math.max(0, sentAt + 250 - clock().now()));
		const answer = await fetch(`${sandbox.url}/v2/product/pictures/import`, {
			method: 'POST',
			headers: { 'Client-Id': '123456', 'Api-Key': 'sandbox-api-key', 'Content-Type': 'application/json' },
			body: JSON.stringify({ items: [{ offer_id: offer, primary_image: before?.primary_image[0], images: [...(before?.images ?? []), foreign] }] }),
		});
		expect(answer.status).toBe(200);
		const [item] = outputOf(await run.result);
		// Every task of both processes has been processed by now.
		await sleep(400);
		sandbox.processDueTasks();
		return { item, photos: photosOf(offer) };
	}

	it('on (the default): the append lost to the other write is applied again, and stays', async () => {
		const { item, photos } = await raceAnotherProcess({});
		expect(item.success).toBe(true);
		expect(photos).toEqual(expect.arrayContaining([ours, foreign]));
	});

	it('off: the answer comes one processing time sooner, and the photo reported as pushed is lost: why it is on by default', async () => {
		const { item, photos } = await raceAnotherProcess({ watchOtherWriters: false });
		expect(item.success).toBe(true);
		expect(photos).not.toContain(ours);
		expect(photos).toContain(foreign);
	});
});

describe('overlapping executions: coalescing', () => {
	it('a lone notification leaves at once: 4 requests, no waiting for company', async () => {
		const started = clock().now();
		const [[item]] = await overlapping([[{ offer: 'SKU-010', urls: url('SKU-010', 'x') }]], 0);
		expect(item.success).toBe(true);
		// Plus the key's expiry check (/v1/roles), made once an hour per key.
		expect(requests() - requests('/v1/roles')).toBe(4);
		const at = (path: string) => (sandbox.store.log.find((entry) => entry.path === path)?.at as number) - started;
		// The import follows the lookup by the request spacing alone (40 a second): waiting for company would add up to 2 s.
		expect(at('/v2/product/pictures/import') - at('/v3/product/info/list')).toBeLessThanOrEqual(Math.ceil(1100 / 40));
		// Lookup, import, one poll after 400 ms, read-back one processing time later: under a second of the node's time.
		expect(clock().now() - started).toBeLessThan(1000);
	});

	// Time scaled down with the rest of this file (a 300 ms task for Ozon's seconds): 40 notifications
	// in about the time one push takes, as 40 in 2 s are against Ozon's processing time.
	it('40 notifications for 40 products within one push\'s time: at most 0.5 requests per product, each execution gets its own paired result', async () => {
		const offers = Array.from({ length: 40 }, (_, n) => `SKU-${String(n + 11).padStart(3, '0')}`);
		const sets = offers.map((offer) => [{ offer, urls: url(offer, 'burst') }]);

		const outputs = await overlapping(sets, 10);

		for (const [n, output] of outputs.entries()) {
			expect(output).toHaveLength(1);
			expect(output[0]).toMatchObject({ success: true, data: { offer_id: offers[n], status: 'imported' } });
		}
		expect(requests() / offers.length).toBeLessThanOrEqual(0.5);
		for (const offer of offers) expect(photosOf(offer)).toEqual([url(offer, 'burst')]);
	});

	it('while a flight is out, a new push waits; it boards the next flight, which leaves at once with a full request of pushes', async () => {
		const paths = () => sandbox.store.log.filter((entry) => entry.path !== '/v1/roles').map((entry) => entry.path);
		const lone = start([{ offer: 'SKU-001', urls: url('SKU-001', 'lone') }]);
		await sleep(50);
		const follower = start([{ offer: 'SKU-002', urls: url('SKU-002', 'follower') }]);
		await sleep(50);
		// The follower waits for company while the lone push's task is processed.
		expect(paths()).toEqual(['/v3/product/info/list', '/v2/product/pictures/import']);
		const offers = Array.from({ length: 150 }, (_, n) => `SKU-${String(n + 50).padStart(3, '0')}`);
		const bulk = start(offers.map((offer) => ({ offer, urls: url(offer, 'bulk') })));
		const results = await Promise.all([lone, follower, bulk].map((run) => run.result));
		// With the bulk run (two import requests' worth) it left before the first flight had landed.
		const log = paths();
		expect(log.lastIndexOf('/v3/product/info/list')).toBeLessThan(log.indexOf('/v2/product/pictures/info'));
		expect(results.flatMap(outputOf).every((item) => item.success)).toBe(true);
		expect(outputOf(results[1])[0].data.task_id).toBe(outputOf(results[2])[0].data.task_id);
		expect(paths().filter((path) => path === '/v3/product/info/list')).toHaveLength(2);
	});

	it('one execution with several items among others: its results come back in its own order, paired', async () => {
		const runs = [
			start([{ offer: 'SKU-020', urls: url('SKU-020', '1') }, { offer: 'NOPE', urls: url('x', '1') }, { offer: 'SKU-021', urls: url('SKU-021', '1') }]),
			start([{ offer: 'SKU-021', urls: url('SKU-021', '2'), mode: 'append' }]),
		];
		const [first, second] = await Promise.all(runs.map((run) => run.result));
		const items = first.output(OZON_NODE_NAME) ?? [];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(outputOf(first).map((item) => [item.success, item.data.offer_id])).toEqual([
			[true, 'SKU-020'],
			[false, 'NOPE'],
			[true, 'SKU-021'],
		]);
		expect(outputOf(second)[0].success).toBe(true);
		expect(photosOf('SKU-021')).toEqual([url('SKU-021', '1'), url('SKU-021', '2')]);
	});

	it('a cancelled execution leaves the others unharmed', async () => {
		const doomed = start([{ offer: 'SKU-030', urls: url('SKU-030', 'doomed') }]);
		await sleep(20);
		const others = [start([{ offer: 'SKU-031', urls: url('SKU-031', 'kept') }]), start([{ offer: 'SKU-032', urls: url('SKU-032', 'kept') }])];
		await sleep(50);
		doomed.cancel();
		const results = await Promise.all(others.map((run) => run.result));
		for (const result of results) expect(outputOf(result)[0].success).toBe(true);
		expect(photosOf('SKU-031')).toEqual([url('SKU-031', 'kept')]);
		expect(photosOf('SKU-032')).toEqual([url('SKU-032', 'kept')]);
		await doomed.result;
	});
});
