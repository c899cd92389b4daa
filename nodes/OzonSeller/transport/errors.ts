/**
 * The failure vocabulary of the node's requests: what kind of failure an answer or a thrown error
 * is, and how it is put to the user (messages and hints). `index.ts` (requests to Ozon) and
 * `imageProbe.ts` (requests to image hosts) both describe their failures with it.
 */
import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../../../credentials/OzonSellerApi.credentials';
import { RATE_LIMIT_TEXT, describeRetryAt, describeWait, type RateLimitKind } from './retryAfter';

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

// ----- what an Ozon answer says -------------------------------------------------------------------

/** An answer's body: parsed JSON, or the text that did not parse. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; text: string };

/**
 * The longest quote of a text in an error message, the ellipsis included: 500 characters of Ozon's
 * own message, 300 of any other text (a body that is not JSON, an HTTP library's message), 200 of a
 * host name, each followed by the ellipsis when cut.
 */
const MAX_QUOTE = { ozonMessage: 501, text: 301, host: 201 };

/**
 * Redacts, then shortens to at most `maxLength` characters, the last an ellipsis when cut. In this
 * order because cutting first could leave a piece of a secret that no longer matches.
 */
export function redactThenShorten(text: string, redact: (text: string) => string, maxLength: number): string {
	const clean = redact(text);
	return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** Ozon's rpcStatus `code` of an error body, if it has one (a number, or a name such as RESOURCE_EXHAUSTED). */
export function ozonErrorCode(body: ParsedBody): unknown {
	return body.ok && body.value && typeof body.value === 'object' ? (body.value as { code?: unknown }).code : undefined;
}

/** Ozon's error text: `message` of its rpcStatus body, or a short piece of a non-JSON body. */
export function ozonErrorMessage(body: ParsedBody, redact: (text: string) => string): string | undefined {
	if (!body.ok) return body.text.trim() ? redactThenShorten(body.text.trim(), redact, MAX_QUOTE.text) : undefined;
	const value = body.value as { message?: unknown } | null;
	if (value && typeof value === 'object' && typeof value.message === 'string' && value.message) {
		return redactThenShorten(value.message, redact, MAX_QUOTE.ozonMessage);
	}
	return undefined;
}

/** The kind of failure an HTTP status (4xx, 5xx) stands for, with Ozon's per-endpoint cases. */
export function kindForStatus(status: number, endpoint: string, code: unknown, ozonMessage: string | undefined): OzonFailureKind {
	if (status === 401 || status === 403) return 'auth';
	// A retired method: 400 with code 9 "obsolete method cannot be used"; older reports saw 410 or 404.
	if (status === 410 || (status === 400 && (String(code) === '9' || /obsolete method/i.test(ozonMessage ?? '')))) return 'switchedOff';
	if (status === 404) return endpoint === V1_PICTURES_IMPORT ? 'switchedOff' : 'notFound';
	if (status === 409) return 'conflict';
	if (status === 429) return 'rateLimited';
	if (status >= 500) return 'unavailable';
	return 'invalid';
}

const STATUS_MESSAGES: Record<OzonFailureKind, string> = {
	auth: 'Ozon rejected the Client ID / API Key',
	invalid: 'Ozon rejected the request',
	notFound: 'Ozon could not find what was asked for',
	conflict: 'Ozon reported a conflict with an update still in progress',
	rateLimited: 'Rate limited by Ozon',
	unavailable: 'Ozon had a server error',
	switchedOff: 'Ozon no longer offers the v1 picture method',
	redirected: 'The Base URL answered with a redirect',
};

function describeStatus(httpCode: number | undefined): string {
	if (httpCode === undefined) return '';
	return ` (HTTP ${httpCode})`;
}

/** The message of a refused request: what kind of refusal, the status, and Ozon's own words. */
export function statusMessage(kind: OzonFailureKind, status: number, endpoint: string, ozonMessage: string | undefined): string {
	if (status === 403) {
		// Not always a bad key: quote Ozon and name what else it can mean.
		return `Ozon refused access to ${endpoint} (HTTP 403)${ozonMessage ? `: "${ozonMessage}"` : ''}. The API key may be wrong, deactivated or expired, may lack the role for this method, or the seller's offer agreement may not be accepted`;
	}
	const prefix = kind === 'switchedOff' && endpoint !== V1_PICTURES_IMPORT ? `Ozon no longer offers ${endpoint}` : STATUS_MESSAGES[kind];
	return `${prefix}${describeStatus(status)}${ozonMessage ? `: ${ozonMessage}` : ''}`;
}

/**
 * A rate-limit failure that says which limit, how long to wait in words, and until when. `notSent`:
 * the request was held back because Ozon had refused the method a moment before; `refusals`: how
 * many per-second 429s this request met before its time ran out; `now`: the process's clock.
 */
export function rateLimitedMessage(window: { kind: RateLimitKind; until: number; ozonMessage?: string }, notSent: boolean, now: number, refusals = 0): string {
	const parts = [`Rate limited by Ozon (${RATE_LIMIT_TEXT[window.kind]}), retry after ${describeWait((window.until - now) / 1000)}, at ${describeRetryAt(window.until, now)}`];
	if (notSent) parts.push('Not sent: Ozon refused this method for this Client-Id a moment ago and asked to wait');
	if (refusals > 0) {
		parts.push(`Refused ${refusals} time${refusals === 1 ? '' : 's'} for the per-second limit; waiting again would pass this request's time limit (Result Timeout for polls and read-backs, Max Rate Limit Wait otherwise)`);
	}
	if (window.ozonMessage) parts.push(`Ozon said: "${window.ozonMessage}"`);
	return parts.join('. ');
}

/**
 * A redirect from the Base URL: names the status and the host it points to, never its path or
 * query, which may carry tokens. `requestUrl` resolves a relative Location.
 */
export function redirectMessage(statusCode: number, endpoint: string, location: string | undefined, requestUrl: string, redact: (text: string) => string): string {
	let target = 'without a Location';
	if (location) {
		try {
			const host = new URL(location, requestUrl).host;
			target = host ? `to ${redactThenShorten(host, redact, MAX_QUOTE.host)}` : 'to an address without a host';
		} catch {
			target = 'to an invalid address';
		}
	}
	return `The Base URL answered ${endpoint} with a redirect (HTTP ${statusCode}) ${target}: the node never follows redirects, so nothing was sent there`;
}

// ----- failures below HTTP ------------------------------------------------------------------------

/**
 * Network failure codes, described in words: n8n replaces any error message that contains a raw
 * code such as ECONNRESET with a generic text, which would hide which host failed.
 */
const NETWORK_FAILURES: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the connection was aborted',
	ETIMEDOUT: 'the connection timed out',
	ESOCKETTIMEDOUT: 'the connection timed out',
	EPIPE: 'the connection was closed while sending',
	EAI_AGAIN: 'the host name could not be looked up',
	ENOTFOUND: 'the host name was not found',
	ENODATA: 'the host name was not found',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ERR_BAD_RESPONSE: 'the answer was malformed',
	ERR_SOCKET_CONNECTION_TIMEOUT: 'the connection timed out',
};

