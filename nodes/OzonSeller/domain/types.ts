/** Plain data shared by validation, planning and the operations. No n8n or HTTP types here. */

export type IdentifyBy = 'offerId' | 'productId' | 'sku';

/** Ozon's name for each kind of identifier: the field of its requests and of the node's output. */
export const ID_FIELD: Record<IdentifyBy, string> = { offerId: 'offer_id', productId: 'product_id', sku: 'sku' };
export type PushMode = 'replace' | 'append' | 'prepend';
export type TooManyImages = 'truncate' | 'error';
export type ApiVersion = 'v2' | 'v1';

/** The image fields of a push, as named in the node's output. */
export type ImageField = 'images' | 'primary_image' | 'color_image' | 'images360';

/** Something that stops an item: it is never sent. */
export interface ItemError {
	field: string;
	reason: string;
	index?: number;
	url?: string;
}

/** Something changed or left out on the way; the item still proceeds. */
export interface ItemWarning {
	field: string;
	message: string;
	urls?: string[];
}

/** A URL that passed validation, with its position in the user's list. */
export interface IndexedUrl {
	url: string;
	index: number;
}

/**
 * A product as Ozon's `/v3/product/info/list` describes it. An image field is `null` when Ozon's
 * answer left it out or sent null: its current images are unknown, which is not the same as none.
 */
export interface ProductInfo {
	productId: number;
	offerId: string;
	sku?: number;
	/** The SKUs Ozon lists under `sources[].sku`: an older SKU of the product is named only there. */
	sourceSkus?: number[];
	primaryImage: string[] | null;
	images: string[] | null;
	colorImage: string[] | null;
}
