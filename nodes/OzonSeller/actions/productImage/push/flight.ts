/**
 * One flight of the write coordinator: the pushes that left together, from any number of
 * executions, taken through lookup → merge and plan → write → wait for tasks → read back.
 */
import type { IDataObject } from 'n8n-workflow';

import { groupBy } from '../../../domain/collections';
import { mergeableCount, mergePushes } from '../../../domain/merge';
import { photosOf, updatedCounts } from '../../../domain/plan';
import type { ItemError, ItemWarning, ProductInfo } from '../../../domain/types';
import type { OzonTransport, TransportOptions } from '../../../transport';
import { OzonRequestError } from '../../../transport/errors';
import { toV1Request, toV2Item } from '../../../transport/ozonApi';
import { resolveProducts } from '../../common/identify';
import type { Ledger } from '../../common/ledger';
import type { Participant, QueuedPush, WriteCoordinator } from './coordinator';
import type { ImportTask, ProductWrite } from './entries';
import { writeWaitAndRead } from './pipeline';
import { readBack } from './readBack';

/**
 * The ledger of a flight, over its pushes (index = position in the flight). Settling a push hands
 * its outcome to its execution; a failed request is kept whole, for that execution's ledger to word.
 */
export class FlightBook implements Ledger {
	stopped = false;

	constructor(readonly pushes: QueuedPush[]) {}

	/** A cancelled execution's pushes count as settled: nobody waits for them, and unsent ones stay unsent. */
	isSettled(index: number): boolean {
		const { outcome, participant } = this.pushes[index];
		return outcome.settled || participant.cancelled;
	}

	open(indexes: number[]): number[] {
		return indexes.filter((index) => !this.isSettled(index));
	}

	setData(index: number, data: IDataObject): void {
		Object.assign(this.pushes[index].outcome.data, data);
	}

	warn(index: number, ...warnings: ItemWarning[]): void {
		this.pushes[index].outcome.warnings.push(...warnings);
	}

	fail(index: number, status: string, errors: ItemError[]): void {
		this.settle(index, false, status).errors.push(...errors);
	}

	succeed(index: number, status: string): void {
		this.settle(index, true, status);
	}

	/** Pushes whose write Ozon has accepted: a later failure leaves them written, their result unknown. */
	private readonly written = new Set<number>();

	wrote(indexes: number[]): void {
		for (const index of indexes) this.written.add(index);
	}

	requestFailed(error: unknown, indexes: number[], status = 'failed'): void {
		if (!(error instanceof OzonRequestError)) throw error;
		// The whole flight shares one key: a rejected key or a redirecting Base URL concerns every push.
		const own = new Set(this.open(indexes));
		const settle = error.stopsAllRequests ? this.open(this.pushes.map((_, index) => index)) : [...own];
		if (error.stopsAllRequests) this.stopped = true;
		for (const index of settle) {
			// Its execution hands in no more pushes with this key (items it has not read yet included).
			if (error.stopsAllRequests) this.pushes[index].participant.stoppedBy ??= error;
			// The other pushes of the flight: written ones are pending (never sent twice), the rest failed.
			const pushStatus = own.has(index) ? status : this.written.has(index) ? 'pending' : 'failed';
			this.settle(index, false, pushStatus).requestError = error;
		}
	}

	private settle(index: number, success: boolean, status: string) {
		const { outcome, participant } = this.pushes[index];
		if (outcome.settled) return outcome;
		Object.assign(outcome, { success, status, settled: true });
		outcome.data.status = status;
		participant.settled();
		return outcome;
	}
}

function morePatient(a: TransportOptions, b: TransportOptions): boolean {
	if (a.maxRetries !== b.maxRetries) return a.maxRetries > b.maxRetries;
	if (a.timeoutMs !== b.timeoutMs) return a.timeoutMs > b.timeoutMs;
	return a.maxRateLimitWaitMs > b.maxRateLimitWaitMs;
}

export class Flight {
	readonly book: FlightBook;

	/** Import tasks of this flight, kept across stages so a stage run again picks them up. */
	readonly tasks: ImportTask[] = [];

	private writes: ProductWrite[] = [];

	/** The executions with pushes aboard, until this flight has sent its imports (they may then hand in more). */
	private sending: Set<Participant> | undefined;

	constructor(
		private readonly coordinator: WriteCoordinator,
		pushes: QueuedPush[],
	) {
		this.book = new FlightBook(pushes);
		this.sending = new Set(pushes.map((push) => push.participant));
		for (const participant of this.sending) participant.flightSending();
	}

	/** Every import of this flight has been sent or has failed (said once). */
	private sent(): void {
		const sending = this.sending;
		this.sending = undefined;
		for (const participant of sending ?? []) participant.flightSent();
	}

	get pushes(): QueuedPush[] {
		return this.book.pushes;
	}

	/** The import task this flight wrote `productId` in, once Ozon has given one. */
	taskIdOf(productId: number): number | undefined {
		return this.tasks.find((task) => task.writes.some((write) => write.product.productId === productId))?.taskId;
	}

