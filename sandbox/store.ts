/**
 * The sandbox's in-memory Ozon account: products with their images, import tasks, and the
 * switches for faults. Written from Ozon's documented methods (see docs/sandbox.md), independently of the node's code.
 */

export interface SandboxProduct {
	id: number;
	offer_id: string;
	sku: number;
	/** Earlier SKUs of the product: /v3/product/info/list finds it by them, naming them only under `sources[].sku`. */
	olderSkus?: number[];
	primary_image: string[];
	images: string[];
	color_image: string[];
	/** Per-URL download failures from the last import, as /v2/product/pictures/info reports them. */
	errors: Array<{ url: string; message: string }>;
	/** The URLs as last sent, to tell an unchanged push ("skipped") from a change. */
	sourceUrls: string;
}

export interface TaskItem {
	offer_id: string;
	primary_image?: string;
	color_image?: string;
	images: string[];
}

export interface ImportTask {
	id: number;
	clientId: string;
	createdAt: number;
	items: TaskItem[];
	/** Filled when processing completes. */
	results?: ImportResult[];
	neverFinishes: boolean;
	processingMs: number;
	/** Per item: its own processing time, where the store's `itemProcessingMs` gave one (else `processingMs`). */
	itemProcessingMs?: Array<number | undefined>;
	/** Per item: its result once processed; `results` is filled when every item has one. */
	itemResults?: Array<ImportResult | undefined>;
}

/** One product's result in an import task. */
export type ImportResult = { offer_id: string; product_id: number; status: 'imported' | 'failed' | 'skipped'; errors: ImportError[] };

/**
 * An `errors[]` entry of `/v1/product/import/info`, with Ozon's fields: there is no `url`; a failed
 * image is named, if at all, inside `message` or `description`.
 */
export interface ImportError {
	code: string;
	message: string;
	state: string;
	level: string;
	description: string;
	field: string;
	attribute_id: number;
	attribute_name: string;
}

/** How the image fields of /v3/product/info/list and /v2/product/pictures/info come back. */
export type ImageFieldsMode = 'present' | 'absent' | 'null';

/** How a switched-off v1 picture import answers: Ozon's code 9, or the older 410 / 404 reports. */
export type V1OffAnswer = 'obsolete' | '410' | '404';

export interface FaultConfig {
	/** Added to every answer, in milliseconds. */
	latencyMs: number;
	/** Shares of requests (0..1) answered with a fault instead of being processed. */
	rate5xx: number;
	/** Answered with Ozon's per-second limit 429 (code 8), as when another tool shares the Client-Id. */
	rate429: number;
	rateReset: number;
	rateTruncated: number;
	/** Retry-After (seconds) sent with injected per-second 429s; 0 sends none. */
	retryAfterSeconds: number;
	/** Leave out, or send null, the image fields of product information and read-back (Ozon's schema allows it). */
	imageFields: ImageFieldsMode;
	/** Share of import tasks that stay pending forever. */
	rateNeverFinish: number;
	/** Share of import tasks that take `slowTaskMs` instead of the configured processing time. */
	rateSlowTask: number;
	slowTaskMs: number;
	/** Serve stored images from an Ozon-like CDN host instead of the URLs sent. */
	cdnRewrite: boolean;
	/** Seed of the fault dice, so a run can be repeated exactly. */
	seed: number;
}

export interface SandboxConfig {
	/** Client-Id → Api-Key of the accounts the sandbox accepts. */
	accounts: Record<string, string>;
	/** How long an import task stays pending. */
	processingMs: number;
	/** Requests per second per Client-Id before 429. */
	rateLimitPerSecond: number;
	/** Whether the deprecated v1 picture import still answers (Ozon announced it off from 2026-10-01). */
	v1Enabled: boolean;
	/** The answer of the switched-off v1 method. */
	v1OffAnswer: V1OffAnswer;
	/**
	 * Product-update quota in items (products) per Client-Id, counted over both picture imports:
	 * per rolling minute and per day (the day resets at 03:00 Moscow time); 0 means no limit.
	 * Past it: 429 with Item-Retry-After in minutes.
	 */
	operationLimits: { perMinute: number; perDay: number };
	/** `expires_at` of the API key, as /v1/roles reports it. */
	keyExpiresAt: string;
	/** Photos per product the v2 method accepts. */
	maxImages: number;
	faults: FaultConfig;
}

