import { sleep } from 'n8n-workflow';

import { urlMentionedIn } from '../../../domain/plan';
import type { ItemError } from '../../../domain/types';
import type { OzonTransport } from '../../../transport';
import { getImportInfo, importIssueField, importIssueText, type ImportIssue } from '../../../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../../common/concurrency';
import type { ItemLedger } from '../../common/ledger';
import type { ImportTask, PushEntry } from './entries';

/** Polling schedule for import tasks. Mutable so tests can run it quickly. */
export const polling = { firstDelayMs: 2000, factor: 1.5, maxIntervalMs: 10_000 };

/** Sent, not yet settled, and Ozon has not said how it went. */
export function awaitingOzon(ledger: ItemLedger, entry: PushEntry): boolean {
	return entry.status === 'pending' && !ledger.isSettled(entry.index);
}

/**
 * The errors of a failed import task, from their own fields (they carry no `url`). When Ozon's text
 * names one of the user's URLs, the error points at that field and position.
 */
function taskErrors(entry: PushEntry, issues: ImportIssue[], redact: (text: string) => string): ItemError[] {
	return issues.map((issue) => {
		const reason = importIssueText(issue, redact);
		const named = urlMentionedIn(entry.request, `${issue.message ?? ''} ${issue.description ?? ''}`);
		if (named) return { field: named.field, ...(named.index !== undefined ? { index: named.index } : {}), url: named.url, reason };
		return { field: importIssueField(issue, redact) ?? 'images', reason };
	});
}

/**
 * Stage 7, wait for tasks: polls every task until each of its products is imported, skipped or
 * failed, or its deadline passes (then the item is settled as `pending`).
 */
export async function waitForTasks(ledger: ItemLedger, transport: OzonTransport, tasks: ImportTask[], resultTimeoutMs: number): Promise<void> {
	let active = tasks;
	while (active.length > 0 && !ledger.stopped) {
		const now = Date.now();
		const due = active.filter((task) => task.nextPollAt <= now);
		await mapConcurrent(due, REQUEST_CONCURRENCY, async (task) => {
			const waiting = task.entries.filter((entry) => awaitingOzon(ledger, entry));
			try {
				const results = await getImportInfo(transport, task.taskId, task.deadline);
				const byOffer = new Map(results.map((result) => [result.offerId, result]));
				for (const entry of waiting) {
					const result = byOffer.get(entry.v2Item?.offer_id as string);
					if (!result || result.status === 'pending') continue;
					entry.status = result.status;
					if (result.status === 'failed') {
						const errors = taskErrors(entry, result.errors, (text) => transport.redact(text));
						ledger.fail(entry.index, 'failed', errors.length > 0 ? errors : [{ field: 'images', reason: `Ozon reported status "${result.rawStatus}" without details` }]);
					}
				}
			} catch (error) {
				// The write stands; only its result is unknown. It is never re-sent.
				ledger.requestFailed(error, waiting.map((entry) => entry.index), 'pending');
			}
			task.polls += 1;
			const interval = Math.min(polling.maxIntervalMs, polling.firstDelayMs * polling.factor ** task.polls);
			task.nextPollAt = Math.min(Date.now() + interval, task.deadline);
		});
		active = active.filter((task) => {
			const stillPending = task.entries.filter((entry) => awaitingOzon(ledger, entry));
			if (stillPending.length === 0) return false;
			// The last poll happens at the deadline; whatever is still pending after it has timed out.
			if (due.includes(task) && Date.now() >= task.deadline) {
				for (const entry of stillPending) {
					ledger.fail(entry.index, 'pending', [
						{
							field: 'task',
							reason: `Ozon had not finished processing within ${Math.round(resultTimeoutMs / 1000)} s (task_id ${task.taskId}). The images may still appear; check later with Get Images, or raise Result Timeout`,
						},
					]);
				}
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

/**
 * With Wait for Result off, the last requests' items are not waited for: they succeed as `pending`
 * with the task that shows how they went.
 */
export function leaveTasksPending(ledger: ItemLedger, tasks: ImportTask[]): void {
	for (const entry of tasks.flatMap((task) => task.entries).sort((a, b) => a.index - b.index)) {
		if (!awaitingOzon(ledger, entry)) continue;
		ledger.warn(entry.index, {
			field: 'waitForResult',
			message: `Not waited for Ozon's processing result (Wait for Result is off); task_id ${entry.taskId} shows it`,
		});
		ledger.succeed(entry.index, 'pending');
	}
}
