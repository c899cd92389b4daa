import { systemClock, type Clock } from '../runtime/clock';

/**
 * Ozon counts requests per second as they arrive; network jitter can squeeze requests that left a
 * second apart into one second at Ozon's end. Counting over a slightly longer window keeps the
 * arrivals under the cap even at the highest setting.
 */
const JITTER_MARGIN_MS = 100;
const WINDOW_MS = 1000 + JITTER_MARGIN_MS;

/**
 * How the rate adapts to Ozon's per-second 429s (AIMD, as TCP shares a link). Every n8n process
 * (main, each queue-mode worker) has its own limiter and none knows of the others; each halves its
 * rate when Ozon says the Client-Id's 50 requests per second are used up and regains a little every
 * second without such an answer. Processes that share a Client-Id so settle below Ozon's limit
 * together, whatever their number, without talking to each other.
 */
export interface AimdSettings {
	/** Requests per second regained per second without a per-second 429. */
	increasePerSecond: number;
	/** Share of the rate kept after a per-second 429. */
	decreaseFactor: number;
	/** The rate never drops below this. */
	minRate: number;
}

export const DEFAULT_AIMD: Readonly<AimdSettings> = { increasePerSecond: 1, decreaseFactor: 0.5, minRate: 1 };

/**
 * Lets requests start at most `rate` in any rolling window of a little over one second, spread
 * evenly rather than in bursts: bursts from several processes meet at Ozon in the same second.
 * Callers queue in order, so a burst from many executions is spread out rather than rejected by
 * Ozon. `rate` starts at `limit` (Requests per Second) and adapts to Ozon's per-second 429s.
 */
export class RateLimiter {
	private readonly starts: number[] = [];

	private queue: Promise<void> = Promise.resolve();

	private ceiling: number;

	private current: number;

	/** When `current` was last brought up to date. */
	private updatedAt: number;

	/** When the rate was last lowered: 429s of requests started before it belong to that same overload. */
	private loweredAt = Number.NEGATIVE_INFINITY;

	/** The earliest moment the next request may start (even spacing). */
	private nextStart = 0;

	constructor(
		limit: number,
		private readonly clock: Clock = systemClock,
		private readonly aimd: Readonly<AimdSettings> = DEFAULT_AIMD,
	) {
		this.ceiling = limit;
		this.current = limit;
		this.updatedAt = clock.now();
	}

	/** The configured most (Requests per Second); the rate never goes above it. */
	get limit(): number {
		return this.ceiling;
	}

	set limit(limit: number) {
		this.grow(this.clock.now());
		this.ceiling = limit;
		this.current = Math.min(this.current, limit);
	}

	/** Requests per second allowed now. */
	get rate(): number {
		this.grow(this.clock.now());
		return this.current;
	}

	/**
	 * Waits for this request's turn; resolves with the moment it may start (epoch milliseconds), or
	 * undefined once `signal` (the execution's Stop) has fired: a stopped execution's requests leave
	 * the queue without a turn, so executions queued behind them are not held back.
	 */
	acquire(): Promise<number>;
	acquire(signal: AbortSignal | undefined): Promise<number | undefined>;
	acquire(signal?: AbortSignal): Promise<number | undefined> {
		const turn = this.queue.then(async () => {
			for (;;) {
				if (signal?.aborted) return undefined;
				const now = this.clock.now();
				this.grow(now);
				while (this.starts.length > 0 && now - this.starts[0] >= WINDOW_MS) this.starts.shift();
				const allowed = Math.max(1, Math.floor(this.current));
				if (this.starts.length < allowed && now >= this.nextStart) {
					this.starts.push(now);
					this.nextStart = now + WINDOW_MS / this.current;
					return now;
				}
				const windowFrees = this.starts.length < allowed ? now : this.starts[this.starts.length - allowed] + WINDOW_MS;
				await this.clock.sleep(Math.max(1, Math.ceil(Math.max(this.nextStart, windowFrees) - now)));
			}
		});
		this.queue = turn.then(
			() => undefined,
			() => undefined,
		);
		return turn;
	}

	/**
	 * Ozon answered a request that started at `startedAt` with its per-second 429: the rate halves.
	 * Requests already sent before an earlier halving were sent at the old rate; their 429s are the
	 * same overload and lower it no further.
	 */
	slowDown(startedAt: number): void {
		const now = this.clock.now();
		if (startedAt < this.loweredAt) return;
		this.grow(now);
		this.current = Math.max(this.aimd.minRate, Math.min(this.ceiling, this.current * this.aimd.decreaseFactor));
		this.loweredAt = now;
		// The next start keeps the new, wider spacing.
		this.nextStart = Math.max(this.nextStart, now + WINDOW_MS / this.current);
	}

	private grow(now: number): void {
		const seconds = Math.max(0, now - this.updatedAt) / 1000;
		this.current = Math.min(this.ceiling, this.current + seconds * this.aimd.increasePerSecond);
		this.updatedAt = now;
	}
}
