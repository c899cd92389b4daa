/**
 * `checkUrls`: asks each image URL for its headers before anything is sent to Ozon — HEAD, or a
 * one-byte ranged GET where HEAD is refused (S3/R2 presigned URLs are signed for GET only) —
 * following at most 3 redirects by hand so every hop is screened, and never reading a body.
 *
 * Screening, at every hop: the address as written (domain/addresses, any n8n), then, where the
 * running n8n offers it (n8n-workflow ≥ 2.30), n8n's egress filter, which resolves the name and
 * checks the addresses it resolves to — the only way a community node can see through DNS.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { hostBlockReason } from '../domain/addresses';
import { inspectThrown, unreachableReason } from './errors';

export const MAX_REDIRECTS = 3;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const PROBE_TIMEOUT_MS = 10_000;
const IMAGE_TYPES = ['image/jpeg', 'image/png'];

export type ProbeResult = { ok: true; contentType: string; bytes?: number } | { ok: false; reason: string };

interface ProbeResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body?: { destroy?: () => void };
}

/** The part of n8n's NodeEgressFilter the probe uses (declared here: 1.x's n8n-workflow has none). */
export interface EgressFilter {
	validateUrl(url: string): Promise<{ ok: true } | { ok: false; error: Error }>;
	validateRedirectSync(url: string): void;
}

/**
 * n8n's egress filter under the 'enforced' policy: it screens resolved addresses against n8n's
 * blocked ranges (loopback, private, link-local, …, plus N8N_SSRF_* settings) even on an instance
 * that leaves SSRF protection off, where 'safe' would hand back a filter that lets everything pass.
 * Undefined on n8n versions without the helper (1.x).
 */
export function egressFilterOf(ctx: IExecuteFunctions): EgressFilter | undefined {
	const helpers = ctx.helpers as { getSecureEgressFilter?: (policy: 'enforced') => EgressFilter };
	if (typeof helpers.getSecureEgressFilter !== 'function') return undefined;
	try {
		return helpers.getSecureEgressFilter('enforced');
	} catch {
		return undefined;
	}
}

