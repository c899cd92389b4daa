/**
 * The write coordinator: one per Ozon key in the n8n process, shared by every execution. n8n runs
 * one execution per webhook call, and Ozon's import sets a product's whole image set, so pushes
 * of one product from overlapping executions must be applied in order, each on the state the one
 * before it left; pushes that meet in time travel together in shared requests.
 */
import { sleep, type IDataObject } from 'n8n-workflow';

import { MAX_IMPORT_BATCH } from '../../../domain/constants';
import type { ImageSet } from '../../../domain/plan';
import type { ItemError, ItemWarning, ProductInfo } from '../../../domain/types';
import type { OzonTransport } from '../../../transport';
import type { PushSettings, ValidEntry } from './entries';
import { Flight } from './flight';
import { TaskPace } from './waitForTasks';

/** What a push comes to: the fields of the node's output, or the failed request that settled it. */
export interface PushOutcome {
	success: boolean;
	settled: boolean;
	status?: string;
	data: IDataObject;
	errors: ItemError[];
	warnings: ItemWarning[];
	/** The request failure that settled the push; the execution's ledger words it (and may stop the run). */
	requestError?: unknown;
}

/** One item's push, from submission until it has its outcome; it may travel in several flights. */
export interface QueuedPush {
	/** Arrival order across executions: pushes of one product are applied in it. */
	seq: number;
	/** When it was submitted (epoch ms): how long it has waited for company. */
	queuedAt: number;
	participant: Participant;
	entry: ValidEntry;
	settings: PushSettings;
	/** Times it was re-applied after another writer replaced its photos. */
	reapplied: number;
	outcome: PushOutcome;
}

/**
 * How long a push whose product is free waits for company while another flight is out. A flight
 * lasts as long as Ozon takes with its task (up to a Result Timeout, which may be an hour): gathering
 * for all of it would hold an unrelated lone push that long. Ozon's processing (about the first poll's
 * delay) is what a burst gathers over. Mutable so tests can scale it with the polling schedule.
 */
export const gathering = { maxWaitMs: 2000 };

/** How long the set this process last sent with v1 counts as newer than what a lookup shows (v1 answers before processing). */
const V1_MEMORY_MS = 60_000;

/**
 * One execution's share of the coordinator: its transport, its pushes, and when they are all settled.
 * An execution may hand its pushes in several turns while it reads its items (see push/handIn.ts).
 */
export class Participant {
	readonly pushes: QueuedPush[] = [];

	private open = 0;

	/** More pushes are still to be handed in: `done` waits for them, even when every push so far is answered. */
	private handingIn = false;

	/** Flights carrying pushes of this execution that have not yet sent all their imports. */
	private sending = 0;

	private answered = false;

	private watchingCancel = false;

	/** Waiting for every flight carrying this execution's pushes to have sent its imports. */
	private sentWaiters: Array<() => void> = [];

	/** A failure that stops every further request with this key (a rejected key, a redirecting Base URL). */
	stoppedBy: unknown;

	private finish: (error?: unknown) => void = () => {};

	readonly done: Promise<void>;

	constructor(
		readonly transport: OzonTransport,
		private readonly signal: AbortSignal | undefined,
		private readonly cancelError: () => Error,
	) {
		this.done = new Promise<void>((resolve, reject) => {
			this.finish = (error) => {
				this.answered = true;
				if (error === undefined) resolve();
				else reject(error);
			};
		});
		// Awaited once the execution has handed everything in; a fault before then is not unhandled.
		this.done.catch(() => {});
	}

	get cancelled(): boolean {
		return this.signal?.aborted === true;
	}

	/** Still has pushes to answer: its execution is alive and waiting. */
	get waiting(): boolean {
		return this.open > 0 && !this.cancelled;
	}

	/** No push handed in now would be sent: the execution was cancelled or answered, or its key stopped. */
	get closed(): boolean {
		return this.cancelled || this.answered || this.stoppedBy !== undefined;
	}

	/** Every flight carrying this execution's pushes has sent its imports: the time to hand in more. */
	get allSent(): boolean {
		return this.sending === 0;
	}

