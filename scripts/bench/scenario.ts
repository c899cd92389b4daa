/**
 * One benchmark scenario in a process of its own, so its CPU time and peak RSS are the node's
 * (plus n8n's engine), not the driver's or the sandbox's. Prints one JSON line; besides the totals,
 * where the wall time went: when n8n called the node and when the node answered, the garbage
 * collector's pauses and the longest the event loop was held up (the driver adds when the sandbox
 * saw the first and last request).
 * Usage: node scenario.js --url URL --products N --batch-size B
 */
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { benchOptions, requiredOption as option } from '../lib/args';
import { OZON_NODE_NAME, nodeTypes, ozonWorkflow, runWorkflow } from '../../test/helpers/n8nEngine';

/** When n8n called the Ozon node's execute and when it answered (epoch ms), for the run being measured. */
const nodeCall = { enteredAt: 0, answeredAt: 0 };

function timeNodeCalls(): void {
	const ozon = nodeTypes.getByName('n8n-nodes-ozon-seller.ozonSeller') as { execute: (this: IExecuteFunctions) => Promise<unknown> };
	const execute = ozon.execute;
	ozon.execute = async function (this: IExecuteFunctions) {
		nodeCall.enteredAt = Date.now();
		try {
			return await execute.call(this);
		} finally {
			nodeCall.answeredAt = Date.now();
		}
	};
}

/**
 * The process's memory every 100 ms while the run is measured: when RSS peaked and the V8 heap then,
 * and once a second RSS, heap used and heap total (MB), for bench-results.json.
 */
function watchMemory(startedAt: number) {
	const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
	let peak = { peakAtSeconds: 0, rssMb: 0, heapTotalMb: 0, heapUsedMb: 0 };
	const perSecond: Array<[number, number, number]> = [];
	let samples = 0;
	const sample = () => {
		const { rss, heapTotal, heapUsed } = process.memoryUsage();
		if (samples++ % 10 === 0) perSecond.push([mb(rss), mb(heapUsed), mb(heapTotal)]);
		if (mb(rss) > peak.rssMb) peak = { peakAtSeconds: (Date.now() - startedAt) / 1000, rssMb: mb(rss), heapTotalMb: mb(heapTotal), heapUsedMb: mb(heapUsed) };
	};
	const timer = setInterval(sample, 100);
	return { stop: () => (clearInterval(timer), sample(), { ...peak, perSecond }) };
}

/** The garbage collector's pauses while the run is measured: how many, in all, the longest (ms). */
function watchGc(): { stop: () => { count: number; totalMs: number; maxMs: number } } {
	const pauses = { count: 0, totalMs: 0, maxMs: 0 };
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			pauses.count++;
			pauses.totalMs += entry.duration;
			pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
		}
	});
	observer.observe({ entryTypes: ['gc'] });
	return { stop: () => (observer.disconnect(), pauses) };
}

async function main(): Promise<void> {
	const url = option('url');
	const products = Number(option('products'));
	const batchSize = Number(option('batch-size'));
	const credentials = { clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: url };
	const rows = (count: number, from = 1) =>
		Array.from({ length: count }, (_, i) => {
			const offer = `SKU-${String(from + i).padStart(3, '0')}`;
			return { offer, urls: [1, 2, 3].map((n) => `https://img.example.com/${offer}/${n}.jpg`) };
		});
	const workflow = (items: ReturnType<typeof rows>, extra: Record<string, unknown> = {}) =>
		ozonWorkflow(items, {
			resource: 'productImage',
			operation: 'push',
			identifyBy: 'offerId',
			offerId: '={{ $json.offer }}',
			images: '={{ $json.urls }}',
			options: { batchSize, resultTimeout: 600, ...benchOptions(), ...extra },
		} as INode['parameters']);

	// Warm-up: loads and initialises n8n's engine, so the figures are the run's own.
	await runWorkflow(workflow(rows(1), { dryRun: true }), credentials);
	await fetch(`${url}/__sandbox/reset`, { method: 'POST' });
	const collect = (globalThis as { gc?: () => void }).gc;
	collect?.();
	const baselineHeapMb = process.memoryUsage().heapUsed / 1024 / 1024;

	timeNodeCalls();
	const gc = watchGc();
	const loopDelay = monitorEventLoopDelay({ resolution: 10 });
	loopDelay.enable();
	const cpuBefore = process.cpuUsage();
	const startedAt = Date.now();
	const memory = watchMemory(startedAt);
	const started = performance.now();
	let result: Awaited<ReturnType<typeof runWorkflow>> | undefined = await runWorkflow(workflow(rows(products)), credentials);
	const wallSeconds = (performance.now() - started) / 1000;
	const cpu = process.cpuUsage(cpuBefore);
	loopDelay.disable();
	const gcPauses = gc.stop();
	const memoryPeak = memory.stop();
	const output = result.output(OZON_NODE_NAME) ?? [];
	const succeeded = output.filter((item) => item.json.success === true).length;
	// What the run really holds (its result still referenced), apart from garbage not yet collected.
	collect?.();
	const liveHeapMb = process.memoryUsage().heapUsed / 1024 / 1024;
	const error = result.error?.message;
	const outputItems = output.length;
	// Once the result is let go: what stays behind in the process (the coordinator's state, caches).
	result = undefined;
	output.length = 0;
	collect?.();
	const afterDropHeapMb = process.memoryUsage().heapUsed / 1024 / 1024;
	if (process.env.BENCH_HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
	process.stdout.write(
		`${JSON.stringify({
			products,
			batchSize,
			outputItems,
			succeeded,
			error,
			wallSeconds,
			startedAt,
			nodeEnteredSeconds: (nodeCall.enteredAt - startedAt) / 1000,
			nodeAnsweredSeconds: (nodeCall.answeredAt - startedAt) / 1000,
			gc: gcPauses,
			memoryPeak,
			maxLoopDelayMs: loopDelay.max / 1e6,
			cpuSeconds: (cpu.user + cpu.system) / 1e6,
			peakRssMb: (process.resourceUsage().maxRSS * 1024) / 1024 / 1024,
			baselineHeapMb,
			liveHeapMb,
			afterDropHeapMb,
		})}\n`,
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
