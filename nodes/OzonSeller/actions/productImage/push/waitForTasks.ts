import { sleep } from 'n8n-workflow';

import { urlMentionedIn } from '../../../domain/plan';
import type { ItemError } from '../../../domain/types';
import type { PushRequest } from '../../../domain/validate';
import type { OzonTransport } from '../../../transport';
import { getImportInfo, importIssueField, importIssueText, type ImportIssue } from '../../../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../../common/concurrency';
import type { FlightBook } from './flight';
import type { ImportTask, ProductWrite } from './entries';

/**
 * Polling schedule for import tasks. Mutable so tests can run it quickly. `firstDelayMs`: the first
 * poll while this process has not yet seen how long Ozon takes; `stepMs`: the pace of polls after
 * it; `toleranceMs`: how closely the processing time is learned; `minDelayMs`: the earliest first
 * poll; `forgetMs`: how long a task seen still pending keeps counting as a lower bound.
 */
export const polling = { firstDelayMs: 2000, stepMs: 1000, minDelayMs: 500, toleranceMs: 200, forgetMs: 60_000 };

/**
 * How long Ozon takes to process an import task, as observed by this process (per Ozon key): the
 * shortest time a task was seen finished in, and the longest it was recently seen still pending.
 * Ozon works through tasks roughly in submission order, so a task is first asked about once that
 * time has passed, and most tasks are polled once. While the two bounds are far apart, a first
 * poll goes halfway between them to learn the time closely; the lower bound is forgotten after a
 * while, so a faster Ozon is noticed too.
 */
export class TaskPace {
	private doneMs: number | undefined;

	private pending: { ms: number; at: number } | undefined;

	/**
	 * While nothing is known: the task whose polls learn the time for this key (one at a time, for
	 * all flights), and when its latest poll set off. The others wait for what it finds.
	 */
	private learner: { task: object; at: number } | undefined;

	private learnedNow: () => void = () => {};

	private learning = this.nextLearning();

	/** Whether a time a task was seen finished in is known. */
	get learned(): boolean {
		return this.doneMs !== undefined;
	}

	/** The shortest time a task was seen finished in (from sending to Ozon's answer), if known. */
	get processingMs(): number | undefined {
		return this.doneMs;
	}

	/** Settles once a time a task was seen finished in is known. */
	whenLearned(): Promise<void> {
		return this.learning;
	}

	/** `task` is polled while nothing is known: it learns the time for this key, until its polls lapse. */
	learnWith(task: object, now = Date.now()): void {
		if (this.doneMs === undefined) this.learner = { task, at: now };
	}

	/**
	 * When to ask about a task sent at `sentAt` for the first time. While nothing is known, `task`
	 * waits while another task is learning the time (and so lapses, should that one stop polling).
	 */
	firstPollAt(sentAt: number, now = Date.now(), task?: object): number {
		if (this.doneMs === undefined) {
			const learner = this.learner;
			const lapsesAt = learner ? learner.at + polling.firstDelayMs + polling.stepMs : 0;
			if (task !== undefined && learner && learner.task !== task && now < lapsesAt) return Math.max(lapsesAt, sentAt + polling.firstDelayMs);
			return sentAt + polling.firstDelayMs;
		}
		const lower = this.pending && now - this.pending.at <= polling.forgetMs ? this.pending.ms : 0;
		const gap = this.doneMs - lower;
		return sentAt + Math.max(polling.minDelayMs, gap <= polling.toleranceMs ? this.doneMs : lower + gap / 2);
	}

	/** When to ask again about a task still pending at a poll that ended at `now`. */
	nextPollAt(sentAt: number, now: number): number {
		if (this.doneMs !== undefined && sentAt + this.doneMs > now) return sentAt + this.doneMs;
		return now + polling.stepMs;
	}

	/** A task was still pending when a poll set off `elapsedMs` after it was sent. */
	stillPending(elapsedMs: number, now = Date.now()): void {
		// Pending beyond the time it was known to take: Ozon is slower now; what was known no longer holds.
		if (this.doneMs !== undefined && elapsedMs >= this.doneMs) {
			this.doneMs = undefined;
			this.learning = this.nextLearning();
		}
		const recent = this.pending && now - this.pending.at <= polling.forgetMs ? this.pending.ms : 0;
		this.pending = { ms: Math.max(recent, elapsedMs), at: now };
	}

