/**
 * Stage: wait for tasks. Polls Ozon's import tasks until each write has an answer or every push
 * waiting for it has reached its Result Timeout. A poll that fails is asked again until then: the
 * write stands whatever a poll says, and is never sent again.
 */
import { urlMentionedIn } from '../domain/plan';
import type { ItemError } from '../domain/types';
import type { PushRequest } from '../domain/validate';
import type { OzonTransport } from '../transport';
import { OzonRequestError, type OzonFailureKind } from '../transport/errors';
import { getImportInfo, importIssueError, importIssueText, type ImportIssue } from '../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../actions/common/concurrency';
import type { FlightBook } from './book';
import type { FlightHost, WriteEvents } from './host';
import type { ImportTask, ProductWrite } from './types';

/** Failures of a poll that a later poll may not meet: Ozon busy, limiting the rate, or not answering. */
const TRANSIENT: ReadonlySet<OzonFailureKind> = new Set<OzonFailureKind>(['unavailable', 'rateLimited', 'conflict']);

/**
 * The errors of a failed import task, from their own fields (they carry no `url`). When Ozon's text
 * names one of the push's URLs, the error points at that field and position.
 */
function taskErrors(request: PushRequest, issues: ImportIssue[], redact: (text: string) => string): ItemError[] {
	return issues.map((issue) => {
		const named = urlMentionedIn(request, `${issue.message ?? ''} ${issue.description ?? ''}`);
		if (named) return { field: named.field, ...(named.index !== undefined ? { index: named.index } : {}), url: named.url, reason: importIssueText(issue, redact) };
		return importIssueError(issue, redact);
	});
}

