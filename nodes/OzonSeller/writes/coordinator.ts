/**
 * The write coordinator: one per Ozon key in the n8n process, shared by every execution. n8n runs
 * one execution per webhook call, and Ozon's import sets a product's whole image set, so pushes
 * of one product from overlapping executions must be applied in order, each on the state the one
 * before it left; pushes that meet in time travel together in shared requests.
 *
 * Who may write a product is its lane's business (lanes.ts), kept per Ozon account; batching knows
 * nothing of it (batcher.ts): pushes whose lane is free are ready, and leave together.
 */
import { MAX_IMPORT_BATCH } from '../domain/constants';
import type { ImageSet } from '../domain/plan';
import type { ProductInfo } from '../domain/types';
import type { Clock } from '../runtime/clock';
import type { OzonTransport } from '../transport';
import { getImportInfo, type TaskItemStatus } from '../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../actions/common/concurrency';
import { Batcher } from './batcher';
import { Flight } from './flight';
import type { FlightHost } from './host';
import { step, type Lane, type LaneEvent } from './lanes';
import { TaskPace } from './pace';
import type { Participant, Push } from './participant';
import type { WriteSettings } from './settings';
import type { Handover, PushSettings, TaskLane, WriteEntry } from './types';

/** How long the set this process last sent with v1 counts as newer than what a lookup shows (v1 answers before processing). */
const V1_MEMORY_MS = 60_000;

function keyOf(push: Push): string {
	return `${push.entry.identifyBy}:${push.entry.identifier}`;
}

/**
 * What the coordinators of one Ozon account (base URL and Client-Id) share, one per key: its
 * products are one catalogue whichever key writes them, so each product has one lane for the
 * account (a rotated key still used by another credential must not race the new one).
 */
export class AccountWrites {
	readonly coordinators = new Set<WriteCoordinator>();

	/** product_id → its lane; a product without one is idle. */
	readonly lanes = new Map<number, Lane>();

	/** "identifyBy:identifier" → product_id, as lookups found them: tells which queued pushes a held lane holds back. */
	readonly known = new Map<string, number>();

	readonly v1Sent = new Map<number, { set: ImageSet; at: number }>();

	/** Executions of this account still waiting for pushes: their transports ask about unknown tasks. */
	readonly live = new Set<Participant>();

	nextSeq = 0;

	private backgroundPolling = false;

	constructor(
		readonly clock: Clock,
		readonly settings: Readonly<WriteSettings>,
	) {}

	get flying(): boolean {
		for (const coordinator of this.coordinators) if (coordinator.flying) return true;
		return false;
	}

	/** Applies `event` to the product's lane; a lane freed lets every key's held pushes go. */
	lane(productId: number, event: LaneEvent): boolean {
		const before = this.lanes.get(productId);
		const { lane, applied } = step(before, event);
		if (!applied) return false;
		if (lane) this.lanes.set(productId, lane);
		else this.lanes.delete(productId);
		if (lane?.state === 'unknown' && before?.state !== 'unknown') this.pollInBackground();
		if (!lane && before) this.wakeAll();
		return true;
	}

	/**
	 * `pushes` left the queue (their execution was stopped). A lane passed on to them while they backed
	 * off (see lanes.ts `passed`) holds nobody's push once every push it was passed to is stopped: it is
	 * free once a write of theirs without an answer would have landed (a quota refusal: at once), not
	 * at the end of their window or Result Timeout, which other pushes of the product waited out for nothing.
	 */
	handedBack(pushes: Push[]): void {
		const tokens = new Set(pushes.map((push) => push.laneToken).filter((token): token is Handover => token !== undefined));
		if (tokens.size === 0) return;
		const now = this.clock.now();
		for (const [productId, lane] of this.lanes) {
			if (lane.state !== 'writing' || !tokens.has(lane.holder as Handover)) continue;
			const token = lane.holder as Handover;
			if (!token.pushes.every((push) => push.participant.cancelled)) continue;
			if (token.landedBy <= now) this.lane(productId, { type: 'unsent', holder: token });
			else if ((lane.until ?? Infinity) > token.landedBy) this.lane(productId, { type: 'passed', holder: token, to: token, until: token.landedBy });
		}
		this.wakeAll();
	}

	wakeAll(): void {
		for (const coordinator of this.coordinators) coordinator.schedule();
	}

