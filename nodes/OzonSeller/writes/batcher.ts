/**
 * Gathers items and hands what is ready to an injected dispatch function, Nagle-style (as
 * dataloader's loader hands keys to its batch function): when nothing is out, ready items leave at
 * once; while something is out, they gather and leave together once they fill a batch or the
 * oldest has waited `maxWaitMs`. What "ready" and "out" mean is the caller's (the product lanes'
 * rules live in the coordinator): the batcher only counts and keeps time.
 */
import type { Clock } from '../runtime/clock';

export interface BatcherOptions<T> {
	clock: Clock;
	maxBatch: number;
	maxWaitMs: number;
	/** Whether an item may leave now. */
	isReady(item: T): boolean;
	/** When the item was queued (clock ms). */
	queuedAt(item: T): number;
	/** Whether a batch is out: then ready items gather for company. */
	busy(): boolean;
	dispatch(batch: T[]): void;
	/** Called first on every look at the queue: the caller may settle items that waited too long (returns the items kept) and ask to be woken at a time. */
	sweep(items: T[], now: number): { kept: T[]; wakeAt?: number };
}

export class Batcher<T> {
	private items: T[] = [];

	/** When the armed wake-up fires (clock ms), if one is armed. */
	private wakeAt: number | undefined;

	constructor(private readonly options: BatcherOptions<T>) {}

	get size(): number {
		return this.items.length;
	}

	add(items: T[], order?: (a: T, b: T) => number): void {
		this.items = order ? [...this.items, ...items].sort(order) : [...this.items, ...items];
	}

	some(predicate: (item: T) => boolean): boolean {
		return this.items.some(predicate);
	}

	/** Takes the items that match out of the queue; returns them. */
	remove(predicate: (item: T) => boolean): T[] {
		const removed = this.items.filter(predicate);
		this.items = this.items.filter((item) => !predicate(item));
		return removed;
	}

	/** Looks at the queue: dispatches what may leave now, and arms a wake-up for what waits on time. */
	schedule(): void {
		const { clock, maxBatch, maxWaitMs } = this.options;
		this.wakeAt = undefined;
		const now = clock.now();
		const swept = this.options.sweep(this.items, now);
		this.items = swept.kept;
		if (swept.wakeAt !== undefined) this.wake(swept.wakeAt);
		if (this.items.length === 0) return;
		const ready = this.items.filter((item) => this.options.isReady(item));
		if (ready.length === 0) return;
		if (this.options.busy()) {
			let oldest = Infinity;
			for (const item of ready) oldest = Math.min(oldest, this.options.queuedAt(item));
			const leaveAt = oldest + maxWaitMs;
			if (ready.length < maxBatch && now < leaveAt) return this.wake(leaveAt);
		}
		const leaving = new Set(ready);
		this.items = this.items.filter((item) => !leaving.has(item));
		this.options.dispatch(ready);
	}

	/** Looks at the queue again at `at`, unless a look no later than that is already due. */
	private wake(at: number): void {
		if (this.wakeAt !== undefined && this.wakeAt <= at) return;
		this.wakeAt = at;
		const { clock } = this.options;
		void (async () => {
			// In short steps: once the gathered items have left, no timer outlives them for long.
			while (this.wakeAt === at && clock.now() < at) await clock.sleep(Math.min(250, at - clock.now()));
			if (this.wakeAt !== at) return;
			this.wakeAt = undefined;
			this.schedule();
		})();
	}
}
