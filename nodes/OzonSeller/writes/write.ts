/**
 * Stage: write. Sends each product's write (v2: batched import requests; v1: one request each) and
 * reports every write Ozon accepted, or that failed before it did, to the product's lane.
 */
import { chunk } from '../domain/collections';
import { MAX_IMPORT_BATCH } from '../domain/constants';
import type { OzonTransport } from '../transport';
import { OzonRequestError } from '../transport/errors';
import { importPicturesV1, importPicturesV2, type V1ImportRequest, type V2ImportItem } from '../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../actions/common/concurrency';
import type { FlightBook } from './book';
import type { FlightHost, WriteEvents } from './host';
import type { ImportTask, ProductWrite } from './types';

/** Not yet sent, and some push of it is still waiting (a cancelled execution's writes are dropped). */
function toSend(book: FlightBook, write: ProductWrite): boolean {
	return write.status === undefined && book.open(write.members).length > 0;
}

/**
 * An import request failed. No answer (a timeout, a reset, a 5xx), or refused for the update quota:
 * its pushes are looked up and planned again (after Ozon's window), on the photos the product has by
 * then, never sent again as built. Anything else, or a push out of retries, fails.
 */
function failOrResend(book: FlightBook, open: ProductWrite[], events: WriteEvents, error: unknown): void {
	const failure = error instanceof OzonRequestError && !book.stopped ? error : undefined;
	const unanswered = failure?.kind === 'unavailable';
	const retryAt = failure?.kind === 'rateLimited' && failure.details.rateLimit !== 'perSecond' ? failure.details.retryAt : undefined;
	// No HTTP status: a timeout or a reset, after which Ozon may have accepted the import. Refused
	// before it left (a window another request opened): no attempt of its own.
	const why = { noAnswer: unanswered && failure?.details.httpCode === undefined, notBefore: retryAt, notSent: failure?.details.attempts === 0 };
	// Each push waits for a window as long as its own execution allows (see resend), not the carrier's.
	const failed = unanswered || retryAt !== undefined ? open.flatMap((write) => events.resend(write, why)) : open.flatMap((write) => book.open(write.members));
	if (failed.length === 0) return;
	// Settles first: anything but Ozon's answer (the carrier execution was stopped) passes through
	// untouched, and the stage is run again with another execution's transport.
	book.requestFailed(error, failed);
	for (const write of open) {
		if (write.status === 'unsent') continue;
		write.status = 'unsent';
		events.unsent(write);
	}
}

/** The deprecated method: one product a request, answered before Ozon processes the images. */
async function writeV1(book: FlightBook, transport: OzonTransport, writes: ProductWrite[], host: FlightHost, events: WriteEvents): Promise<void> {
	const send = async (write: ProductWrite) => {
		if (book.stopped || !toSend(book, write)) return;
		try {
			// Like v2 imports: not repeated as built by the transport, but planned again (see failOrResend).
			await importPicturesV1(transport, write.v1Request as V1ImportRequest, { repeatUnanswered: false, repeatRefused: false });
			write.status = 'imported';
			book.wrote(write.members);
			host.rememberV1(write.product.productId, write.set);
			// v1 answers with the write done: nothing to wait for but its read-back.
			events.accepted(write);
			events.answered(write);
			for (const index of book.open(write.members)) {
				book.warn(index, {
					field: 'apiVersion',
					message:
						"Sent with Ozon's deprecated v1 method, which answers before processing the images: current_images may still show the previous photos for a while",
				});
			}
		} catch (error) {
			failOrResend(book, [write], events, error);
		}
	};
	// The first request alone: if Ozon has switched v1 off, it finds out and no other item is sent
	// (the transport remembers the answer for the run); otherwise the rest go out side by side.
	const [first, ...rest] = writes;
	if (first) await send(first);
	await mapConcurrent(rest, REQUEST_CONCURRENCY, send);
}

/**
 * The writes of `writes` grouped by the executions they answer to: writes whose pushes come from
 * the same executions share a group (a write merged from several executions is a group of its own).
 */
