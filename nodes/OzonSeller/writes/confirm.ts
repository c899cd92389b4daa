/**
 * Stage: confirm. Reads back the photos of every product Ozon processed and settles each push on
 * them; then the product's lane is free for the next push.
 */
import { MAX_REAPPLY } from '../domain/constants';
import { verifyPush } from '../domain/merge';
import { originOf, photosOf } from '../domain/plan';
import type { ItemError, ItemWarning } from '../domain/types';
import type { PushRequest } from '../domain/validate';
import type { OzonTransport } from '../transport';
import { pictureIssueText, pictureIssueUrl, type PictureIssue, type ProductPictures } from '../transport/ozonApi';
import { OzonRequestError } from '../transport/errors';
import { readPictures } from '../actions/common/readPictures';
import type { FlightBook } from './book';
import type { FlightHost, WriteEvents } from './host';
import type { ProductWrite } from './types';

/**
 * Ozon's per-URL read-back errors: an error about one of the push's URLs fails it, named by field
 * and position. Any other URL may be Ozon's own copy of an image or an older image: reported as it
 * is, as a warning.
 */
function readBackIssues(request: PushRequest, issues: PictureIssue[], redact: (text: string) => string): { errors: ItemError[]; warnings: ItemWarning[] } {
	const errors: ItemError[] = [];
	const others: string[] = [];
	for (const issue of issues) {
		const url = issue.url?.trim();
		const origin = url ? originOf(request, url) : undefined;
		const reason = pictureIssueText(issue, redact);
		if (url && origin) errors.push({ field: origin.field, ...(origin.index !== undefined ? { index: origin.index } : {}), url, reason });
		else others.push(url ? `${pictureIssueUrl(issue, redact)}: ${reason}` : reason);
	}
	const warnings: ItemWarning[] = others.length
		? [{ field: 'current_images', message: `Ozon reports image errors for URLs that are not among the ones sent (perhaps Ozon's copies of them, or older images): ${others.join('; ')}` }]
		: [];
	return { errors, warnings };
}

const SKIPPED_WARNING: ItemWarning = {
	field: 'images',
	message:
		'Ozon skipped this product: the URLs are the same as it already has, so nothing was fetched again. To make Ozon fetch a changed file, give it a new URL (for example add ?v=2)',
};

/** Settles one push of a write on what Ozon reads back for its product. */
function settlePush(book: FlightBook, index: number, write: ProductWrite, pictures: ProductPictures, redact: (text: string) => string, reapply: (index: number) => void): void {
	const push = book.pushes[index];
	const status = write.status as string;
	const current = photosOf({ primaryImage: pictures.primaryPhoto, images: pictures.photo });
	book.setData(index, { current_images: current });
	if (current === null) {
		book.warn(index, { field: 'current_images', message: "Ozon's read-back left out the product's photo lists: its current images are unknown (null); the task status alone confirms the write" });
	}
	const { errors, warnings } = readBackIssues(push.entry.request, pictures.errors, redact);
	book.warn(index, ...warnings);
	if (errors.length > 0) return book.fail(index, status, errors);

	// v1 answers before Ozon processes the images: its read-back may still show the previous photos.
	const verdict = write.apiVersion === 'v1' ? { kind: 'unverifiable' as const } : verifyPush(push.entry.request, write.set, pictures);
	if (verdict.kind !== 'missing') {
		if (status === 'skipped') book.warn(index, SKIPPED_WARNING);
		return book.succeed(index, status);
	}
	const missing = verdict.urls.join(', ');
	if (push.entry.request.mode !== 'replace' && push.reapplied < MAX_REAPPLY) {
		// Another writer (another worker, tool or person) set the product's photos after this write:
		// the append/prepend goes again, on the photos the product has now.
		book.warn(index, { field: 'images', message: `Applied again on the product's new photos: another writer replaced them after task ${write.taskId} (missing: ${missing})` });
		return reapply(index);
	}
	book.fail(index, 'conflict', [
		{
			field: 'images',
			reason: `Not on Ozon: another writer changed this product's photos after this push was processed, and ${verdict.urls.length} of its images are missing (${missing}). current_images shows what the product has now; push again to restore them`,
		},
	]);
}

/**
 * When the read-back of these writes can tell whether they stayed: one processing time after
 * Ozon's answer was seen. Another process (a queue-mode worker, another tool) may have read a
 * product just before a write here was processed and sent a set built on the older photos: Ozon
 * processes that set within about one processing time, and it drops this write's images. Read back
 * sooner and the push would be reported as pushed, then lost. The processing time is one that covers
 * the slow tasks the polls saw with this key (`pace.slowProcessingMs`; a write's own while the pace
 * has none): another worker's slower task must have landed too. The wait may end after a push's
 * Result Timeout. Only the read-back waits: the pipeline
 * keeps writing and polling meanwhile, and the flight no longer holds back gathering pushes, so a
 * bulk run pays it once, after its last task's answer.
 */
