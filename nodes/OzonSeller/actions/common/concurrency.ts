/**
 * Runs `work` over `items` with at most `limit` in flight, keeping results in input order. After a
 * failure no further item starts, and the call ends only once the items already running have ended
 * (then with the first error): a caller that repeats the work is never racing leftovers of it.
 */
export async function mapConcurrent<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	let failure: { error: unknown } | undefined;
	const worker = async () => {
		while (next < items.length && !failure) {
			const index = next++;
			try {
				results[index] = await work(items[index], index);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	if (failure) throw failure.error;
	return results;
}

/** Requests in flight at once; the per-account rate limiter decides how fast they start. */
export const REQUEST_CONCURRENCY = 8;

/**
 * Items an operation reads between two turns of the event loop: reading thousands of items is
 * seconds of synchronous expression work in n8n, and other executions, webhooks and requests under
 * way need their turns.
 */
export const ITEMS_PER_TURN = 250;
