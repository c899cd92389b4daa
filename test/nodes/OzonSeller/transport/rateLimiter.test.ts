import { DEFAULT_AIMD, RateLimiter, type AimdSettings } from '../../../../nodes/OzonSeller/transport/rateLimiter';
import { TransportState } from '../../../../nodes/OzonSeller/transport/state';
import { VirtualTime } from '../../../helpers/virtualTime';

/** The most starts within any rolling one-second window. */
function peakPerSecond(starts: number[]): number {
	let peak = 0;
	for (let end = 0, start = 0; end < starts.length; end++) {
		while (starts[end] - starts[start] >= 1000) start++;
		peak = Math.max(peak, end - start + 1);
	}
	return peak;
}

describe('RateLimiter', () => {
	it('never lets more than the limit start in any one-second window, and spreads the rest', async () => {
		// Virtual time: the starts are the limiter's own (the moment `acquire` hands out), whatever the machine's load.
		const clock = new VirtualTime().start();
		try {
			const limiter = new RateLimiter(20, clock);
			const began = clock.now();
			const starts = await Promise.all(Array.from({ length: 50 }, async () => await limiter.acquire()));
			starts.sort((a, b) => a - b);
			expect(peakPerSecond(starts)).toBeLessThanOrEqual(20);
			// 50 starts at 20/s need at least two full windows: the last starts two seconds or more after the first call.
			expect(starts[49] - began).toBeGreaterThanOrEqual(2000);
		} finally {
			await clock.stop();
		}
	});

	it('is shared per Client-Id across callers, and takes the latest setting', () => {
		const state = new TransportState();
		const first = state.limiterFor('client-a', 40);
		expect(state.limiterFor('client-a', 25)).toBe(first);
		expect(first.limit).toBe(25);
		expect(state.limiterFor('client-b', 40)).not.toBe(first);
	});
});

