import { z } from 'zod';

import { hasControlCharacter } from './characters';
import { refuse } from './refuse';

import { IMAGES_360_REMOVED_ON, MAX_ID_TEXT_LENGTH, MAX_NUMERIC_ID_DIGITS, MAX_OFFER_ID_LENGTH } from './constants';
import { formatWarnings, parseSingleUrl, parseUrlList, sameFileKey } from './urls';
import {
	ID_FIELD,
	type ApiVersion,
	type IdentifyBy,
	type IndexedUrl,
	type ItemError,
	type ItemWarning,
	type PushMode,
	type TooManyImages,
} from './types';

const INT64_MAX = BigInt('9223372036854775807');


/**
 * Why a JSON number cannot be taken as an identifier: only a safe integer converts to text exactly.
 * A spreadsheet's 12345678901234567890 arrives as 12345678901234567000, and 1e21 would become "1e+21".
 */
function inexactNumberReason(label: string, value: number): string {
	if (!Number.isFinite(value)) return `${label} is not a number (${String(value)}): give it as text`;
	if (!Number.isInteger(value)) return `${label} came as the number ${String(value)}, not a whole number: give it as text`;
	return `${label} came as the number ${String(value)}, past 2^53 (9007199254740991), where a JSON number no longer holds every digit: its last digits may already be lost, so nothing was sent. Give it as text (a text column in the sheet, or a string in the expression)`;
}

// One transform per schema rather than z.union and refinement chains: cheaper per item, which
// matters when a run validates thousands of them.
const offerIdSchema = z.unknown().transform((value, ctx) => {
	if (typeof value === 'number' && !Number.isSafeInteger(value)) return refuse(ctx, inexactNumberReason('Offer ID', value));
	if (typeof value !== 'string' && typeof value !== 'number') return refuse(ctx, 'Expected text or a number');
	// Length first: nothing is parsed or trimmed in text that cannot be an article anyway.
	if (typeof value === 'string' && value.length > MAX_ID_TEXT_LENGTH) {
		return refuse(ctx, `Offer ID is longer than ${MAX_OFFER_ID_LENGTH} characters (${value.length} given)`);
	}
	const text = String(value).trim();
	if (text.length === 0) return refuse(ctx, 'Offer ID is empty');
	if (text.length > MAX_OFFER_ID_LENGTH) return refuse(ctx, `Offer ID is longer than ${MAX_OFFER_ID_LENGTH} characters`);
	if (hasControlCharacter(text)) return refuse(ctx, 'Offer ID contains control characters');
	return text;
});

const numericIdSchema = (label: string) =>
	z.unknown().transform((value, ctx) => {
		if (typeof value !== 'string' && typeof value !== 'number') return refuse(ctx, 'Expected a whole number');
		if (typeof value === 'string' && value.length > MAX_ID_TEXT_LENGTH) {
			return refuse(ctx, `${label} is longer than ${MAX_NUMERIC_ID_DIGITS} digits (${value.length} characters given)`);
		}
		if (typeof value === 'number' && !Number.isSafeInteger(value)) return refuse(ctx, inexactNumberReason(label, value));
		const text = typeof value === 'number' ? String(value) : value.trim();
		if (text === '') return refuse(ctx, `${label} is empty`);
		if (!/^\d+$/.test(text)) return refuse(ctx, `${label} must be a positive whole number, got "${text.slice(0, 40)}"`);
		const digits = text.replace(/^0+(?=\d)/, '');
		if (digits.length > MAX_NUMERIC_ID_DIGITS || BigInt(digits) > INT64_MAX || BigInt(digits) === BigInt(0)) {
			return refuse(ctx, `${label} is out of range`);
		}
		return digits;
	});

const identifierSchemas: Record<IdentifyBy, z.ZodType<string, z.ZodTypeDef, unknown>> = {
	offerId: offerIdSchema,
	productId: numericIdSchema('Product ID'),
	sku: numericIdSchema('SKU'),
};

/** Validates one identifier; returns the canonical string form Ozon's JSON takes. */
export function validateIdentifier(identifyBy: IdentifyBy, raw: unknown): { value?: string; error?: ItemError } {
	const field = ID_FIELD[identifyBy];
	if (raw === undefined || raw === null) {
		return { error: { field, reason: `No ${field} given: set the identifier, or check the expression that fills it` } };
	}
	const parsed = identifierSchemas[identifyBy].safeParse(raw);
	return parsed.success ? { value: parsed.data } : { error: { field, reason: parsed.error.issues[0].message } };
}