function header(response: ProbeResponse, name: string): string | undefined {
	const value = response.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function sizeOf(response: ProbeResponse, ranged: boolean): number | undefined {
	const range = header(response, 'content-range');
	const total = range ? /\/(\d+)\s*$/.exec(range)?.[1] : undefined;
	if (total) return Number(total);
	const length = header(response, 'content-length');
	// A 206 answer's length is the range's; only a full answer's length is the file's.
	return length !== undefined && (!ranged || response.statusCode === 200) ? Number(length) : undefined;
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Why n8n's egress filter refused a host, in words; undefined when the error is not such a refusal (e.g. DNS). */
function egressRefusal(host: string, error: unknown): string | undefined {
	if (!(error instanceof Error)) return undefined;
	const details = error as Error & { ip?: unknown };
	if (error.name === 'SsrfBlockedIpError' || typeof details.ip === 'string') {
		return typeof details.ip === 'string' ? `${host} resolves to ${details.ip}, an address n8n's egress rules block` : `${host} resolves to an address n8n's egress rules block`;
	}
	if (error.name === 'SsrfBlockedHostnameError') return `${host} is a name n8n's egress rules block`;
	return undefined;
}

type Screening = { ok: true } | { ok: false; reason: string };

/** Screens one hop: the address as written, then (if the n8n has it) what the name resolves to. */
async function screen(url: URL, hop: number, filter: EgressFilter | undefined, timeoutMs: number): Promise<Screening> {
	const refused = (why: string): Screening => ({ ok: false, reason: hop === 0 ? `Refused to check: ${why}` : `Refused: redirects to ${why}` });
	const literal = hostBlockReason(url.hostname);
	if (literal) return refused(literal);
	if (!filter) return { ok: true };
	if (hop > 0) {
		try {
			filter.validateRedirectSync(url.href);
		} catch (error) {
			return refused(egressRefusal(url.hostname, error) ?? `${url.hostname}, which n8n's egress rules refuse`);
		}
	}
	let verdict: Awaited<ReturnType<EgressFilter['validateUrl']>>;
	try {
		verdict = await filter.validateUrl(url.href);
	} catch (error) {
		// The filter looks the name up: a name that does not resolve is not reachable either.
		const blocked = egressRefusal(url.hostname, error);
		return blocked ? refused(blocked) : { ok: false, reason: unreachableReason(inspectThrown(error), timeoutMs) };
	}
	if (verdict.ok) return { ok: true };
	return refused(egressRefusal(url.hostname, verdict.error) ?? `${url.hostname}, which n8n's egress rules refuse (${messageOf(verdict.error).slice(0, 200)})`);
}

const CANCELLED: ProbeResult = { ok: false, reason: 'Not checked: the execution was cancelled' };

/** Checks one image URL. Never throws: anything unexpected fails the URL with a reason. */
export async function probeImage(ctx: IExecuteFunctions, url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
	// n8n leaves a cancelled node running and only fires this signal: every check must heed it.
	const cancelSignal = ctx.getExecutionCancelSignal?.();
	try {
		return await probe(ctx, url, timeoutMs, egressFilterOf(ctx), cancelSignal);
	} catch (error) {
		if (cancelSignal?.aborted) return CANCELLED;
		return { ok: false, reason: `Could not be checked: ${messageOf(error).slice(0, 200)}` };
	}
}

async function probe(
	ctx: IExecuteFunctions,
	url: string,
	timeoutMs: number,
	filter: EgressFilter | undefined,
	cancelSignal: AbortSignal | undefined,
): Promise<ProbeResult> {
	let current: URL;
	try {
		current = new URL(url);
	} catch {
		return { ok: false, reason: 'Invalid URL format' };
	}
	for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
		if (cancelSignal?.aborted) return CANCELLED;
		const screening = await screen(current, hop, filter, timeoutMs);
		if (!screening.ok) return screening;
		let response: ProbeResponse;
		let ranged = false;
		try {
			if (cancelSignal?.aborted) return CANCELLED;
			response = await request(ctx, current.href, 'HEAD', timeoutMs, cancelSignal);
			if ([400, 403, 405, 501].includes(response.statusCode)) {
				ranged = true;
				if (cancelSignal?.aborted) return CANCELLED;
				response = await request(ctx, current.href, 'GET', timeoutMs, cancelSignal);
			}
		} catch (error) {
			if (cancelSignal?.aborted) return CANCELLED;
			return { ok: false, reason: unreachableReason(inspectThrown(error), timeoutMs) };
		}
		const { statusCode } = response;
		if (statusCode >= 300 && statusCode < 400) {
			const location = header(response, 'location');
			if (!location) return { ok: false, reason: `Answers HTTP ${statusCode} without a Location` };
			if (hop === MAX_REDIRECTS) return { ok: false, reason: `More than ${MAX_REDIRECTS} redirects` };
			let next: URL;
			try {
				next = new URL(location, current);
			} catch {
				return { ok: false, reason: `Answers HTTP ${statusCode} with a redirect to an invalid address` };
			}
			if (next.protocol !== 'http:' && next.protocol !== 'https:') {
				return { ok: false, reason: `Answers HTTP ${statusCode} with a redirect to a ${next.protocol.replace(/:$/, '')} address` };
			}
			current = next;
			continue;
		}
		if (statusCode < 200 || statusCode >= 300) return { ok: false, reason: `Answers HTTP ${statusCode}` };
		const contentType = (header(response, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
		if (!IMAGE_TYPES.includes(contentType)) {
			return { ok: false, reason: `Not a JPEG or PNG image (Content-Type: ${contentType.slice(0, 100) || 'none'})` };
		}
		const bytes = sizeOf(response, ranged);
		if (bytes !== undefined && bytes > MAX_IMAGE_BYTES) {
			return { ok: false, reason: `Larger than 10 MB (${(bytes / 1024 / 1024).toFixed(1)} MB)` };
		}
		return { ok: true, contentType, bytes };
	}
	return { ok: false, reason: `More than ${MAX_REDIRECTS} redirects` };
}

async function request(
	ctx: IExecuteFunctions,
	url: string,
	method: 'HEAD' | 'GET',
	timeoutMs: number,
	cancelSignal: AbortSignal | undefined,
): Promise<ProbeResponse> {
	const response = (await ctx.helpers.httpRequest({
		method,
		url,
		headers: method === 'GET' ? { Range: 'bytes=0-0' } : {},
		// A stream, destroyed at once: headers are all that is needed, never the image.
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: timeoutMs,
		// Unlike the authenticated helper, plain httpRequest does not attach the cancel signal itself.
		...(cancelSignal ? { abortSignal: cancelSignal } : {}),
	} as IHttpRequestOptions)) as ProbeResponse;
	response.body?.destroy?.();
	return response;
}
