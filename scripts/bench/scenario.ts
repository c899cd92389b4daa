/**
 * One benchmark scenario in a process of its own, so its CPU time and peak RSS are the node's
 * (plus n8n's engine), not the driver's or the sandbox's. Prints one JSON line.
 * Usage: node scenario.js --url URL --products N --batch-size B
 */
import type { INode } from 'n8n-workflow';

import { benchOptions, requiredOption as option } from '../lib/args';
import { OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../test/helpers/n8nEngine';


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

	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	let result: Awaited<ReturnType<typeof runWorkflow>> | undefined = await runWorkflow(workflow(rows(products)), credentials);
	const wallSeconds = (performance.now() - started) / 1000;
	const cpu = process.cpuUsage(cpuBefore);
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
