/**
 * Ozon Seller API methods used by the node, with the shapes of their answers (zod). Each function
 * returns plain domain data; HTTP concerns stay in `OzonTransport`.
 */
import { z } from 'zod';

import { MAX_URL_LENGTH } from '../domain/constants';
import { refuse } from '../domain/refuse';
import { ID_FIELD, type IdentifyBy, type ProductInfo } from '../domain/types';
import type { ImageSet } from '../domain/plan';
import { V1_PICTURES_IMPORT, redactThenShorten } from './errors';
import type { OzonTransport, PostOptions } from './index';

const PICTURES_IMPORT_V2 = '/v2/product/pictures/import';

// Ozon's request bodies, in its own snake_case.

export interface V2ImportItem {
	offer_id: string;
	primary_image?: string;
	color_image?: string;
	images: string[];
}

/** The legacy method's body. It has no `images360` since 2026-07-10: Ozon would reject the field. */
export interface V1ImportRequest {
	product_id: number;
	images: string[];
	color_image?: string;
}

/**
 * Ozon's v2 item for the image set of one product, by offer_id. The main photo is always named in
 * `primary_image`: without it Ozon takes the first of `images`, and Ozon's support advised sellers to
 * set it explicitly because relying on that caused processing errors (gam6itko/ozon-seller #44). A
 * set without one sends its first image there and the rest as `images`: the card's order is the same.
 */
export function toV2Item(offerId: string, set: ImageSet): V2ImportItem {
	const [first, ...rest] = set.images;
	const primaryImage = set.primaryImage ?? first;
	return {
		offer_id: offerId,
		...(primaryImage ? { primary_image: primaryImage } : {}),
		...(set.colorImage ? { color_image: set.colorImage } : {}),
		images: set.primaryImage !== undefined ? set.images : rest,
	};
}

/** v1 has no primary field: the first image is the main one. */
export function toV1Request(productId: number, set: ImageSet): V1ImportRequest {
	return {
		product_id: productId,
		images: set.primaryImage ? [set.primaryImage, ...set.images] : set.images,
		...(set.colorImage ? { color_image: set.colorImage } : {}),
	};
}

/** The write request for one product, as a dry run shows it: what would be sent, and where. */
export function importRequest(item: { v2Item?: V2ImportItem; v1Request?: V1ImportRequest }): { method: 'POST'; endpoint: string; body: object | undefined } {
	return item.v2Item
		? { method: 'POST', endpoint: PICTURES_IMPORT_V2, body: { items: [item.v2Item] } }
		: { method: 'POST', endpoint: V1_PICTURES_IMPORT, body: item.v1Request };
}


// Answers can hold thousands of products: these checks avoid z.union, which tries every branch
// and allocates per value, and schemas strip unknown keys instead of copying them (passthrough).

/** int64 values may come as numbers or strings. */
const int64 = z.unknown().transform((value, ctx) => {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
	return refuse(ctx, 'expected an integer id');
});

/**
 * A list of URLs; Ozon may also send one string. A field left out or sent as null is `null`:
 * not known, which is not the same as no images.
 */
const urlList = z.unknown().transform((value, ctx) => {
	if (value === null || value === undefined) return null;
	if (value === '') return [] as string[];
	if (typeof value === 'string') return [value];
	if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value as string[];
	return refuse(ctx, 'expected a list of URLs');
});

const text = z.string().optional().nullable();

/**
 * An `errors[]` entry of `/v1/product/import/info`. It has no `url`: a failed image is named, if at
 * all, inside `message` or `description`.
 */
const importIssue = z.object({
	code: z.union([z.string(), z.number()]).optional().nullable(),
	message: text,
	state: text,
	level: text,
	description: text,
	field: text,
	attribute_id: z.union([z.string(), z.number()]).optional().nullable(),
	attribute_name: text,
});
export type ImportIssue = z.infer<typeof importIssue>;

/** An `errors[]` entry of `/v2/product/pictures/info`: the URL Ozon could not use and why. */
const pictureIssue = z.object({ url: text, message: text });
export type PictureIssue = z.infer<typeof pictureIssue>;

/**
 * The SKUs under `sources[].sku`: a product found by an older SKU names it only there (its
 * top-level `sku` is the current one). Read leniently: an entry Ozon writes otherwise is skipped,
 * never a reason to refuse the answer.
 */
const sourceSkus = z.unknown().transform((value) => {
	if (!Array.isArray(value)) return [] as number[];
	const skus: number[] = [];
	for (const source of value as unknown[]) {
		const sku = source && typeof source === 'object' ? (source as { sku?: unknown }).sku : undefined;
		if (typeof sku === 'number' && Number.isSafeInteger(sku) && sku > 0) skus.push(sku);
		else if (typeof sku === 'string' && /^\d+$/.test(sku)) skus.push(Number(sku));
	}
	return skus;
});