	/** Settles once `allSent` holds, or no push handed in would be sent any more (`closed`). */
	whenAllSent(): Promise<void> {
		if (this.allSent || this.closed) return Promise.resolve();
		return new Promise<void>((resolve) => this.sentWaiters.push(resolve));
	}

	private wakeSentWaiters(): void {
		const waiters = this.sentWaiters;
		this.sentWaiters = [];
		for (const wake of waiters) wake();
	}

	add(push: QueuedPush): void {
		this.pushes.push(push);
		this.open++;
	}

	/** More pushes will be handed in: `done` waits for `handedIn`. */
	handInMore(): void {
		this.handingIn = true;
	}

	/** The last pushes are handed in. */
	handedIn(): void {
		this.handingIn = false;
		if (this.open === 0 && !this.answered) this.finish();
	}

	/** Called once per push when it has its outcome. */
	settled(): void {
		if (this.open <= 0) return;
		this.open--;
		if (this.open === 0 && !this.handingIn) this.finish();
	}

	/** A flight carrying pushes of this execution starts, and later has sent its imports. */
	flightSending(): void {
		this.sending++;
	}

	flightSent(): void {
		this.sending = Math.max(0, this.sending - 1);
		if (this.sending === 0 || this.closed) this.wakeSentWaiters();
	}

	/** Ends the execution's wait with an error (cancellation, or a fault of the flight). */
	abandon(error: unknown): void {
		this.open = 0;
		this.handingIn = false;
		this.finish(error);
		this.wakeSentWaiters();
	}

	/** Calls `onCancel` when the execution is cancelled (Stop button, or n8n's execution timeout); once per execution. */
	onCancel(onCancel: () => void): void {
		if (!this.signal || this.watchingCancel) return;
		this.watchingCancel = true;
		const cancel = () => {
			onCancel();
			this.abandon(this.cancelError());
		};
		if (this.signal.aborted) return cancel();
		const signal = this.signal;
		signal.addEventListener('abort', cancel, { once: true });
		// Once answered, the listener goes: the signal outlives the wait (n8n's requests hold it), and
		// through the listener it would hold every push of this execution.
		const forget = () => signal.removeEventListener('abort', cancel);
		this.done.then(forget, forget);
	}
}

/**
 * What the coordinators of one Ozon account (base URL and Client-Id) share, one per key: its
 * products are one catalogue whichever key writes them, so a product is in at most one flight of
 * the account at a time (a rotated key still used by another credential must not race the new one).
 */
class AccountWrites {
	readonly coordinators = new Set<WriteCoordinator>();

	/** product_id → the flight writing it. */
	readonly busy = new Map<number, Flight>();

	/** "identifyBy:identifier" → product_id, as lookups found them: tells which queued pushes a busy product holds back. */
	readonly known = new Map<string, number>();

	readonly v1Sent = new Map<number, { set: ImageSet; at: number }>();

	nextSeq = 0;

	get flying(): boolean {
		for (const coordinator of this.coordinators) if (coordinator.flying) return true;
		return false;
	}
}

/**
 * Gathers pushes into flights, Nagle-style: when nothing is in flight, a push leaves at once;
 * while a flight is out, new pushes gather and leave together when it lands, or as soon as they
 * fill an import request of their own. A product is in at most one flight of its account at a time.
 */
export class WriteCoordinator {
	private queue: QueuedPush[] = [];

	private readonly flights = new Set<Flight>();

	/** Flights with nothing left but their read-backs: they hold their products, but no push gathers behind them. */
	private readonly settlingFlights = new Set<Flight>();

	private readonly busy: Map<number, Flight>;

	private readonly known: Map<string, number>;

	private readonly v1Sent: Map<number, { set: ImageSet; at: number }>;

	constructor(private readonly account: AccountWrites = new AccountWrites()) {
		account.coordinators.add(this);
		({ busy: this.busy, known: this.known, v1Sent: this.v1Sent } = account);
	}

	get flying(): boolean {
		return this.flights.size > 0;
	}

