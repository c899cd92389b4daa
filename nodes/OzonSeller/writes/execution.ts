/**
 * The execution's adapter to the write path: hands its valid items to the process's coordinator
 * for their key, and settles its ledger with the outcomes.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { MAX_INFO_LIST_BATCH } from '../domain/constants';
import type { ItemWarning } from '../domain/types';
import { OzonTransport, type TransportOptions } from '../transport';
import { keyExpiryWarning } from '../transport/keyExpiry';
import type { TransportState } from '../transport/state';
import type { ItemLedger } from '../actions/common/ledger';
import { Participant, type Push } from './participant';
import type { WriteRegistry } from './registry';
import type { PushSettings, WriteEntry } from './types';

/** Valid items handed in at a time while later ones are still being read: one lookup request's worth. */
export const HAND_IN_ITEMS = MAX_INFO_LIST_BATCH;

/**
 * Applies the outcomes the write coordinator reached to this execution's ledger. Every push's own
 * outcome first; then each failed request once, for the pushes it settled: a rejected key settles
 * every item still open, and must not reach one that another flight already imported.
 */
function settleFromCoordinator(ledger: ItemLedger, pushes: Push[]): void {
	const failedRequests = new Map<unknown, Map<string, number[]>>();
	for (const push of pushes) {
		const { index } = push.entry;
		const { data, warnings, errors, requestError, success, status = 'failed' } = push.outcome;
		ledger.setData(index, data);
		ledger.warn(index, ...warnings);
		if (requestError !== undefined) {
			const byStatus = failedRequests.get(requestError) ?? new Map<string, number[]>();
			failedRequests.set(requestError, byStatus);
			const indexes = byStatus.get(status) ?? [];
			byStatus.set(status, indexes);
			indexes.push(index);
		} else if (success) ledger.succeed(index, status);
		else ledger.fail(index, status, errors);
	}
	// Each push with its own request's status first; then, were the key rejected, the items never
	// handed in (or not yet read when it was) fail with its reason.
	for (const [error, byStatus] of failedRequests) for (const [status, indexes] of byStatus) ledger.requestFailed(error, indexes, status, false);
	for (const error of failedRequests.keys()) ledger.requestFailed(error, []);
}

/**
 * One execution's writes, handed to the process's write coordinator. In turns (`inTurns`, when
 * Dry Run and Check URLs First are off for every item): while later items are still being read,
 * a lookup request's worth of valid items is handed in as soon as it is read and every flight
 * carrying this execution's earlier pushes has sent its imports; the rest once the last item is
 * read and those flights have sent theirs. So the first request leaves after about a thousand
 * items' reading instead of all of them, and the flights stay few and large, one sending its
 * imports at a time (flights sending side by side crowd the rate limiter's queue, and every poll
 * and read-back waits behind it). Items are handed in their order, so pushes of one product keep
 * it. Otherwise everything is handed in at once.
 */
export class ExecutionWrites {
	private transport: OzonTransport | undefined;

	/** The key's expiry warning, read once the transport is connected. */
	keyWarning: ItemWarning | undefined;

	private participant: Participant | undefined;

	private pending: WriteEntry[] = [];

	private readonly readingSince: number;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly ledger: ItemLedger,
		private readonly settings: PushSettings,
		private readonly transportOptions: TransportOptions,
		private readonly inTurns: boolean,
		private readonly process: { transport: TransportState; writes: WriteRegistry },
	) {
		this.readingSince = process.writes.clock.now();
	}

	/** The execution's transport, created on first use (with the key's expiry read, at most hourly per key). */
	async connect(): Promise<OzonTransport> {
		if (!this.transport) {
			this.transport = await OzonTransport.create(this.ctx, this.transportOptions, this.process.transport);
			this.keyWarning = await keyExpiryWarning(this.transport);
		}
		return this.transport;
	}

	/** The Stop button (or n8n's execution timeout): no item read after it would be sent. */
	get cancelled(): boolean {
		return this.ctx.getExecutionCancelSignal?.()?.aborted === true;
	}

	/**
	 * Takes the valid entries of a turn of reading (`unread`: items still to be read after it) and
	 * hands in what is due. Not before the reading has gone on for `the process's handInAfterMs`, nor while
	 * less than a hand-in's worth is left to read: the rest soon follows whole, rather than as a
	 * small flight of its own that would wait for company.
	 */
	async take(entries: WriteEntry[], unread: number): Promise<void> {
		for (const entry of entries) this.pending.push(entry);
		if (unread === 0) {
			if (this.inTurns) await this.participant?.whenAllSent();
			return await this.handIn(this.pending.splice(0), false);
		}
		if (!this.inTurns || unread < HAND_IN_ITEMS || this.pending.length < HAND_IN_ITEMS || !(this.participant?.allSent ?? true)) return;
		if (this.process.writes.clock.now() - this.readingSince < this.process.writes.settings.handInAfterMs) return;
		await this.handIn(this.pending.splice(0, this.pending.length - (this.pending.length % HAND_IN_ITEMS)), true);
	}

	private async handIn(entries: WriteEntry[], more: boolean): Promise<void> {
		// After a rejected key nothing more is sent: those items fail with its reason (see finish).
		if (entries.length === 0 || this.participant?.closed) return;
		const transport = await this.connect();
		this.participant ??= new Participant(transport, this.ctx.getExecutionCancelSignal?.(), () => new NodeOperationError(this.ctx.getNode(), 'The execution was cancelled'));
		if (more) this.participant.handInMore();
		this.process.writes.coordinatorFor(transport).submit(
			this.participant,
			entries.map((entry) => ({ entry, settings: this.settings })),
		);
	}

	/** Hands in what is left, waits until every push has its outcome and settles the items with them. */
	async finish(): Promise<void> {
		await this.take([], 0);
		const participant = this.participant;
		if (!participant) return;
		participant.handedIn();
		await participant.done;
		settleFromCoordinator(this.ledger, participant.pushes);
	}
}