export const DEFAULT_FAULTS: FaultConfig = {
	latencyMs: 0,
	rate5xx: 0,
	rate429: 0,
	rateReset: 0,
	rateTruncated: 0,
	retryAfterSeconds: 1,
	imageFields: 'present',
	rateNeverFinish: 0,
	rateSlowTask: 0,
	slowTaskMs: 10_000,
	cdnRewrite: false,
	seed: 1,
};

export function defaultConfig(): SandboxConfig {
	return {
		accounts: { '123456': 'sandbox-api-key' },
		processingMs: 2000,
		rateLimitPerSecond: 50,
		v1Enabled: true,
		v1OffAnswer: 'obsolete',
		operationLimits: { perMinute: 0, perDay: 0 },
		// Keys are valid for about three months.
		keyExpiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
		maxImages: 30,
		faults: { ...DEFAULT_FAULTS },
	};
}

/** Small, fast, seedable PRNG (mulberry32) so fault runs are repeatable. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** 32-bit FNV-1a: a cheap, stable hash for deriving per-request dice. */
export function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** Seeds `count` products SKU-001… with one existing photo each (product_id 100001…). */
export function seedProducts(count: number): SandboxProduct[] {
	return Array.from({ length: count }, (_, i) => {
		const n = i + 1;
		const offer = `SKU-${String(n).padStart(3, '0')}`;
		return {
			id: 100000 + n,
			offer_id: offer,
			sku: 2000000000 + n,
			primary_image: [`https://cdn1.ozone.ru/s3/multimedia-seed/${offer}-main.jpg`],
			images: [`https://cdn1.ozone.ru/s3/multimedia-seed/${offer}-1.jpg`],
			color_image: [],
			errors: [],
			sourceUrls: '',
		};
	});
}

/**
 * The products by id, counting its changes (`version`): a product set or removed, or a product's
 * offer_id renamed (tests rename them in place), so the offer index knows when it is out of date.
 */
class Catalogue extends Map<number, SandboxProduct> {
	version = 0;

	constructor(entries?: Iterable<readonly [number, SandboxProduct]>) {
		// Filled after construction: Map's constructor would call `set` before `version` exists.
		super();
		for (const [id, product] of entries ?? []) this.set(id, product);
	}

	set(id: number, product: SandboxProduct): this {
		this.version++;
		this.watchOffer(product);
		return super.set(id, product);
	}

	delete(id: number): boolean {
		this.version++;
		return super.delete(id);
	}

	clear(): void {
		this.version++;
		super.clear();
	}

	/** Makes a rename of the product's offer_id count as a change of this catalogue. */
	private watchOffer(product: SandboxProduct): void {
		let offerId = product.offer_id;
		Object.defineProperty(product, 'offer_id', {
			enumerable: true,
			configurable: true,
			get: () => offerId,
			set: (renamed: string) => {
				offerId = renamed;
				this.version++;
			},
		});
	}
}

export class SandboxStore {
	private catalogue = new Catalogue();

	/** The products by id. Changes to it, an offer_id renamed included, are seen by the offer index. */
	get products(): Map<number, SandboxProduct> {
		return this.catalogue;
	}

	set products(products: Map<number, SandboxProduct>) {
		this.catalogue = new Catalogue(products);
	}

	tasks = new Map<number, ImportTask>();
	nextTaskId = 1_000_001;
	random: () => number;
	/** Start times of recent requests per Client-Id, for the rate cap. */
	recent = new Map<string, number[]>();
	/** Items counted against the product-update quota, per Client-Id. */
	operations = new Map<string, Array<{ at: number; items: number }>>();
	/** Every request that reached the sandbox (after auth), for tests and the rate check. */
	log: Array<{ at: number; clientId: string; path: string; status: number; fault?: string }> = [];

	/**
	 * The sandbox's time (epoch ms): the wall clock, or a virtual one (the write-path simulation runs
	 * Ozon in virtual time, test/simulation/).
	 */
	now: () => number = () => Date.now();

	/** Waits `ms` of the sandbox's time (its answers' latency): the wall clock's, or the virtual clock's of `now`. */
	sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

