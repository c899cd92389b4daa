/**
 * The write path's types: what an item asks for, what a push comes to, a product's write and an
 * import task. The write path's modules import downwards only: types → settings → pace and lanes →
 * book, stages → flight → coordinator → registry → the execution's adapter.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ImageSet } from '../domain/plan';
import type { ApiVersion, ItemError, ItemWarning, ProductInfo } from '../domain/types';
import type { PushRequest } from '../domain/validate';
import type { TaskItemStatus, V1ImportRequest, V2ImportItem } from '../transport/ozonApi';
import type { Identified } from '../actions/common/identify';

/** What the write path needs of an item: how the product is named, and the push it asks for. */
export interface WriteEntry extends Identified {
	request: PushRequest;
}

/** Execution-level settings of a push: read once, from the first item. */
export interface PushSettings {
	waitForResult: boolean;
	/** Whether the read-back waits one processing time, for writes of other processes to land. */
	watchOtherWriters: boolean;
	resultTimeoutMs: number;
	batchSize: number;
}

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

/** What the write path needs of the execution a push comes from (see participant.ts). */
export interface PushOwner {
	readonly cancelled: boolean;
	stoppedBy: unknown;
	settled(): void;
}

/** One item's push, from submission until it has its outcome; it may travel in several flights. */
export interface QueuedPush<Owner extends PushOwner = PushOwner> {
	/** Arrival order across executions: pushes of one product are applied in it. */
	seq: number;
	/** When it was submitted (clock ms): how long it has waited for company, and its deadline. */
	queuedAt: number;
	participant: Owner;
	entry: WriteEntry;
	settings: PushSettings;
	/** Times it was re-applied after another writer replaced its photos. */
	reapplied: number;
	/** Times its import failed without Ozon's answer and it was looked up and planned again. */
	resends: number;
	/** Not to leave before this (clock ms): the back-off after a failed import. */
	notBefore?: number;
	/** The token its product's lane was passed on to while it backs off (see lanes.ts `passed`). */
	laneToken?: Handover;
	outcome: PushOutcome;
}

/**
 * What a product's lane is passed on to while the pushes of a failed import back off (lanes.ts
 * `passed`): those pushes, and when a write of theirs that got no answer would have landed.
 */
export interface Handover {
	readonly pushes: ReadonlyArray<QueuedPush>;
	readonly landedBy: number;
}

/**
 * One product's write in a flight: the pushes merged into it (by their index in the flight's
 * book) and how it went. A product has at most one write in flight at a time.
 */
export interface ProductWrite {
	product: ProductInfo;
	apiVersion: ApiVersion;
	/** The complete set sent: every merged push applied in order. */
	set: ImageSet;
	members: number[];
	v2Item?: V2ImportItem;
	v1Request?: V1ImportRequest;
	/** Ozon's status for this write once known; `unsent` when its request failed, `unknown` when no answer came in time. */
	status?: TaskItemStatus | 'unsent' | 'unknown';
	taskId?: number;
	sentAt?: number;
	/** When a poll first found Ozon's answer for this write (imported, skipped or failed). */
	answeredAt?: number;
	readBack?: boolean;
}

/** One `/v2/product/pictures/import` request and the writes it carried, until Ozon says how they went. */
export interface ImportTask {
	taskId: number;
	writes: ProductWrite[];
	sentAt: number;
	/** The latest deadline of its pushes: after it, nobody waits for the answer. */
	deadline: number;
	/** The Result Timeouts of its pushes (clock ms, ascending, distinct): each gets a poll of its own. */
	timeouts?: number[];
	nextPollAt: number;
	polls: number;
	/** When the latest poll that found the task still pending left (clock ms). */
	pendingSetOff?: number;
	/** Why the latest poll failed (Ozon busy or unreachable), until one succeeds. */
	lastPollError?: string;
}

/**
 * What this process's product lanes know of one import task, per product they hold for it: who
 * holds it (a flight writing or confirming it, or nobody: its answer is `unknown`), and Ozon's
 * answer once one came (`confirming`).
 */
export interface TaskLane {
	productId: number;
	offerId?: string;
	state: 'writing' | 'confirming' | 'unknown';
	status?: 'imported' | 'skipped';
}
