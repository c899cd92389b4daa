/**
 * nock helpers that answer like Ozon (shapes from Ozon's documentation of each method), and record what the node sent.
 * Every request they intercept is checked against Ozon's contract (test/contract/ozonContract.ts).
 */
import nock from 'nock';

import { checkRequest } from '../contract/violations';

export const BASE_URL = 'http://ozon.test';
export const CLIENT_ID = '123456';
/** Recognisable, so a leak into any output or error is easy to find. */
export const API_KEY = 'SECRET-KEY-5f3e2a1b-LEAKCHECK';
export const credentials = { clientId: CLIENT_ID, apiKey: API_KEY, baseUrl: BASE_URL };

export interface MockProduct {
	id: number;
	offer_id: string;
	sku?: number;
	/** Ozon's `sources[]`: a product found by an older SKU names it only here. */
	sources?: Array<{ sku: number | string; source?: string }>;
	/** Left out (undefined) or null: Ozon's answer does not say, so the current images are unknown. */
	images?: string[] | null;
	primary_image?: string[] | null;
	color_image?: string[] | null;
}

export function product(n: number, extra: Partial<MockProduct> = {}): MockProduct {
	return {
		id: 1000 + n,
		offer_id: `SKU-${String(n).padStart(3, '0')}`,
		sku: 500000 + n,
		images: [],
		primary_image: [],
		color_image: [],
		...extra,
	};
}

/** A nock scope for the Ozon host and one key (the test key unless another is given). */
export function ozon(apiKey = API_KEY): nock.Scope {
	const scope = nock(BASE_URL, { reqheaders: { 'client-id': CLIENT_ID, 'api-key': apiKey } });
	// Unknown fields, missing ones, limits: what Ozon's decoder would refuse fails the test.
	scope.on('request', (req: { method?: string; path?: string; headers?: Record<string, unknown> }, _interceptor: unknown, body: string) => {
		checkRequest(req.method ?? 'POST', req.path ?? '', req.headers ?? {}, body ?? '');
	});
	return scope;
}

const DAY_MS = 86_400_000;

/** What the default `/v1/roles` answers (reset before each test by test/setup/ozon.ts), and its calls. */
export const keyRoles = {
	status: 200,
	/** `expires_at`; undefined: three months from now. */
	expiresAt: undefined as string | undefined,
	calls: 0,
};

/** Answers `/v1/roles` for any number of calls, from `keyRoles`; optional, so no test has to call it. */
export function answerRolesByDefault(): void {
	keyRoles.status = 200;
	keyRoles.expiresAt = undefined;
	keyRoles.calls = 0;
	ozon()
		.post('/v1/roles')
		.optionally()
		.times(Number.MAX_SAFE_INTEGER)
		.reply(() => {
			keyRoles.calls++;
			if (keyRoles.status !== 200) return [keyRoles.status, { code: 7, message: 'Invalid Api-Key, please contact support' }];
			const expiresAt = keyRoles.expiresAt ?? new Date(Date.now() + 90 * DAY_MS).toISOString();
			return [200, { expires_at: expiresAt, roles: [{ name: 'Product', methods: ['/v2/product/pictures/import', '/v3/product/info/list'] }] }];
		});
}

type Body = Record<string, unknown>;

/**
 * The products of the current test as the mocks' Ozon holds them: an import that a poll reports
 * `imported` (or `skipped`: the product already has those URLs) changes them, as on Ozon, so lookups and read-backs after it show the new photos.
 */
let catalogue: MockProduct[] = [];

function applyImport(item: { offer_id: string; primary_image?: string; color_image?: string; images?: string[] }): void {
	const product = catalogue.find((candidate) => candidate.offer_id === item.offer_id);
	// A test may hand-write the imports it polls for without their images: nothing to apply then.
	if (!product || !item.images) return;
	product.primary_image = item.primary_image ? [item.primary_image] : [];
	product.images = item.images ?? [];
	product.color_image = item.color_image ? [item.color_image] : [];
}

