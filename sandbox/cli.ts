/**
 * Starts the Ozon sandbox: `node .build/sandbox/cli.js [--port 8787] [--processing-ms 2000]
 * [--products 20] [--latency-ms 0] [--rate-limit 50] [--v1-off [obsolete|410|404]] [--cdn]
 * [--quota-per-minute N] [--quota-per-day N] [--image-fields absent|null] [--key-expires-at ISO]`.
 * Prints one JSON line with the URL and the account, then serves until stopped.
 */
import { OzonSandbox } from './server';
import { hasFlag, optionNumber as option, optionText as text } from '../scripts/lib/args';
import { defaultConfig, seedProducts, type ImageFieldsMode, type V1OffAnswer } from './store';

async function main(): Promise<void> {
	const defaults = defaultConfig();
	const v1Off = hasFlag('v1-off');
	const sandbox = new OzonSandbox(
		{
			processingMs: option('processing-ms', 2000),
			rateLimitPerSecond: option('rate-limit', 50),
			v1Enabled: !v1Off,
			v1OffAnswer: (v1Off ? text('v1-off') : undefined) as V1OffAnswer | undefined ?? 'obsolete',
			operationLimits: { perMinute: option('quota-per-minute', 0), perDay: option('quota-per-day', 0) },
			keyExpiresAt: text('key-expires-at') ?? defaults.keyExpiresAt,
			faults: {
				latencyMs: option('latency-ms', 0),
				cdnRewrite: hasFlag('cdn'),
				imageFields: (text('image-fields') as ImageFieldsMode | undefined) ?? 'present',
			},
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
