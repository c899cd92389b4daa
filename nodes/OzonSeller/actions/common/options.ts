import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_TRANSPORT_OPTIONS, MAX_REQUESTS_PER_SECOND, type TransportOptions } from '../../transport';

/** Request options every operation offers, inside its Options collection. */
export const requestOptionFields: INodeProperties[] = [
	{
		displayName: 'Max Rate Limit Wait (Seconds)',
		name: 'maxRateLimitWait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 3600 },
		default: 120,
		description:
			'When Ozon answers "too many requests" and asks to retry after a while, wait up to this long; a longer wait fails the items with the time to retry after',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 600 },
		default: 30,
		description: 'How long to wait for each answer from Ozon before retrying',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 2,
		description:
			'How many times to repeat a request after a timeout, dropped connection, Ozon server error or rate-limit answer. Other rejections are never repeated.',
	},
	{
		displayName: 'Requests per Second',
		name: 'requestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 40,
		description:
			'Most requests to start per second for this Client ID, shared by all executions in this n8n process. Ozon allows 50.',
	},
];

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
