/**
 * The HTTP client for Ozon: base URL and authentication through n8n's credential, timeouts,
 * retries with backoff, the rate limit and Ozon's refusal windows, and redaction of the key. What a
 * failure is and how it is put to the user lives in `errors.ts`; Ozon's methods in `ozonApi.ts`.
 */
import { createHash } from 'node:crypto';

import { NodeOperationError, type ICredentialDataDecryptedObject, type IExecuteFunctions, type IHttpRequestOptions } from 'n8n-workflow';
import type { z } from 'zod';

import { CREDENTIAL_NAME, DEFAULT_BASE_URL } from '../../../credentials/OzonSellerApi.credentials';
import {
	CANCELLED_MESSAGE,
	OzonRequestError,
	V1_PICTURES_IMPORT,
	inspectThrown,
	isCancellation,
	kindForStatus,
	ozonErrorCode,
	ozonErrorMessage,
	rateLimitedMessage,
	redirectMessage,
	statusMessage,
	unreachableMessage,
	type OzonFailureKind,
	type ParsedBody,
} from './errors';
import type { RateLimiter } from './rateLimiter';
import { headerValue, rateLimitKind, refusalSeconds, type RateLimitKind } from './retryAfter';
import type { TransportState } from './state';

export interface TransportOptions {
	/** Per request, in milliseconds. */
	timeoutMs: number;
	/** Further attempts after the first, for timeouts, resets, 5xx, broken bodies and 429. */
	maxRetries: number;
	/** Longest wait a 429 may ask for before the request is given up as rate limited. */
	maxRateLimitWaitMs: number;
	/** Request starts per second for this Client-Id, across the n8n process. */
	requestsPerSecond: number;
}

/** Ozon's cap: 50 requests per second per Client-Id, all methods together. */
export const MAX_REQUESTS_PER_SECOND = 50;

export const DEFAULT_TRANSPORT_OPTIONS: TransportOptions = {
	timeoutMs: 30_000,
	maxRetries: 2,
	maxRateLimitWaitMs: 120_000,
	requestsPerSecond: 40,
};

interface Failure {
	kind: OzonFailureKind;
	message: string;
	httpCode?: number;
	ozonMessage?: string;
	retryAfterSeconds?: number;
	retryAt?: number;
	rateLimit?: RateLimitKind;
}

/** Per-call settings of `OzonTransport.post`. */
export interface PostOptions {
	/** Further attempts after the first, instead of the node's option. */
	maxRetries?: number;
	/** Epoch milliseconds after which the answer is of no use: a longer refusal is not waited out. */
	deadline?: number;
	/**
	 * Whether to repeat an attempt that got no answer (a timeout, a reset, a 5xx, a broken body);
	 * default true. The write path sends imports with false: it looks the product up again first.
	 */
	repeatUnanswered?: boolean;
	/**
	 * Whether to send the same body again once a product-update quota window has passed, or wait one
	 * out (opened by another request) before sending it at all; default true. The write path sends
	 * imports with false: after a wait of minutes the product may have changed, so it looks the
	 * product up and plans again instead.
	 */
	repeatRefused?: boolean;
	/** Hears when each attempt leaves (after its turn in the rate limiter and any refusal window). */
	onSend?: (at: number) => void;
}

/** What one request came to: an answer, or a failure that is final or worth repeating. */
type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; failure: Failure; final?: boolean };

interface FullResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
}

/** Methods that count against Ozon's product-update quota (per minute and per day); the others only against the per-second limit. */
const PRODUCT_UPDATES = new Set(['/v2/product/pictures/import', V1_PICTURES_IMPORT]);

/** The credential's values that must never show: its Api-Key (a few characters are no secret to hide). */
function secretsOf(credentials: ICredentialDataDecryptedObject): string[] {
	return [String(credentials.apiKey ?? '').trim()].filter((secret) => secret.length >= 4);
}

/** The secrets of the node's credential, for input that may hold them (storage events); none when it cannot be read. */
export async function credentialSecrets(ctx: IExecuteFunctions): Promise<string[]> {
	try {
		return secretsOf(await ctx.getCredentials(CREDENTIAL_NAME));
	} catch {
		// No credential to read: the requests fail with their own error, and there is no key to hide.
		return [];
	}
}

/**
 * The one place that talks HTTP to Ozon: base URL, authentication (through n8n's credential),
 * timeouts, retries with backoff, the rate limit and the mapping of failures to OzonRequestError.
 */
