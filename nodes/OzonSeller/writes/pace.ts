/**
 * How long Ozon takes to process an import task, as observed by this process (per Ozon key): the
 * shortest time a task was seen finished in, and the longest it was recently seen still pending.
 * Ozon works through tasks roughly in submission order, so a task is first asked about once that
 * time has passed, and most tasks are polled once. While the two bounds are far apart, a first
 * poll goes halfway between them to learn the time closely; the lower bound is forgotten after a
 * while, so a faster Ozon is noticed too.
 *
 * The wait for other writers needs the other end: a time that covers the slow tasks seen, as
 * another worker's slower task must have landed before a read-back may call a push confirmed.
 */
import type { Clock } from '../runtime/clock';
import type { PollingSettings } from './settings';

/** How many recent finishing times the slow estimate covers. */
const SLOW_SAMPLES = 32;

/**
 * How long a finishing time counts for the slow estimate. Ozon's load changes: one task that took
 * ten minutes at night must not hold every read-back (and its product's lane) ten minutes the next
 * day, whatever the pushes' Result Timeout. Another worker's write that is slow now shows in this
 * process's own recent polls.
 */
export const SLOW_MEMORY_MS = 15 * 60_000;

export class TaskPace {
	private doneMs: number | undefined;

	private pending: { ms: number; at: number } | undefined;

	/** Recent processing times known closely (see finished), oldest first. */
	private readonly recent: number[] = [];

	/** When each of `recent` was seen (clock ms), alike. */
	private readonly recentAt: number[] = [];

	/**
	 * While nothing is known: the task whose polls learn the time for this key (one at a time, for
	 * all flights), and when its latest poll set off. The others wait for what it finds.
	 */
	private learner: { task: object; at: number } | undefined;

	private learnedNow: () => void = () => {};

	private learning = this.nextLearning();

	constructor(
		private readonly clock: Clock,
		private readonly polling: Readonly<PollingSettings>,
	) {}

	/** Whether a time a task was seen finished in is known. */
	get learned(): boolean {
		return this.doneMs !== undefined;
	}

	/** The shortest time a task was seen finished in (from sending to Ozon's answer), if known. */
	get processingMs(): number | undefined {
		return this.doneMs;
	}

	/**
	 * A processing time that covers the slow tasks seen lately: the longest of the recent ones whose
	 * time is known closely, and never less than the shortest seen. Undefined while nothing is known.
	 */
	get slowProcessingMs(): number | undefined {
		this.forgetOldSamples();
		if (this.doneMs === undefined) return this.recent.length === 0 ? undefined : Math.max(...this.recent);
		return Math.max(this.doneMs, ...this.recent);
	}

	/** Settles once a time a task was seen finished in is known. */
	whenLearned(): Promise<void> {
		return this.learning;
	}

	/** `task` is polled while nothing is known: it learns the time for this key, until its polls lapse. */
	learnWith(task: object, now = this.clock.now()): void {
		if (this.doneMs !== undefined) return;
		this.learner = { task, at: now };
	}

	/**
	 * When to ask about a task sent at `sentAt` for the first time. While nothing is known, `task`
	 * waits while another task is learning the time (and so lapses, should that one stop polling).
	 */
	firstPollAt(sentAt: number, now = this.clock.now(), task?: object): number {
		const { firstDelayMs, stepMs, forgetMs, minDelayMs, toleranceMs } = this.polling;
		if (this.doneMs === undefined) {
			const learner = this.learner;
			const lapsesAt = learner ? learner.at + firstDelayMs + stepMs : 0;
			if (task !== undefined && learner && learner.task !== task && now < lapsesAt) return Math.max(lapsesAt, sentAt + firstDelayMs);
			return sentAt + firstDelayMs;
		}
		const lower = this.pending && now - this.pending.at <= forgetMs ? this.pending.ms : 0;
		const gap = this.doneMs - lower;
		return sentAt + Math.max(minDelayMs, gap <= toleranceMs ? this.doneMs : lower + gap / 2);
	}

	/** When to ask again about a task still pending at a poll that ended at `now`. */
	nextPollAt(sentAt: number, now: number): number {
		if (this.doneMs !== undefined && sentAt + this.doneMs > now) return sentAt + this.doneMs;
		return now + this.polling.stepMs;
	}

	/** A task was still pending when a poll set off `elapsedMs` after it was sent. */
	stillPending(elapsedMs: number, now = this.clock.now()): void {
		// Pending beyond the time it was known to take: Ozon is slower now; what was known no longer holds.
		if (this.doneMs !== undefined && elapsedMs >= this.doneMs) {
			this.doneMs = undefined;
			this.learning = this.nextLearning();
		}
		const recent = this.pending && now - this.pending.at <= this.polling.forgetMs ? this.pending.ms : 0;
		this.pending = { ms: Math.max(recent, elapsedMs), at: now };
	}

	/**
	 * A task was seen finished `elapsedMs` after it was sent (measured when the answer came).
	 * `closelyMs`: Ozon's own time for it, where a poll shortly before had seen it still pending.
	 */
	finished(elapsedMs: number, closelyMs?: number): void {
		if (closelyMs !== undefined) {
			this.recent.push(closelyMs);
			this.recentAt.push(this.clock.now());
			if (this.recent.length > SLOW_SAMPLES) {
				this.recent.shift();
				this.recentAt.shift();
			}
		}
		const learnedNow = this.doneMs === undefined;
		this.doneMs = this.doneMs === undefined ? elapsedMs : Math.min(this.doneMs, elapsedMs);
		if (this.pending && this.pending.ms >= this.doneMs) this.pending = undefined;
		if (!learnedNow) return;
		this.learner = undefined;
		this.learnedNow();
	}

	/** Drops the slow samples older than SLOW_MEMORY_MS. */
	private forgetOldSamples(): void {
		const since = this.clock.now() - SLOW_MEMORY_MS;
		while (this.recentAt.length > 0 && this.recentAt[0] < since) {
			this.recent.shift();
			this.recentAt.shift();
		}
	}

	private nextLearning(): Promise<void> {
		return new Promise<void>((resolve) => (this.learnedNow = resolve));
	}
}
