/**
 * The Ozon methods of the sandbox, as Ozon documents them (see docs/sandbox.md): who may call (Client-Id
 * and Api-Key, 50 requests per second), Ozon's JSON decoder that refuses unknown fields, the
 * product-update quota, and each method's answer, with asynchronous import tasks, images that fail
 * to download and a switchable v1 method. Works on a SandboxStore; HTTP is the server's.
 */
import {
	fnv1a,
	type ImportError,
	type ImportResult,
	type ImportTask,
	type SandboxStore,
	type TaskItem,
} from './store';

export type Json = Record<string, unknown>;

/** The fields each method's JSON decoder knows; Ozon rejects any other (`proto: … unknown field`). */
const KNOWN_FIELDS: Record<string, { body: string[]; items?: string[] }> = {
	'/v2/product/pictures/import': { body: ['items'], items: ['offer_id', 'primary_image', 'color_image', 'images'] },
	'/v1/product/import/info': { body: ['task_id'] },
	'/v2/product/pictures/info': { body: ['product_id'] },
	'/v3/product/info/list': { body: ['offer_id', 'product_id', 'sku'] },
	// images360 left this request on 2026-07-10.
	'/v1/product/pictures/import': { body: ['product_id', 'images', 'color_image'] },
	'/v1/roles': { body: [] },
};

const PRODUCT_UPDATES = new Set(['/v2/product/pictures/import', '/v1/product/pictures/import']);

const MINUTE_MS = 60_000;

/** The next 03:00 Moscow time, when Ozon's daily limits reset: Moscow is UTC+3 all year, so 00:00 UTC. */
export function nextDailyReset(now: number): number {
	const today = new Date(now);
	return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1);
}