const productInfoListResponse = z.object({
	items: z
		.array(
			z
				.object({
					id: int64,
					offer_id: z.string(),
					sku: int64.optional().nullable(),
					sources: sourceSkus,
					images: urlList,
					primary_image: urlList,
					color_image: urlList,
				}),
		)
		.default([]),
});

/** `POST /v3/product/info/list`: products by one kind of identifier (at most 1000). Unknown ones are absent. */
export async function listProducts(transport: OzonTransport, by: IdentifyBy, ids: string[]): Promise<ProductInfo[]> {
	const response = await transport.post('/v3/product/info/list', { [ID_FIELD[by]]: ids }, productInfoListResponse);
	return response.items.map((item) => ({
		productId: item.id,
		offerId: item.offer_id,
		sku: item.sku ?? undefined,
		...(item.sources.length > 0 ? { sourceSkus: item.sources } : {}),
		primaryImage: item.primary_image,
		images: item.images,
		colorImage: item.color_image,
	}));
}

const importV2Response = z.object({ task_id: int64 });

/** `POST /v2/product/pictures/import`: sets the full image set of up to 100 products; answers a task. */
/**
 * Sends one v2 import. `call.repeatUnanswered: false` leaves an attempt without an answer to the caller: a body built on a
 * lookup must not be sent again as it is much later (after a 30 s timeout, say), when another write
 * may have changed the product since; the write path looks the product up again instead.
 */
export async function importPicturesV2(transport: OzonTransport, items: V2ImportItem[], call: PostOptions = {}): Promise<number> {
	const response = await transport.post(PICTURES_IMPORT_V2, { items }, importV2Response, call);
	return response.task_id;
}

export type TaskItemStatus = 'pending' | 'imported' | 'failed' | 'skipped';

// A task Ozon knows nothing of may come back without products in any form (its answer for an unknown
// task is not documented): items left out or null, result null or left out all mean "no products",
// which Get Push Result reports as an unknown task, rather than a broken answer retried to no end.
const importInfoResponse = z.object({
	result: z
		.object({
			items: z
				.array(
					z
						.object({
							offer_id: z.string(),
							product_id: int64.optional().nullable(),
							status: z.string(),
							errors: z.array(importIssue).nullable().optional(),
						}),
				)
				.nullable()
				.optional(),
		})
		.nullable()
		.optional(),
});

export interface TaskItemResult {
	offerId: string;
	/** Ozon's product_id, when its answer names one (0 or absent for a product it did not find). */
	productId?: number;
	status: TaskItemStatus;
	/** Ozon's status text when it is none of the four known ones. */
	rawStatus: string;
	errors: ImportIssue[];
}

function toTaskStatus(status: string): TaskItemStatus {
	const known: TaskItemStatus[] = ['pending', 'imported', 'failed', 'skipped'];
	return known.includes(status as TaskItemStatus) ? (status as TaskItemStatus) : 'pending';
}

/**
 * `POST /v1/product/import/info`: the per-product state of an import task. A refusal that lasts
 * past `deadline` (the end of Result Timeout) is not waited out. `taskId` as digits: an int64 past
 * a JSON number's exact range goes as text, which Ozon's decoder takes for int64 too.
 */
export async function getImportInfo(transport: OzonTransport, taskId: number | string, deadline?: number, onSend?: (at: number) => void): Promise<TaskItemResult[]> {
	const exact = Number(taskId);
	const response = await transport.post('/v1/product/import/info', { task_id: Number.isSafeInteger(exact) ? exact : String(taskId) }, importInfoResponse, { deadline, onSend });
	return (response.result?.items ?? []).map((item) => ({
		offerId: item.offer_id,
		...(item.product_id ? { productId: item.product_id } : {}),
		status: toTaskStatus(item.status),
		rawStatus: item.status,
		errors: item.errors ?? [],
	}));
}

const picturesInfoResponse = z.object({
	items: z
		.array(
			z
				.object({
					product_id: int64,
					primary_photo: urlList,
					photo: urlList,
					color_photo: urlList,
					// Gone from Ozon's schema; passed on only if an answer still carries it.
					photo_360: urlList,
					errors: z.array(pictureIssue).nullable().optional(),
				}),
		)
		.default([]),
});

/** The images of a product as Ozon reads them back; `null` where the answer left a list out. */
export interface ProductPictures {
	productId: number;
	primaryPhoto: string[] | null;
	photo: string[] | null;
	colorPhoto: string[] | null;
	/** Only when Ozon still sends `photo_360` (no longer in its schema). */
	photo360?: string[];
	errors: PictureIssue[];
}

/**
 * `POST /v2/product/pictures/info`: the images a product has now (at most 1000 products). A
 * refusal that lasts past `deadline` (a push's Result Timeout) is not waited out.
 */