export class OzonTransport {
	/**
	 * Methods Ozon refused for good in this run (switched off, the key refused, the Base URL
	 * redirecting): not asked again, also by requests already waiting for their turn in the limiter.
	 */
	private readonly refusedForGood = new Map<string, Failure>();

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly baseUrl: string,
		private readonly limiter: RateLimiter,
		private readonly secrets: string[],
		readonly options: TransportOptions,
		/** The Ozon account without its key: base URL and Client-Id (rate-limit windows are per account). */
		readonly account: string,
		/** A one-way hash of base URL, Client-Id and Api-Key: names the key in process-wide caches. */
		readonly keyId: string,
		/** The process's transport state: clock, limiters, refusal windows, key expiry checks. */
		readonly state: TransportState,
	) {}

	static async create(ctx: IExecuteFunctions, options: TransportOptions, state: TransportState): Promise<OzonTransport> {
		const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
		const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
		const clientId = String(credentials.clientId ?? '').trim();
		const apiKey = String(credentials.apiKey ?? '').trim();
		const secrets = secretsOf(credentials);
		const account = `${baseUrl} ${clientId}`;
		const keyId = createHash('sha256').update(`${account}\n${apiKey}`).digest('hex');
		return new OzonTransport(ctx, baseUrl, state.limiterFor(clientId, options.requestsPerSecond), secrets, options, account, keyId, state);
	}

	/**
	 * Removes the Api-Key from any text that may reach the user (should Ozon ever echo it). Every
	 * piece of Ozon's text passes here whole, before anything shortens it, so no fragment survives.
	 */
	readonly redact = (text: string): string =>
		this.secrets.reduce((result, secret) => (result.includes(secret) ? result.split(secret).join('[redacted]') : result), text);

	/**
	 * Redacts every string of a parsed answer in place, so whatever the node hands on (products,
	 * task results, Ozon's per-item errors) is clean. Iterative: an answer's depth cannot overflow the stack.
	 */
	private redactAnswer(answer: unknown): unknown {
		if (this.secrets.length === 0) return answer;
		if (typeof answer === 'string') return this.redact(answer);
		const pending: unknown[] = [answer];
		while (pending.length > 0) {
			const node = pending.pop();
			if (!node || typeof node !== 'object') continue;
			const record = node as Record<string, unknown>;
			for (const key of Object.keys(record)) {
				const value = record[key];
				if (typeof value === 'string') record[key] = this.redact(value);
				else if (value && typeof value === 'object') pending.push(value);
			}
		}
		return answer;
	}

	/**
	 * POSTs `body` to `endpoint` and returns the response parsed by `schema`, retrying as the options
	 * say (`call.maxRetries` overrides them for one call). `call.deadline` (epoch milliseconds): a
	 * refusal window that ends after it is not waited out; the call fails at once instead.
	 *
	 * Ozon's per-second 429 is no fault: other n8n processes (queue-mode workers) or tools share the
	 * Client-Id's 50 requests per second. It slows this process's limiter down and is waited out and
	 * sent again until `call.deadline` (else Max Rate Limit Wait from the first request), without
	 * using up Max Retries, which are for faults.
	 */
	async post<T>(endpoint: string, body: object, schema: z.ZodType<T, z.ZodTypeDef, unknown>, call: PostOptions = {}): Promise<T> {
		const maxFaults = (call.maxRetries ?? this.options.maxRetries) + 1;
		const payload = JSON.stringify(body);
		const budgetEnds = call.deadline ?? this.state.clock.now() + this.options.maxRateLimitWaitMs;
		let sent = 0;
		let faults = 0;
		let perSecondRefusals = 0;
		for (;;) {
			let startedAt = await this.turn();
			// Checked after every turn in the queue: Ozon may have refused the method meanwhile, also
			// while this request was waiting out an earlier window.
			while (await this.waitOutRefusals(endpoint, sent, call, { budgetEnds, refusals: perSecondRefusals })) startedAt = await this.turn();
			sent++;
			call.onSend?.(this.state.clock.now());
			const outcome = await this.attempt(endpoint, payload, schema);
			if (outcome.ok) return outcome.value;
			const failure = outcome.failure;
			if (failure.rateLimit === 'perSecond') {
				// Not a failed attempt: this process slows down, and the next turn waits out the window.
				this.limiter.slowDown(startedAt);
				perSecondRefusals++;
				if ((failure.retryAt ?? 0) > budgetEnds) throw this.failure(this.perSecondGiveUp(failure, perSecondRefusals), endpoint, sent);
				this.ctx.logger.debug(`Ozon ${endpoint}: per-second limit, sending again after ${failure.retryAfterSeconds ?? 1} s`);
				continue;
			}
			faults++;
			if (outcome.final || (failure.kind === 'unavailable' && call.repeatUnanswered === false)) throw this.failure(failure, endpoint, sent);
			if (faults >= maxFaults || (failure.kind === 'rateLimited' && call.repeatRefused === false)) throw this.outOfRetries(failure, endpoint, sent);
			this.ctx.logger.debug(`Ozon ${endpoint}: attempt ${sent} failed: ${this.redact(failure.message)}`);
			// After a 429 the next turn waits out Ozon's window (waitOutRefusals); otherwise back off.
			if (failure.kind !== 'rateLimited') await this.pause(this.state.backoffDelay(faults - 1));
		}
	}

	/** This request's turn in the limiter; a stopped execution's request leaves the queue instead. */
	private async turn(): Promise<number> {
		const startedAt = await this.limiter.acquire(this.ctx.getExecutionCancelSignal?.());
		if (startedAt === undefined) throw new NodeOperationError(this.ctx.getNode(), CANCELLED_MESSAGE);
		return startedAt;
	}

	private outOfRetries(failure: Failure, endpoint: string, sent: number): OzonRequestError {
		if (failure.kind === 'rateLimited' && failure.retryAt !== undefined) {
			// Out of retries: say how long Ozon still wants us to wait.
			const window = { kind: failure.rateLimit ?? 'quota', until: failure.retryAt, ozonMessage: failure.ozonMessage };
			return this.failure({ ...failure, message: rateLimitedMessage(window, false, this.state.clock.now()), retryAfterSeconds: Math.max(0, (failure.retryAt - this.state.clock.now()) / 1000) }, endpoint, sent);
		}
		return this.failure(failure, endpoint, sent);
	}

	/** A per-second refusal that would outlast the item's time: says how often Ozon refused it. */
	private perSecondGiveUp(failure: Failure, refusals: number): Failure {
		const window = { kind: 'perSecond' as const, until: failure.retryAt ?? this.state.clock.now(), ozonMessage: failure.ozonMessage };
		return { ...failure, message: rateLimitedMessage(window, false, this.state.clock.now(), refusals) };
	}

	/**
	 * Never sends a method inside a window Ozon asked us to wait (from this or another execution in
	 * this process), nor a method Ozon refused for good in this run: waits when the rest of the window fits
	 * Max Rate Limit Wait and the deadline (a per-second window: the request's budget), else fails at once.
	 * A quota window with `repeatRefused: false` fails at once too: the caller waits and builds the body again.
	 */
	private async waitOutRefusals(endpoint: string, attemptsSoFar: number, call: PostOptions, perSecond: { budgetEnds: number; refusals: number }): Promise<boolean> {
		const { deadline } = call;
		const refused = this.refusedForGood.get(endpoint);
		if (refused) throw this.failure(refused, endpoint, attemptsSoFar);
		const window = this.state.windows.open(this.account, endpoint, this.state.clock.now());
		if (!window) return false;
		const waitMs = window.until - this.state.clock.now();
		// A per-second window is waited out within the request's whole budget, the others within Max Rate Limit Wait.
		const outlasts =
			window.kind === 'perSecond' ? window.until > perSecond.budgetEnds : waitMs > this.options.maxRateLimitWaitMs || (deadline !== undefined && window.until > deadline) || call.repeatRefused === false;
		if (outlasts) {
			throw this.failure(
				{
					kind: 'rateLimited',
					httpCode: 429,
					rateLimit: window.kind,
					ozonMessage: window.ozonMessage,
					retryAfterSeconds: waitMs / 1000,
					retryAt: window.until,
					message: rateLimitedMessage(window, attemptsSoFar === 0, this.state.clock.now(), window.kind === 'perSecond' ? perSecond.refusals : 0),
				},
				endpoint,
				attemptsSoFar,
			);
		}
		this.ctx.logger.debug(`Ozon ${endpoint}: waiting ${Math.ceil(waitMs / 1000)} s as Ozon asked`);
		await this.pause(waitMs);
		return true;
	}

	/**
	 * Sleeps, but ends at once when the execution is cancelled: a refusal window may last up to an
	 * hour of Max Rate Limit Wait, and a cancelled execution must not linger that long.
	 */
	private async pause(ms: number): Promise<void> {
		const signal = this.ctx.getExecutionCancelSignal?.();
		const { clock } = this.state;
		if (!signal) return await clock.sleep(ms);
		let stopWaiting = () => {};
		const cancelled = new Promise<void>((resolve) => {
			stopWaiting = resolve;
			signal.addEventListener('abort', stopWaiting, { once: true });
		});
		// In steps of a second, so a cancelled wait leaves no long timer behind.
		const until = this.state.clock.now() + ms;
		for (let left = ms; left > 0 && !signal.aborted; left = until - this.state.clock.now()) {
			await Promise.race([clock.sleep(Math.min(left, 1000)), cancelled]);
		}
		signal.removeEventListener('abort', stopWaiting);
		if (signal.aborted) throw new NodeOperationError(this.ctx.getNode(), CANCELLED_MESSAGE);
	}

	/** One request: its parsed answer, or why it failed and whether repeating it could help. */
	private async attempt<T>(endpoint: string, payload: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): Promise<AttemptOutcome<T>> {
		let response: FullResponse;
		try {
			response = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_NAME, {
				method: 'POST',
				baseURL: this.baseUrl,
				url: endpoint,
				headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
				body: payload,
				// Read the body as text so a truncated JSON body is noticed here, not silently passed on.
				encoding: 'text',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				// n8n forwards custom headers such as Api-Key on redirects: a 3xx is reported, never followed.
				disableFollowRedirect: true,
				timeout: this.options.timeoutMs,
			} as IHttpRequestOptions)) as FullResponse;
		} catch (error) {
			const thrown = inspectThrown(error);
			if (isCancellation(thrown) || this.ctx.getExecutionCancelSignal?.()?.aborted) {
				throw new NodeOperationError(this.ctx.getNode(), CANCELLED_MESSAGE);
			}
			const message = unreachableMessage(thrown, this.baseUrl, this.options.timeoutMs, this.redact);
			return { ok: false, failure: { kind: 'unavailable', message } };
		}

		const { statusCode, headers } = response;
		if (statusCode >= 300 && statusCode < 400) {
			const redirected: Failure = { kind: 'redirected', httpCode: statusCode, message: redirectMessage(statusCode, endpoint, headerValue(headers, 'location'), `${this.baseUrl}${endpoint}`, this.redact) };
			this.refusedForGood.set(endpoint, redirected);
			return { ok: false, final: true, failure: redirected };
		}
		const parsedBody = this.parseBody(response.body);
		if (statusCode >= 200 && statusCode < 300) {
			if (!parsedBody.ok) {
				return { ok: false, failure: { kind: 'unavailable', httpCode: statusCode, message: `Ozon's answer from ${endpoint} was cut off or not JSON` } };
			}
			const result = schema.safeParse(this.redactAnswer(parsedBody.value));
			if (result.success) return { ok: true, value: result.data };
			const issue = result.error.issues[0];
			return {
				ok: false,
				failure: { kind: 'unavailable', httpCode: statusCode, message: `Ozon's answer from ${endpoint} had an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message})` },
			};
		}

		const ozonMessage = ozonErrorMessage(parsedBody, this.redact);
		const code = ozonErrorCode(parsedBody);
		const kind = kindForStatus(statusCode, endpoint, code, ozonMessage);
		const failure: Failure = { kind, httpCode: statusCode, ozonMessage, message: statusMessage(kind, statusCode, endpoint, ozonMessage) };
		if (kind === 'rateLimited') {
			// The longest wait Ozon names (or a default for its limit); nothing goes to the method before it ends.
			const rateLimit = rateLimitKind(code, ozonMessage, headers, PRODUCT_UPDATES.has(endpoint));
			const seconds = refusalSeconds(rateLimit, headers, ozonMessage, this.state.clock.now());
			const window = { kind: rateLimit, until: this.state.clock.now() + seconds * 1000, ozonMessage };
			this.state.windows.close(this.account, endpoint, window);
			const limited: Failure = { ...failure, rateLimit, retryAfterSeconds: seconds, retryAt: window.until, message: rateLimitedMessage(window, false, this.state.clock.now()) };
			return { ok: false, failure: limited, final: seconds * 1000 > this.options.maxRateLimitWaitMs };
		}
		if (kind === 'switchedOff' || kind === 'auth') this.refusedForGood.set(endpoint, failure);
		// Other 4xx answers are final: repeating them would only count against the account.
		return { ok: false, failure, final: kind !== 'unavailable' };
	}

	private failure(failure: Failure, endpoint: string, attempts: number): OzonRequestError {
		const suffix = failure.kind === 'unavailable' && attempts > 1 ? ` (after ${attempts} attempts)` : '';
		return new OzonRequestError(this.redact(failure.message) + suffix, {
			kind: failure.kind,
			endpoint,
			httpCode: failure.httpCode,
			ozonMessage: failure.ozonMessage ? this.redact(failure.ozonMessage) : undefined,
			attempts,
			retryAfterSeconds: failure.retryAfterSeconds,
			retryAt: failure.retryAt,
			rateLimit: failure.rateLimit,
		});
	}

	private parseBody(body: unknown): ParsedBody {
		if (typeof body !== 'string') {
			if (Buffer.isBuffer(body)) return this.parseBody(body.toString('utf8'));
			return body === undefined ? { ok: false, text: '' } : { ok: true, value: body };
		}
		try {
			return { ok: true, value: JSON.parse(body) };
		} catch {
			return { ok: false, text: body };
		}
	}
}