const taskIdSchema = numericIdSchema('Task ID');

/**
 * Validates Ozon's task_id of a push (text or a number, as a positive whole number up to int64);
 * returns its digits without leading zeros.
 */
export function validateTaskId(raw: unknown): { value?: string; error?: ItemError } {
	if (raw === undefined || raw === null || raw === '') {
		return { error: { field: 'task_id', reason: "No task_id given: set Task ID, e.g. to {{ $json.data.task_id }} after a Push with Wait for Result off" } };
	}
	const parsed = taskIdSchema.safeParse(raw);
	return parsed.success ? { value: parsed.data } : { error: { field: 'task_id', reason: parsed.error.issues[0].message } };
}

/** What the user asked for one item, straight from the node's parameters. */
export interface RawPushInput {
	identifyBy: IdentifyBy;
	identifier: unknown;
	images: unknown;
	primaryImage: unknown;
	colorImage: unknown;
	images360: unknown;
	mode: PushMode;
	tooManyImages: TooManyImages;
	apiVersion: ApiVersion;
}

/** A validated push: identifiers and URLs are well formed; limits are applied later, after merging. */
export interface PushRequest {
	identifyBy: IdentifyBy;
	identifier: string;
	images: IndexedUrl[];
	primaryImage?: string;
	colorImage?: string;
	images360: IndexedUrl[];
	mode: PushMode;
	tooManyImages: TooManyImages;
	apiVersion: ApiVersion;
}

export type Validated<T> =
	| { ok: true; value: T; warnings: ItemWarning[] }
	| { ok: false; errors: ItemError[]; warnings: ItemWarning[] };

export function validatePushInput(raw: RawPushInput): Validated<PushRequest> {
	const errors: ItemError[] = [];
	const warnings: ItemWarning[] = [];

	const id = validateIdentifier(raw.identifyBy, raw.identifier);
	if (id.error) errors.push(id.error);

	const images = parseUrlList('images', raw.images);
	const images360 = parseUrlList('images360', raw.images360);
	const primary = parseSingleUrl('primary_image', raw.primaryImage);
	const color = parseSingleUrl('color_image', raw.colorImage);
	for (const part of [images, primary, color, images360]) {
		errors.push(...part.errors);
		warnings.push(...part.warnings);
	}

	let galleryUrls = images.urls;
	const primaryKey = primary.url === undefined ? undefined : sameFileKey(primary.url);
	const asPrimary = galleryUrls.filter(({ url }) => sameFileKey(url) === primaryKey);
	if (asPrimary.length > 0) {
		galleryUrls = galleryUrls.filter((entry) => !asPrimary.includes(entry));
		warnings.push({ field: 'images', message: 'Dropped a URL that is already the primary image', urls: asPrimary.map(({ url }) => url) });
	}
	warnings.push(...formatWarnings('images', galleryUrls.map(({ url }) => url)));
	if (primary.url) warnings.push(...formatWarnings('primary_image', [primary.url]));
	if (color.url) warnings.push(...formatWarnings('color_image', [color.url], ['jpg', 'jpeg']));

	const hasNewPhotos = galleryUrls.length > 0 || primary.url !== undefined;
	if (errors.length === 0 && !hasNewPhotos) {
		if (raw.mode === 'replace') {
			errors.push({
				field: 'images',
				reason:
					'No image URLs to send. Ozon replaces all photos of a product with the ones sent, so an empty set would delete them; give at least one image URL (or use append/prepend to change only the colour image)',
			});
		} else if (!color.url) {
			// 360° URLs alone are nothing to send: Ozon accepts them on no method any more.
			errors.push({
				field: 'images',
				reason:
					images360.urls.length > 0
						? `Only 360° image URLs given, and Ozon no longer accepts 360° images (since ${IMAGES_360_REMOVED_ON}): nothing to ${raw.mode}`
						: `No image URLs given: nothing to ${raw.mode}`,
			});
		}
	}

	if (errors.length > 0) return { ok: false, errors, warnings };
	return {
		ok: true,
		warnings,
		value: {
			identifyBy: raw.identifyBy,
			identifier: id.value as string,
			images: galleryUrls,
			primaryImage: primary.url,
			colorImage: color.url,
			images360: images360.urls,
			mode: raw.mode,
			tooManyImages: raw.tooManyImages,
			apiVersion: raw.apiVersion,
		},
	};
}
