import type { PlannedImages } from '../../../domain/plan';
import type { ProductInfo } from '../../../domain/types';
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

/** An item with the image set it will send, and how its write went. */
export interface PushEntry {
	index: number;
	request: PushRequest;
	dryRun: boolean;
	product: ProductInfo;
	planned: PlannedImages;
	/** Ozon's status for this write, once known. */
	status?: TaskItemStatus;
	taskId?: number;
	v2Item?: V2ImportItem;
	v1Request?: V1ImportRequest;
}

/** One `/v2/product/pictures/import` request and the items it carried, until Ozon says how it went. */
export interface ImportTask {
	taskId: number;
	entries: PushEntry[];
	deadline: number;
	nextPollAt: number;
	polls: number;
}

/** Execution-level settings of a push: read once, from the first item. */
export interface PushSettings {
	waitForResult: boolean;
	resultTimeoutMs: number;
	batchSize: number;
}