	/** A task was seen finished `elapsedMs` after it was sent (measured when the answer came). */
	finished(elapsedMs: number): void {
		const learnedNow = this.doneMs === undefined;
		this.doneMs = this.doneMs === undefined ? elapsedMs : Math.min(this.doneMs, elapsedMs);
		if (this.pending && this.pending.ms >= this.doneMs) this.pending = undefined;
		if (!learnedNow) return;
		this.learner = undefined;
		this.learnedNow();
	}

	private nextLearning(): Promise<void> {
		return new Promise<void>((resolve) => (this.learnedNow = resolve));
	}
}

/**
 * The errors of a failed import task, from their own fields (they carry no `url`). When Ozon's text
 * names one of the push's URLs, the error points at that field and position.
 */
function taskErrors(request: PushRequest, issues: ImportIssue[], redact: (text: string) => string): ItemError[] {
	return issues.map((issue) => {
		const reason = importIssueText(issue, redact);
		const named = urlMentionedIn(request, `${issue.message ?? ''} ${issue.description ?? ''}`);
		if (named) return { field: named.field, ...(named.index !== undefined ? { index: named.index } : {}), url: named.url, reason };
		return { field: importIssueField(issue, redact) ?? 'images', reason };
	});
}

function timeoutError(book: FlightBook, index: number, taskId: number): ItemError {
	const seconds = Math.round(book.pushes[index].settings.resultTimeoutMs / 1000);
	return {
		field: 'task',
		reason: `Ozon had not finished processing within ${seconds} s (task_id ${taskId}). The images may still appear; check later with Get Images, or raise Result Timeout`,
	};
}

/**
 * When the next push of `task` times out (each has its own Result Timeout), or the task's own
 * deadline. The deadlines are worked out once per task (`task.timeouts`), not on every turn.
 */
function nextDeadline(task: ImportTask, now: number): number {
	const timeouts = task.timeouts ?? [];
	while (timeouts.length > 0 && timeouts[0] <= now) timeouts.shift();
	return timeouts.length > 0 && timeouts[0] < task.deadline ? timeouts[0] : task.deadline;
}

/** Settles the pushes of writes Ozon has answered for. */
function applyResults(book: FlightBook, transport: OzonTransport, writes: ProductWrite[], results: Awaited<ReturnType<typeof getImportInfo>>): void {
	const byOffer = new Map(results.map((result) => [result.offerId, result]));
	for (const write of writes) {
		const result = byOffer.get(write.product.offerId);
		if (!result || result.status === 'pending') continue;
		write.status = result.status;
		write.answeredAt = Date.now();
		if (result.status !== 'failed') continue;
		for (const index of book.open(write.members)) {
			const errors = taskErrors(book.pushes[index].entry.request, result.errors, (text) => transport.redact(text));
			book.fail(index, 'failed', errors.length > 0 ? errors : [{ field: 'images', reason: `Ozon reported status "${result.rawStatus}" without details` }]);
		}
	}
}

/** Tasks still being submitted while the wait runs: the wait picks them up as they come. */
export interface IncomingTasks {
	/** True once no further task will be added. */
	readonly complete: boolean;
	/** Settles when a task is added or the submitting ends. */
	next(): Promise<void>;
}

const NOTHING_INCOMING: IncomingTasks = { complete: true, next: async () => {} };

/**
 * Stage: wait for tasks. Ozon processes tasks in about the order they were sent, so a task is asked
 * about once the processing time this key has shown has passed (see TaskPace) and no older task
 * is known to be still pending; a younger one behind a pending task is asked about once the older
 * ones have finished, or when one of its pushes' Result Timeout is reached, so that every timeout
 * stays exact. Tasks whose time has come are polled side by side. A push whose own timeout passes is settled
 * as `pending`; the task is still polled for the others, and so that the product's next push builds
 * on the result. `onAnswered` gets each task's writes once Ozon has answered for all of them.
 */
