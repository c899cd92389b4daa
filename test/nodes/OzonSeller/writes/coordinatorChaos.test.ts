/**
 * Overlapping executions of one product with every setting that differs between workflows mixed
 * in (API version, Wait for Result, Batch Size, Result Timeout, Dry Run, Max Retries), against the
 * sandbox with server errors on: each item answered once, paired, and no image that an item
 * reported as pushed is missing from the product afterwards.
 */
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { OzonSandbox } from '../../../../sandbox/server';
import { seedProducts } from '../../../../sandbox/store';
import { OZON_NODE_NAME, ozonWorkflow, startWorkflow, type RunResult } from '../../../helpers/n8nEngine';
import { useFastTiming } from '../../../helpers/timing';
import { useVirtualTime } from '../../../helpers/virtualTime';
import { tuneProcess } from '../../../helpers/nodeProcess';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }> };

const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}', mode: '={{ $json.mode }}' };
const url = (name: string) => `https://img.example.com/SKU-001/${name}.jpg`;

let sandbox: OzonSandbox;

beforeAll(() => nock.enableNetConnect('127.0.0.1'));
useFastTiming();

/**
 * Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's
 * turns, Ozon's processing, polls and read-back waits pass in no real time, and one schedule of
 * starts always meets the same interleaving. Where the real run met a different one each time (n8n
 * taking its own time to start each execution), the executions here start on several schedules:
 * evenly 5 to 40 ms apart, and irregularly (0–60 ms, three seeded patterns).
 */
const clock = useVirtualTime();
const sleep = (ms: number) => clock().sleep(ms);
const irregular = (seed: number) => Array.from({ length: 7 }, (_, n) => (seed * (n + 4) * 7919) % 61);
const SCHEDULES: Array<[string, number[]]> = [
	...[5, 10, 20, 40].map((gap): [string, number[]] => [`${gap} ms apart`, Array.from({ length: 7 }, () => gap)]),
	...[102, 103, 105].map((seed): [string, number[]] => [`irregularly (pattern ${seed}: ${irregular(seed).join(', ')} ms)`, irregular(seed)]),
];

beforeEach(async () => {
	tuneProcess({ writes: { polling: { firstDelayMs: 150 } } });
	sandbox = new OzonSandbox({ processingMs: 100, faults: { ...new OzonSandbox().store.config.faults, rate5xx: 0.15, seed: 7 } }, seedProducts(5));
	await sandbox.start();
});
afterEach(async () => {
	await sandbox.stop();
});

const SETTINGS: Array<{ mode: string; options: IDataObject }> = [
	{ mode: 'append', options: { apiVersion: 'v1', maxRetries: 5 } },
	{ mode: 'append', options: { waitForResult: false, maxRetries: 5 } },
	{ mode: 'prepend', options: { batchSize: 1, maxRetries: 5 } },
	{ mode: 'append', options: { dryRun: true, maxRetries: 5 } },
	{ mode: 'append', options: { resultTimeout: 30, maxRetries: 5 } },
	{ mode: 'append', options: { apiVersion: 'v1', maxRetries: 5 } },
	{ mode: 'prepend', options: { maxRetries: 5 } },
	{ mode: 'append', options: { batchSize: 7, waitForResult: false, maxRetries: 5 } },
];

it.each(SCHEDULES)('8 overlapping executions of one product with mixed settings and 5xx faults, started %s: every image reported pushed is on the product', async (_name, gaps) => {
	const before = [...(sandbox.store.byOffer('SKU-001')?.primary_image ?? []), ...(sandbox.store.byOffer('SKU-001')?.images ?? [])];
	const runs: Array<Promise<RunResult>> = [];
	for (const [n, { mode, options }] of SETTINGS.entries()) {
		if (n > 0) await sleep(gaps[n - 1]);
		runs.push(
			startWorkflow(ozonWorkflow([{ offer: 'SKU-001', urls: url(`u${n}`), mode }], { ...PUSH, options } as INode['parameters']), {
				clientId: '123456',
				apiKey: 'sandbox-api-key',
				baseUrl: sandbox.url,
			}).result,
		);
	}
	const results = await Promise.all(runs);
	// Let the flights still polling for Wait-for-Result-off executions land.
	await sleep(1000);

	const outputs = results.map((result) => {
		expect(result.error).toBeUndefined();
		const items = result.output(OZON_NODE_NAME) ?? [];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		return items[0].json as unknown as Output;
	});
	const product = sandbox.store.byOffer('SKU-001');
	const photos = [...(product?.primary_image ?? []), ...(product?.images ?? [])];
	for (const [n, output] of outputs.entries()) {
		if (SETTINGS[n].options.dryRun) {
			expect(output.data.status).toBe('dry_run');
			expect(photos).not.toContain(url(`u${n}`));
		} else if (output.success) {
			expect([n, photos]).toEqual([n, expect.arrayContaining([url(`u${n}`)])]);
		}
	}
	expect(photos).toEqual(expect.arrayContaining(before));
	expect(new Set(photos).size).toBe(photos.length);
	// Most of them get through the faults (Max Retries 5).
	expect(outputs.filter((output) => output.success).length).toBeGreaterThanOrEqual(6);
});
