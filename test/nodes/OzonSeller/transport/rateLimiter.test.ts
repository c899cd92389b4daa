import { RateLimiter, limiterFor } from '../../../../nodes/OzonSeller/transport/rateLimiter';

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
		const limiter = new RateLimiter(20);
		const starts: number[] = [];
		const began = Date.now();
		await Promise.all(Array.from({ length: 50 }, async () => {
			await limiter.acquire();
			starts.push(Date.now());
		}));
		starts.sort((a, b) => a - b);
		expect(peakPerSecond(starts)).toBeLessThanOrEqual(20);
		// 50 starts at 20/s need at least two full windows.
		expect(Date.now() - began).toBeGreaterThanOrEqual(2000);
	});

	it('is shared per Client-Id across callers, and takes the latest setting', () => {
		const first = limiterFor('client-a', 40);
		expect(limiterFor('client-a', 25)).toBe(first);
		expect(first.limit).toBe(25);
		expect(limiterFor('client-b', 40)).not.toBe(first);
	});
});
