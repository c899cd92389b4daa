import { MAX_IMAGES, MAX_IMAGES_360 } from './constants';
import { listWarningUrls } from './urls';
import type { PushRequest } from './validate';
import { chunk } from './collections';
import type { ImageField, ItemError, ItemWarning, ProductInfo } from './types';

/** The complete image set a push will leave on the product (Ozon replaces the whole set). */
export interface ImageSet {
	primaryImage?: string;
	images: string[];
	colorImage?: string;
	images360: string[];
}

/** Where a URL of the final set came from, so Ozon's per-URL errors can name the user's field and index. */
export interface UrlOrigin {
	field: ImageField;
	index?: number;
}

export interface PlannedImages {
	set: ImageSet;
	warnings: ItemWarning[];
	errors: ItemError[];
}

export const V2_IMAGES_360_WARNING =
	"Not sent: Ozon removed 360° images from picture import on 2026-07-10 and the v2 method has no such field. Choose API Version 'v1 (Deprecated)' to try the legacy method, which Ozon may have switched off";

function unique(urls: string[]): string[] {
	return [...new Set(urls)];
}

function applyLimit(
	field: ImageField,
	urls: string[],
	limit: number,
	request: PushRequest,
	warnings: ItemWarning[],
	errors: ItemError[],
	reserved = 0,
): string[] {
	const room = limit - reserved;
	if (urls.length <= room) return urls;
	const total = urls.length + reserved;
	if (request.tooManyImages === 'error') {
		errors.push({
			field,
			reason: `${total} images in the final set; Ozon allows at most ${limit}. Remove some, or set 'Too Many Images' to truncate`,
		});
		return urls;
	}
	warnings.push({
		field,
		message: `Kept the first ${limit} of ${total} images (Ozon allows at most ${limit}); dropped the rest`,
		urls: listWarningUrls(urls.slice(room)),
	});
	return urls.slice(0, room);
}

/**
 * Works out the full image set to send for one validated push, given the product's current images
 * (needed by append/prepend), and applies Ozon's limits. Pure: no I/O.
 */
export function planImageSet(request: PushRequest, current: ProductInfo | undefined): PlannedImages {
	const warnings: ItemWarning[] = [];
	const errors: ItemError[] = [];
	const newImages = request.images.map(({ url }) => url);

	let primaryImage = request.primaryImage;
	let colorImage = request.colorImage;
	let images: string[];
	if (request.mode === 'replace' || !current) {
		images = newImages;
	} else {
		const currentPrimary = current.primaryImage[0];
		// The current main photo stays on the card: as main unless a new one is given, else in the gallery.
		const kept = unique(primaryImage ? [...current.primaryImage, ...current.images] : current.images);
		primaryImage = primaryImage ?? currentPrimary;
		colorImage = colorImage ?? current.colorImage[0];
		const merged = request.mode === 'append' ? [...kept, ...newImages] : [...newImages, ...kept];
		images = unique(merged).filter((url) => url !== primaryImage);
	}

	images = applyLimit('images', images, MAX_IMAGES, request, warnings, errors, primaryImage ? 1 : 0);

	let images360 = request.images360.map(({ url }) => url);
	if (images360.length > 0 && request.apiVersion === 'v2') {
		warnings.push({ field: 'images360', message: V2_IMAGES_360_WARNING, urls: listWarningUrls(images360) });
		images360 = [];
	}
	images360 = applyLimit('images360', images360, MAX_IMAGES_360, request, warnings, errors);

	if (errors.length === 0 && !primaryImage && images.length === 0) {
		errors.push({
			field: 'images',
			reason:
				'The product would be left without photos (Ozon replaces the whole set). Give at least one image URL',
		});
	}

	return { set: { primaryImage, images, colorImage, images360 }, warnings, errors };
}

/**
 * Where a URL of the push came from, so an Ozon error about it can name the user's field and
 * position. Looked up only when Ozon reports an error, rather than kept for every item.
 */
export function originOf(request: PushRequest, url: string): UrlOrigin | undefined {
	if (url === request.primaryImage) return { field: 'primary_image' };
	if (url === request.colorImage) return { field: 'color_image' };
	const image = request.images.find((entry) => entry.url === url);
	if (image) return { field: 'images', index: image.index };
	const frame = request.images360.find((entry) => entry.url === url);
	return frame ? { field: 'images360', index: frame.index } : undefined;
}

/** What the product will look like once the set is applied: the base for a later push of it in the same run. */
export function productAfter(product: ProductInfo, set: ImageSet): ProductInfo {
	return {
		...product,
		primaryImage: set.primaryImage ? [set.primaryImage] : [],
		images: set.images,
		colorImage: set.colorImage ? [set.colorImage] : [],
	};
}

/** All photos of a product in display order, main first. */
export function photosOf(product: Pick<ProductInfo, 'primaryImage' | 'images'>): string[] {
	return unique([...product.primaryImage, ...product.images]);
}

export interface V2ImportItem {
	offer_id: string;
	primary_image?: string;
	color_image?: string;
	images: string[];
}

export interface V1ImportRequest {
	product_id: number;
	images: string[];
	images360?: string[];
	color_image?: string;
}

export function toV2Item(offerId: string, set: ImageSet): V2ImportItem {
	return {
		offer_id: offerId,
		...(set.primaryImage ? { primary_image: set.primaryImage } : {}),
		...(set.colorImage ? { color_image: set.colorImage } : {}),
		images: set.images,
	};
}

/** v1 has no primary field: the first image is the main one. */
export function toV1Request(productId: number, set: ImageSet): V1ImportRequest {
	return {
		product_id: productId,
		images: set.primaryImage ? [set.primaryImage, ...set.images] : set.images,
		...(set.images360.length > 0 ? { images360: set.images360 } : {}),
		...(set.colorImage ? { color_image: set.colorImage } : {}),
	};
}

/**
 * Groups writes into requests of at most `batchSize` without ever putting one product twice in a
 * request. The n-th write of a product goes into wave n; waves run one after another so that
 * repeated writes to a product land in input order.
 */
export function planWaves<T>(writes: T[], keyOf: (write: T) => string, batchSize: number): T[][][] {
	const waves: T[][] = [];
	const seen = new Map<string, number>();
	for (const write of writes) {
		const key = keyOf(write);
		const occurrence = seen.get(key) ?? 0;
		seen.set(key, occurrence + 1);
		(waves[occurrence] ??= []).push(write);
	}
	return waves.map((wave) => chunk(wave, batchSize));
}
