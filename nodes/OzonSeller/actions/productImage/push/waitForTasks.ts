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
 * it, fine enough to learn that time closely.
 */
export const polling = { firstDelayMs: 2000, stepMs: 1000, minDelayMs: 500 };

/**
 * How long Ozon takes to process an import task, as observed by this process (per Ozon key). Ozon
 * works through tasks roughly in submission order, so a task is first asked about once that long
 * after it was sent: most tasks are polled once.
 */
export class TaskPace {
	private estimateMs: number | undefined;

	/** When to ask about a task sent at `sentAt` for the first time. */
	firstPollAt(sentAt: number): number {
		return sentAt + (this.estimateMs ?? polling.firstDelayMs);
	}

	/** A task was seen finished `elapsedMs` after it was sent, on its `polls`-th poll. */
	finished(elapsedMs: number, polls: number): void {
		if (polls > 1 || this.estimateMs === undefined) this.estimateMs = Math.max(elapsedMs, polling.minDelayMs);
		// Answered at the first ask: Ozon may be faster now; creep the estimate down.
		else this.estimateMs = Math.max(polling.minDelayMs, this.estimateMs * 0.95);
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

/** When the next push of `task` times out (each has its own Result Timeout), or the task's own deadline. */
function nextDeadline(book: FlightBook, task: ImportTask): number {
	const now = Date.now();
	let next = task.deadline;
	for (const write of task.writes) {
		if (write.status !== 'pending') continue;
		for (const index of book.open(write.members)) {
			const deadline = task.sentAt + book.pushes[index].settings.resultTimeoutMs;
			if (deadline > now && deadline < next) next = deadline;
		}
	}
	return next;
}

/** Settles the pushes of writes Ozon has answered for. */
function applyResults(book: FlightBook, transport: OzonTransport, writes: ProductWrite[], results: Awaited<ReturnType<typeof getImportInfo>>): void {
	const byOffer = new Map(results.map((result) => [result.offerId, result]));
	for (const write of writes) {
		const result = byOffer.get(write.product.offerId);
		if (!result || result.status === 'pending') continue;
		write.status = result.status;
		if (result.status !== 'failed') continue;
		for (const index of book.open(write.members)) {
			const errors = taskErrors(book.pushes[index].entry.request, result.errors, (text) => transport.redact(text));
			book.fail(index, 'failed', errors.length > 0 ? errors : [{ field: 'images', reason: `Ozon reported status "${result.rawStatus}" without details` }]);
		}
	}
}

/**
 * Stage: wait for tasks. Ozon processes tasks in about the order they were sent, so only the oldest
 * unfinished task is polled (at its first-poll time, then every `stepMs`); a younger one is asked
 * about once the older ones have finished, or when one of its pushes' Result Timeout is reached, so
 * that every timeout stays exact. A push whose own timeout passes is settled as `pending`; the task
 * is still polled for the others, and so that the product's next push builds on the result.
 */
export async function waitForTasks(book: FlightBook, transport: OzonTransport, tasks: ImportTask[], pace: TaskPace): Promise<void> {
	const unanswered = (task: ImportTask) => task.writes.filter((write) => write.status === 'pending');
	let active = tasks.filter((task) => unanswered(task).length > 0).sort((a, b) => a.sentAt - b.sentAt);
	while (active.length > 0 && !book.stopped) {
		const now = Date.now();
		const [oldest] = active;
		const due = active.filter((task) => (task === oldest ? task.nextPollAt : nextDeadline(book, task)) <= now);
		await mapConcurrent(due, REQUEST_CONCURRENCY, async (task) => {
			const waiting = unanswered(task);
			task.polls += 1;
			try {
				applyResults(book, transport, waiting, await getImportInfo(transport, task.taskId, task.deadline));
				if (unanswered(task).length === 0) pace.finished(Date.now() - task.sentAt, task.polls);
			} catch (error) {
				// The write stands; only its result is unknown. It is never re-sent.
				book.requestFailed(error, waiting.flatMap((write) => write.members), 'pending');
				for (const write of waiting) write.status = 'unknown';
			}
			task.nextPollAt = Math.min(Math.max(Date.now() + polling.stepMs, task.nextPollAt), nextDeadline(book, task));
		});
		const after = Date.now();
		for (const task of due) {
			for (const write of unanswered(task)) {
				for (const index of book.open(write.members)) {
					// Past its own deadline, after a poll at or beyond it: it has timed out.
					if (after >= task.sentAt + book.pushes[index].settings.resultTimeoutMs) book.fail(index, 'pending', [timeoutError(book, index, task.taskId)]);
				}
			}
		}
		active = active.filter((task) => {
			const pending = unanswered(task);
			if (pending.length === 0) return false;
			if (due.includes(task) && after >= task.deadline) {
				for (const write of pending) write.status = 'unknown';
				return false;
			}
			return true;
		});
		if (active.length > 0) {
			const wake = Math.min(active[0].nextPollAt, ...active.slice(1).map((task) => nextDeadline(book, task)));
			await sleep(Math.max(0, wake - Date.now()));
		}
	}
}