const TLS_FAILURE = 'its TLS certificate was not accepted';

/** The codes and messages along a thrown error's cause chain (n8n wraps the HTTP library's error). */
export interface ThrownInfo {
	codes: string[];
	messages: string[];
}

export function inspectThrown(error: unknown): ThrownInfo {
	const info: ThrownInfo = { codes: [], messages: [] };
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const record = current as Record<string, unknown>;
		if (typeof record.code === 'string') info.codes.push(record.code);
		if (typeof record.message === 'string') info.messages.push(record.message);
		current = record.cause ?? record.error ?? record.reason;
	}
	return info;
}

export function isCancellation(info: ThrownInfo): boolean {
	return info.codes.includes('ERR_CANCELED');
}

function isTimeout(info: ThrownInfo): boolean {
	return (
		info.codes.some((code) => code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'ECONNABORTED') ||
		info.messages.some((m) => /timeout|timed out/i.test(m))
	);
}

function isNetworkFailure(info: ThrownInfo): boolean {
	return networkFailureWords(info) !== undefined || info.messages.some((m) => /socket hang up|network|connect|reset/i.test(m));
}

/** The words for the first known network failure code: on the error or its causes, else named in a message. */
function networkFailureWords(info: ThrownInfo): string | undefined {
	const code = info.codes.find((candidate) => candidate in NETWORK_FAILURES) ?? Object.keys(NETWORK_FAILURES).find((known) => info.messages.some((m) => m.includes(known)));
	return code ? NETWORK_FAILURES[code] : undefined;
}

function isTlsFailure(info: ThrownInfo): boolean {
	return [...info.codes, ...info.messages].some((text) => /certificate|SSL|TLS/i.test(text));
}

/** Why Ozon could not be asked, for a request that failed below HTTP (not a cancellation). */
export function unreachableMessage(info: ThrownInfo, baseUrl: string, timeoutMs: number, redact: (text: string) => string): string {
	if (isTimeout(info)) return `Ozon did not answer within ${Math.round(timeoutMs / 1000)} s`;
	if (isNetworkFailure(info)) return `Could not reach Ozon at ${baseUrl}: ${networkFailureWords(info) ?? 'connection error'}`;
	// Not a transport fault we understand: report it without the library's request details.
	return `Request to Ozon failed: ${redactThenShorten(info.messages[0] ?? 'unknown error', redact, MAX_QUOTE.text)}`;
}

/** Why an image host could not be asked, in the same words as for Ozon. */
export function unreachableReason(info: ThrownInfo, timeoutMs: number): string {
	if (isTimeout(info)) return `Not reachable: no answer within ${Math.round(timeoutMs / 1000)} s`;
	return `Not reachable: ${networkFailureWords(info) ?? (isTlsFailure(info) ? TLS_FAILURE : 'the connection failed')}`;
}

/** How a request ends when its execution is cancelled. */
export const CANCELLED_MESSAGE = 'The execution was cancelled';

// ----- for n8n --------------------------------------------------------------------------------------

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
