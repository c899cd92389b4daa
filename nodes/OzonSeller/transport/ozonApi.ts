/**
 * Ozon Seller API methods used by the node, with the shapes of their answers (zod). Each function
 * returns plain domain data; HTTP concerns stay in `OzonTransport`.
 */
import { z } from 'zod';

import type { IdentifyBy, ProductInfo } from '../domain/types';
import type { V1ImportRequest, V2ImportItem } from '../domain/plan';
import type { OzonTransport } from './index';

// Answers can hold thousands of products: these checks avoid z.union, which tries every branch
// and allocates per value, and schemas strip unknown keys instead of copying them (passthrough).

/** int64 values may come as numbers or strings. */
const int64 = z.unknown().transform((value, ctx) => {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
	ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected an integer id' });
	return z.NEVER;
});

/** A list of URLs; Ozon may also send one string, null, or leave it out. */
const urlList = z.unknown().transform((value, ctx) => {
	if (value === null || value === undefined || value === '') return [] as string[];
	if (typeof value === 'string') return [value];
	if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value as string[];
	ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected a list of URLs' });
	return z.NEVER;
});

/** Ozon's `errors[]` entries: keep what is useful to a person, whatever the exact fields. */
const ozonIssue = z
	.object({
		code: z.union([z.string(), z.number()]).optional(),
		field: z.string().optional(),
		level: z.string().optional(),
		description: z.string().optional(),
		message: z.string().optional(),
		url: z.string().optional(),
	});
export type OzonIssue = z.infer<typeof ozonIssue>;

const productInfoListResponse = z.object({
	items: z
		.array(
			z
				.object({
					id: int64,
					offer_id: z.string(),
					sku: int64.optional().nullable(),
					images: urlList,
					primary_image: urlList,
					color_image: urlList,
				}),
		)
		.default([]),
});

const ID_REQUEST_FIELD: Record<IdentifyBy, string> = { offerId: 'offer_id', productId: 'product_id', sku: 'sku' };

/** `POST /v3/product/info/list`: products by one kind of identifier (at most 1000). Unknown ones are absent. */
export async function listProducts(transport: OzonTransport, by: IdentifyBy, ids: string[]): Promise<ProductInfo[]> {
	const response = await transport.post('/v3/product/info/list', { [ID_REQUEST_FIELD[by]]: ids }, productInfoListResponse);
	return response.items.map((item) => ({
		productId: item.id,
		offerId: item.offer_id,
		sku: item.sku ?? undefined,
		primaryImage: item.primary_image,
		images: item.images,
		colorImage: item.color_image,
	}));
}

const importV2Response = z.object({ task_id: int64 });

/** `POST /v2/product/pictures/import`: sets the full image set of up to 100 products; answers a task. */
export async function importPicturesV2(transport: OzonTransport, items: V2ImportItem[]): Promise<number> {
	const response = await transport.post('/v2/product/pictures/import', { items }, importV2Response);
	return response.task_id;
}

export type TaskItemStatus = 'pending' | 'imported' | 'failed' | 'skipped';

const importInfoResponse = z.object({
	result: z.object({
		items: z
			.array(
				z
					.object({
						offer_id: z.string(),
						product_id: int64.optional().nullable(),
						status: z.string(),
						errors: z.array(ozonIssue).nullable().optional(),
					}),
			)
			.default([]),
		total: z.number().optional(),
	}),
});

export interface TaskItemResult {
	offerId: string;
	productId?: number;
	status: TaskItemStatus;
	/** Ozon's status text when it is none of the four known ones. */
	rawStatus: string;
	errors: OzonIssue[];
}

function toTaskStatus(status: string): TaskItemStatus {
	const known: TaskItemStatus[] = ['pending', 'imported', 'failed', 'skipped'];
	return known.includes(status as TaskItemStatus) ? (status as TaskItemStatus) : 'pending';
}

/** `POST /v1/product/import/info`: the per-product state of an import task. */
export async function getImportInfo(transport: OzonTransport, taskId: number): Promise<TaskItemResult[]> {
	const response = await transport.post('/v1/product/import/info', { task_id: taskId }, importInfoResponse);
	return response.result.items.map((item) => ({
		offerId: item.offer_id,
		productId: item.product_id ?? undefined,
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
					photo_360: urlList,
					errors: z.array(ozonIssue).nullable().optional(),
				}),
		)
		.default([]),
});

export interface ProductPictures {
	productId: number;
	primaryPhoto: string[];
	photo: string[];
	colorPhoto: string[];
	photo360: string[];
	errors: OzonIssue[];
}

/** `POST /v2/product/pictures/info`: the images a product has now (at most 1000 products). */
export async function getPicturesInfo(transport: OzonTransport, productIds: number[]): Promise<ProductPictures[]> {
	const response = await transport.post(
		'/v2/product/pictures/info',
		{ product_id: productIds.map(String) },
		picturesInfoResponse,
	);
	return response.items.map((item) => ({
		productId: item.product_id,
		primaryPhoto: item.primary_photo,
		photo: item.photo,
		colorPhoto: item.color_photo,
		photo360: item.photo_360,
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
						is_360: z.boolean().optional(),
					}),
			)
			.default([]),
	}),
});

export type V1Picture = z.infer<typeof importV1Response>['result']['pictures'][number];

/** `POST /v1/product/pictures/import` (deprecated): one product by product_id; the only method with images360. */
export async function importPicturesV1(transport: OzonTransport, request: V1ImportRequest): Promise<V1Picture[]> {
	const response = await transport.post('/v1/product/pictures/import', request, importV1Response);
	return response.result.pictures;
}

/** Text of one Ozon issue for a person. */
export function issueText(issue: OzonIssue): string {
	const parts = [issue.description, issue.message].filter((part): part is string => Boolean(part));
	const text = parts.length > 0 ? [...new Set(parts)].join(': ') : issue.code !== undefined ? `error ${issue.code}` : 'error';
	return issue.field ? `${issue.field}: ${text}` : text;
}
