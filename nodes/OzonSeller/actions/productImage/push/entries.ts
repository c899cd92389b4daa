import type { ImageSet, PlannedImages } from '../../../domain/plan';
import type { ApiVersion, ProductInfo } from '../../../domain/types';
import type { PushRequest } from '../../../domain/validate';
import type { TaskItemStatus, V1ImportRequest, V2ImportItem } from '../../../transport/ozonApi';
import type { Identified } from '../../common/identify';

/** An item whose parameters passed validation: what the user asked for, per item. */
export interface ValidEntry extends Identified {
	request: PushRequest;
	dryRun: boolean;
	checkUrls: boolean;
}

/** A validated item whose product Ozon knows. */
export type ResolvedEntry = ValidEntry & { product: ProductInfo };

/** A dry-run item with the image set it would send. */
export interface PushEntry {
	index: number;
	request: PushRequest;
	product: ProductInfo;
	planned: PlannedImages;
	v2Item?: V2ImportItem;
	v1Request?: V1ImportRequest;
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
	/** Ozon's status for this write once known; `unsent` when its request failed, `unknown` when its polls did. */
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
	/** The Result Timeouts of its pushes (epoch milliseconds, ascending, distinct): each gets a poll of its own. */
	timeouts?: number[];
	nextPollAt: number;
	polls: number;
}

/** Execution-level settings of a push: read once, from the first item. */
export interface PushSettings {
	waitForResult: boolean;
	/** Whether the read-back waits one processing time, for writes of other processes to land. */
	watchOtherWriters: boolean;
	resultTimeoutMs: number;
	batchSize: number;
}
