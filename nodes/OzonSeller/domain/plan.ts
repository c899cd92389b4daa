import { IMAGES_360_REMOVED_ON, MAX_IMAGES } from './constants';
import { listWarningUrls, sameFileKey, uniqueFiles } from './urls';
import type { PushRequest } from './validate';
import type { ImageField, ItemError, ItemWarning, ProductInfo } from './types';

/**
 * The complete image set a push will leave on the product (Ozon replaces the whole set). There are
 * no 360° images in it: no Ozon method accepts them any more.
 */
export interface ImageSet {
	primaryImage?: string;
	images: string[];
	colorImage?: string;
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

export const IMAGES_360_WARNING = `Not sent: Ozon stopped accepting 360° images on ${IMAGES_360_REMOVED_ON}; no Ozon method takes them any more (v1 included). The URLs were checked and left out; the other images were sent as usual`;

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

/** The image fields of the product Ozon left unknown that an append/prepend of `request` would overwrite. */
function unknownCurrentFields(request: PushRequest, current: ProductInfo): string[] {
	const unknown: string[] = [];
	if (current.primaryImage === null) unknown.push('primary_image');
	if (current.images === null) unknown.push('images');
	// The colour image is kept only when none is given: then it must be known too.
	if (current.colorImage === null && !request.colorImage) unknown.push('color_image');
	return unknown;
}

/**
 * Works out the full image set to send for one validated push, given the product's current images
 * (needed by append/prepend), and applies Ozon's limits. Pure: no I/O.
 */
export function planImageSet(request: PushRequest, current: ProductInfo | undefined): PlannedImages {
	const warnings: ItemWarning[] = [];
	const errors: ItemError[] = [];
	const newImages = request.images.map(({ url }) => url);

	// Validated and reported, never sent: Ozon's decoder would reject the request with an unknown field.
	const images360 = request.images360.map(({ url }) => url);
	if (images360.length > 0) warnings.push({ field: 'images360', message: IMAGES_360_WARNING, urls: listWarningUrls(images360) });

	let primaryImage = request.primaryImage;
	let colorImage = request.colorImage;
	let images: string[];
	if (request.mode === 'replace' || !current) {
		images = newImages;
	} else {
		const unknown = unknownCurrentFields(request, current);
		if (unknown.length > 0) {
			// Building on "no photos" would send only the new ones, and Ozon would delete the rest.
			errors.push({
				field: 'images',
				reason: `Not sent: Ozon's product information left out ${unknown.map((field) => `"${field}"`).join(', ')} for this product, so its current images are unknown and ${request.mode === 'append' ? 'an' : 'a'} ${request.mode} could delete them (Ozon replaces the whole set). Try again later, or use Mode "Replace" with the complete set of images`,
			});
			return { set: { primaryImage, images: newImages, colorImage }, warnings, errors };
		}
		const currentPrimary = current.primaryImage?.[0];
		const currentImages = current.images ?? [];
		// The current main photo stays on the card: as main unless a new one is given, else in the gallery.
		const kept = uniqueFiles(primaryImage ? [...(current.primaryImage ?? []), ...currentImages] : currentImages);
		primaryImage = primaryImage ?? currentPrimary;
		colorImage = colorImage ?? current.colorImage?.[0];
		// Without a main photo set, Ozon shows the first photo as the main one: a prepend keeps it first,
		// as it keeps a set main photo (and as it would on what a lookup shows once that set is written).
		const [shownFirst, ...behind] = kept;
		const merged =
			request.mode === 'append' ? [...kept, ...newImages] : primaryImage || shownFirst === undefined ? [...newImages, ...kept] : [shownFirst, ...newImages, ...behind];
		const primaryKey = primaryImage === undefined ? undefined : sameFileKey(primaryImage);
		images = uniqueFiles(merged).filter((url) => sameFileKey(url) !== primaryKey);
	}

	images = applyLimit('images', images, MAX_IMAGES, request, warnings, errors, primaryImage ? 1 : 0);

	if (errors.length === 0 && !primaryImage && images.length === 0) {
		errors.push({
			field: 'images',
			reason:
				'The product would be left without photos (Ozon replaces the whole set). Give at least one image URL',
		});
	}

	return { set: { primaryImage, images, colorImage }, warnings, errors };
}

/**
 * Where a URL of the push came from, so an Ozon error about it can name the user's field and
 * position. Looked up only when Ozon reports an error, rather than kept for every item.
 */
export function originOf(request: PushRequest, url: string): UrlOrigin | undefined {
	if (url === request.primaryImage) return { field: 'primary_image' };
	if (url === request.colorImage) return { field: 'color_image' };
	const image = request.images.find((entry) => entry.url === url);
	return image ? { field: 'images', index: image.index } : undefined;
}

/**
 * The user's URL that a text of Ozon's names (import errors carry no `url` field, only words), with
 * where it came from. The longest match wins, so ".../1.jpg" does not claim ".../1.jpg?v=2".
 */
export function urlMentionedIn(request: PushRequest, text: string): ({ url: string } & UrlOrigin) | undefined {
	const candidates = [
		...(request.primaryImage ? [request.primaryImage] : []),
		...request.images.map(({ url }) => url),
		...(request.colorImage ? [request.colorImage] : []),
	];
	let best: string | undefined;
	for (const url of candidates) if (text.includes(url) && (!best || url.length > best.length)) best = url;
	const origin = best ? originOf(request, best) : undefined;
	return best && origin ? { url: best, ...origin } : undefined;
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

/** All photos of a product in display order, main first; `null` when Ozon left either list unknown. */
export function photosOf(product: Pick<ProductInfo, 'primaryImage' | 'images'>): string[] | null {
	if (product.primaryImage === null || product.images === null) return null;
	return uniqueFiles([...product.primaryImage, ...product.images]);
}

/** The output's `updated` counts for the set sent. */
export function updatedCounts(set: ImageSet): { images: number; images360: number; color_image: boolean; primary_image: boolean } {
	// images360 is always 0: Ozon accepts 360° images on no method since 2026-07-10.
	return { images: set.images.length, images360: 0, color_image: set.colorImage !== undefined, primary_image: set.primaryImage !== undefined };
}
