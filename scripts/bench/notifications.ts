/**
 * One notification scenario of the benchmark in a process of its own, as n8n runs a webhook
 * workflow: one execution per upload notification, all in one process, overlapping in time. Each
 * execution is one item through n8n-core's engine, `gap-ms` after the one before; the process's
 * write coordinator is the node's own. Prints one JSON line.
 * Usage: node notifications.js --url URL --notifications N --gap-ms G
 */
import { requiredOption as option } from '../lib/args';
import { WEBHOOK_PUSH } from './webhookPush';
import { OZON_NODE_NAME, ozonWorkflow, runWorkflow, startWorkflow } from '../../test/helpers/n8nEngine';

const PUSH = WEBHOOK_PUSH;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
	const url = option('url');
	const notifications = Number(option('notifications'));
	const gapMs = Number(option('gap-ms'));
	const credentials = { clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: url };
	const offers = Array.from({ length: notifications }, (_, n) => `SKU-${String(n + 1).padStart(3, '0')}`);
	const notification = (offer: string) => ({ offer_id: offer, urls: [`https://img.example.com/${offer}/upload.jpg`] });

	// Warm-up: loads and initialises n8n's engine and makes the key's hourly expiry read (/v1/roles),
	// so the figures are the notifications' own.
	await runWorkflow(ozonWorkflow([notification('SKU-001')], { ...PUSH, options: { dryRun: true } }), credentials);
	await fetch(`${url}/__sandbox/reset`, { method: 'POST' });

	const started = performance.now();
	const runs: Array<Promise<{ offer: string; ok: boolean; ownProduct: boolean; latencySeconds: number }>> = [];
	for (const [position, offer] of offers.entries()) {
		await sleep(Math.max(0, started + position * gapMs - performance.now()));
		const sentAt = performance.now();
		const { result } = startWorkflow(ozonWorkflow([notification(offer)], PUSH), credentials);
		runs.push(
			result.then((run) => {
				const latencySeconds = (performance.now() - sentAt) / 1000;
				const output = run.output(OZON_NODE_NAME) ?? [];
				const json = output[0]?.json as { success?: boolean; data?: { offer_id?: string } } | undefined;
				return { offer, ok: output.length === 1 && json?.success === true, ownProduct: json?.data?.offer_id === offer, latencySeconds };
			}),
		);
	}
	const answers = await Promise.all(runs);
	const lastAnswerSeconds = (performance.now() - started) / 1000;
	const latencies = answers.map((answer) => answer.latencySeconds).sort((a, b) => a - b);
	process.stdout.write(
		`${JSON.stringify({
			notifications,
			gapMs,
			sentOverSeconds: ((notifications - 1) * gapMs) / 1000,
			succeeded: answers.filter((answer) => answer.ok).length,
			ownProduct: answers.filter((answer) => answer.ownProduct).length,
			lastAnswerSeconds,
			latencySeconds: { min: latencies[0], median: latencies[Math.floor(latencies.length / 2)], max: latencies[latencies.length - 1] },
		})}\n`,
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