function byExecutions(book: FlightBook, writes: ProductWrite[]): ProductWrite[][] {
	const ids = new Map<unknown, number>();
	const idOf = (participant: unknown) => {
		if (!ids.has(participant)) ids.set(participant, ids.size);
		return ids.get(participant) as number;
	};
	const groups = new Map<string, ProductWrite[]>();
	for (const write of writes) {
		const key = [...new Set(write.members.map((index) => idOf(book.pushes[index].participant)))].sort((a, b) => a - b).join(',');
		const group = groups.get(key) ?? [];
		groups.set(key, group);
		group.push(write);
	}
	return [...groups.values()];
}

/**
 * Sends one import request; once Ozon accepts it, its writes wait for the task. When Ozon rejects
 * a request that carries several executions' writes as invalid, each execution's writes go again
 * on their own: one execution's bad item fails its own items, as it would have alone, not the others'.
 */
async function submitBatch(book: FlightBook, transport: OzonTransport, batch: ProductWrite[], tasks: ImportTask[], host: FlightHost, events: WriteEvents, onTask: () => void): Promise<void> {
	const open = batch.filter((write) => toSend(book, write));
	if (open.length === 0 || book.stopped) return;
	try {
		// Faults are not repeated by the transport with this body (built on a lookup that may be stale by then): see resend.
		const taskId = await importPicturesV2(
			transport,
			open.map((write) => write.v2Item as V2ImportItem),
			{ repeatUnanswered: false, repeatRefused: false },
		);
		const now = host.clock.now();
		let deadline = now;
		const timeouts = new Set<number>();
		for (const write of open) {
			Object.assign(write, { taskId, status: 'pending', sentAt: now });
			book.wrote(write.members);
			events.accepted(write);
			for (const index of book.open(write.members)) {
				const { settings } = book.pushes[index];
				book.setData(index, { task_id: taskId });
				deadline = Math.max(deadline, now + settings.resultTimeoutMs);
				timeouts.add(now + settings.resultTimeoutMs);
				if (settings.waitForResult) continue;
				book.warn(index, {
					field: 'waitForResult',
					message: `Not waited for Ozon's processing result (Wait for Result is off); task_id ${taskId} shows it`,
				});
				book.succeed(index, 'pending');
			}
		}
		// Polled until its deadline even when nobody waits: the next push of these products must build on the result.
		tasks.push({ taskId, writes: open, sentAt: now, deadline, timeouts: [...timeouts].sort((a, b) => a - b), nextPollAt: host.pace.firstPollAt(now), polls: 0 });
		onTask();
	} catch (error) {
		const groups = error instanceof OzonRequestError && error.kind === 'invalid' ? byExecutions(book, open) : [];
		if (groups.length > 1) {
			for (const group of groups) await submitBatch(book, transport, group, tasks, host, events, onTask);
			return;
		}
		failOrResend(book, open, events, error);
	}
}

/**
 * Stage: write. v1 writes one by one; v2 writes in requests of the smallest Batch Size among their
 * executions. A flight holds one write per product, so no request names a product twice. `onTask`
 * hears of each task as Ozon accepts it, so its wait can start while the rest are being sent.
 */
export async function writeImages(
	book: FlightBook,
	transport: OzonTransport,
	writes: ProductWrite[],
	tasks: ImportTask[],
	host: FlightHost,
	events: WriteEvents,
	onTask: () => void = () => {},
): Promise<void> {
	await writeV1(book, transport, writes.filter((write) => write.v1Request), host, events);
	const v2 = writes.filter((write) => write.v2Item);
	const batchSize = Math.min(...v2.flatMap((write) => write.members.map((index) => book.pushes[index].settings.batchSize)));
	await mapConcurrent(chunk(v2, Number.isFinite(batchSize) ? batchSize : MAX_IMPORT_BATCH), REQUEST_CONCURRENCY, (batch) => submitBatch(book, transport, batch, tasks, host, events, onTask));
}
