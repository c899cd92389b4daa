/**
 * Polling import tasks: Ozon works through them in about the order they were sent, so the oldest
 * unfinished task is the only one asked about, and later tasks are first asked about once the
 * processing time seen so far has passed. Most tasks are polled once; timeouts stay exact.
 */
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { tuneProcess } from '../../../helpers/nodeProcess';
import { OzonSandbox, type SandboxOptions } from '../../../../sandbox/server';
import { seedProducts } from '../../../../sandbox/store';
import { OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../helpers/n8nEngine';
import { useVirtualTime } from '../../../helpers/virtualTime';

const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}' };

let sandbox: OzonSandbox;

beforeAll(() => nock.enableNetConnect('127.0.0.1'));

/**
 * Every case in virtual time (test/helpers/virtualTime.ts), the node's and the sandbox's alike (the
 * sandbox keeps Ozon's time on `Date.now()`, which reads the case's clock): Ozon's processing, the
 * polls and the limiter's pace are exact, so the polls counted are the node's own choice, not the
 * machine's speed. Reading takes time as on a machine (10 ms a turn of 250 items), so flights are
 * handed in while later items are read.
 */
const clock = useVirtualTime({ yieldMs: 10 });

/**
 * A sandbox whose answers take 10 ms of its (virtual) time, as a request does. (With none, the
 * learning task's polls wait behind a flight's imports in the limiter's queue for longer than its
 * lapse, and a second flight's first task starts learning too: 46 polls in the side-by-side case.)
 */
async function startSandbox(config: SandboxOptions, products: number): Promise<void> {
	sandbox = new OzonSandbox({ ...config, faults: { latencyMs: 10 } }, seedProducts(products));
	sandbox.store.sleep = (ms) => clock().sleep(ms);
	await sandbox.start();
}
afterEach(async () => {
	await sandbox?.stop();
});

async function push(count: number, options: IDataObject = {}) {
	const items = Array.from({ length: count }, (_, n) => {
		const offer = `SKU-${String(n + 1).padStart(3, '0')}`;
		return { offer, urls: `https://img.example.com/${offer}/1.jpg` };
	});
	const result = await runWorkflow(ozonWorkflow(items, { ...PUSH, options } as INode['parameters']), { clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: sandbox.url });
	expect(result.error).toBeUndefined();
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as IDataObject);
}

const polls = () => sandbox.store.log.filter((entry) => entry.path === '/v1/product/import/info').length;

it('20 tasks of a 2,000-product run: each polled about once, all confirmed', async () => {
	await startSandbox({ processingMs: 600, rateLimitPerSecond: 50 }, 2000);
	tuneProcess({ writes: { polling: { firstDelayMs: 200, stepMs: 100, minDelayMs: 50 } } });

	const output = await push(2000);

	expect(output.every((item) => item.success)).toBe(true);
	// The first task is polled until done (every 100 ms from 200 ms: ~5 polls) to learn Ozon's time; the other 19 about once.
	expect(polls()).toBeLessThanOrEqual(20 + 8);
});

it('a second run uses the processing time the first one saw: its task is polled once', async () => {
	await startSandbox({ processingMs: 500 }, 10);
	tuneProcess({ writes: { polling: { firstDelayMs: 100, stepMs: 100, minDelayMs: 50 } } });

	await push(1);
	const first = polls();
	await push(2);

	expect(first).toBeGreaterThan(2);
	expect(polls() - first).toBe(1);
});

it("overlaps: tasks are polled while later imports are still being sent, finished products read back while later tasks are polled; the read-back's wait is paid once, at the tail", async () => {
	await startSandbox({ processingMs: 300, rateLimitPerSecond: 50 }, 3000);
	tuneProcess({ writes: { polling: { firstDelayMs: 300, stepMs: 100, minDelayMs: 50 } } });

	// 8 requests a second: the 30 imports take about 4 s to send, each task is done 0.3 s after it.
	const output = await push(3000, { requestsPerSecond: 8 });

	expect(output.every((item) => item.success)).toBe(true);
	const paths = sandbox.store.log.map((entry) => entry.path);
	const lastImport = paths.lastIndexOf('/v2/product/pictures/import');
	expect(paths.indexOf('/v1/product/import/info')).toBeLessThan(lastImport);
	// The first 1000 products (a full read-back request) are read back before the last task is answered.
	expect(paths.indexOf('/v2/product/pictures/info')).toBeLessThan(paths.lastIndexOf('/v1/product/import/info'));
	expect(paths.filter((path) => path === '/v2/product/pictures/info')).toHaveLength(3);
	// The last products are read back one processing time (as the polls learned it) after the last
	// answer, so that another process's write built on older photos has landed: not sooner, and no
	// earlier read-back's wait stacked on it.
	const times = (path: string) => sandbox.store.log.filter((entry) => entry.path === path).map((entry) => entry.at);
	const [firstImport] = times('/v2/product/pictures/import');
	const polled = times('/v1/product/import/info');
	const learned = polled[0] - firstImport;
	const tail = times('/v2/product/pictures/info').pop() as number;
	expect(tail - polled[polled.length - 1]).toBeGreaterThanOrEqual(300);
	expect(tail - polled[polled.length - 1]).toBeLessThan(learned + 300);
}, 30_000);

it('flights side by side (a 3,000-item run handed in while read): one task learns Ozon\'s time for all, the others wait for it and are polled about once', async () => {
	await startSandbox({ processingMs: 1500, rateLimitPerSecond: 1000 }, 3000);
	tuneProcess({ writes: { polling: { firstDelayMs: 200, stepMs: 100, minDelayMs: 50 } } });
	// Handed in from the first thousand items on (by default only after 0.2 s of reading).
	tuneProcess({ writes: { polling: { firstDelayMs: 200, stepMs: 100, minDelayMs: 50 }, handInAfterMs: 0 } });

	const output = await push(3000);

	expect(output.every((item) => item.success)).toBe(true);
	const imports = sandbox.store.log.filter((entry) => entry.path === '/v2/product/pictures/import').length;
	expect(imports).toBe(30);
	// The learning task: polled every 100 ms from 200 ms until done at 1.5 s (14 polls); every other
	// task about once. (When each flight's first task learned on its own: 48–50.)
	expect(polls()).toBeLessThanOrEqual(30 + 13 + 2);
});
