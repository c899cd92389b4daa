/**
 * One flight of the write coordinator: the pushes that left together, from any number of
 * executions, taken through lookup → merge and plan → write → wait for tasks → read back.
 */
import { groupBy } from '../domain/collections';
import { mergeableCount, mergePushes } from '../domain/merge';
import { photosOf, updatedCounts } from '../domain/plan';
import type { ProductInfo } from '../domain/types';
import type { OzonTransport, TransportOptions } from '../transport';
import { toV1Request, toV2Item } from '../transport/ozonApi';
import { resolveProducts } from '../actions/common/identify';
import { FlightBook } from './book';
import { readBack } from './confirm';
import type { FlightHost, ResendReason, WriteEvents } from './host';
import type { Participant, Push } from './participant';
import { writeWaitAndRead } from './pipeline';
import type { Handover, ImportTask, ProductWrite } from './types';

function morePatient(a: TransportOptions, b: TransportOptions): boolean {
	if (a.maxRetries !== b.maxRetries) return a.maxRetries > b.maxRetries;
	if (a.timeoutMs !== b.timeoutMs) return a.timeoutMs > b.timeoutMs;
	return a.maxRateLimitWaitMs > b.maxRateLimitWaitMs;
}

export class Flight implements WriteEvents {
	readonly book: FlightBook;

	/** Products whose lane this flight holds. */
	private readonly claimed = new Set<number>();

	/** Import tasks of this flight, kept across stages so a stage run again picks them up. */
	readonly tasks: ImportTask[] = [];

	private writes: ProductWrite[] = [];

	/** The executions with pushes aboard, until this flight has sent its imports (they may then hand in more). */
	private sending: Set<Participant> | undefined;