	/** When the armed wake-up for gathered pushes fires (epoch ms), if one is armed. */
	private wakeAt: number | undefined;

	/** How long Ozon takes to process a task, as seen with this key: when to poll first. */
	readonly pace = new TaskPace();

	/** Queues an execution's pushes; `participant.done` settles when every one has its outcome. */
	submit(participant: Participant, pushes: Array<Omit<QueuedPush, 'seq' | 'queuedAt' | 'participant' | 'reapplied' | 'outcome'>>): void {
		const now = Date.now();
		for (const push of pushes) {
			const queued: QueuedPush = {
				...push,
				seq: this.account.nextSeq++,
				queuedAt: now,
				participant,
				reapplied: 0,
				outcome: { success: false, settled: false, data: {}, errors: [], warnings: [] },
			};
			participant.add(queued);
			this.queue.push(queued);
		}
		if (pushes.length === 0) participant.abandon(undefined);
		participant.onCancel(() => this.withdraw(participant));
		this.schedule();
	}

	/** Puts pushes back in the queue in arrival order (a later push of their product, or a re-apply). */
	requeue(pushes: QueuedPush[]): void {
		if (pushes.length === 0) return;
		this.queue = [...this.queue, ...pushes].sort((a, b) => a.seq - b.seq);
	}

	/** Marks `productId` as written by `flight`; false when another flight holds it. */
	claim(productId: number, flight: Flight): boolean {
		const holder = this.busy.get(productId);
		if (holder && holder !== flight) return false;
		this.busy.set(productId, flight);
		return true;
	}

	learn(push: QueuedPush, productId: number): void {
		this.known.set(keyOf(push), productId);
	}

	/**
	 * The set this process sent with v1 a moment ago: newer than a lookup, as v1 answers before
	 * processing. Until a v2 write of the product is processed (see forgetV1).
	 */
	v1Base(product: ProductInfo): ProductInfo {
		const sent = this.v1Sent.get(product.productId);
		if (!sent || Date.now() - sent.at > V1_MEMORY_MS) return product;
		return { ...product, primaryImage: sent.set.primaryImage ? [sent.set.primaryImage] : [], images: sent.set.images, colorImage: sent.set.colorImage ? [sent.set.colorImage] : [] };
	}

	forgetV1(productId: number): void {
		this.v1Sent.delete(productId);
	}

	rememberV1(productId: number, set: ImageSet): void {
		const now = Date.now();
		for (const [id, sent] of this.v1Sent) if (now - sent.at > V1_MEMORY_MS) this.v1Sent.delete(id);
		this.v1Sent.set(productId, { set, at: now });
	}

	/**
	 * `flight` has sent its writes and has Ozon's answers; its read-backs wait one processing time
	 * (see readBack). Pushes gathering behind it leave now, as they would once it landed: that
	 * wait is for confirming its own products, which it still holds.
	 */
	settling(flight: Flight): void {
		if (!this.flights.has(flight) || this.settlingFlights.has(flight)) return;
		this.settlingFlights.add(flight);
		this.schedule();
	}

	landed(flight: Flight): void {
		this.flights.delete(flight);
		this.settlingFlights.delete(flight);
		for (const [productId, holder] of this.busy) if (holder === flight) this.busy.delete(productId);
		if (!this.account.flying) this.known.clear();
		// Its products are free now, also for the account's other keys.
		this.schedule();
		for (const other of this.account.coordinators) if (other !== this) other.schedule();
	}

	/** Pending pushes (queued, not yet in a flight), for tests and the idle check. */
	get queued(): number {
		return this.queue.length;
	}

	get idle(): boolean {
		return this.queue.length === 0 && this.flights.size === 0;
	}

	private withdraw(participant: Participant): void {
		this.queue = this.queue.filter((push) => push.participant !== participant);
	}