	/**
	 * Forgets what lookups told of products whose lane is free: only a held lane holds a push back.
	 * At every landing, not only once nothing of the account is written or held (under steady
	 * webhooks some flight is always out, and `known` would keep every product ever pushed). A push
	 * whose entry went is looked up again, and waits then if need be.
	 */
	tidy(): void {
		if (!this.flying && this.lanes.size === 0) return this.known.clear();
		for (const [key, productId] of this.known) if (!this.lanes.has(productId)) this.known.delete(key);
	}

	/** What the lanes know of import task `taskId`: each product a lane holds for it, with Ozon's answer where one came. */
	lanesOfTask(taskId: number): TaskLane[] {
		const found: TaskLane[] = [];
		for (const [productId, lane] of this.lanes) {
			if (lane.taskId !== taskId) continue;
			found.push({ productId, offerId: lane.offerId, state: lane.state, ...(lane.state === 'confirming' ? { status: lane.status } : {}) });
		}
		return found;
	}

	/**
	 * Ozon's answers for products of task `taskId`, learnt outside the write path (Get Push Result).
	 * A lane whose answer no execution waits for any more (`unknown`) takes a final one as from the
	 * background poll: the product's next push goes without waiting for that poll. Other lanes
	 * belong to a flight, which asks for itself.
	 */
	taskAnswered(taskId: number, answers: Array<{ productId: number; status: TaskItemStatus }>): void {
		const nextPollAt = this.clock.now() + this.settings.backgroundPollMs;
		for (const { productId, status } of answers) {
			const lane = this.lanes.get(productId);
			if (lane?.state === 'unknown' && lane.taskId === taskId && status !== 'pending') this.lane(productId, { type: 'background', status, nextPollAt });
		}
	}

	/**
	 * Asks Ozon about the tasks of `unknown` lanes, owned by no execution: with the transport of an
	 * execution of this account still waiting, while there is one (else the next push's execution
	 * picks it up). Bounded: one loop per account, a few tasks at a time, each every
	 * `backgroundPollMs`; a lane is given up after `backgroundGiveUpMs` (the longest Result Timeout).
	 */
	pollInBackground(): void {
		if (this.backgroundPolling) return;
		this.backgroundPolling = true;
		void (async () => {
			try {
				for (;;) {
					const transport = this.liveTransport();
					if (!transport) return;
					const now = this.clock.now();
					const byTask = new Map<number, Array<{ productId: number; offerId: string }>>();
					let nextDue = Infinity;
					for (const [productId, lane] of this.lanes) {
						if (lane.state !== 'unknown') continue;
						if (now - lane.since >= this.settings.backgroundGiveUpMs) {
							this.lane(productId, { type: 'givenUp' });
							continue;
						}
						if (lane.nextPollAt > now) {
							nextDue = Math.min(nextDue, lane.nextPollAt);
							continue;
						}
						const products = byTask.get(lane.taskId) ?? [];
						byTask.set(lane.taskId, products);
						products.push({ productId, offerId: lane.offerId });
					}
					if (byTask.size === 0 && nextDue === Infinity) return;
					await mapConcurrent([...byTask], REQUEST_CONCURRENCY, async ([taskId, products]) => {
						let results: Awaited<ReturnType<typeof getImportInfo>> | undefined;
						try {
							results = await getImportInfo(transport, taskId);
						} catch {
							// Asked again next round; the lane stays held meanwhile.
						}
						const byOffer = new Map((results ?? []).map((result) => [result.offerId, result.status]));
						const nextPollAt = this.clock.now() + this.settings.backgroundPollMs;
						for (const { productId, offerId } of products) {
							const status = byOffer.get(offerId) ?? 'pending';
							this.lane(productId, { type: 'background', status, nextPollAt });
						}
					});
					const wait = byTask.size > 0 ? this.settings.backgroundPollMs : Math.max(0, nextDue - this.clock.now());
					await this.clock.sleep(Math.min(wait, this.settings.backgroundPollMs));
				}
			} finally {
				this.backgroundPolling = false;
			}
		})();
	}

	/** A transport of an execution of this account that still waits for pushes, if any. */
	private liveTransport(): OzonTransport | undefined {
		for (const participant of this.live) {
			if (participant.waiting) return participant.transport;
			if (participant.closed) this.live.delete(participant);
		}
		return undefined;
	}
}

/**
 * Gathers pushes into flights (see batcher.ts): when nothing is in flight, a push leaves at once;
 * while a flight is out, new pushes gather and leave together when it lands, or as soon as they
 * fill an import request of their own. A push whose product's lane is held waits for that lane
 * alone, up to its own Result Timeout.
 */
export class WriteCoordinator implements FlightHost {
	private readonly flights = new Set<object>();