	/**
	 * A product's own processing time in a task (ms), if the caller decides it (Ozon processes the
	 * products of one task separately); undefined: the task's time.
	 */
	itemProcessingMs?: (offerId: string, taskId: number) => number | undefined;

	/** Told after each product of a task is processed (the simulation records what Ozon applied when). */
	onProcessed?: (task: ImportTask, index: number, result: ImportResult) => void;

	constructor(public config: SandboxConfig) {
		this.random = seededRandom(config.faults.seed);
	}

	/** Forgets the traffic (log, tasks, rate and quota counters); keeps products and configuration. */
	reset(): void {
		this.log = [];
		this.tasks.clear();
		this.recent.clear();
		this.operations.clear();
	}

	setProducts(products: SandboxProduct[]): void {
		this.catalogue = new Catalogue(products.map((product) => [product.id, product]));
	}

	/**
	 * The catalogue by offer_id, built once per catalogue version: with a scan per lookup, 100,000
	 * products made the sandbox itself the bench's bottleneck (a task of 100 products cost 10 million
	 * steps). Rebuilt after any change (a product set, removed, or its offer_id renamed), so that it
	 * finds what a scan finds.
	 */
	private offerIndex: { of: Catalogue; version: number; byOffer: Map<string, SandboxProduct[]>; place: Map<SandboxProduct, number> } | undefined;

	private catalogueIndex() {
		const current = this.offerIndex;
		const catalogue = this.catalogue;
		if (current && current.of === catalogue && current.version === catalogue.version) return current;
		const byOffer = new Map<string, SandboxProduct[]>();
		const place = new Map<SandboxProduct, number>();
		for (const product of catalogue.values()) {
			place.set(product, place.size);
			const same = byOffer.get(product.offer_id);
			if (same) same.push(product);
			else byOffer.set(product.offer_id, [product]);
		}
		this.offerIndex = { of: catalogue, version: catalogue.version, byOffer, place };
		return this.offerIndex;
	}

	/** The products with one of `offerIds`, in catalogue order, as a scan finds them. */
	withOffers(offerIds: Set<string>): SandboxProduct[] {
		const found: SandboxProduct[] = [];
		const { byOffer, place } = this.catalogueIndex();
		for (const offerId of offerIds) found.push(...(byOffer.get(offerId) ?? []));
		return found.sort((a, b) => (place.get(a) as number) - (place.get(b) as number));
	}

	byOffer(offerId: string): SandboxProduct | undefined {
		return this.withOffers(new Set([offerId]))[0];
	}

	/** How often each distinct request (method and body, hashed) has been drawn for, for `faultDice`. */
	private readonly attempts = new Map<number, number>();

	/**
	 * The fault dice for one request: its own repeatable draw per attempt, derived from the seed, the
	 * method and body, and how often that same request came before. Drawing from one shared sequence
	 * instead couples requests: at the tail of a run the last request in flight takes every draw, so
	 * a run of faults in the sequence lands on one request, and which one depends on timing.
	 */
	faultDice(method: string, body: string): number {
		const key = fnv1a(`${method}\n${body}`);
		const attempt = this.attempts.get(key) ?? 0;
		this.attempts.set(key, attempt + 1);
		return seededRandom(fnv1a(`${this.config.faults.seed}:${key}:${attempt}`))();
	}

	configure(faults: Partial<FaultConfig>, rest: Partial<Omit<SandboxConfig, 'faults'>> = {}): void {
		this.config = { ...this.config, ...rest, faults: { ...this.config.faults, ...faults } };
		if (faults.seed !== undefined) {
			this.random = seededRandom(faults.seed);
			this.attempts.clear();
		}
	}

	/** The highest number of requests that started within any one-second window, per Client-Id. */
	peakRequestsPerSecond(): number {
		let peak = 0;
		const byClient = new Map<string, number[]>();
		for (const entry of this.log) {
			const times = byClient.get(entry.clientId);
			if (times) times.push(entry.at);
			else byClient.set(entry.clientId, [entry.at]);
		}
		for (const times of byClient.values()) {
			times.sort((a, b) => a - b);
			let start = 0;
			for (let end = 0; end < times.length; end++) {
				while (times[end] - times[start] >= 1000) start++;
				peak = Math.max(peak, end - start + 1);
			}
		}
		return peak;
	}
}
