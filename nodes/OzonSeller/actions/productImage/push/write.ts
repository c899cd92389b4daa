import { planWaves } from '../../../domain/plan';
import { ID_FIELD } from '../../../domain/validate';
import type { OzonTransport } from '../../../transport';
import { importPicturesV1, importPicturesV2, type V1ImportRequest, type V2ImportItem } from '../../../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../../common/concurrency';
import type { ItemLedger } from '../../common/ledger';
import type { ImportTask, PushEntry, PushSettings } from './entries';
import { polling, waitForTasks } from './waitForTasks';

/** The deprecated method: one product a request, answered before Ozon processes the images. */
async function writeV1(ledger: ItemLedger, transport: OzonTransport, entries: PushEntry[]): Promise<void> {
	const open = entries.filter((entry) => !ledger.isSettled(entry.index));
	// The first request alone: if Ozon has switched v1 off, it finds out and no other item is sent
	// (the transport remembers the answer for the run); otherwise the rest go out side by side.
	await writeV1Entries(ledger, transport, open.slice(0, 1));
	await writeV1Entries(ledger, transport, open.slice(1));
}

async function writeV1Entries(ledger: ItemLedger, transport: OzonTransport, entries: PushEntry[]): Promise<void> {
	await mapConcurrent(entries, REQUEST_CONCURRENCY, async (entry) => {
		if (ledger.stopped || ledger.isSettled(entry.index)) return;
		try {
			await importPicturesV1(transport, entry.v1Request as V1ImportRequest);
			entry.status = 'imported';
			ledger.warn(entry.index, {
				field: 'apiVersion',
				message:
					"Sent with Ozon's deprecated v1 method, which answers before processing the images: current_images may still show the previous photos for a while",
			});
		} catch (error) {
			ledger.requestFailed(error, [entry.index]);
		}
	});
}

/** Sends one wave's batches; each accepted batch becomes a task to wait for. */
async function submitWave(ledger: ItemLedger, transport: OzonTransport, wave: PushEntry[][], resultTimeoutMs: number): Promise<ImportTask[]> {
	const tasks: ImportTask[] = [];
	await mapConcurrent(wave, REQUEST_CONCURRENCY, async (batch) => {
		const open = batch.filter((entry) => !ledger.isSettled(entry.index));
		if (open.length === 0 || ledger.stopped) return;
		try {
			const taskId = await importPicturesV2(transport, open.map((entry) => entry.v2Item as V2ImportItem));
			const now = Date.now();
			for (const entry of open) {
				entry.taskId = taskId;
				entry.status = 'pending';
				ledger.setData(entry.index, { task_id: taskId });
			}
			tasks.push({ taskId, entries: open, deadline: now + resultTimeoutMs, nextPollAt: now + polling.firstDelayMs, polls: 0 });
		} catch (error) {
			ledger.requestFailed(error, open.map((entry) => entry.index));
		}
	});
	return tasks;
}

/**
 * Stage 6, write: v1 items one by one; v2 items in batches, never one product twice in a request.
 * A product's n-th push goes in wave n, sent once wave n-1's tasks have finished, so repeated pushes
 * land in input order. Returns the tasks of the last wave, which the next stage waits for.
 */
export async function writeImages(ledger: ItemLedger, transport: OzonTransport, toSend: PushEntry[], settings: PushSettings): Promise<ImportTask[]> {
	await writeV1(ledger, transport, toSend.filter((entry) => entry.v1Request));

	const waves = planWaves(toSend.filter((entry) => entry.v2Item), (entry) => entry.product.offerId, settings.batchSize);
	const lastWrite = new Map<string, PushEntry>();
	let tasks: ImportTask[] = [];
	for (const [waveIndex, wave] of waves.entries()) {
		if (waveIndex > 0) await waitForTasks(ledger, transport, tasks, settings.resultTimeoutMs);
		for (const batch of wave) {
			for (const entry of batch) {
				const previous = lastWrite.get(entry.product.offerId);
				if (previous && previous.status === 'pending') {
					ledger.fail(entry.index, 'invalid', [
						{ field: ID_FIELD[entry.request.identifyBy], reason: 'Not sent: an earlier push of this product in this run had not finished processing' },
					]);
				}
				lastWrite.set(entry.product.offerId, entry);
			}
		}
		tasks = await submitWave(ledger, transport, wave, settings.resultTimeoutMs);
	}
	return tasks;
}
