import { sleep } from 'n8n-workflow';

import { urlMentionedIn } from '../../../domain/plan';
import type { ItemError } from '../../../domain/types';
import type { PushRequest } from '../../../domain/validate';
import type { OzonTransport } from '../../../transport';
import { getImportInfo, importIssueField, importIssueText, type ImportIssue } from '../../../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../../common/concurrency';
import type { FlightBook } from './flight';
import type { ImportTask, ProductWrite } from './entries';

/** Polling schedule for import tasks. Mutable so tests can run it quickly. */
export const polling = { firstDelayMs: 2000, factor: 1.5, maxIntervalMs: 10_000 };

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
			const deadline = (write.sentAt ?? now) + book.pushes[index].settings.resultTimeoutMs;
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
		write.answeredAt = Date.now();
		if (result.status !== 'failed') continue;
		for (const index of book.open(write.members)) {
			const errors = taskErrors(book.pushes[index].entry.request, result.errors, (text) => transport.redact(text));
			book.fail(index, 'failed', errors.length > 0 ? errors : [{ field: 'images', reason: `Ozon reported status "${result.rawStatus}" without details` }]);
		}
	}
}

/**
 * Stage: wait for tasks. Polls every task until Ozon has answered for each of its products, or the
 * last of its pushes' deadlines passes. A push whose own Result Timeout passes first is settled as
 * `pending`; the task is still polled for the others, and so that the product's next push builds
 * on the result.
 */
export async function waitForTasks(book: FlightBook, transport: OzonTransport, tasks: ImportTask[]): Promise<void> {
	const unanswered = (task: ImportTask) => task.writes.filter((write) => write.status === 'pending');
	let active = tasks.filter((task) => unanswered(task).length > 0);
	while (active.length > 0 && !book.stopped) {
		const now = Date.now();
		const due = active.filter((task) => task.nextPollAt <= now);
		await mapConcurrent(due, REQUEST_CONCURRENCY, async (task) => {
			const waiting = unanswered(task);
			try {
				applyResults(book, transport, waiting, await getImportInfo(transport, task.taskId, task.deadline));
			} catch (error) {
				// The write stands; only its result is unknown. It is never re-sent.
				book.requestFailed(error, waiting.flatMap((write) => write.members), 'pending');
				for (const write of waiting) write.status = 'unknown';
			}
			task.polls += 1;
			const interval = Math.min(polling.maxIntervalMs, polling.firstDelayMs * polling.factor ** task.polls);
			task.nextPollAt = Math.min(Date.now() + interval, nextDeadline(book, task));
		});
		const after = Date.now();
		for (const task of active) {
			for (const write of unanswered(task)) {
				for (const index of book.open(write.members)) {
					// Past its own deadline, after a poll at or beyond it: it has timed out.
					if (due.includes(task) && after >= (write.sentAt ?? 0) + book.pushes[index].settings.resultTimeoutMs) {
						book.fail(index, 'pending', [timeoutError(book, index, task.taskId)]);
					}
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
			const wake = Math.min(...active.map((task) => task.nextPollAt));
			await sleep(Math.max(0, wake - Date.now()));
		}
	}
}
