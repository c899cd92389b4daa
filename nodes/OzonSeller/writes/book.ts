/**
 * The ledger of a flight: its pushes' outcomes, as the stages settle them.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ItemError, ItemWarning } from '../domain/types';
import { OzonRequestError } from '../transport/errors';
import type { Ledger } from '../actions/common/ledger';
import type { Push } from './participant';

/**
 * The ledger of a flight, over its pushes (index = position in the flight). Settling a push hands
 * its outcome to its execution; a failed request is kept whole, for that execution's ledger to word.
 */
export class FlightBook implements Ledger {
	stopped = false;

	constructor(readonly pushes: Push[]) {}

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
