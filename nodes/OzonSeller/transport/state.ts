/**
 * What the transport keeps for the whole n8n process: one rate limiter per Client-Id, Ozon's refusal
 * windows, and when each key expires. One instance lives in the process state (runtime/nodeProcess.ts);
 * its clock and settings come in through the constructor.
 */
import { systemClock, type Clock } from '../runtime/clock';
import { PROBE_TIMEOUT_MS } from './imageProbe';
import { DEFAULT_AIMD, RateLimiter, type AimdSettings } from './rateLimiter';
import { RetryWindows } from './retryAfter';

/** Backoff for retries of faults: exponential with full jitter. */
export interface BackoffSettings {
	baseMs: number;
	maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffSettings> = { baseMs: 500, maxMs: 10_000 };

export interface TransportSettings {
	backoff: BackoffSettings;
	aimd: AimdSettings;
	/** How long Check URLs First waits for an image host's answer (ms). */
	probeTimeoutMs: number;
}

/** When a key's expiry was read, and what it said (undefined: Ozon did not say or could not be asked). */
export interface ExpiryCheck {
	checkedAt: number;
	expiresAt: Promise<number | undefined>;
}

export class TransportState {
	readonly settings: Readonly<TransportSettings>;

	private readonly limiters = new Map<string, RateLimiter>();

	readonly windows = new RetryWindows();

	/** Keyed by a one-way hash of base URL, Client-Id and key: the key itself is never kept here. */
	readonly expiryChecks = new Map<string, ExpiryCheck>();

	constructor(
		readonly clock: Clock = systemClock,
		settings: Partial<TransportSettings> = {},
	) {
		this.settings = { backoff: { ...DEFAULT_BACKOFF, ...settings.backoff }, aimd: { ...DEFAULT_AIMD, ...settings.aimd }, probeTimeoutMs: settings.probeTimeoutMs ?? PROBE_TIMEOUT_MS };
	}

	/** One limiter per Client-Id for the whole process: Ozon counts all of an account's requests together. */
	limiterFor(clientId: string, requestsPerSecond: number): RateLimiter {
		let limiter = this.limiters.get(clientId);
		if (!limiter) {
			limiter = new RateLimiter(requestsPerSecond, this.clock, this.settings.aimd);
			this.limiters.set(clientId, limiter);
		}
		// The latest execution's setting applies to the account from now on.
		limiter.limit = requestsPerSecond;
		return limiter;
	}

	/** Retry delay after `attempt` faults (0-based): exponential, with full jitter. */
	backoffDelay(attempt: number): number {
		const { baseMs, maxMs } = this.settings.backoff;
		const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
		return Math.round(ceiling / 2 + (this.clock.random() * ceiling) / 2);
	}
}