/** An answer in Ozon's error shape: its HTTP status, rpcStatus code and message, and headers. */
export class OzonError extends Error {
	constructor(
		readonly status: number,
		readonly code: number | string,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

const invalid = (message: string) => new OzonError(400, 3, message);

/** Ozon's decoder: an unknown field is a 400, named with its position in the body. */
function rejectUnknownFields(path: string, body: Json, raw: string): void {
	const known = KNOWN_FIELDS[path];
	if (!known) return;
	const unknownIn = (value: Json, fields: string[]) => Object.keys(value).find((key) => !fields.includes(key));
	let unknown = unknownIn(body, known.body);
	if (!unknown && known.items && Array.isArray(body.items)) {
		for (const item of body.items) {
			if (item && typeof item === 'object') unknown = unknownIn(item as Json, known.items);
			if (unknown) break;
		}
	}
	if (unknown) throw invalid(`proto: (line 1:${raw.indexOf(`"${unknown}"`) + 1}): unknown field "${unknown}"`);
}

/** A URL "fails to download" when its host is broken.example or its path has /missing/. */
export function downloadFails(url: string): boolean {
	try {
		const parsed = new URL(url);
		return parsed.hostname === 'broken.example' || parsed.pathname.includes('/missing/');
	} catch {
		return true;
	}
}

/** A stable name for a URL, for the CDN addresses `cdnRewrite` serves it from. */
function hash(text: string): string {
	return fnv1a(text).toString(16).padStart(8, '0');
}

function isHttpUrl(value: unknown): value is string {
	if (typeof value !== 'string') return false;
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

function stringArray(value: unknown, field: string): string[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
		throw invalid(`${field}: value must be an array of strings`);
	}
	return value as string[];
}

function importError(code: string, field: string, description: string, message: string): ImportError {
	return { code, message, state: 'failed', level: 'error', description, field, attribute_id: 0, attribute_name: '' };
}

export class OzonMethods {
	constructor(private readonly store: SandboxStore) {}

	/** Lets a request in, or refuses it as Ozon would: no or a wrong key, over the per-second cap, not a POST. */
	admit(clientId: string, apiKey: string, httpMethod: string | undefined, now: number): void {
		if (!clientId || !apiKey) throw new OzonError(401, 16, 'Client-Id and Api-Key headers are required');
		if (this.store.config.accounts[clientId] !== apiKey) throw new OzonError(403, 7, 'Invalid Api-Key, please contact support');
		this.checkRateLimit(clientId, now);
		if (httpMethod !== 'POST') throw new OzonError(404, 5, 'Not Found');
	}

	/** The answer of the method at `path` to the body `raw`, or an OzonError. */
	answer(path: string, raw: string, clientId: string): Json {
		const body = this.parse(raw);
		rejectUnknownFields(path, body, raw);
		this.processDueTasks();
		return this.route(path, body, clientId);
	}

	private checkRateLimit(clientId: string, now: number): void {
		const recent = (this.store.recent.get(clientId) ?? []).filter((at) => now - at < 1000);
		if (recent.length >= this.store.config.rateLimitPerSecond) {
			this.store.recent.set(clientId, recent);
			this.store.log.push({ at: now, clientId, path: 'rate-limit', status: 429 });
			throw new OzonError(429, 8, 'You have reached request rate limit per second', { 'Retry-After': '1' });
		}
		recent.push(now);
		this.store.recent.set(clientId, recent);
	}

	private parse(raw: string): Json {
		if (!raw.trim()) return {};
		try {
			const value = JSON.parse(raw) as unknown;
			if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
		} catch {
			// fall through
		}
		throw invalid('Request body is not a valid JSON object');
	}

	/**
	 * The product-update quota: items per rolling minute and per day (reset at 03:00 Moscow time).
	 * Past it, a 429 with Item-Retry-After in minutes and the wait in seconds in the message.
	 */
	private countOperation(clientId: string, items: number, now = this.store.now()): void {
		const { perMinute, perDay } = this.store.config.operationLimits;
		if (!perMinute && !perDay) return;
		const dayStart = nextDailyReset(now) - 86_400_000;
		const history = (this.store.operations.get(clientId) ?? []).filter((entry) => entry.at >= dayStart);
		const lastMinute = history.filter((entry) => now - entry.at < MINUTE_MS);
		const usedToday = history.reduce((sum, entry) => sum + entry.items, 0);
		const usedThisMinute = lastMinute.reduce((sum, entry) => sum + entry.items, 0);
		let waitMs = 0;
		let remaining = Number.POSITIVE_INFINITY;
		if (perDay) {
			remaining = Math.min(remaining, perDay - usedToday);
			if (usedToday + items > perDay) waitMs = nextDailyReset(now) - now;
		}
		if (perMinute) {
			remaining = Math.min(remaining, perMinute - usedThisMinute);
			if (!waitMs && usedThisMinute + items > perMinute) {
				// Wait until enough of the minute's items have aged out.
				let freed = 0;
				for (const entry of lastMinute) {
					freed += entry.items;
					if (usedThisMinute - freed + items <= perMinute) {
						waitMs = entry.at + MINUTE_MS - now;
						break;
					}
				}
				if (!waitMs) waitMs = MINUTE_MS;
			}
		}
		if (waitMs > 0) {
			const seconds = Math.max(1, Math.ceil(waitMs / 1000));
			const left = Math.max(0, remaining);
			throw new OzonError(429, 'RESOURCE_EXHAUSTED', `You have reached operation items limits. Retry after ${seconds} seconds. Remaining ${left} items`, {
				'Item-Retry-After': String(Math.ceil(seconds / 60)),
				'Item-Rate-Limit-Remaining': String(left),
			});
		}
		history.push({ at: now, items });
		this.store.operations.set(clientId, history);
	}

	private route(path: string, body: Json, clientId: string): Json {
		if (PRODUCT_UPDATES.has(path) && !(path === '/v1/product/pictures/import' && !this.store.config.v1Enabled)) {
			this.countOperation(clientId, path === '/v2/product/pictures/import' && Array.isArray(body.items) ? body.items.length : 1);
		}
		switch (path) {
			case '/v2/product/pictures/import':
				return this.importV2(body, clientId);
			case '/v1/product/import/info':
				return this.importInfo(body, clientId);
			case '/v2/product/pictures/info':
				return this.picturesInfo(body);
			case '/v3/product/info/list':
				return this.infoList(body);
			case '/v1/product/pictures/import':
				return this.importV1(body);
			case '/v1/roles':
				return {
					expires_at: this.store.config.keyExpiresAt,
					roles: [{ name: 'Product', methods: ['/v2/product/pictures/import', '/v1/product/import/info', '/v2/product/pictures/info', '/v3/product/info/list', '/v1/product/pictures/import'] }],
				};
			default:
				throw new OzonError(404, 5, 'Not Found');
		}
	}

	private importV2(body: Json, clientId: string): Json {
		const items = body.items;
		if (!Array.isArray(items) || items.length < 1 || items.length > 100) {
			throw invalid('items: value must contain between 1 and 100 items');
		}
		const seen = new Set<string>();
		const taskItems: TaskItem[] = items.map((entry, index) => {
			const item = (entry ?? {}) as Json;
			if (typeof item.offer_id !== 'string' || item.offer_id.trim() === '') throw invalid(`items[${index}].offer_id: value is required`);
			if (seen.has(item.offer_id)) throw invalid(`items[${index}].offer_id: duplicate offer_id ${item.offer_id} in one request`);
			seen.add(item.offer_id);
			const images = stringArray(item.images, `items[${index}].images`);
			if (images.length > this.store.config.maxImages) throw invalid(`items[${index}].images: at most ${this.store.config.maxImages} images`);
			for (const [field, value] of [['primary_image', item.primary_image], ['color_image', item.color_image]] as const) {
				if (value !== undefined && !isHttpUrl(value)) throw invalid(`items[${index}].${field}: invalid URL`);
			}
			images.forEach((url, i) => {
				if (!isHttpUrl(url)) throw invalid(`items[${index}].images[${i}]: invalid URL`);
			});
			return {
				offer_id: item.offer_id,
				primary_image: item.primary_image as string | undefined,
				color_image: item.color_image as string | undefined,
				images,
			};
		});
		const id = this.store.nextTaskId++;
		const perItem = this.store.itemProcessingMs;
		const task: ImportTask = {
			id,
			clientId,
			createdAt: this.store.now(),
			items: taskItems,
			neverFinishes: this.store.random() < this.store.config.faults.rateNeverFinish,
			processingMs: this.store.random() < this.store.config.faults.rateSlowTask ? this.store.config.faults.slowTaskMs : this.store.config.processingMs,
			...(perItem ? { itemProcessingMs: taskItems.map((item) => perItem(item.offer_id, id)) } : {}),
		};
		this.store.tasks.set(task.id, task);
		return { task_id: task.id };
	}

	private importInfo(body: Json, clientId: string): Json {
		const taskId = Number(body.task_id);
		const task = this.store.tasks.get(taskId);
		if (!Number.isInteger(taskId) || !task || task.clientId !== clientId) throw new OzonError(404, 5, `task ${String(body.task_id)} not found`);
		const items = task.results
			? task.results
			: task.items.map((item, index) => task.itemResults?.[index] ?? { offer_id: item.offer_id, product_id: this.store.byOffer(item.offer_id)?.id ?? 0, status: 'pending', errors: [] });
		return { result: { items, total: items.length } };
	}

	/** The image fields of an answer, as the `imageFields` switch says: present, left out, or null. */
	private imageFields(fields: Record<string, string[]>): Json {
		const mode = this.store.config.faults.imageFields;
		if (mode === 'absent') return {};
		if (mode === 'null') return Object.fromEntries(Object.keys(fields).map((key) => [key, null]));
		return fields;
	}

	private picturesInfo(body: Json): Json {
		const ids = stringArray(body.product_id, 'product_id');
		if (ids.length === 0 || ids.length > 1000) throw invalid('product_id: value must contain between 1 and 1000 items');
		const items = ids.flatMap((id) => {
			const product = this.store.products.get(Number(id));
			if (!product) return [];
			// No photo_360: it is no longer in Ozon's schema.
			return [{
				product_id: product.id,
				...this.imageFields({ primary_photo: product.primary_image, photo: product.images, color_photo: product.color_image }),
				errors: product.errors,
			}];
		});
		return { items };
	}

	private infoList(body: Json): Json {
		const given = (['offer_id', 'product_id', 'sku'] as const).filter((field) => body[field] !== undefined);
		if (given.length !== 1) throw invalid('exactly one of offer_id, product_id, sku is required');
		const field = given[0];
		const values = stringArray(body[field], field);
		if (values.length === 0 || values.length > 1000) throw invalid(`${field}: value must contain between 1 and 1000 items`);
		const wanted = new Set(values);
		const matching =
			field === 'offer_id'
				? this.store.withOffers(wanted)
				: [...this.store.products.values()].filter((product) =>
						field === 'sku' ? [product.sku, ...(product.olderSkus ?? [])].some((sku) => wanted.has(String(sku))) : wanted.has(String(product.id)),
					);
		const items = matching
			.map((product) => ({
				id: product.id,
				offer_id: product.offer_id,
				// The current SKU; an older one is named only under sources.
				sku: product.sku,
				...(product.olderSkus?.length ? { sources: [product.sku, ...product.olderSkus].map((sku) => ({ sku, source: 'sds' })) } : {}),
				...this.imageFields({ primary_image: product.primary_image, images: product.images, color_image: product.color_image }),
				statuses: { status: 'price_sent', is_created: true },
				errors: [],
			}));
		return { items };
	}

	private importV1(body: Json): Json {
		if (!this.store.config.v1Enabled) {
			const answer = this.store.config.v1OffAnswer;
			if (answer === '410') throw new OzonError(410, 5, 'Method /v1/product/pictures/import is no longer available; use /v2/product/pictures/import');
			if (answer === '404') throw new OzonError(404, 5, 'Not Found');
			throw new OzonError(400, 9, 'obsolete method cannot be used');
		}
		const productId = Number(body.product_id);
		const product = this.store.products.get(productId);
		if (!product) throw invalid(`product_id: product ${String(body.product_id)} not found`);
		const images = stringArray(body.images, 'images');
		if (images.length > 30) throw invalid('images: at most 30 images');
		if (body.color_image !== undefined && !isHttpUrl(body.color_image)) throw invalid('color_image: invalid URL');
		for (const url of images) if (!isHttpUrl(url)) throw invalid(`invalid image URL: ${url}`);
		const served = (url: string) => this.served(url);
		product.primary_image = images.slice(0, 1).map(served);
		product.images = images.slice(1).map(served);
		product.color_image = typeof body.color_image === 'string' ? [served(body.color_image)] : [];
		product.errors = [];
		product.sourceUrls = '';
		// state is always "imported" here: Ozon means "accepted, not processed yet".
		const pictures = [
			...images.map((url, i) => ({ product_id: product.id, url, state: 'imported', is_primary: i === 0, is_color: false })),
			...(typeof body.color_image === 'string' ? [{ product_id: product.id, url: body.color_image, state: 'imported', is_primary: false, is_color: true }] : []),
		];
		return { result: { pictures } };
	}

	private served(url: string): string {
		return this.store.config.faults.cdnRewrite ? `https://cdn1.ozone.ru/s3/multimedia-${hash(url).slice(0, 2)}/${hash(url)}.jpg` : url;
	}

	/**
	 * Processes every product of a task whose processing time has passed, in the order their times
	 * ran out (tasks of one processing time: in creation order); a task's results are complete once
	 * every product of it is.
	 */
	processDueTasks(now = this.store.now()): void {
		const due: Array<{ task: ImportTask; index: number; at: number }> = [];
		for (const task of this.store.tasks.values()) {
			if (task.results || task.neverFinishes) continue;
			task.items.forEach((_, index) => {
				if (task.itemResults?.[index]) return;
				const at = task.createdAt + (task.itemProcessingMs?.[index] ?? task.processingMs);
				if (at <= now) due.push({ task, index, at });
			});
		}
		due.sort((a, b) => a.at - b.at || a.task.id - b.task.id || a.index - b.index);
		for (const { task, index } of due) {
			const result = this.apply(task.items[index]);
			(task.itemResults ??= [])[index] = result;
			this.store.onProcessed?.(task, index, result);
			if (task.items.every((_, i) => task.itemResults?.[i])) task.results = task.itemResults as ImportResult[];
		}
	}

	private apply(item: TaskItem): ImportResult {
		const product = this.store.byOffer(item.offer_id);
		if (!product) {
			return {
				offer_id: item.offer_id,
				product_id: 0,
				status: 'failed',
				errors: [importError('PRODUCT_NOT_FOUND', 'offer_id', 'Product not found', `no product with offer_id ${item.offer_id}`)],
			};
		}
		// The card in order: the main photo (primary_image, else the first of images), then the rest.
		// One card sent either way is one card: sent again unchanged, it is skipped.
		const photos = [...(item.primary_image ? [item.primary_image] : []), ...item.images];
		const source = JSON.stringify([photos, item.color_image ?? null]);
		if (source === product.sourceUrls) return { offer_id: item.offer_id, product_id: product.id, status: 'skipped', errors: [] };

		const failing = [...photos, ...(item.color_image ? [item.color_image] : [])].filter(downloadFails);
		if (photos.length > 0 && photos.every(downloadFails)) {
			return {
				offer_id: item.offer_id,
				product_id: product.id,
				status: 'failed',
				// No url field: Ozon names the image only inside the text.
				errors: failing.map((url) => importError('IMAGE_DOWNLOAD_FAILED', 'images', 'Failed to download the image', `HTTP 404 for ${url}`)),
			};
		}
		const good = photos.filter((url) => !downloadFails(url)).map((url) => this.served(url));
		product.primary_image = good.slice(0, 1);
		product.images = good.slice(1);
		product.color_image = item.color_image && !downloadFails(item.color_image) ? [this.served(item.color_image)] : [];
		product.errors = failing.map((url) => ({ url, message: `Failed to download the image: HTTP 404 for ${url}` }));
		product.sourceUrls = source;
		return { offer_id: item.offer_id, product_id: product.id, status: 'imported', errors: [] };
	}
}