/** Virtual time driven by hand (test/helpers/virtualTime.ts): the limiter's clock, and the senders' and Ozon's below. */
describe('RateLimiter adapts to per-second 429s (AIMD), in virtual time', () => {
	let clock: VirtualTime;
	beforeEach(() => {
		clock = new VirtualTime({ start: 1_000_000 });
	});

	it('spaces starts evenly instead of letting the whole second go at once', async () => {
		const limiter = new RateLimiter(10, clock);
		const starts: number[] = [];
		const all = Promise.all(Array.from({ length: 10 }, async () => starts.push(await limiter.acquire())));
		await clock.runFor(2000);
		await all;
		const gaps = starts.slice(1).map((at, i) => at - starts[i]);
		// 10 per 1.1 s window: one every 110 ms.
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(110);
		expect(starts[9] - starts[0]).toBeLessThan(1100);
	});

	it('halves its rate on a per-second 429, once per overload: 429s of requests sent before the halving lower it no further', async () => {
		const limiter = new RateLimiter(40, clock);
		const early = await limiter.acquire();
		const second = limiter.acquire();
		await clock.runFor(50);
		const alsoEarly = await second;
		limiter.slowDown(early);
		expect(limiter.rate).toBe(20);
		// Sent at the old rate, answered after the halving: the same overload.
		limiter.slowDown(alsoEarly);
		expect(limiter.rate).toBe(20);
		// A request sent after the halving and refused again: the rate halves again.
		const later = limiter.acquire();
		await clock.runFor(100);
		limiter.slowDown(await later);
		// 20, plus 0.1 s of regained rate, halved.
		expect(limiter.rate).toBeCloseTo((20 + 0.1 * DEFAULT_AIMD.increasePerSecond) * DEFAULT_AIMD.decreaseFactor, 5);
	});

	it('regains the rate additively while Ozon does not refuse, never above Requests per Second, never below one', async () => {
		const limiter = new RateLimiter(40, clock);
		limiter.slowDown(clock.now());
		expect(limiter.rate).toBe(20);
		await clock.runFor(1000);
		expect(limiter.rate).toBe(20 + DEFAULT_AIMD.increasePerSecond);
		await clock.runFor(5000);
		expect(limiter.rate).toBe(20 + 6 * DEFAULT_AIMD.increasePerSecond);
		await clock.runFor(60_000);
		expect(limiter.rate).toBe(40);
		// A lower setting from a later execution applies at once.
		limiter.limit = 15;
		expect(limiter.rate).toBe(15);
		for (let i = 0; i < 20; i++) limiter.slowDown(clock.now());
		expect(limiter.rate).toBeGreaterThanOrEqual(DEFAULT_AIMD.minRate);
		expect(limiter.rate).toBeLessThan(DEFAULT_AIMD.minRate + 1);
	});

	/**
	 * Processes (n8n main and workers) that share a Client-Id, each with its own limiter and no
	 * shared state, sending as fast as their limiter lets them for `seconds` against an Ozon that
	 * accepts 50 requests in any second and answers the rest with its per-second 429 (Retry-After 1:
	 * the process sends nothing for a second, as the transport does).
	 */
	async function shareOneClientId(processes: number, seconds: number, requestsPerSecond = 40, aimd: AimdSettings = DEFAULT_AIMD) {
		const ozonLimit = 50;
		const accepted: number[] = [];
		const refused: number[] = [];
		const limiters = Array.from({ length: processes }, () => new RateLimiter(requestsPerSecond, clock, aimd));
		const end = clock.now() + seconds * 1000;
		const ozon = (now: number) => {
			while (accepted.length > 0 && now - accepted[0] >= 1000) accepted.shift();
			return accepted.length < ozonLimit;
		};
		const acceptedAll: number[] = [];
		const rates: number[][] = limiters.map(() => []);
		const sender = async (limiter: RateLimiter, index: number, windowUntil: { at: number }) => {
			while (clock.now() < end) {
				const started = await limiter.acquire();
				if (clock.now() < windowUntil.at) {
					await clock.sleep(windowUntil.at - clock.now());
					continue;
				}
				// 30 ms there and back.
				await clock.sleep(15);
				const now = clock.now();
				if (ozon(now)) {
					accepted.push(now);
					acceptedAll.push(now);
				} else {
					refused.push(now);
					limiter.slowDown(started);
					windowUntil.at = Math.max(windowUntil.at, now + 15 + 1000);
				}
				await clock.sleep(15);
				rates[index].push(limiter.rate);
			}
		};
		// Eight requests in flight per process, as the node's stages send them.
		const running = limiters.flatMap((limiter, index) => {
			const windowUntil = { at: 0 };
			return Array.from({ length: 8 }, () => sender(limiter, index, windowUntil));
		});
		const started = clock.now();
		await clock.runFor(seconds * 1000 + 5000);
		await Promise.all(running);
		const total = acceptedAll.length + refused.length;
		return {
			refusedShare: refused.length / total,
			acceptedPerSecond: acceptedAll.length / seconds,
			peakAccepted: peakPerSecond(acceptedAll),
			// After the first overload, in the second half of the run.
			refusedLaterShare: refused.filter((at) => at - started > (seconds * 1000) / 2).length / Math.max(1, [...acceptedAll, ...refused].filter((at) => at - started > (seconds * 1000) / 2).length),
			maxRate: Math.max(...rates.flat()),
		};
	}

	it.each([2, 3, 5])("%s processes at 40 requests per second each settle below Ozon's 50: few 429s, far fewer than without adapting, most of the limit used", async (processes) => {
		const adaptive = await shareOneClientId(processes, 120);
		// The same processes with limiters that never lower their rate (each still pauses a second after a 429).
		const fixed = await shareOneClientId(processes, 120, 40, { ...DEFAULT_AIMD, decreaseFactor: 1 });
		process.stdout.write(`AIMD ${processes} processes: adaptive ${JSON.stringify(adaptive)}, fixed ${JSON.stringify(fixed)}\n`);
		expect(adaptive.refusedShare).toBeLessThanOrEqual(0.05);
		expect(adaptive.refusedLaterShare).toBeLessThanOrEqual(0.05);
		expect(adaptive.refusedShare).toBeLessThanOrEqual(fixed.refusedShare / 3);
		expect(adaptive.acceptedPerSecond).toBeGreaterThanOrEqual(30);
		expect(adaptive.peakAccepted).toBeLessThanOrEqual(50);
		expect(adaptive.maxRate).toBeLessThanOrEqual(40);
	});
});