	/** Flights with nothing left but their read-backs: no push gathers behind them. */
	private readonly settlingFlights = new Set<object>();

	private readonly batcher: Batcher<Push>;

	/** How long Ozon takes to process a task, as seen with this key: when to poll first. */
	readonly pace: TaskPace;

	readonly clock: Clock;

	readonly settings: Readonly<WriteSettings>;

	constructor(private readonly account: AccountWrites) {
		account.coordinators.add(this);
		this.clock = account.clock;
		this.settings = account.settings;
		this.pace = new TaskPace(this.clock, this.settings.polling);
		this.batcher = new Batcher<Push>({
			clock: this.clock,
			maxBatch: MAX_IMPORT_BATCH,
			maxWaitMs: this.settings.gatheringMaxWaitMs,
			isReady: (push) => this.heldBy(push) === undefined && (push.notBefore === undefined || push.notBefore <= this.clock.now()),
			queuedAt: (push) => push.queuedAt,
			busy: () => this.flights.size > this.settlingFlights.size,
			dispatch: (pushes) => this.dispatch(pushes),
			sweep: (pushes, now) => this.expireHeld(pushes, now),
		});
	}

	get flying(): boolean {
		return this.flights.size > 0;
	}

	/** Idle, and its account holds no lane and serves no execution: it may be dropped (the registry does). */
	get droppable(): boolean {
		return this.idle && this.account.lanes.size === 0 && this.account.live.size === 0;
	}

	/** Leaves its account (the registry drops it when idle). */
	retire(): void {
		this.account.coordinators.delete(this);
	}

	/** Queues an execution's pushes; `participant.done` settles when every one has its outcome. */
	submit(participant: Participant, pushes: Array<{ entry: WriteEntry; settings: PushSettings }>): void {
		const now = this.clock.now();
		const queued: Push[] = pushes.map((push) => ({
			...push,
			seq: this.account.nextSeq++,
			queuedAt: now,
			participant,
			reapplied: 0,
			resends: 0,
			outcome: { success: false, settled: false, data: {}, errors: [], warnings: [] },
		}));
		for (const push of queued) participant.add(push);
		this.batcher.add(queued);
		if (pushes.length === 0) participant.abandon(undefined);
		this.account.live.add(participant);
		const forget = () => this.account.live.delete(participant);
		participant.done.then(forget, forget);
		participant.onCancel(() => this.account.handedBack(this.batcher.remove((push) => push.participant === participant)));
		// Unknown tasks are asked about while an execution of the account waits (see pollInBackground).
		this.account.pollInBackground();
		this.schedule();
	}

	requeue(pushes: Push[]): void {
		if (pushes.length === 0) return;
		this.batcher.add(pushes, (a, b) => a.seq - b.seq);
	}

	lane(productId: number, event: LaneEvent): boolean {
		return this.account.lane(productId, event);
	}

	wanted(productIds: number[]): boolean {
		const ids = new Set(productIds);
		for (const coordinator of this.account.coordinators) if (coordinator.holdsBackAny(ids)) return true;
		return false;
	}

	/** Whether a push queued here waits for the lane of one of `productIds`. */
	holdsBackAny(productIds: Set<number>): boolean {
		return this.batcher.some((push) => {
			const productId = this.account.known.get(keyOf(push));
			return productId !== undefined && productIds.has(productId);
		});
	}

	learn(push: Push, productId: number): void {
		this.account.known.set(keyOf(push), productId);
	}

	/**
	 * The set this process sent with v1 a moment ago: newer than a lookup, as v1 answers before
	 * processing. Until a v2 write of the product is processed (see forgetV1).
	 */
	v1Base(product: ProductInfo): ProductInfo {
		const sent = this.account.v1Sent.get(product.productId);
		if (!sent || this.clock.now() - sent.at > V1_MEMORY_MS) return product;
		return { ...product, primaryImage: sent.set.primaryImage ? [sent.set.primaryImage] : [], images: sent.set.images, colorImage: sent.set.colorImage ? [sent.set.colorImage] : [] };
	}

	forgetV1(productId: number): void {
		this.account.v1Sent.delete(productId);
	}

	rememberV1(productId: number, set: ImageSet): void {
		const now = this.clock.now();
		for (const [id, sent] of this.account.v1Sent) if (now - sent.at > V1_MEMORY_MS) this.account.v1Sent.delete(id);
		this.account.v1Sent.set(productId, { set, at: now });
	}