	private schedule(): void {
		// Everything that waits on time is looked at below, and a wake-up armed again if needed.
		this.wakeAt = undefined;
		this.expireHeldBack();
		if (this.queue.length === 0) return;
		// Only pushes whose product is not being written (by this key or another of the account).
		const boarding =
			this.busy.size === 0
				? this.queue
				: this.queue.filter((push) => {
						const productId = this.known.get(keyOf(push));
						return productId === undefined || !this.busy.has(productId);
					});
		if (boarding.length === 0) return;
		if (this.flights.size > this.settlingFlights.size) {
			// While a flight of this key is out they leave early with a full request's worth, or once
			// the oldest of them has waited long enough for company.
			let oldest = Infinity;
			for (const push of boarding) oldest = Math.min(oldest, push.queuedAt);
			const leaveAt = oldest + gathering.maxWaitMs;
			if (boarding.length < MAX_IMPORT_BATCH && Date.now() < leaveAt) return this.wake(leaveAt);
		}
		const leaving = new Set(boarding);
		this.queue = this.queue.filter((push) => !leaving.has(push));
		const flight = new Flight(this, boarding);
		this.flights.add(flight);
		void flight.run();
	}

	/**
	 * Answers the pushes that have waited for an earlier write of their product longer than their own
	 * Result Timeout: that write may take up to its own (an hour at most), and sending on the photos
	 * from before it could undo it. Never sent; the item says why.
	 */
	private expireHeldBack(): void {
		if (this.busy.size === 0) return;
		const now = Date.now();
		let nextExpiry = Infinity;
		const kept: QueuedPush[] = [];
		for (const push of this.queue) {
			const productId = this.known.get(keyOf(push));
			const holder = productId === undefined ? undefined : this.busy.get(productId);
			const expiresAt = push.queuedAt + push.settings.resultTimeoutMs;
			if (!holder || productId === undefined || now < expiresAt) {
				kept.push(push);
				if (holder) nextExpiry = Math.min(nextExpiry, expiresAt);
				continue;
			}
			const taskId = holder.taskIdOf(productId);
			const { outcome } = push;
			Object.assign(outcome, { success: false, settled: true, status: 'failed' });
			outcome.data.status = 'failed';
			outcome.errors.push({
				field: 'task',
				reason: `Not sent: an earlier push of this product${taskId === undefined ? '' : ` (task_id ${taskId})`} was still being processed by Ozon when this item's Result Timeout (${Math.round(push.settings.resultTimeoutMs / 1000)} s) ran out, and building on the photos from before it could undo it. Push again later, or raise Result Timeout`,
			});
			push.participant.settled();
		}
		this.queue = kept;
		if (nextExpiry < Infinity) this.wake(nextExpiry);
	}

	/** Looks at the queue again at `at`, unless a look no later than that is already due. */
	private wake(at: number): void {
		if (this.wakeAt !== undefined && this.wakeAt <= at) return;
		this.wakeAt = at;
		void (async () => {
			// In short steps: once the gathered pushes have left with a flight, no timer outlives them.
			while (this.wakeAt === at && Date.now() < at) await sleep(Math.min(250, at - Date.now()));
			if (this.wakeAt !== at) return;
			this.wakeAt = undefined;
			this.schedule();
		})();
	}
}

function keyOf(push: QueuedPush): string {
	return `${push.entry.identifyBy}:${push.entry.identifier}`;
}

// One coordinator per Ozon key (base URL, Client-Id and a hash of the Api-Key): pushes made with
// one key are never sent with another. The coordinators of one account share its product locks.
const coordinators = new Map<string, WriteCoordinator>();
const accounts = new Map<string, AccountWrites>();

export function coordinatorFor(transport: OzonTransport): WriteCoordinator {
	let coordinator = coordinators.get(transport.keyId);
	if (!coordinator) {
		let account = accounts.get(transport.account);
		if (!account) {
			account = new AccountWrites();
			accounts.set(transport.account, account);
		}
		coordinator = new WriteCoordinator(account);
		coordinators.set(transport.keyId, coordinator);
	}
	return coordinator;
}

/** Forgets every coordinator (tests start each case from a fresh process state). */
export function resetCoordinators(): void {
	coordinators.clear();
	accounts.clear();
}
