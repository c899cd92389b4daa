/**
 * A product's lane: who may write it now, and what Ozon was last sent for it. Pure: the account's
 * registry (coordinator.ts) keeps one lane per product it has a write for, and frees it once
 * settled, so an idle product costs nothing (memory stays flat under days of webhooks).
 *
 *   idle ──claim──▶ writing ──accepted──▶ writing(task) ──answered──▶ confirming ──confirmed──▶ idle
 *                     │                        │   └──answered failed──▶ idle
 *                     └─unsent / released─▶ idle   └──released before an answer──▶ unknown(task)
 *   unknown(task) ──background answer (imported, skipped, failed) or given up──▶ idle
 *
 * A push of a product whose lane is held waits (within its own Result Timeout) until the lane is
 * idle again, and is then planned on a fresh lookup, which shows what the earlier write left: a
 * push never builds on the photos from before an accepted write.
 */
import type { ImageSet } from '../domain/plan';

/** What holds a lane while writing: a flight (compared by identity only). */
export type LaneHolder = object;

export type Lane =
	/**
	 * A flight plans or sends this product's write; `taskId` once Ozon accepted it. `until`: held for
	 * pushes that are backing off before they are planned again (see `passed`), at most until then.
	 */
	| { state: 'writing'; holder: LaneHolder; taskId?: number; offerId?: string; set?: ImageSet; sentAt?: number; until?: number }
	/** Ozon processed the write (`status`, its answer): its read-back decides the pushes' outcome. */
	| { state: 'confirming'; holder: LaneHolder; taskId?: number; offerId?: string; set?: ImageSet; status: 'imported' | 'skipped' }
	/** Ozon accepted the write, but no answer came before every push's deadline: asked about in the background. */
	| { state: 'unknown'; taskId: number; offerId: string; set?: ImageSet; sentAt: number; since: number; nextPollAt: number };

export type LaneEvent =
	/** `tokens`: what the claimant's pushes were handed when their lane was passed on (see `passed`). */
	| { type: 'claim'; holder: LaneHolder; tokens?: LaneHolder[]; at?: number }
	/**
	 * The holder's import got no answer: its pushes will be planned again after a back-off, and hold
	 * the lane meanwhile (as `to`, a token they carry) so that no later push of the product overtakes
	 * them; at most until `until`.
	 */
	| { type: 'passed'; holder: LaneHolder; to: LaneHolder; until: number }
	| { type: 'accepted'; holder: LaneHolder; taskId?: number; offerId: string; set: ImageSet; at: number }
	| { type: 'answered'; holder: LaneHolder; status: 'imported' | 'skipped' | 'failed' }
	| { type: 'confirmed'; holder: LaneHolder }
	| { type: 'unsent'; holder: LaneHolder }
	/** The holder is done with the product (its flight landed): a write without an answer goes on as unknown. */
	| { type: 'released'; holder: LaneHolder; at: number; nextPollAt: number }
	| { type: 'background'; status: 'imported' | 'skipped' | 'failed' | 'pending'; nextPollAt: number }
	| { type: 'givenUp' };

export interface LaneStep {
	lane: Lane | undefined;
	/** Whether the event applied (a claim granted); false: the lane is someone else's, nothing changed. */
	applied: boolean;
}

const refused = (lane: Lane | undefined): LaneStep => ({ lane, applied: false });

/** The lane after `event`. */
export function step(lane: Lane | undefined, event: LaneEvent): LaneStep {
	if (event.type === 'background' || event.type === 'givenUp') {
		if (lane?.state !== 'unknown') return refused(lane);
		if (event.type === 'background' && event.status === 'pending') return { lane: { ...lane, nextPollAt: event.nextPollAt }, applied: true };
		return { lane: undefined, applied: true };
	}
	if (event.type === 'claim') {
		if (lane === undefined) return { lane: { state: 'writing', holder: event.holder }, applied: true };
		if (lane.state === 'unknown') return refused(lane);
		if (lane.holder === event.holder) return { lane, applied: true };
		// Passed on to pushes backing off: theirs to take, anyone's once that time is over.
		const passedOn = lane.state === 'writing' && lane.until !== undefined;
		if (passedOn && (event.tokens?.includes(lane.holder) || (event.at !== undefined && event.at >= (lane.until as number)))) {
			return { lane: { state: 'writing', holder: event.holder }, applied: true };
		}
		return refused(lane);
	}
	if (lane === undefined || lane.state === 'unknown' || lane.holder !== event.holder) return refused(lane);
	switch (event.type) {
		case 'accepted':
			return lane.state === 'writing' ? { lane: { ...lane, taskId: event.taskId, offerId: event.offerId, set: event.set, sentAt: event.at }, applied: true } : refused(lane);
		case 'answered':
			if (event.status === 'failed') return { lane: undefined, applied: true };
			return { lane: { state: 'confirming', holder: lane.holder, taskId: lane.taskId, offerId: lane.offerId, set: lane.set, status: event.status }, applied: true };
		case 'confirmed':
		case 'unsent':
			return { lane: undefined, applied: true };
		case 'passed':
			return { lane: { state: 'writing', holder: event.to, until: event.until }, applied: true };
		case 'released':
			if (lane.state === 'writing' && lane.taskId !== undefined && lane.sentAt !== undefined && lane.offerId !== undefined) {
				return {
					lane: { state: 'unknown', taskId: lane.taskId, offerId: lane.offerId, set: lane.set, sentAt: lane.sentAt, since: event.at, nextPollAt: event.nextPollAt },
					applied: true,
				};
			}
			return { lane: undefined, applied: true };
	}
}
