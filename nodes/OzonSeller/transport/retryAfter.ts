/**
 * Ozon's "too many requests" answers: which limit was hit, how long Ozon asks to wait, and the
 * process-wide windows inside which a refused method is not sent again. Ozon may restrict an
 * account that keeps sending requests it has refused.
 */

/**
 * `perSecond`: more than 50 requests per second for the Client-Id, all methods together
 * (`{"code":8,"message":"You have reached request rate limit per second"}`).
 * `quota`: the product-update limit per minute or per day (`Item-Retry-After`, "operation items limits").
 */
export type RateLimitKind = 'perSecond' | 'quota';

/** What to assume when a 429 names no wait: the next second, or the per-minute quota's window. */
export const DEFAULT_WAIT_SECONDS: Record<RateLimitKind, number> = { perSecond: 1, quota: 60 };

/**
 * Shortest refusal window: Ozon counts requests per second, so a request refused with a wait of
 * zero (or a Retry-After date already past) is not sent again within the same second.
 */
export const MIN_WAIT_SECONDS = 1;

/**
 * Longest refusal window: Ozon's longest wait is its daily limit, which resets at 03:00 Moscow
 * time, so no real answer asks for more than a day. A longer figure (a broken proxy, a typo) would
 * otherwise shut the method for this n8n process for years, or past the end of JavaScript dates.
 */
export const MAX_WAIT_SECONDS = 86_400;

export function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((header) => header.toLowerCase() === name);
	const value = key ? headers[key] : undefined;
	return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

function nonNegativeNumber(text: string | undefined): number | undefined {
	if (text === undefined || text.trim() === '') return undefined;
	const number = Number(text);
	return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/**
 * Every value of a header that may be repeated: Node joins repeated headers with ", " (n8n may also
 * hand over an array). Only for headers whose values hold no commas of their own (not HTTP dates).
 */
function listedNumbers(headers: Record<string, unknown> | undefined, name: string): number[] {
	if (!headers) return [];
	const key = Object.keys(headers).find((header) => header.toLowerCase() === name);
	const raw = key ? headers[key] : undefined;
	if (raw === undefined || raw === null) return [];
	const values = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => String(value).split(','));
	return values.map((value) => nonNegativeNumber(value)).filter((value): value is number => value !== undefined);
}

/**
 * Seconds Ozon asks us to wait: the longest of `Item-Retry-After` (minutes: for the daily limit,
 * until 03:00 Moscow time), `Retry-After` (seconds or an HTTP date) and "Retry after N seconds" in
 * the message, from `now` (the process's clock: an HTTP date is read against it). Undefined when
 * none of them says.
 */
export function retryAfterSeconds(headers: Record<string, unknown> | undefined, message: string | undefined, now: number): number | undefined {
	const candidates: number[] = [];
	// Sent twice (by Ozon and a proxy, say): the longest counts, as for the other hints.
	for (const itemMinutes of listedNumbers(headers, 'item-retry-after')) candidates.push(itemMinutes * 60);
	const retryAfter = headerValue(headers, 'retry-after');
	const retrySeconds = nonNegativeNumber(retryAfter);
	if (retrySeconds !== undefined) candidates.push(retrySeconds);
	else if (retryAfter !== undefined) {
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) candidates.push(Math.max(0, (date - now) / 1000));
	}
	const fromMessage = message ? /retry after (\d+(?:\.\d+)?)\s*s/i.exec(message) : null;
	if (fromMessage) candidates.push(Number(fromMessage[1]));
	return candidates.length > 0 ? Math.max(...candidates) : undefined;
}

/**
 * Longest window of a per-second refusal. Ozon's per-second count starts afresh every second, and
 * such a window holds back every method of the account in this process: a longer figure (a proxy's
 * Retry-After, a broken header, a bodiless 429 on a lookup) would otherwise shut the whole account
 * for up to a day. Should the refusals go on, each is waited out again within the request's time.
 */
export const MAX_PER_SECOND_WAIT_SECONDS = 5;

/**
 * The refusal window for a 429, in seconds: the longest wait Ozon names (or the default for its
 * limit), never under a second and never over a day (a per-second refusal: a few seconds).
 */
