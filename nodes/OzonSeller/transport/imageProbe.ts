/**
 * `checkUrls`: asks each image URL for its headers before anything is sent to Ozon — HEAD, or a
 * one-byte ranged GET where HEAD is refused (S3/R2 presigned URLs are signed for GET only) —
 * following at most 3 redirects by hand so every hop's host is screened, and never reading a body.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { hostBlockReason } from '../domain/addresses';

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

function describeFailure(error: unknown, timeoutMs: number): string {
	const text = error instanceof Error ? error.message : String(error);
	if (/timeout|timed out|ETIMEDOUT|ECONNABORTED/i.test(text)) return `Not reachable: no answer within ${Math.round(timeoutMs / 1000)} s`;
	if (/ENOTFOUND|EAI_AGAIN/i.test(text)) return 'Not reachable: the host name was not found';
	if (/ECONNREFUSED/i.test(text)) return 'Not reachable: the connection was refused';
	if (/certificate|SSL|TLS/i.test(text)) return 'Not reachable: its TLS certificate was not accepted';
	return 'Not reachable: the connection failed';
}

/** Checks one image URL; never throws. */
export async function probeImage(ctx: IExecuteFunctions, url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
	let current = url;
	for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
		const blocked = hostBlockReason(new URL(current).hostname);
		if (blocked) {
			return { ok: false, reason: hop === 0 ? `Refused to check: ${blocked}` : `Refused: redirects to ${blocked}` };
		}
		let response: ProbeResponse;
		let ranged = false;
		try {
			response = await request(ctx, current, 'HEAD', timeoutMs);
			if ([400, 403, 405, 501].includes(response.statusCode)) {
				ranged = true;
				response = await request(ctx, current, 'GET', timeoutMs);
			}
		} catch (error) {
			return { ok: false, reason: describeFailure(error, timeoutMs) };
		}
		const { statusCode } = response;
		if (statusCode >= 300 && statusCode < 400) {
			const location = header(response, 'location');
			if (!location) return { ok: false, reason: `Answers HTTP ${statusCode} without a Location` };
			if (hop === MAX_REDIRECTS) return { ok: false, reason: `More than ${MAX_REDIRECTS} redirects` };
			current = new URL(location, current).href;
			continue;
		}
		if (statusCode < 200 || statusCode >= 300) return { ok: false, reason: `Answers HTTP ${statusCode}` };
		const contentType = (header(response, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
		if (!IMAGE_TYPES.includes(contentType)) {
			return { ok: false, reason: `Not a JPEG or PNG image (Content-Type: ${contentType || 'none'})` };
		}
		const bytes = sizeOf(response, ranged);
		if (bytes !== undefined && bytes > MAX_IMAGE_BYTES) {
			return { ok: false, reason: `Larger than 10 MB (${(bytes / 1024 / 1024).toFixed(1)} MB)` };
		}
		return { ok: true, contentType, bytes };
	}
	return { ok: false, reason: `More than ${MAX_REDIRECTS} redirects` };
}

async function request(ctx: IExecuteFunctions, url: string, method: 'HEAD' | 'GET', timeoutMs: number): Promise<ProbeResponse> {
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
	} as IHttpRequestOptions)) as ProbeResponse;
	response.body?.destroy?.();
	return response;
}
