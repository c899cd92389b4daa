/**
 * What a flight and its stages need of the coordinator that dispatched it, as interfaces: the
 * stages report each product's write to its lane through `WriteEvents`, and never see the registry.
 */
import type { ProductInfo } from '../domain/types';
import type { ImageSet } from '../domain/plan';
import type { Clock } from '../runtime/clock';
import type { LaneEvent } from './lanes';
import type { TaskPace } from './pace';
import type { Push } from './participant';
import type { WriteSettings } from './settings';
import type { ProductWrite } from './types';

export interface FlightHost {
	readonly clock: Clock;
	readonly settings: Readonly<WriteSettings>;
	/** How long Ozon takes to process a task, as seen with this key. */
	readonly pace: TaskPace;
	/** Applies `event` to the product's lane; false when the lane is another flight's (a claim refused). */
	lane(productId: number, event: LaneEvent): boolean;
	/** Whether a queued push waits for the lane of any of these products. */
	wanted(productIds: number[]): boolean;
	/** A lookup found this push's product: tells which queued pushes a held lane holds back. */
	learn(push: Push, productId: number): void;
	/** Puts pushes back in the queue in arrival order (a later push of their product, or a re-apply). */
	requeue(pushes: Push[]): void;
	v1Base(product: ProductInfo): ProductInfo;
	rememberV1(productId: number, set: ImageSet): void;
	forgetV1(productId: number): void;
	/** The flight has Ozon's answers for every write; only read-backs are left. */
	settling(flight: object): void;
	landed(flight: object): void;
}

/** Why an import goes again, and what that means for when it may leave. */
export interface ResendReason {
	/** No HTTP answer (a timeout, a reset): Ozon may have accepted it all the same. */
	noAnswer: boolean;
	/** Epoch milliseconds before which Ozon refuses the method (its quota window). */
	notBefore?: number;
	/** Refused before it was sent (a window already open): it uses up none of the pushes' retries. */
	notSent?: boolean;
}

/** What the stages report of each product's write, for its lane. */
export interface WriteEvents {
	/** Ozon accepted the write (v2: a task; v1: the request). */
	accepted(write: ProductWrite): void;
	/** Its request failed before Ozon accepted it: nothing was written. */
	unsent(write: ProductWrite): void;
	/** Ozon's task answered for it (imported, skipped or failed). */
	answered(write: ProductWrite): void;
	/** Its read-back settled its pushes. */
	confirmed(write: ProductWrite): void;
	/**
	 * Its import failed without an answer (a timeout, a reset, a 5xx) or was refused for Ozon's
	 * product-update quota: its pushes go back to the queue, to be looked up and planned again after
	 * a back-off or once the window has passed. Returns the pushes out of retries, for the caller to fail.
	 */
	resend(write: ProductWrite, why: ResendReason): number[];
}