function settledAt(book: FlightBook, writes: ProductWrite[], host: FlightHost): number {
	let settled = 0;
	for (const write of writes) {
		if (write.status !== 'imported' || write.apiVersion !== 'v2' || write.answeredAt === undefined || write.sentAt === undefined) continue;
		const open = book.open(write.members);
		// Switched off by every push of the write (Watch for Other Writers): one process writes alone.
		if (!open.some((index) => book.pushes[index].settings.watchOtherWriters)) continue;
		const processing = host.pace.slowProcessingMs ?? write.answeredAt - write.sentAt;
		// Past Result Timeout too: cut short, the read-back could call a push confirmed that another
		// writer's write undoes a moment later. Result Timeout bounds the wait for Ozon's answer, not this one.
		settled = Math.max(settled, write.answeredAt + processing);
	}
	return settled;
}

/**
 * Stage: read back. Reads the images of every imported or skipped write and settles each push on
 * them: its photos must be there (by URL, or in number and place where Ozon serves its own copies).
 * A read-back that fails (Ozon busy or unreachable after the request's own retries) is tried again
 * until the pushes' Result Timeout; then they are reported `pending` with the task_id: the task's
 * status alone cannot tell that another writer has not undone the write since.
 */
export async function readBack(book: FlightBook, transport: OzonTransport, writes: ProductWrite[], reapply: (index: number) => void, host: FlightHost, events: WriteEvents): Promise<void> {
	const { clock } = host;
	const redact = (text: string) => transport.redact(text);
	const unread = () => writes.filter((write) => !write.readBack && (write.status === 'imported' || write.status === 'skipped') && book.open(write.members).length > 0);
	const settled = settledAt(book, unread(), host);
	const waited = Math.max(0, settled - clock.now());
	if (waited > 0) await clock.sleep(waited);

	// Per-second 429s are waited out until the last of these pushes' Result Timeout, plus the wait
	// for other writers: that wait is the node's own and may end right at Result Timeout, which would
	// leave a refused read-back no time at all, and a push another writer undid reported as pushed.
	const deadlineOf = (write: ProductWrite) => {
		let deadline = 0;
		for (const index of book.open(write.members)) deadline = Math.max(deadline, (write.sentAt ?? clock.now()) + book.pushes[index].settings.resultTimeoutMs + waited);
		return deadline;
	};
	for (;;) {
		// Pushes whose executions were cancelled meanwhile are not read for.
		const toRead = unread().map((write) => ({ index: write.members[0], product: write.product, write }));
		if (toRead.length === 0) break;
		let deadline = 0;
		for (const { write } of toRead) deadline = Math.max(deadline, deadlineOf(write));
		const retry = new Set<ProductWrite>();
		let lastError = '';
		await readPictures(
			book,
			transport,
			toRead,
			{
				answered(pictures, entries) {
					for (const { write } of entries) {
						write.readBack = true;
						for (const index of book.open(write.members)) settlePush(book, index, write, pictures, redact, reapply);
					}
				},
				failed(error, failedEntries) {
					// Not Ozon's answer (the carrier execution was stopped): the stage reads again with another transport.
					if (!(error instanceof OzonRequestError)) throw error;
					lastError = error instanceof Error ? error.message : String(error);
					const stillTime = (error.kind === 'unavailable' || error.kind === 'rateLimited' || error.kind === 'conflict') && clock.now() + host.settings.polling.stepMs < deadline;
					for (const { write } of failedEntries) {
						if (stillTime) retry.add(write);
						else {
							write.readBack = true;
							for (const index of book.open(write.members)) notConfirmed(book, index, write, lastError);
						}
					}
				},
			},
			deadline,
		);
		// Ozon's answer left a product out: the task status alone speaks for it.
		for (const { write } of toRead) {
			if (retry.has(write)) continue;
			write.readBack = true;
			for (const index of book.open(write.members)) {
				if (write.status === 'skipped') book.warn(index, SKIPPED_WARNING);
				book.succeed(index, write.status as string);
			}
			events.confirmed(write);
		}
		if (retry.size === 0 || book.stopped) break;
		await clock.sleep(host.settings.polling.stepMs);
	}
}

/** A write Ozon processed whose photos could not be read back in time: its result stays open. */
function notConfirmed(book: FlightBook, index: number, write: ProductWrite, reason: string): void {
	const task = write.taskId === undefined ? '' : ` (task_id ${write.taskId})`;
	book.fail(index, 'pending', [
		{
			field: 'task',
			reason: `Ozon reported the write as ${String(write.status)}${task}, but its photos could not be read back to confirm them before Result Timeout ran out: ${reason}. Check later with Get Images`,
		},
	]);
}