function timeoutError(book: FlightBook, index: number, task: ImportTask): ItemError {
	const seconds = Math.round(book.pushes[index].settings.resultTimeoutMs / 1000);
	const polls = task.lastPollError ? ` Ozon could not be asked about it (${task.lastPollError});` : '';
	return {
		field: 'task',
		reason: `Ozon had not finished processing within ${seconds} s (task_id ${task.taskId}).${polls} The images may still appear; check later with Get Images, or raise Result Timeout`,
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
function applyResults(book: FlightBook, transport: OzonTransport, writes: ProductWrite[], results: Awaited<ReturnType<typeof getImportInfo>>, now: number, events: WriteEvents, answered: ProductWrite[]): void {
	const byOffer = new Map(results.map((result) => [result.offerId, result]));
	for (const write of writes) {
		const result = byOffer.get(write.product.offerId);
		if (!result || result.status === 'pending') continue;
		write.status = result.status;
		write.answeredAt = now;
		answered.push(write);
		events.answered(write);
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
 * on the result. `onAnswered` gets each write as soon as Ozon has answered for it (a task's products
 * may finish at different times); `onIdle` is called whenever the wait goes to sleep.
 */
export async function waitForTasks(
	book: FlightBook,
	transport: OzonTransport,
	tasks: ImportTask[],
	host: FlightHost,
	events: WriteEvents,
	incoming: IncomingTasks = NOTHING_INCOMING,
	onAnswered: (writes: ProductWrite[]) => void = () => {},
	onIdle: () => void = () => {},
): Promise<void> {
	const { pace, clock } = host;
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
		const now = clock.now();
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
		const answeredNow: ProductWrite[] = [];
		await mapConcurrent(due, REQUEST_CONCURRENCY, async (task) => {
			const waiting = unanswered(task);
			const asked = clock.now();
			task.polls += 1;
			let failed = false;
			let setOff = asked;
			try {
				const results = await getImportInfo(transport, task.taskId, task.deadline, (at) => (setOff = at));
				const answeredBefore = answeredNow.length;
				// Some products of the task were done at an earlier poll: the rest are slow products, not a slower Ozon.
				const partlyDoneBefore = task.writes.some((write) => write.answeredAt !== undefined);
				applyResults(book, transport, waiting, results, clock.now(), events, answeredNow);
				const someAnswered = answeredNow.length > answeredBefore;
				task.lastPollError = undefined;
				if (unanswered(task).length === 0) {
					// Seen pending shortly before it was seen done: Ozon's own time for it is known closely
					// (a slow task is), where a first poll that finds a task done only bounds it from above.
					// A task whose other products were done long before teaches nothing of other writers' tasks: one
					// slow product held every later read-back of the account that long (a lone push: 62 s, not 3 s).
					const close = !partlyDoneBefore && task.pendingSetOff !== undefined && setOff - task.pendingSetOff <= 2 * host.settings.polling.stepMs;
					pace.finished(clock.now() - task.sentAt, close ? setOff - task.sentAt : undefined);
				} else if (someAnswered) {
					// Some of its products are done: that is how long Ozon takes; one slow product is not a slower Ozon.
					pace.finished(clock.now() - task.sentAt);
					task.pendingSetOff = setOff;
				} else {
					// A task some of whose products are done is not a slower Ozon: only one none of whose products is.
					if (!task.writes.some((write) => write.answeredAt !== undefined)) pace.stillPending(asked - task.sentAt);
					task.pendingSetOff = setOff;
				}
			} catch (error) {
				failed = true;
				// Unless Ozon asks to wait past every deadline of the task: then no poll in time can answer.
				if (error instanceof OzonRequestError && TRANSIENT.has(error.kind) && !((error.details.retryAt ?? 0) >= task.deadline)) {
					// Ozon busy or unreachable even after the request's own retries: asked again until the deadline.
					task.lastPollError = error.message;
				} else {
					// Not Ozon's answer (the carrier execution was stopped) passes through: the stage polls again
					// with another transport. A refused key or a refused request: asking again would meet the
					// same answer; the write stands, its result unknown, and it is never sent again.
					book.requestFailed(error, waiting.flatMap((write) => write.members), 'pending');
					for (const write of waiting) write.status = 'unknown';
				}
			}
			const after = clock.now();
			task.nextPollAt = Math.min(failed ? after + host.settings.polling.stepMs : pace.nextPollAt(task.sentAt, after), nextDeadline(task, after));
		});
		const after = clock.now();
		const finished = new Set<ImportTask>();
		for (const task of due) {
			const pending = unanswered(task);
			for (const write of pending) {
				for (const index of book.open(write.members)) {
					// Past its own deadline, after a poll at or beyond it: it has timed out.
					if (after >= task.sentAt + book.pushes[index].settings.resultTimeoutMs) book.fail(index, 'pending', [timeoutError(book, index, task)]);
				}
			}
			if (pending.length === 0) {
				finished.add(task);
			} else if (after >= task.deadline) {
				for (const write of pending) write.status = 'unknown';
				finished.add(task);
			}
		}
		if (answeredNow.length > 0) onAnswered(answeredNow);
		if (finished.size > 0) active = active.filter((task) => !finished.has(task));
		if (active.length > 0) {
			const wakeNow = clock.now();
			// The oldest decides when the next turn comes (a younger one is timed only once it leads).
			const [leader] = active;
			if (leader.polls === 0) leader.nextPollAt = Math.min(pace.firstPollAt(leader.sentAt, wakeNow, leader), nextDeadline(leader, wakeNow));
			let wake = leader.nextPollAt;
			for (let position = 1; position < active.length; position++) wake = Math.min(wake, nextDeadline(active[position], wakeNow));
			const wakeups = [clock.sleep(Math.max(0, wake - wakeNow))];
			// A task submitted meanwhile may have an earlier Result Timeout than anything known now.
			if (!incoming.complete) wakeups.push(incoming.next());
			// Another flight's task may learn the time meanwhile: this one's first poll is then due.
			if (!pace.learned) wakeups.push(pace.whenLearned());
			onIdle();
			await Promise.race(wakeups);
		}
	}
}
