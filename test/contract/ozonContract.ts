/**
 * The Ozon Seller API methods this project calls, as a machine-readable contract written from
 * Ozon's own documents (its OpenAPI document of 2026-10-06 and News up to 2026-09-22), not from the
 * node or the sandbox. Requests are strict: Ozon's JSON decoder rejects unknown fields. Answers are
 * strict too, so the sandbox cannot drift into fields Ozon does not send (`url` in import errors,
 * `photo_360`, `is_360`). One rule goes beyond Ozon's schema, on the advice of Ozon's support: every
 * import item names its main photo (`primary_image`).
 *
 * Used two ways: every request the node sends in the test suites is checked against it (the nock
 * helper and the sandbox report to test/contract/violations.ts), and every sandbox answer is.
 */
import { z } from 'zod';

export const LIMITS = {
	/** Requests per second per Client-Id, all methods together. */
	requestsPerSecond: 50,
	/** Products per `/v2/product/pictures/import` request. */
	importItems: 100,
	/**
	 * Photos per product: 30 in the September 2026 documentation, 50 in the October 2026 schema; a
	 * card holds 30. A request must pass both, so the contract holds the stricter.
	 */
	images: 30,
	/** Identifiers per `/v3/product/info/list` request, all kinds together. */
	infoListIds: 1000,
	/** Products per `/v2/product/pictures/info` request. */
	picturesInfoIds: 1000,
	/** Photos per product on the legacy v1 method (15 earlier). */
	v1Images: 30,
} as const;

/** int64: a JSON number or a string of digits (Ozon's decoder takes both). */
const int64 = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,19}$/, 'int64 as a string of digits')]);
/** int64 values Ozon wants as strings (`/v2/product/pictures/info`, `/v3/product/info/list`). */
const int64String = z.string().regex(/^\d{1,19}$/, 'int64 as a string of digits');