	async run(): Promise<void> {
		try {
			const entries = this.pushes.map((push, index) => ({ ...push.entry, index }));
			const stages: Array<(transport: OzonTransport) => Promise<void>> = [
				async (transport) => {
					this.writes = this.plan((await resolveProducts(this.book, transport, entries)).map(({ index, product }) => ({ index, product })));
				},
				(transport) =>
					writeWaitAndRead(
						this.book,
						transport,
						this.writes,
						this.tasks,
						this.coordinator,
						(index) => this.reapply(index),
						() => this.coordinator.settling(this),
						() => this.sent(),
					),
				// What the overlapped stage left unread: v1 writes, and tasks of a stage run again after a cancellation.
				(transport) => readBack(this.book, transport, this.writes, (index) => this.reapply(index), this.coordinator.pace),
			];
			// A stage that failed has handed its error to every execution waiting on the flight: nothing after it runs.
			for (const work of stages) if (!(await this.stage(work))) break;
			// A v2 write Ozon has processed is what lookups show from now on: the v1 set it was built on is history.
			for (const write of this.writes) {
				if (write.apiVersion === 'v2' && (write.status === 'imported' || write.status === 'skipped')) this.coordinator.forgetV1(write.product.productId);
			}
		} finally {
			this.sent();
			// Every push leaves with an outcome: one no stage settled is reported, never left waiting.
			for (const index of this.book.open(this.pushes.map((_, position) => position))) {
				this.book.fail(index, 'failed', [{ field: 'node', reason: 'The node reached no result for this item; please report this with the workflow' }]);
			}
			this.coordinator.landed(this);
		}
	}

	/**
	 * Runs a stage with the transport of an execution still waiting. If that execution is cancelled
	 * under it, the stage runs again with another one's (stages skip what is already done). A fault
	 * no stage expected goes to every execution still waiting on this flight; false then.
	 */
	private async stage(work: (transport: OzonTransport) => Promise<void>): Promise<boolean> {
		for (;;) {
			const participant = this.carrier() ?? this.pushes[0].participant;
			try {
				await work(participant.transport);
				return true;
			} catch (error) {
				if (participant.cancelled && this.carrier()) continue;
				const waiting = new Set(this.pushes.filter((push) => !push.outcome.settled).map((push) => push.participant));
				for (const other of waiting) other.abandon(error);
				return false;
			}
		}
	}

	/**
	 * The execution whose transport carries the shared requests: of those still waiting, the one
	 * whose request options (Max Retries, Timeout, Max Rate Limit Wait) are the most patient, so no
	 * execution's push gets fewer retries or less time than it asked for; else any not cancelled.
	 */
	private carrier(): Participant | undefined {
		const participants = [...new Set(this.pushes.map((push) => push.participant))];
		let best: Participant | undefined;
		for (const participant of participants) {
			if (participant.waiting && (!best || morePatient(participant.transport.options, best.transport.options))) best = participant;
		}
		return best ?? participants.find((participant) => !participant.cancelled);
	}

	/**
	 * One write per product: its pushes in arrival order, merged up to the next replace. The rest,
	 * and pushes of a product another flight is writing, wait for a later flight.
	 */
	private plan(resolved: Array<{ index: number; product: ProductInfo }>): ProductWrite[] {
		const later: QueuedPush[] = [];
		const writes: ProductWrite[] = [];
		for (const [productId, group] of groupBy(resolved, (entry) => entry.product.productId)) {
			for (const { index } of group) this.coordinator.learn(this.pushes[index], productId);
			if (!this.coordinator.claim(productId, this)) {
				later.push(...group.map(({ index }) => this.detach(index)));
				continue;
			}
			const requests = group.map(({ index }) => this.pushes[index].entry.request);
			const count = mergeableCount(requests);
			later.push(...group.slice(count).map(({ index }) => this.detach(index)));
			const members = group.slice(0, count);
			const apiVersion = requests[0].apiVersion;
			// Whichever method writes now: a set sent with v1 a moment ago is newer than what the lookup shows.
			const product = this.coordinator.v1Base(members[0].product);
			const merged = mergePushes(product, requests.slice(0, count));
			const sending: number[] = [];
			merged.pushes.forEach(({ before, plan }, position) => {
				const { index } = members[position];
				this.book.warn(index, ...plan.warnings);
				this.book.setData(index, { previous_images: photosOf(before) });
				if (plan.errors.length > 0) this.book.fail(index, 'invalid', plan.errors);
				else sending.push(index);
			});
			if (!merged.set || sending.length === 0) continue;
			for (const index of sending) this.book.setData(index, { updated: updatedCounts(merged.set) });
			writes.push({
				product,
				apiVersion,
				set: merged.set,
				members: sending,
				...(apiVersion === 'v1' ? { v1Request: toV1Request(product.productId, merged.set) } : { v2Item: toV2Item(product.offerId, merged.set) }),
			});
		}
		this.coordinator.requeue(later);
		return writes;
	}

	/** Takes push `index` out of this flight (it goes back to the queue); its outcome so far travels with it. */
	private detach(index: number): QueuedPush {
		const push = this.pushes[index];
		// A placeholder that counts as settled, so no stage of this flight touches the push again.
		this.book.pushes[index] = { ...push, outcome: { ...push.outcome, settled: true } };
		return push;
	}

	/** Another writer replaced this push's photos: it goes back to the queue, to be applied on the new state. */
	private reapply(index: number): void {
		const push = this.detach(index);
		push.reapplied++;
		this.coordinator.requeue([push]);
	}
}
