import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

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
	attempts: number;
	retryAfterSeconds?: number;
}

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
		return HINTS[this.kind];
	}
}

const HINTS: Record<OzonFailureKind, string> = {
	redirected:
		"Set the credential's Base URL to the address that answers directly (Ozon: https://api-seller.ozon.ru), or fix the proxy. The node never follows a redirect, so the API key is not forwarded to another host.",
	auth: 'Check the Client ID and API Key in the Ozon Seller API credential: the key must be active and have the Product (or Admin) role. Create a new key in Ozon Seller: Settings → Seller API if needed.',
	invalid: 'Ozon rejected the request as invalid. Check the values named in the message; the request body is in the dry-run output.',
	notFound: 'Ozon does not know this product or method. Check the identifier, and the Base URL in the credential.',
	conflict: 'Ozon is still processing an earlier change to this product. Try again in a minute.',
	rateLimited: 'Ozon limits how many product updates an account may send per minute and per day. Retry after the time given, or spread the sync over a longer schedule.',
	unavailable: 'Ozon did not answer properly after all retries. Try again later, or raise Timeout / Max Retries in the node options.',
	switchedOff: "Ozon has switched off the deprecated v1 picture method. Choose API Version 'v2' (360° images can no longer be sent).",
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