/** An image the seller sends: a public http(s) URL. */
const imageUrl = z
	.string()
	.url()
	.refine((value) => /^https?:\/\//i.test(value), 'an http(s) URL');

/** URL lists in answers: a list of strings; the field may be missing or null (then "not known"). */
const urlListAnswer = z.array(z.string()).nullable().optional();

// ----- error bodies (rpcStatus) ---------------------------------------------------------------

export const rpcStatus = z
	.object({
		code: z.union([z.number().int(), z.string()]),
		message: z.string(),
		details: z.array(z.object({ typeUrl: z.string(), value: z.string() }).strict()).optional(),
	})
	.strict();

/** What each error status carries, beyond the rpcStatus shape. */
export const ERROR_RULES: Record<number, { codes?: Array<number | string>; note: string }> = {
	400: { codes: [3, 9], note: 'invalid parameter (code 3), or a retired method (code 9 "obsolete method cannot be used")' },
	401: { codes: [16], note: 'headers missing' },
	403: { note: 'bad, deactivated or expired key, key without the method\'s role, or an unsigned offer agreement' },
	404: { note: 'not found; older reports of a retired method' },
	409: { note: 'request conflict' },
	410: { note: 'older reports of a retired method' },
	429: { codes: [8, 'RESOURCE_EXHAUSTED'], note: 'per-second limit (code 8) or the product-update quota' },
	500: { note: 'internal error' },
};

/** The 429 headers: Item-Retry-After in whole minutes, Retry-After in seconds or an HTTP date. */
export const rateLimitHeaders = z
	.object({
		'item-retry-after': z.string().regex(/^\d+$/, 'Item-Retry-After is a whole number of minutes').optional(),
		'item-rate-limit-remaining': z.string().regex(/^\d+$/).optional(),
		'retry-after': z
			.string()
			.refine((value) => /^\d+(\.\d+)?$/.test(value) || !Number.isNaN(Date.parse(value)), 'Retry-After is seconds or an HTTP date')
			.optional(),
	})
	.passthrough();

export const PER_SECOND_LIMIT_BODY = { code: 8, message: 'You have reached request rate limit per second' };

// ----- methods ----------------------------------------------------------------------------------

const importIssue = z
	.object({
		code: z.union([z.string(), z.number()]).optional(),
		message: z.string().optional(),
		state: z.string().optional(),
		level: z.string().optional(),
		description: z.string().optional(),
		field: z.string().optional(),
		attribute_id: z.union([z.number(), z.string()]).optional(),
		attribute_name: z.string().optional(),
	})
	.strict();

const v2ImportItem = z
	.object({
		offer_id: z.string().min(1),
		primary_image: imageUrl.optional(),
		color_image: imageUrl.optional(),
		images: z.array(imageUrl).max(LIMITS.images).optional(),
	})
	.strict();

/** Every item of an import names its main photo (see the import's request below). */
export const PRIMARY_IMAGE_RULE = "every import item names its main photo in primary_image, as Ozon's support advises (gam6itko/ozon-seller #44)";

export interface MethodContract {
	request: z.ZodTypeAny;
	response: z.ZodTypeAny;
	/** Counts against the product-update limits per minute and per day. */
	productUpdate?: boolean;
	deprecated?: boolean;
}

export const METHODS: Record<string, MethodContract> = {
	'/v2/product/pictures/import': {
		productUpdate: true,
		request: z
			.object({ items: z.array(v2ImportItem).min(1).max(LIMITS.importItems) })
			.strict()
			.superRefine((body, ctx) => {
				const offers = body.items.map((item) => item.offer_id);
				if (new Set(offers).size !== offers.length) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'a product twice in one request' });
				// Optional in Ozon's schema, required here: Ozon's support advised sellers to name the main photo,
				// as leaving it to the first of `images` caused processing errors (gam6itko/ozon-seller #44).
				body.items.forEach((item, index) => {
					if (item.primary_image === undefined) {
						ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['items', index, 'primary_image'], message: PRIMARY_IMAGE_RULE });
					}
				});
			}),
		response: z.object({ task_id: int64 }).strict(),
	},
	'/v1/product/import/info': {
		request: z.object({ task_id: int64 }).strict(),
		response: z
			.object({
				result: z
					.object({
						items: z.array(
							z
								.object({
									offer_id: z.string(),
									product_id: int64,
									status: z.enum(['pending', 'imported', 'failed', 'skipped']),
									errors: z.array(importIssue),
								})
								.strict(),
						),
						total: z.number().int(),
					})
					.strict(),
			})
			.strict(),
	},
	'/v2/product/pictures/info': {
		request: z.object({ product_id: z.array(int64String).min(1).max(LIMITS.picturesInfoIds) }).strict(),
		response: z
			.object({
				items: z.array(
					z
						.object({
							product_id: int64,
							primary_photo: urlListAnswer,
							photo: urlListAnswer,
							color_photo: urlListAnswer,
							errors: z.array(z.object({ url: z.string(), message: z.string() }).strict()).nullable().optional(),
						})
						.strict(),
				),
			})
			.strict(),
	},
	'/v3/product/info/list': {
		request: z
			.object({
				offer_id: z.array(z.string().min(1)).optional(),
				product_id: z.array(int64String).optional(),
				sku: z.array(int64String).optional(),
			})
			.strict()
			.superRefine((body, ctx) => {
				const given = [body.offer_id, body.product_id, body.sku].filter((ids) => ids !== undefined);
				if (given.length !== 1) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'exactly one of offer_id, product_id, sku' });
				const total = given.reduce((sum, ids) => sum + (ids?.length ?? 0), 0);
				if (total < 1 || total > LIMITS.infoListIds) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `1 to ${LIMITS.infoListIds} identifiers` });
			}),
		response: z
			.object({
				items: z.array(
					z
						.object({
							id: int64,
							offer_id: z.string(),
							sku: int64.optional(),
							images: urlListAnswer,
							primary_image: urlListAnswer,
							color_image: urlListAnswer,
							statuses: z.record(z.unknown()).optional(),
							errors: z.array(z.unknown()).optional(),
							sources: z.array(z.object({ sku: int64 }).passthrough()).optional(),
						})
						.strict(),
				),
			})
			.strict(),
	},
	'/v1/product/pictures/import': {
		productUpdate: true,
		deprecated: true,
		// No images360 since 2026-07-10: Ozon's decoder rejects it as an unknown field.
		request: z
			.object({
				product_id: int64,
				images: z.array(imageUrl).max(LIMITS.v1Images),
				color_image: imageUrl.optional(),
			})
			.strict(),
		response: z
			.object({
				result: z
					.object({
						pictures: z.array(
							z
								.object({
									product_id: int64,
									url: z.string(),
									state: z.literal('imported'),
									is_primary: z.boolean(),
									is_color: z.boolean(),
								})
								.strict(),
						),
					})
					.strict(),
			})
			.strict(),
	},
	'/v1/roles': {
		// "No body": an empty JSON object or nothing at all.
		request: z.object({}).strict(),
		response: z
			.object({
				expires_at: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'a date-time'),
				roles: z.array(z.object({ name: z.string(), methods: z.array(z.string()) }).strict()),
			})
			.strict(),
	},
};