	/**
	 * `flight` has sent its writes and has Ozon's answers; its read-backs wait one processing time
	 * (see confirm.ts). Pushes gathering behind it leave now, as they would once it landed: that
	 * wait is for confirming its own products, whose lanes it still holds.
	 */
	settling(flight: object): void {
		if (!this.flights.has(flight) || this.settlingFlights.has(flight)) return;
		this.settlingFlights.add(flight);
		this.schedule();
	}

	landed(flight: object): void {
		this.flights.delete(flight);
		this.settlingFlights.delete(flight);
		this.account.tidy();
		this.schedule();
		this.account.wakeAll();
	}

	/** Pending pushes (queued, not yet in a flight), for tests and the idle check. */
	get queued(): number {
		return this.batcher.size;
	}

	get idle(): boolean {
		return this.batcher.size === 0 && this.flights.size === 0;
	}

	schedule(): void {
		this.batcher.schedule();
	}

	private dispatch(pushes: Push[]): void {
		const flight = new Flight(this, pushes);
		this.flights.add(flight);
		void flight.run();
	}

	/** The lane holding this push back, if a lookup has told its product and that product's lane is held. */
	private heldBy(push: Push): Lane | undefined {
		if (this.account.lanes.size === 0) return undefined;
		const productId = this.account.known.get(keyOf(push));
		const lane = productId === undefined ? undefined : this.account.lanes.get(productId);
		// Passed on to this push (it backs off after an import without an answer), or its time is over.
		if (lane?.state === 'writing' && lane.until !== undefined && (lane.holder === push.laneToken || lane.until <= this.clock.now())) return undefined;
		return lane;
	}

	/**
	 * Answers the pushes that have waited for an earlier write of their product longer than their own
	 * Result Timeout: that write may take up to its own (an hour at most), and sending on the photos
	 * from before it could undo it. Never sent; the item says why.
	 */
	private expireHeld(pushes: Push[], now: number): { kept: Push[]; wakeAt?: number } {
		// Pushes backing off after a failed import: looked at again when their back-off ends; and a
		// lane passed on to them is anyone's once its time is over.
		let nextExpiry = Infinity;
		for (const push of pushes) {
			if (push.notBefore !== undefined && push.notBefore > now) nextExpiry = Math.min(nextExpiry, push.notBefore);
			const lane = this.heldBy(push);
			if (lane?.state === 'writing' && lane.until !== undefined && lane.until > now) nextExpiry = Math.min(nextExpiry, lane.until);
		}
		if (this.account.lanes.size === 0) return { kept: pushes, wakeAt: nextExpiry < Infinity ? nextExpiry : undefined };
		const kept: Push[] = [];
		for (const push of pushes) {
			const holder = this.heldBy(push);
			const expiresAt = push.queuedAt + push.settings.resultTimeoutMs;
			if (!holder || now < expiresAt) {
				kept.push(push);
				if (holder) nextExpiry = Math.min(nextExpiry, expiresAt);
				continue;
			}
			const taskId = holder.taskId;
			const { outcome } = push;
			if (push.reapplied > 0) {
				// Its own write was undone by another writer; the time to apply it again ran out.
				Object.assign(outcome, { success: false, settled: true, status: 'conflict' });
				outcome.data.status = 'conflict';
				outcome.errors.push({
					field: 'images',
					reason: `Not on Ozon: another writer changed this product's photos after this push was processed, and this item's Result Timeout (${Math.round(push.settings.resultTimeoutMs / 1000)} s) ran out before it could be applied again. current_images shows what the product has now; push again to restore them`,
				});
				push.participant.settled();
				continue;
			}
			Object.assign(outcome, { success: false, settled: true, status: 'failed' });
			outcome.data.status = 'failed';
			const seconds = Math.round(push.settings.resultTimeoutMs / 1000);
			// Passed on to pushes backing off (lanes.ts `passed`): nothing of theirs is with Ozon yet, as far as the node knows.
			const backingOff = holder.state === 'writing' && holder.until !== undefined;
			outcome.errors.push({
				field: 'task',
				reason: backingOff
					? `Not sent: an earlier push of this product was waiting to be sent again (Ozon refused its import for the product update limit, or did not answer it) when this item's Result Timeout (${seconds} s) ran out; sent before it, this one could be undone by it. Push again later, or raise Result Timeout`
					: `Not sent: an earlier push of this product${taskId === undefined ? '' : ` (task_id ${taskId})`} was still being processed by Ozon when this item's Result Timeout (${seconds} s) ran out, and building on the photos from before it could undo it. Push again later, or raise Result Timeout`,
			});
			push.participant.settled();
		}
		return { kept, wakeAt: nextExpiry < Infinity ? nextExpiry : undefined };
	}
}
