/**
 * Starts the Ozon sandbox: `node .build/sandbox/cli.js [--port 8787] [--processing-ms 2000]
 * [--products 20] [--latency-ms 0] [--rate-limit 50] [--v1-off] [--cdn]`. Prints one JSON line
 * with the URL and the account, then serves until stopped.
 */
import { OzonSandbox } from './server';
import { seedProducts } from './store';

function option(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
	const sandbox = new OzonSandbox(
		{
			processingMs: option('processing-ms', 2000),
			rateLimitPerSecond: option('rate-limit', 50),
			v1Enabled: !process.argv.includes('--v1-off'),
			faults: { latencyMs: option('latency-ms', 0), cdnRewrite: process.argv.includes('--cdn') } as never,
		},
		seedProducts(option('products', 20)),
	);
	const url = await sandbox.start(option('port', 8787));
	const [clientId, apiKey] = Object.entries(sandbox.store.config.accounts)[0];
	console.log(JSON.stringify({ url, clientId, apiKey }));
	const stop = () => void sandbox.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
