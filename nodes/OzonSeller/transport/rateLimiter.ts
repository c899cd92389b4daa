import { sleep } from 'n8n-workflow';

/**
 * Ozon counts requests per second as they arrive; network jitter can squeeze requests that left a
 * second apart into one second at Ozon's end. Counting over a slightly longer window keeps the
 * arrivals under the cap even at the highest setting.
 */
const JITTER_MARGIN_MS = 100;
const WINDOW_MS = 1000 + JITTER_MARGIN_MS;

/**
 * Lets at most `limit` requests start in any rolling window of a little over one second. Callers
 * queue in order, so a burst from many executions is spread out rather than rejected by Ozon.
 */
export class RateLimiter {
	private readonly starts: number[] = [];

	private queue: Promise<void> = Promise.resolve();

	constructor(public limit: number) {}

	acquire(): Promise<void> {
		const turn = this.queue.then(async () => {
			for (;;) {
				const now = Date.now();
				while (this.starts.length > 0 && now - this.starts[0] >= WINDOW_MS) this.starts.shift();
				if (this.starts.length < this.limit) {
					this.starts.push(now);
					return;
				}
				await sleep(this.starts[0] + WINDOW_MS - now);
			}
		});
		this.queue = turn.catch(() => undefined);
		return turn;
	}
}

// One limiter per Client-Id for the whole n8n process: Ozon counts all of an account's requests together.
const limiters = new Map<string, RateLimiter>();

export function limiterFor(clientId: string, requestsPerSecond: number): RateLimiter {
	let limiter = limiters.get(clientId);
	if (!limiter) {
		limiter = new RateLimiter(requestsPerSecond);
		limiters.set(clientId, limiter);
	}
	// The latest execution's setting applies to the account from now on.
	limiter.limit = requestsPerSecond;
	return limiter;
}