export function refusalSeconds(kind: RateLimitKind, headers: Record<string, unknown> | undefined, message: string | undefined, now: number): number {
	const named = retryAfterSeconds(headers, message, now) ?? DEFAULT_WAIT_SECONDS[kind];
	return Math.min(kind === 'perSecond' ? MAX_PER_SECOND_WAIT_SECONDS : MAX_WAIT_SECONDS, Math.max(MIN_WAIT_SECONDS, named));
}

/**
 * Tells the per-second limit from the product-update quota. Ozon names either in its answer (code 8
 * or "per second"; `Item-Retry-After` or "operation items limits"). An answer that names neither is
 * the per-second limit on a method that updates no product (the quota counts only product updates),
 * and the quota on one that does: the longer wait is the safe guess there.
 */
export function rateLimitKind(code: unknown, message: string | undefined, headers: Record<string, unknown> | undefined, updatesProducts = true): RateLimitKind {
	if (headerValue(headers, 'item-retry-after') !== undefined) return 'quota';
	if (String(code) === '8' || /per second/i.test(message ?? '')) return 'perSecond';
	if (/items? limit/i.test(message ?? '')) return 'quota';
	return updatesProducts ? 'quota' : 'perSecond';
}

export const RATE_LIMIT_TEXT: Record<RateLimitKind, string> = {
	perSecond: 'more than 50 requests per second for this Client-Id',
	quota: 'product update limit per minute or per day used up',
};

/** A wait in words: "45 s", "2 min 5 s", "3 h 12 min". */
export function describeWait(seconds: number): string {
	const total = Math.max(0, Math.ceil(seconds));
	if (total < 60) return `${total} s`;
	if (total < 3600) {
		const rest = total % 60;
		return `${Math.floor(total / 60)} min${rest ? ` ${rest} s` : ''}`;
	}
	const minutes = Math.ceil((total % 3600) / 60);
	const hours = Math.floor(total / 3600) + (minutes === 60 ? 1 : 0);
	return `${hours} h${minutes && minutes < 60 ? ` ${minutes} min` : ''}`;
}

/** Moscow is UTC+3 all year (no daylight saving since 2014); Ozon's daily limits reset at 03:00 there. */
const MOSCOW_OFFSET_MS = 3 * 3600_000;

/** When a wait ends, as an ISO time and in Moscow time: "2026-11-28T00:00:00Z (03:00 Moscow time on 2026-11-28)". */
export function describeRetryAt(at: number, now: number): string {
	const iso = new Date(Math.ceil(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
	const moscow = new Date(at + MOSCOW_OFFSET_MS).toISOString();
	const sameDay = moscow.slice(0, 10) === new Date(now + MOSCOW_OFFSET_MS).toISOString().slice(0, 10);
	return `${iso} (${moscow.slice(11, 16)} Moscow time${sameDay ? '' : ` on ${moscow.slice(0, 10)}`})`;
}

/** A refusal in force: the method (or, for the per-second limit, every method) waits until `until`. */
export interface RetryWindow {
	until: number;
	kind: RateLimitKind;
	ozonMessage?: string;
}

const EVERY_METHOD = '*';

/**
 * Refusal windows in force, per Ozon account (base URL and Client-Id). Process-wide, like Ozon's
 * limits: every execution of this n8n process shares them (one instance in TransportState).
 */
export class RetryWindows {
	private readonly windows = new Map<string, RetryWindow>();

	/** `account` names the Ozon account without the key (base URL and Client-Id). */
	close(account: string, endpoint: string, window: RetryWindow): void {
		const key = `${account} ${window.kind === 'perSecond' ? EVERY_METHOD : endpoint}`;
		const existing = this.windows.get(key);
		if (!existing || existing.until < window.until) this.windows.set(key, window);
	}

	/** The window `endpoint` must still wait out for `account` at `now`, if any. */
	open(account: string, endpoint: string, now: number): RetryWindow | undefined {
		let longest: RetryWindow | undefined;
		for (const key of [`${account} ${endpoint}`, `${account} ${EVERY_METHOD}`]) {
			const window = this.windows.get(key);
			if (!window) continue;
			if (window.until <= now) this.windows.delete(key);
			else if (!longest || window.until > longest.until) longest = window;
		}
		return longest;
	}
}
