import { MAX_PICTURES_INFO_BATCH } from '../domain/constants';
import type { OzonTransport } from '../transport';
import type { FlightBook } from './book';
import { readBack } from './confirm';
import type { FlightHost, WriteEvents } from './host';
import { waitForTasks, type IncomingTasks } from './poll';
import type { ImportTask, ProductWrite } from './types';
import { writeImages } from './write';

/** Wakes whoever waits for the next task (or for the end of submitting). */
class TaskArrivals implements IncomingTasks {
	complete = false;

	private wake: () => void = () => {};

	private arrival = this.nextArrival();

	next(): Promise<void> {
		return this.arrival;
	}

	arrived(): void {
		const wake = this.wake;
		this.arrival = this.nextArrival();
		wake();
	}

	private nextArrival(): Promise<void> {
		return new Promise<void>((resolve) => (this.wake = resolve));
	}
}

/**
 * Stage: write, wait for tasks and read back, overlapped. A task's wait starts as soon as Ozon
 * accepts it, while later requests are still being sent; the products of finished tasks are read
 * back as soon as they fill a read-back request (1000 products), the rest when the last task has
 * its answer. Each part skips what is already done, so the stage can run again after its carrier
 * execution was cancelled. `polled` is called once every write is sent and every task answered (or
 * given up): only read-backs are left, which wait one processing time first (see readBack).
 * `onWritten` hears when every import has been sent (or has failed).
 */
export async function writeWaitAndRead(
	book: FlightBook,
	transport: OzonTransport,
	writes: ProductWrite[],
	tasks: ImportTask[],
	host: FlightHost,
	events: WriteEvents,
	reapply: (index: number) => void,
	polled: () => void = () => {},
	onWritten: () => void = () => {},
): Promise<void> {
	const arrivals = new TaskArrivals();
	const reads: Array<Promise<void>> = [];
	let ready: ProductWrite[] = [];
	const readReady = (count = ready.length) => {
		const batch = ready.slice(0, count);
		ready = ready.slice(count);
		reads.push(readBack(book, transport, batch, reapply, host, events));
	};
	const onAnswered = (answered: ProductWrite[]) => {
		for (const write of answered) if (write.status === 'imported' || write.status === 'skipped') ready.push(write);
		// Full read-back requests while the rest is still being polled.
		while (ready.length >= MAX_PICTURES_INFO_BATCH) readReady(MAX_PICTURES_INFO_BATCH);
	};
	// Products a held push waits for are read back as soon as the polls go quiet, not with the
	// next full read-back request: the lane is freed by its own write's confirmation.
	const onIdle = () => {
		if (ready.length > 0 && host.wanted(ready.map((write) => write.product.productId))) readReady();
	};
	const writing = writeImages(book, transport, writes, tasks, host, events, () => arrivals.arrived()).finally(() => {
		arrivals.complete = true;
		arrivals.arrived();
		onWritten();
	});
	const outcomes = await Promise.allSettled([writing, waitForTasks(book, transport, tasks, host, events, arrivals, onAnswered, onIdle)]);
	if (ready.length > 0) readReady();
	polled();
	outcomes.push(...(await Promise.allSettled(reads)));
	const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
	if (failure) throw failure.reason;
}
