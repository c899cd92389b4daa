import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../../../credentials/OzonSellerApi.credentials';
import type { RateLimitKind } from './retryAfter';

/**
 * Why a request to Ozon failed, in terms of what the user should do. `auth` and `redirected` (the
 * Base URL answers 3xx: every request would) stop everything; `unavailable` (timeouts, resets, 5xx,
 * broken bodies after all retries) fails the whole call; the rest fail only the items of that request.
 */
export type OzonFailureKind =
	| 'auth'
	| 'redirected'
	| 'invalid'
	| 'notFound'
	| 'conflict'
	| 'rateLimited'
	| 'unavailable'
	| 'switchedOff';

export interface OzonRequestErrorDetails {
	kind: OzonFailureKind;
	endpoint: string;
	httpCode?: number;
	/** Ozon's own message, if it sent one (never contains request headers). */
	ozonMessage?: string;
	/** Requests actually sent; 0 when the node knew the answer without asking again. */
	attempts: number;
	retryAfterSeconds?: number;
	/** When the wait ends (epoch milliseconds). */
	retryAt?: number;
	rateLimit?: RateLimitKind;
}

/** The deprecated single-product method, the one Ozon announced it would switch off. */
export const V1_PICTURES_IMPORT = '/v1/product/pictures/import';

/**
 * A failed Ozon request, carrying only what is safe to show: endpoint, status, Ozon's message.
 * Built from scratch rather than wrapping the HTTP library's error, whose request config holds
 * the Api-Key header.
 */
export class OzonRequestError extends Error {
	readonly details: OzonRequestErrorDetails;

	constructor(message: string, details: OzonRequestErrorDetails) {
		super(message);
		this.name = 'OzonRequestError';
		this.details = details;
	}

	get kind(): OzonFailureKind {
		return this.details.kind;
	}

	/** Fails the whole run rather than the items of one request. */
	get stopsRun(): boolean {
		return this.kind === 'auth' || this.kind === 'redirected' || this.kind === 'unavailable';
	}

	/** Every further request would fail the same way (the credential or its Base URL): none is made. */
	get stopsAllRequests(): boolean {
		return this.kind === 'auth' || this.kind === 'redirected';
	}

	/** What to do about it, for the n8n error panel and the item's `reason`. */
	get hint(): string {
		const { kind, httpCode, endpoint, rateLimit } = this.details;
		if (kind === 'auth' && httpCode === 403) return FORBIDDEN_HINT;
		if (kind === 'rateLimited' && rateLimit) return RATE_LIMIT_HINTS[rateLimit];
		if (kind === 'switchedOff' && endpoint !== V1_PICTURES_IMPORT) {
			return `Ozon has switched off ${endpoint}, which this version of the node uses. Update the n8n-nodes-ozon-seller package.`;
		}
		return HINTS[kind];
	}
}

const FORBIDDEN_HINT =
	'Ozon answers 403 when the API key is wrong, deactivated or expired (keys are valid for a limited time), when the key lacks the role this method needs (give it the Product role, or Admin), or when the seller has not accepted Ozon\'s offer agreement. Check the key in Ozon Seller: Settings → Seller API, create a new one if needed and paste it into the Ozon Seller API credential; accept the offer agreement in the seller account if Ozon asks for it.';

const RATE_LIMIT_HINTS: Record<RateLimitKind, string> = {
	perSecond:
		'Ozon allows 50 requests per second per Client-Id, counted over every n8n process (main and queue-mode workers) and every other tool that uses it. The node waits these refusals out and slows down by itself, but this request ran out of time first: raise Result Timeout (polls and read-backs) or Max Rate Limit Wait, and lower Requests per Second in the node options if other tools use the same Client-Id.',
	quota:
		'Ozon limits how many product updates an account may send per minute and per day (the daily limit resets at 03:00 Moscow time). Run again after the time given, raise Max Rate Limit Wait to wait inside the run, or spread the updates over a longer schedule.',
};

const HINTS: Record<OzonFailureKind, string> = {
	redirected:
		`Set the credential's Base URL to the address that answers directly (Ozon: ${DEFAULT_BASE_URL}), or fix the proxy. The node never follows a redirect, so the API key is not forwarded to another host.`,
	auth: 'Check the Client ID and API Key in the Ozon Seller API credential: the key must be active and have the Product (or Admin) role. Create a new key in Ozon Seller: Settings → Seller API if needed.',
	invalid: 'Ozon rejected the request as invalid. Check the values named in the message; the request body is in the dry-run output.',
	notFound: 'Ozon does not know this product or method. Check the identifier, and the Base URL in the credential.',
	conflict: 'Ozon is still processing an earlier change to this product. Try again in a minute.',
	rateLimited: 'Ozon refused the request as too many: it allows 50 requests per second per Client-Id, and limits product updates per minute and per day. Retry after the time given.',
	unavailable: 'Ozon did not answer properly after all retries. Try again later, or raise Timeout / Max Retries in the node options.',
	switchedOff: "Ozon has switched off the deprecated v1 picture method (/v1/product/pictures/import). Set Options → API Version to 'v2 (Current)', Ozon's current method.",
};

export function describeStatus(httpCode: number | undefined): string {
	if (httpCode === undefined) return '';
	return ` (HTTP ${httpCode})`;
}

/** Turns a failed request into the error n8n shows and stores with the execution. */
export function toNodeApiError(node: INode, error: OzonRequestError, itemIndex?: number): NodeApiError {
	const { httpCode, endpoint, attempts } = error.details;
	const safe: JsonObject = {
		message: error.message,
		endpoint,
		attempts,
		...(httpCode !== undefined ? { httpCode: String(httpCode) } : {}),
	};
	return new NodeApiError(node, safe, {
		message: error.message,
		description: error.hint,
		httpCode: httpCode !== undefined ? String(httpCode) : undefined,
		itemIndex,
	});
}
