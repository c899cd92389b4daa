import type { PlannedImages } from '../../../domain/plan';
import type { ProductInfo } from '../../../domain/types';
import type { PushRequest } from '../../../domain/validate';
import type { V1ImportRequest, V2ImportItem } from '../../../transport/ozonApi';
import type { WriteEntry } from '../../../writes/types';

export type { PushSettings } from '../../../writes/types';

/** An item whose parameters passed validation: what the user asked for, per item. */
export interface ValidEntry extends WriteEntry {
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
