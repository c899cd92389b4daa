/**
 * The soak: upload notifications for minutes in one process, as a webhook workflow gets them (one
 * execution each, a few products colliding, appends and replaces), while the process's memory is
 * sampled after a forced GC. Product lanes are freed once settled, so the live heap and the lanes
 * held must stay flat however long it runs. Prints one JSON line.
 * Usage: node --expose-gc soak.js --url URL --notifications N --gap-ms G --products P
 */
import { nodeProcess } from '../../nodes/OzonSeller/runtime/nodeProcess';
import { requiredOption as option } from '../lib/args';
import { WEBHOOK_PUSH } from './webhookPush';
import { OZON_NODE_NAME, ozonWorkflow, runWorkflow, startWorkflow } from '../../test/helpers/n8nEngine';

const PUSH = WEBHOOK_PUSH;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function liveHeapMb(): number {
	(globalThis as { gc?: () => void }).gc?.();
	return process.memoryUsage().heapUsed / 1048576;
}

async function main(): Promise<void> {
	const url = option('url');
	const notifications = Number(option('notifications'));
	const gapMs = Number(option('gap-ms'));
	const products = Number(option('products'));
	const credentials = { clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: url };
	const offer = (n: number) => `SKU-${String((n % products) + 1).padStart(3, '0')}`;
	// A Replace now and then keeps the photo count bounded: appends alone would fill the 30 places.
	const notification = (n: number) => ({ offer_id: offer(n), urls: [`https://img.example.com/${offer(n)}/${n}.jpg`], mode: n % 10 === 0 ? 'replace' : 'append' });

	await runWorkflow(ozonWorkflow([notification(0)], { ...PUSH, options: { dryRun: true } }), credentials);
	const started = performance.now();
	const samples: Array<{ atSeconds: number; sent: number; liveHeapMb: number; heldLanes: number; open: number }> = [];
	let open = 0;
	let succeeded = 0;
	let failed = 0;
	/** Failed items by the start of their first reason, so a soak says why, not only how many. */
	const reasons = new Map<string, number>();
	const sample = (sent: number) =>
		samples.push({ atSeconds: (performance.now() - started) / 1000, sent, liveHeapMb: liveHeapMb(), heldLanes: nodeProcess().writes.heldLanes, open });
	// Only open executions are held: a finished one is let go, as n8n lets its run data go once saved.
	const running = new Set<Promise<void>>();
	const sampleEvery = Math.max(1, Math.floor(notifications / 12));
	for (let n = 0; n < notifications; n++) {
		await sleep(Math.max(0, started + n * gapMs - performance.now()));
		if (n % sampleEvery === 0) sample(n);
		open++;
		const { result } = startWorkflow(ozonWorkflow([notification(n)], PUSH), credentials);
		const done: Promise<void> = result.then((run) => {
			open--;
			running.delete(done);
			const json = run.output(OZON_NODE_NAME)?.[0]?.json as { success?: boolean; data?: { status?: string }; errors?: Array<{ reason?: string }> } | undefined;
			if (json?.success === true) succeeded++;
			else {
				failed++;
				// Under Stop Workflow a failed item stops the run: its reason is then the run's error.
				const text = json ? `${json.data?.status}: ${json.errors?.[0]?.reason ?? ''}` : `stopped: ${run.error?.message ?? 'no output'}`;
				// Grouped without the item's own names and numbers.
				const reason = text.replace(/SKU-\d+/g, 'SKU').replace(/\d+/g, 'N').slice(0, 110);
				reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
			}
		});
		running.add(done);
	}
	while (running.size > 0) await Promise.all([...running]);
	sample(notifications);
	const settled = samples.slice(1);
	const firstHalf = settled.slice(0, Math.ceil(settled.length / 2));
	const secondHalf = settled.slice(Math.ceil(settled.length / 2));
	const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
	process.stdout.write(
		`${JSON.stringify({
			notifications,
			gapMs,
			products,
			minutes: (performance.now() - started) / 60000,
			succeeded,
			failed,
			failedBy: Object.fromEntries(reasons),
			heldLanesAtEnd: nodeProcess().writes.heldLanes,
			liveHeapMb: { firstHalfMean: mean(firstHalf.map((s) => s.liveHeapMb)), secondHalfMean: mean(secondHalf.map((s) => s.liveHeapMb)), end: samples[samples.length - 1].liveHeapMb },
			samples,
		})}\n`,
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