export async function getPicturesInfo(transport: OzonTransport, productIds: number[], deadline?: number): Promise<ProductPictures[]> {
	const response = await transport.post(
		'/v2/product/pictures/info',
		{ product_id: productIds.map(String) },
		picturesInfoResponse,
		{ deadline },
	);
	return response.items.map((item) => ({
		productId: item.product_id,
		primaryPhoto: item.primary_photo,
		photo: item.photo,
		colorPhoto: item.color_photo,
		...(item.photo_360 ? { photo360: item.photo_360 } : {}),
		errors: item.errors ?? [],
	}));
}

const importV1Response = z.object({
	result: z.object({
		pictures: z
			.array(
				z
					.object({
						product_id: int64.optional(),
						url: z.string(),
						state: z.string().optional(),
						is_primary: z.boolean().optional(),
						is_color: z.boolean().optional(),
					}),
			)
			.default([]),
	}),
});

/**
 * `POST /v1/product/pictures/import` (deprecated): one product by product_id. Its answer lists the
 * pictures as "imported" before Ozon processes them, so only its shape is checked.
 */
export async function importPicturesV1(transport: OzonTransport, request: V1ImportRequest, call: PostOptions = {}): Promise<void> {
	await transport.post(V1_PICTURES_IMPORT, request, importV1Response, call);
}

const rolesResponse = z.object({ expires_at: z.string().optional().nullable() });

/** An RFC 3339 date-time (or a bare date), as Ozon's answers write them. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * Earlier dates are placeholders, not expiry dates: Go's zero time (0001-01-01) or the Unix epoch
 * for a key without one. Keys began to expire in 2026.
 */
const EARLIEST_EXPIRY = Date.UTC(2020, 0, 1);

/** Reads `expires_at`; anything that is not plainly a date is "not said" rather than a guess. */
export function parseExpiry(text: string | null | undefined): number | undefined {
	const trimmed = text?.trim() ?? '';
	if (!RFC3339.test(trimmed)) return undefined;
	const at = Date.parse(trimmed);
	return Number.isNaN(at) || at < EARLIEST_EXPIRY ? undefined : at;
}

/**
 * `POST /v1/roles`: when the API key expires (epoch milliseconds), if Ozon says. Asked once, without
 * retries: it only feeds a warning.
 */
export async function getKeyExpiry(transport: OzonTransport): Promise<number | undefined> {
	const response = await transport.post('/v1/roles', {}, rolesResponse, { maxRetries: 0 });
	return parseExpiry(response.expires_at);
}

/** Longest piece of Ozon's text put into one error reason. */
const MAX_OZON_TEXT = 500;

function distinctTexts(parts: Array<string | null | undefined>): string[] {
	return [...new Set(parts.map((part) => part?.trim()).filter((part): part is string => Boolean(part)))];
}

/**
 * Text of an import-task error for a person, from its own fields: attribute name, description,
 * message, and Ozon's code when there is no text: redacted, then shortened.
 */
export function importIssueText(issue: ImportIssue, redact: (text: string) => string): string {
	const parts = distinctTexts([issue.attribute_name, issue.description, issue.message]);
	const text = parts.length > 0 ? parts.join(': ') : `error ${issue.code ?? 'without a description'}`;
	const code = parts.length > 0 && issue.code !== undefined && issue.code !== null && issue.code !== '' ? ` (Ozon code ${issue.code})` : '';
	return redactThenShorten(`${text}${code}`, redact, MAX_OZON_TEXT);
}

/** An import-task error as an item's error: the field Ozon names (else `images`) and its text. */
export function importIssueError(issue: ImportIssue, redact: (text: string) => string): { field: string; reason: string } {
	return { field: importIssueField(issue, redact) ?? 'images', reason: importIssueText(issue, redact) };
}

/** Text of a read-back error (`/v2/product/pictures/info`) for a person: redacted, then shortened. */
export function pictureIssueText(issue: PictureIssue, redact: (text: string) => string): string {
	return redactThenShorten(issue.message?.trim() || 'Ozon reported an error without a description', redact, MAX_OZON_TEXT);
}

/** Longest field name taken from an import-task error. */
const MAX_OZON_FIELD = 100;

/** Longest URL taken from a read-back error (the user's own URLs are at most this long too). */
const MAX_OZON_URL = MAX_URL_LENGTH;

/** The field an import-task error names, if any: redacted, then shortened. */
export function importIssueField(issue: ImportIssue, redact: (text: string) => string): string | undefined {
	const field = issue.field?.trim();
	return field ? redactThenShorten(field, redact, MAX_OZON_FIELD) : undefined;
}

/** The URL a read-back error names, if any, as it may be shown: redacted, then shortened. */
export function pictureIssueUrl(issue: PictureIssue, redact: (text: string) => string): string | undefined {
	const url = issue.url?.trim();
	return url ? redactThenShorten(url, redact, MAX_OZON_URL) : undefined;
}