	constructor(
		private readonly host: FlightHost,
		pushes: Push[],
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

	get pushes(): Push[] {
		return this.book.pushes;
	}

	// What the stages report of each product's write, for its lane (see lanes.ts).
	accepted(write: ProductWrite): void {
		this.host.lane(write.product.productId, { type: 'accepted', holder: this, taskId: write.taskId, offerId: write.product.offerId, set: write.set, at: write.sentAt ?? this.host.clock.now() });
	}

	unsent(write: ProductWrite): void {
		this.release(write.product.productId, { type: 'unsent', holder: this });
	}

	answered(write: ProductWrite): void {
		const status = write.status;
		if (status !== 'imported' && status !== 'skipped' && status !== 'failed') return;
		if (status === 'failed') return this.release(write.product.productId, { type: 'answered', holder: this, status });
		this.host.lane(write.product.productId, { type: 'answered', holder: this, status });
	}

	confirmed(write: ProductWrite): void {
		this.release(write.product.productId, { type: 'confirmed', holder: this });
	}

	resend(write: ProductWrite, why: ResendReason): number[] {
		const members = this.book.open(write.members);
		const now = this.host.clock.now();
		// As many times as the most patient execution's Max Retries, as the transport would have repeated
		// it; a quota window only as long as the push's own execution's Max Rate Limit Wait (the carrier's
		// may be longer or shorter). A push out of either fails alone: the others of a merged write go again.
		const allowed = Math.max(0, ...members.map((index) => this.pushes[index].participant.transport.options.maxRetries));
		const outwaits = (index: number) => why.notBefore === undefined || why.notBefore - now <= this.pushes[index].participant.transport.options.maxRateLimitWaitMs;
		const spent = members.filter((index) => (!why.notSent && this.pushes[index].resends >= allowed) || !outwaits(index));
		const going = members.filter((index) => !spent.includes(index));
		if (going.length === 0) return spent;
		write.status = 'unsent';
		// Without an HTTP answer (a timeout, a reset) Ozon may have accepted the import all the same:
		// planned again only once such a task would have been processed, so the lookup shows it.
		const mayHaveLanded = why.noAnswer ? (this.host.pace.slowProcessingMs ?? this.host.settings.polling.firstDelayMs) : 0;
		const again = going.map((index) => {
			const push = this.detach(index);
			if (!why.notSent) push.resends++;
			push.notBefore = Math.max(why.notBefore ?? 0, now + Math.max(mayHaveLanded, push.participant.transport.state.backoffDelay(push.resends - 1)));
			return push;
		});
		// The lane stays held for them, so that no later push of the product overtakes them.
		const token: Handover = { pushes: again, landedBy: now + mayHaveLanded };
		const until = Math.max(...again.map((push) => push.queuedAt + push.settings.resultTimeoutMs), ...again.map((push) => push.notBefore ?? now));
		for (const push of again) push.laneToken = token;
		const productId = write.product.productId;
		if (this.claimed.delete(productId)) this.host.lane(productId, { type: 'passed', holder: this, to: token, until });
		this.host.requeue(again);
		return spent;
	}

	/** Frees the product's lane: pushes held behind it may leave now, before this flight lands. */
	private release(productId: number, event: Parameters<FlightHost['lane']>[1]): void {
		if (!this.claimed.delete(productId)) return;
		this.host.lane(productId, event);
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
						this.host,
						this,
						(index) => this.reapply(index),
						() => this.host.settling(this),
						() => this.sent(),
					),
				// What the overlapped stage left unread: v1 writes, and tasks of a stage run again after a cancellation.
				(transport) => readBack(this.book, transport, this.writes, (index) => this.reapply(index), this.host, this),
			];
			// A stage that failed has handed its error to every execution waiting on the flight: nothing after it runs.
			for (const work of stages) if (!(await this.stage(work))) break;
			// A v2 write Ozon has processed is what lookups show from now on: the v1 set it was built on is history.
			for (const write of this.writes) {
				if (write.apiVersion === 'v2' && (write.status === 'imported' || write.status === 'skipped')) this.host.forgetV1(write.product.productId);
			}
		} finally {
			this.sent();
			// Every push leaves with an outcome: one no stage settled is reported, never left waiting.
			for (const index of this.book.open(this.pushes.map((_, position) => position))) {
				this.book.fail(index, 'failed', [{ field: 'node', reason: 'The node reached no result for this item; please report this with the workflow' }]);
			}
			// Lanes still held: a write Ozon accepted but has not answered for goes on as unknown (asked about in the background).
			const now = this.host.clock.now();
			for (const productId of this.claimed) this.host.lane(productId, { type: 'released', holder: this, at: now, nextPollAt: now + this.host.settings.backgroundPollMs });
			this.claimed.clear();
			this.host.landed(this);
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
		const later: Push[] = [];
		const writes: ProductWrite[] = [];
		for (const [productId, group] of groupBy(resolved, (entry) => entry.product.productId)) {
			for (const { index } of group) this.host.learn(this.pushes[index], productId);
			const tokens = group.map(({ index }) => this.pushes[index].laneToken).filter((token): token is Handover => token !== undefined);
			if (!this.host.lane(productId, { type: 'claim', holder: this, tokens, at: this.host.clock.now() })) {
				later.push(...group.map(({ index }) => this.detach(index)));
				continue;
			}
			this.claimed.add(productId);
			const requests = group.map(({ index }) => this.pushes[index].entry.request);
			const count = mergeableCount(requests);
			later.push(...group.slice(count).map(({ index }) => this.detach(index)));
			const members = group.slice(0, count);
			const apiVersion = requests[0].apiVersion;
			// Whichever method writes now: a set sent with v1 a moment ago is newer than what the lookup shows.
			const product = this.host.v1Base(members[0].product);
			const merged = mergePushes(product, requests.slice(0, count));
			const sending: number[] = [];
			merged.pushes.forEach(({ before, plan }, position) => {
				const { index } = members[position];
				this.book.warn(index, ...plan.warnings);
				this.book.setData(index, { previous_images: photosOf(before) });
				if (plan.errors.length > 0) this.book.fail(index, 'invalid', plan.errors);
				else sending.push(index);
			});
			if (!merged.set || sending.length === 0) {
				this.release(productId, { type: 'unsent', holder: this });
				continue;
			}
			for (const index of sending) this.book.setData(index, { updated: updatedCounts(merged.set) });
			writes.push({
				product,
				apiVersion,
				set: merged.set,
				members: sending,
				...(apiVersion === 'v1' ? { v1Request: toV1Request(product.productId, merged.set) } : { v2Item: toV2Item(product.offerId, merged.set) }),
			});
		}
		this.host.requeue(later);
		return writes;
	}

	/** Takes push `index` out of this flight (it goes back to the queue); its outcome so far travels with it. */
	private detach(index: number): Push {
		const push = this.pushes[index];
		// A placeholder that counts as settled, so no stage of this flight touches the push again.
		this.book.pushes[index] = { ...push, outcome: { ...push.outcome, settled: true } };
		return push;
	}

	/** Another writer replaced this push's photos: it goes back to the queue, to be applied on the new state. */
	private reapply(index: number): void {
		const push = this.detach(index);
		push.reapplied++;
		this.host.requeue([push]);
	}
}
