import type { IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_TRANSPORT_OPTIONS, MAX_REQUESTS_PER_SECOND, type TransportOptions } from '../../transport';

function clampNumber(value: unknown, fallback: number, min: number, max: number): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(number)) return fallback;
	return Math.min(max, Math.max(min, number));
}

/**
 * Transport settings for the whole execution. Requests are shared by many items (batches), so
 * they are read once, from the first item.
 */
export function readTransportOptions(ctx: IExecuteFunctions): TransportOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as Record<string, unknown>;
	return {
		...DEFAULT_TRANSPORT_OPTIONS,
		timeoutMs: clampNumber(options.timeout, DEFAULT_TRANSPORT_OPTIONS.timeoutMs / 1000, 1, 600) * 1000,
		maxRetries: Math.round(clampNumber(options.maxRetries, DEFAULT_TRANSPORT_OPTIONS.maxRetries, 0, 10)),
		maxRateLimitWaitMs: clampNumber(options.maxRateLimitWait, DEFAULT_TRANSPORT_OPTIONS.maxRateLimitWaitMs / 1000, 0, 3600) * 1000,
		requestsPerSecond: clampNumber(options.requestsPerSecond, DEFAULT_TRANSPORT_OPTIONS.requestsPerSecond, 1, MAX_REQUESTS_PER_SECOND),
	};
}