// ----- checks -------------------------------------------------------------------------------------

function issues(error: z.ZodError): string {
	return error.issues
		.slice(0, 5)
		.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
		.join('; ');
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(raw) };
	} catch {
		return { ok: false };
	}
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

/** What is wrong with a request to Ozon (empty when it fits the contract). */
export function requestViolations(method: string, path: string, headers: Record<string, unknown>, rawBody: string): string[] {
	const where = `${method} ${path}`;
	const contract = METHODS[path];
	if (!contract) return [`${where}: not a method in the contract`];
	const found: string[] = [];
	if (method !== 'POST') found.push(`${where}: Ozon's methods are POST`);
	if (!/^\d+$/.test(header(headers, 'client-id') ?? '')) found.push(`${where}: Client-Id header missing or not numeric`);
	if (!header(headers, 'api-key')) found.push(`${where}: Api-Key header missing`);
	const emptyBody = rawBody.trim() === '';
	if (!emptyBody && !/json/i.test(header(headers, 'content-type') ?? '')) found.push(`${where}: body is not sent as JSON`);
	const parsed = emptyBody && path === '/v1/roles' ? { ok: true as const, value: {} } : parseJson(rawBody);
	if (!parsed.ok) return [...found, `${where}: body is not JSON`];
	const result = contract.request.safeParse(parsed.value);
	if (!result.success) found.push(`${where}: request ${issues(result.error)}`);
	return found;
}

/** What is wrong with an answer to a request (empty when it fits the contract). */
export function answerViolations(path: string, status: number, headers: Record<string, unknown>, rawBody: string): string[] {
	const where = `answer ${status} to ${path}`;
	const contract = METHODS[path];
	const parsed = parseJson(rawBody);
	if (!parsed.ok) return rawBody === '' && status === 0 ? [] : [`${where}: body is not JSON`];
	if (status >= 200 && status < 300) {
		if (!contract) return [`${where}: not a method in the contract`];
		const result = contract.response.safeParse(parsed.value);
		return result.success ? [] : [`${where}: ${issues(result.error)}`];
	}
	const found: string[] = [];
	const body = rpcStatus.safeParse(parsed.value);
	if (!body.success) return [`${where}: error body ${issues(body.error)}`];
	const rule = ERROR_RULES[status];
	if (!rule && status < 500) found.push(`${where}: status not in the contract`);
	if (rule?.codes && !rule.codes.includes(body.data.code)) found.push(`${where}: code ${String(body.data.code)} is not one of ${rule.codes.join(', ')}`);
	if (status === 400 && body.data.code === 9 && body.data.message !== 'obsolete method cannot be used') found.push(`${where}: code 9 comes with "obsolete method cannot be used"`);
	if (status === 429) {
		const limitHeaders = rateLimitHeaders.safeParse(Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)])));
		if (!limitHeaders.success) found.push(`${where}: ${issues(limitHeaders.error)}`);
		if (body.data.code === 8) {
			if (body.data.message !== PER_SECOND_LIMIT_BODY.message) found.push(`${where}: code 8 comes with "${PER_SECOND_LIMIT_BODY.message}"`);
		} else {
			if (!contract?.productUpdate) found.push(`${where}: only product updates have an operation quota`);
			if (header(headers, 'item-retry-after') === undefined) found.push(`${where}: a quota 429 carries Item-Retry-After (minutes)`);
		}
	}
	return found;
}