/** The mocks' current state of a product: a test changes it to play another writer (a person in Ozon's UI, another tool). */
export function catalogueEntry(offerId: string): MockProduct {
	const product = catalogue.find((candidate) => candidate.offer_id === offerId);
	if (!product) throw new Error(`no product ${offerId} in the mocks' catalogue`);
	return product;
}

/** A product's photos in the mocks' catalogue as its card shows them: the main photo, then the gallery. */
export function cardOf(offerId: string): string[] {
	const product = catalogueEntry(offerId);
	return [...(product.primary_image ?? []), ...(product.images ?? [])];
}

/** The photos an import item sends, in the card's order: `primary_image` (the main photo), then `images`. */
export function importedCard(item: { primary_image?: string; images?: string[] }): string[] {
	return [...(item.primary_image ? [item.primary_image] : []), ...(item.images ?? [])];
}

/** Answers /v3/product/info/list from a catalogue (copied: tests may share product objects), for any number of calls. */
export function mockInfoList(products: MockProduct[], calls: Body[] = []): Body[] {
	catalogue = products.map((product) => ({ ...product }));
	ozon()
		.post('/v3/product/info/list')
		.times(1000)
		.reply(200, (_uri, body) => {
			const request = body as Record<string, string[]>;
			calls.push(request);
			const [field, ids] = Object.entries(request)[0];
			const keys = (p: MockProduct) => (field === 'offer_id' ? [p.offer_id] : field === 'product_id' ? [String(p.id)] : [p.sku, ...(p.sources ?? []).map((source) => source.sku)].map(String));
			return { items: catalogue.filter((p) => keys(p).some((key) => ids.includes(key))) };
		});
	return calls;
}

/** Answers v2 imports with increasing task ids; records the items of each call. */
export function mockImportV2(calls: Body[] = [], firstTaskId = 9000): Body[] {
	let next = firstTaskId;
	ozon()
		.post('/v2/product/pictures/import')
		.times(1000)
		.reply(200, (_uri, body) => {
			calls.push(body as Body);
			return { task_id: next++ };
		});
	return calls;
}

/** Answers /v1/product/import/info: every offer of a task gets `status(offerId, pollNumber)`. */
export function mockImportInfo(
	imports: Body[],
	status: (offerId: string, poll: number) => { status: string; errors?: unknown[] } = () => ({ status: 'imported' }),
	calls: Body[] = [],
	firstTaskId = 9000,
): Body[] {
	const polls = new Map<number, number>();
	ozon()
		.post('/v1/product/import/info')
		.times(1000)
		.reply(200, (_uri, body) => {
			const taskId = Number((body as Body).task_id);
			calls.push(body as Body);
			const poll = (polls.get(taskId) ?? 0) + 1;
			polls.set(taskId, poll);
			const request = imports[taskId - firstTaskId] as { items: Array<{ offer_id: string }> } | undefined;
			const items = (request?.items ?? []).map((item) => ({ offer_id: item.offer_id, product_id: 0, errors: [], ...status(item.offer_id, poll) }));
			for (const [position, item] of items.entries()) if (item.status === 'imported' || item.status === 'skipped') applyImport(request?.items[position] as { offer_id: string });
			return { result: { items, total: items.length } };
		});
	return calls;
}

/** Answers /v2/product/pictures/info with the product's photos in the catalogue, overridden by what `picturesOf(productId)` says. */
export function mockPicturesInfo(
	picturesOf: (productId: number) => Record<string, unknown>,
	calls: Body[] = [],
): Body[] {
	ozon()
		.post('/v2/product/pictures/info')
		.times(1000)
		.reply(200, (_uri, body) => {
			calls.push(body as Body);
			const ids = ((body as Body).product_id as string[]).map(Number);
			return {
				items: ids.map((id) => {
					const known = catalogue.find((candidate) => candidate.id === id);
					const photos = { primary_photo: known?.primary_image ?? [], photo: known?.images ?? [], color_photo: known?.color_image ?? [] };
					return { product_id: id, ...photos, errors: [], ...picturesOf(id) };
				}),
			};
		});
	return calls;
}