export async function waitForTasks(
	book: FlightBook,
	transport: OzonTransport,
	tasks: ImportTask[],
	pace: TaskPace,
	incoming: IncomingTasks = NOTHING_INCOMING,
	onAnswered: (writes: ProductWrite[]) => void = () => {},
): Promise<void> {
	const unanswered = (task: ImportTask) => task.writes.filter((write) => write.status === 'pending');
	let active: ImportTask[] = [];
	let taken = 0;
	for (;;) {
		if (taken < tasks.length) {
			active = [...active, ...tasks.slice(taken).filter((task) => unanswered(task).length > 0)].sort((a, b) => a.sentAt - b.sentAt);
			taken = tasks.length;
		}
		if (book.stopped || (active.length === 0 && incoming.complete)) return;
		if (active.length === 0) {
			await incoming.next();
			continue;
		}
		const now = Date.now();
		// In order from the oldest: every task whose time has come, up to the first one still to wait
		// for (while it is pending, so are the younger ones); behind it, only Result Timeouts are due.
		// A task is timed when its turn comes, on what the pace knows by then.
		// Behind a task already found pending, or while the pace is still being learned, the oldest goes alone.
		// While nothing is known, one task of the key's flights learns the time; the others wait for it.
		let turn = 0;
		while (turn < active.length) {
			const task = active[turn];
			if (task.polls === 0) task.nextPollAt = Math.min(pace.firstPollAt(task.sentAt, now, task), nextDeadline(task, now));
			if (task.nextPollAt > now) break;
			turn++;
			// Only a task that will be asked again can learn for the others: one asked at its last
			// deadline (a short Result Timeout) is not, and would hold every other task's first poll.
			if (!pace.learned && task.deadline > now) pace.learnWith(task, now);
			if (task.polls > 0 || !pace.learned) break;
		}
		const due = [...active.slice(0, turn), ...active.slice(turn + 1).filter((task) => nextDeadline(task, now) <= now)];
		await mapConcurrent(due, REQUEST_CONCURRENCY, async (task) => {
			const waiting = unanswered(task);
			const asked = Date.now();
			task.polls += 1;
			try {
				applyResults(book, transport, waiting, await getImportInfo(transport, task.taskId, task.deadline));
				if (unanswered(task).length === 0) pace.finished(Date.now() - task.sentAt);
				else pace.stillPending(asked - task.sentAt);
			} catch (error) {
				// Settles first: a stopped carrier's error passes through and the task is polled again.
				book.requestFailed(error, waiting.flatMap((write) => write.members), 'pending');
				// The write stands; only its result is unknown. It is never re-sent.
				for (const write of waiting) write.status = 'unknown';
			}
			const after = Date.now();
			task.nextPollAt = Math.min(pace.nextPollAt(task.sentAt, after), nextDeadline(task, after));
		});
		const after = Date.now();
		const finished = new Set<ImportTask>();
		for (const task of due) {
			const pending = unanswered(task);
			for (const write of pending) {
				for (const index of book.open(write.members)) {
					// Past its own deadline, after a poll at or beyond it: it has timed out.
					if (after >= task.sentAt + book.pushes[index].settings.resultTimeoutMs) book.fail(index, 'pending', [timeoutError(book, index, task.taskId)]);
				}
			}
			if (pending.length === 0) {
				finished.add(task);
				onAnswered(task.writes);
			} else if (after >= task.deadline) {
				for (const write of pending) write.status = 'unknown';
				finished.add(task);
			}
		}
		if (finished.size > 0) active = active.filter((task) => !finished.has(task));
		if (active.length > 0) {
			const wakeNow = Date.now();
			// The oldest decides when the next turn comes (a younger one is timed only once it leads).
			const [leader] = active;
			if (leader.polls === 0) leader.nextPollAt = Math.min(pace.firstPollAt(leader.sentAt, wakeNow, leader), nextDeadline(leader, wakeNow));
			let wake = leader.nextPollAt;
			for (let position = 1; position < active.length; position++) wake = Math.min(wake, nextDeadline(active[position], wakeNow));
			const wakeups = [sleep(Math.max(0, wake - wakeNow))];
			// A task submitted meanwhile may have an earlier Result Timeout than anything known now.
			if (!incoming.complete) wakeups.push(incoming.next());
			// Another flight's task may learn the time meanwhile: this one's first poll is then due.
			if (!pace.learned) wakeups.push(pace.whenLearned());
			await Promise.race(wakeups);
		}
	}
}
