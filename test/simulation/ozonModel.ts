/**
 * Ozon for the simulation: the project's sandbox methods (sandbox/ozonMethods.ts over a
 * SandboxStore), in process and in virtual time, so the model answers as the sandbox does and is
 * held to the same written contract (test/contract/ozonContract.ts), checked on every exchange.
 * Around them, what the network and Ozon's load do: latency, 5xx, Ozon's per-second 429, resets
 * and timeouts on any method, before or after Ozon processed the request (a lost answer).
 *
 * It also keeps the history the invariants judge: every request, every import that reached Ozon
 * (and whether the node got its task_id), and every product Ozon processed, with its photos before
 * and after, by source URL (where Ozon serves copies, a copy is traced back to the URL sent).
 *
 * Task order (`OzonBehaviour.taskOrder`): Ozon works through an account's tasks roughly in
 * submission order. 'fifo' makes that exact at the task level: a task's products finish no earlier
 * than every product of every task Ozon accepted before it for the Client-Id (its products' own
 * times still vary within that). 'overtaking' lets a task finish before an older one (each product
 * at its own drawn time), as a busy Ozon may.
 */
import { answerViolations, requestViolations } from '../contract/ozonContract';
import { OzonError, OzonMethods } from '../../sandbox/ozonMethods';
import { SandboxStore, defaultConfig, fnv1a, seededRandom, type SandboxProduct } from '../../sandbox/store';
import type { VirtualTime } from '../helpers/virtualTime';

export const CLIENT_ID = '123456';
export const API_KEY = 'sim-api-key-0001';
export const BASE_URL = 'https://api-seller.ozon.ru';

/** How Ozon orders an account's tasks (see the top of this file). */
export type TaskOrder = 'fifo' | 'overtaking';

/** What Ozon and the network do, per request and per product. */
export interface OzonBehaviour {
	/**
	 * 'fifo': no task finishes a product before every product of the tasks accepted before it;
	 * 'overtaking': a task may finish before an older one. Schedules printed before this field existed
	 * ran the overtaking model, and replay so.
	 */
	taskOrder: TaskOrder;
	/** Whether Ozon serves its own copies instead of the URLs sent. */
	cdnRewrite: boolean;
	/** One-way latency range (ms). */
	latencyMs: [number, number];
	/** Shares of requests (any method) answered with a fault. */
	rate5xx: number;
	/** Ozon's per-second 429 (code 8), as when another tool shares the Client-Id. */
	rate429: number;
	/** Connection reset; `processedShare` of them after Ozon processed the request. */
	rateReset: number;
	/** No answer within the request's timeout; `processedShare` of them after Ozon processed it. */
	rateTimeout: number;
	processedShare: number;
	/** A product's processing time in a task: `fastMs` range, or `slowMs` range with `slowShare`. */
	fastMs: [number, number];
	slowShare: number;
	slowMs: [number, number];
}

/** Forces the next matching requests' fate (regressions): the first rule that matches applies once per request. */
export interface FaultRule {
	path: string;
	fault: 'ok' | '5xx' | '429' | 'quota' | 'reset' | 'resetAfter' | 'timeout' | 'timeoutAfter';
	/** How many more requests it applies to (Infinity: all). */
	times: number;
}

export interface ExchangeRecord {
	at: number;
	process: number;
	execution: number;
	path: string;
	body: unknown;
	/** HTTP status the node saw; 0: no answer (reset, timeout). */
	status: number;
	fault?: FaultRule['fault'];
	/** Whether Ozon processed the request (it may have even when the node saw no answer). */
	processed: boolean;
	/** The import it made, if it was one Ozon accepted. */
	accepted?: ImportRecord;
	/** Order among the model's events (imports, processing) of the moment Ozon answered it, if it did. */
	seq?: number;
	/** When the node got the answer (virtual epoch ms), if it did. */
	deliveredAt?: number;
	/** Ozon's answer to a read-back (`/v2/product/pictures/info`), kept to tell which read-back settled an item. */
	answer?: string;
	/**
	 * A read-back only: the slowest processing time the sending process had seen when it sent it (its
	 * pace's samples, as `TaskPace.slowProcessingMs` takes them: the harness's `paceOf`); null: none known.
	 */
	slowProcessingMs?: number | null;
}

export interface ImportRecord {
	/** Order of events in the model (imports and processing together). */
	seq: number;
	at: number;
	process: number;
	execution: number;
	taskId: number;
	/** Whether the node got the task_id (the answer was not lost). */
	delivered: boolean;
	items: Array<{ offerId: string; roots: string[] }>;
}

export interface ApplyRecord {
	seq: number;
	/** When the model got to it (the next request after its time, or the end of the run). */
	at: number;
	/** When Ozon processed it: its task's acceptance plus the product's processing time. */
	dueAt: number;
	taskId: number;
	offerId: string;
	status: string;
	before: string[];
	after: string[];
}

export interface HttpAnswer {
	statusCode: number;
	headers: Record<string, string>;
	body: string;
}

const HOSTS = new Set(['cdn1.ozone.ru']);

function photosOf(product: SandboxProduct): string[] {
	return [...product.primary_image, ...product.images];
}

export class OzonModel {
	readonly store: SandboxStore;

	private readonly methods: OzonMethods;

	private readonly dice: () => number;

	readonly exchanges: ExchangeRecord[] = [];

	readonly imports: ImportRecord[] = [];

	readonly applies: ApplyRecord[] = [];

	readonly contractViolations: string[] = [];

	/** Copy URL → the URL it was made from (copies of copies included). */
	private readonly copyOf = new Map<string, string>();

	/** Products' photos (by source URL) as of the last processing, to record each change. */
	private readonly lastSeen = new Map<string, string[]>();

	rules: FaultRule[] = [];

	private seq = 0;

	readonly taskOrder: TaskOrder;

	/** The FIFO floor of the task being accepted: worked out once for all its products. */
	private floor: { taskId: number; at: number } | undefined;

	/** Checks every request and answer against Ozon's contract (costs time; on by default). */
	checkContract = true;

	/**
	 * The harness's recording hook (simulate.ts): the slowest processing time a process has seen so
	 * far, recorded on each read-back it sends (`ExchangeRecord.slowProcessingMs`).
	 */
	paceOf?: (process: number) => number | undefined;

	constructor(
		readonly clock: VirtualTime,
		readonly behaviour: OzonBehaviour,
		seed: number,
		products: SandboxProduct[],
		/** A product's processing time in a task, if not drawn (regressions fix them). */
		processingMsOf?: (offerId: string, taskId: number) => number | undefined,
	) {
		const config = defaultConfig();
		config.accounts = { [CLIENT_ID]: API_KEY };
		config.keyExpiresAt = new Date(clock.now() + 90 * 86_400_000).toISOString();
		config.faults = { ...config.faults, cdnRewrite: behaviour.cdnRewrite, seed };
		this.store = new SandboxStore(config);
		this.store.now = () => clock.now();
		this.store.setProducts(products);
		for (const product of products) this.lastSeen.set(product.offer_id, this.roots(photosOf(product)));
		this.dice = seededRandom(seed ^ 0x2545f491);
		const drawn = (offerId: string, taskId: number) => {
			const roll = seededRandom(fnv1a(`${seed}:${taskId}:${offerId}`));
			const [low, high] = roll() < behaviour.slowShare ? behaviour.slowMs : behaviour.fastMs;
			return Math.round(low + roll() * (high - low));
		};
		this.taskOrder = behaviour.taskOrder ?? 'overtaking';
		this.store.itemProcessingMs = (offerId, taskId) => {
			const own = processingMsOf?.(offerId, taskId) ?? drawn(offerId, taskId);
			if (this.taskOrder !== 'fifo') return own;
			// Called while Ozon accepts the task (its products one after another): no earlier than the older tasks' last product.
			return Math.max(own, this.fifoFloor(taskId) - this.clock.now());
		};
		this.store.onProcessed = (task, index, result) => {
			const offerId = task.items[index].offer_id;
			const product = this.store.byOffer(offerId);
			const after = product ? this.roots(photosOf(product)) : [];
			const dueAt = task.createdAt + (task.itemProcessingMs?.[index] ?? task.processingMs);
			this.applies.push({ seq: this.seq++, at: this.clock.now(), dueAt, taskId: task.id, offerId, status: result.status, before: this.lastSeen.get(offerId) ?? [], after });
			this.lastSeen.set(offerId, after);
		};
		this.methods = new OzonMethods(this.store);
	}

	/**
	 * When the last product of every task Ozon accepted before `taskId` for this Client-Id finishes
	 * (the model serves one Client-Id). A task that never finishes holds nothing back.
	 */
	private fifoFloor(taskId: number): number {
		if (this.floor?.taskId === taskId) return this.floor.at;
		let at = Number.NEGATIVE_INFINITY;
		for (const task of this.store.tasks.values()) {
			if (task.id >= taskId || task.clientId !== CLIENT_ID || task.neverFinishes) continue;
			task.items.forEach((_, index) => (at = Math.max(at, task.createdAt + (task.itemProcessingMs?.[index] ?? task.processingMs))));
		}
		this.floor = { taskId, at };
		return at;
	}

	/** The URL a photo was sent as, following Ozon's copies back. */
	root(url: string): string {
		let current = url;
		for (let depth = 0; depth < 64 && this.copyOf.has(current); depth++) current = this.copyOf.get(current) as string;
		return current;
	}

	roots(urls: string[]): string[] {
		return urls.map((url) => this.root(url));
	}

	/** The product's photos now, by the URLs sent. */
	photos(offerId: string): string[] {
		const product = this.store.byOffer(offerId);
		return product ? this.roots(photosOf(product)) : [];
	}

	/** Processes every task due by now (and, at quiescence, every task at all). */
	processDue(now = this.clock.now()): void {
		this.methods.processDueTasks(now);
	}

	/** Every task still pending, processed as if all the time in the world passed. */
	processAll(): void {
		this.methods.processDueTasks(Number.POSITIVE_INFINITY);
	}

	get pendingTasks(): number {
		let pending = 0;
		for (const task of this.store.tasks.values()) if (!task.results) pending++;
		return pending;
	}

	/** The copy Ozon serves for `url` (as the sandbox names it): remembered so it traces back. */
	private rememberCopies(urls: string[]): void {
		if (!this.behaviour.cdnRewrite) return;
		for (const url of urls) {
			const hash = fnv1a(url).toString(16).padStart(8, '0');
			const copy = `https://cdn1.ozone.ru/s3/multimedia-${hash.slice(0, 2)}/${hash}.jpg`;
			if (copy !== url && !this.copyOf.has(copy)) this.copyOf.set(copy, url);
		}
	}

	private fate(path: string): FaultRule['fault'] {
		const rule = this.rules.find((candidate) => candidate.path === path && candidate.times > 0);
		if (rule) {
			rule.times--;
			return rule.fault;
		}
		const { rate5xx, rate429, rateReset, rateTimeout, processedShare } = this.behaviour;
		const roll = this.dice();
		const after = this.dice() < processedShare;
		if (roll < rate5xx) return '5xx';
		if (roll < rate5xx + rate429) return '429';
		if (roll < rate5xx + rate429 + rateReset) return after ? 'resetAfter' : 'reset';
		if (roll < rate5xx + rate429 + rateReset + rateTimeout) return after ? 'timeoutAfter' : 'timeout';
		return 'ok';
	}

	private async wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
		if (signal?.aborted) throw cancelled();
		let stop = () => {};
		const aborted = new Promise<'aborted'>((resolve) => {
			stop = () => resolve('aborted');
			signal?.addEventListener('abort', stop, { once: true });
		});
		const outcome = await Promise.race([this.clock.sleep(ms), aborted]);
		signal?.removeEventListener('abort', stop);
		if (outcome === 'aborted') throw cancelled();
	}

	/**
	 * One HTTP exchange, as n8n's request helper would see it: the answer, or a thrown network error
	 * (reset, timeout, cancellation). Ozon works on the request when it arrives (half the latency).
	 */
	async exchange(request: { process: number; execution: number; path: string; headers: Record<string, string>; body: string; timeoutMs: number; signal?: AbortSignal }): Promise<HttpAnswer> {
		const { path, headers, body, signal } = request;
		const startedAt = this.clock.now();
		const [low, high] = this.behaviour.latencyMs;
		const latency = low + this.dice() * (high - low);
		if (this.checkContract) this.contractViolations.push(...requestViolations('POST', path, headers, body).map((text) => `t=${startedAt} ${text}`));
		const fault = this.fate(path);
		const record: ExchangeRecord = { at: startedAt, process: request.process, execution: request.execution, path, body: safeJson(body), status: 0, fault: fault === 'ok' ? undefined : fault, processed: false };
		if (path === '/v2/product/pictures/info' && this.paceOf) record.slowProcessingMs = this.paceOf(request.process) ?? null;
		this.exchanges.push(record);
		const lostAnswer = fault === 'resetAfter' || fault === 'timeoutAfter';
		const timeoutMs = request.timeoutMs > 0 ? request.timeoutMs : 30_000;
		if (fault === 'reset') {
			await this.wait(latency / 2, signal);
			throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		}
		if (fault === 'timeout') {
			await this.wait(timeoutMs, signal);
			throw timedOut(timeoutMs);
		}
		await this.wait(latency / 2, signal);
		let answer: HttpAnswer;
		if (fault === '5xx') answer = errorAnswer(new OzonError(503, 14, 'Service temporarily unavailable'));
		else if (fault === '429') answer = errorAnswer(new OzonError(429, 8, 'You have reached request rate limit per second', { 'Retry-After': '1' }));
		// The product-update quota as the sandbox answers it: a minute in Item-Retry-After (rules only).
		else if (fault === 'quota') answer = errorAnswer(new OzonError(429, 'RESOURCE_EXHAUSTED', 'You have reached operation items limits. Retry after 20 seconds. Remaining 0 items', { 'Item-Retry-After': '1' }));
		else answer = this.process(path, headers, body, request, record);
		this.clock.touch();
		if (this.checkContract) this.contractViolations.push(...answerViolations(path, answer.statusCode, answer.headers, answer.body).map((text) => `t=${this.clock.now()} ${text}`));
		if (lostAnswer) {
			this.markUndelivered(record);
			if (fault === 'resetAfter') {
				await this.wait(latency / 2, signal);
				throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
			}
			await this.wait(Math.max(0, startedAt + timeoutMs - this.clock.now()), signal);
			throw timedOut(timeoutMs);
		}
		try {
			await this.wait(latency / 2, signal);
		} catch (error) {
			// Stopped while the answer travelled: the node never reads it.
			this.markUndelivered(record);
			throw error;
		}
		record.status = answer.statusCode;
		record.deliveredAt = this.clock.now();
		return answer;
	}

	private markUndelivered(record: ExchangeRecord): void {
		if (record.accepted) record.accepted.delivered = false;
	}

	/** What Ozon answers (the sandbox's methods), recording an import and the copies it will make. */
	private process(path: string, headers: Record<string, string>, body: string, request: { process: number; execution: number }, record: ExchangeRecord): HttpAnswer {
		const now = this.clock.now();
		try {
			this.methods.admit(headers['Client-Id'] ?? '', headers['Api-Key'] ?? '', 'POST', now);
			this.processDue(now);
			const answer = this.methods.answer(path, body, headers['Client-Id'] ?? '');
			record.processed = true;
			record.seq = this.seq++;
			if (path === '/v2/product/pictures/info') record.answer = JSON.stringify(answer);
			if (path === '/v2/product/pictures/import') {
				const items = ((safeJson(body) as { items?: Array<{ offer_id: string; primary_image?: string; images?: string[] }> }).items ?? []).map((item) => {
					const urls = [...(item.primary_image ? [item.primary_image] : []), ...(item.images ?? [])];
					this.rememberCopies(urls);
					return { offerId: item.offer_id, roots: this.roots(urls) };
				});
				record.accepted = { seq: this.seq++, at: record.at, process: request.process, execution: request.execution, taskId: Number(answer.task_id), delivered: true, items };
				this.imports.push(record.accepted);
			}
			return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(answer) };
		} catch (error) {
			if (!(error instanceof OzonError)) throw error;
			return errorAnswer(error);
		}
	}

	/** The photos a product starts with (by offer_id). */
	static seedProducts(count: number): SandboxProduct[] {
		return Array.from({ length: count }, (_, i) => {
			const n = i + 1;
			const offer = `SKU-${String(n).padStart(3, '0')}`;
			return {
				id: 100000 + n,
				offer_id: offer,
				sku: 2000000000 + n,
				primary_image: [`https://cdn1.ozone.ru/s3/multimedia-seed/${offer}-main.jpg`],
				images: [],
				color_image: [],
				errors: [],
				sourceUrls: '',
			};
		});
	}

	static isOzonHost(url: string): boolean {
		try {
			return HOSTS.has(new URL(url).hostname);
		} catch {
			return false;
		}
	}
}

function errorAnswer(error: OzonError): HttpAnswer {
	return { statusCode: error.status, headers: { 'Content-Type': 'application/json', ...error.headers }, body: JSON.stringify({ code: error.code, message: error.message, details: [] }) };
}

function timedOut(ms: number): Error {
	return Object.assign(new Error(`timeout of ${ms}ms exceeded`), { code: 'ECONNABORTED' });
}

function cancelled(): Error {
	return Object.assign(new Error('canceled'), { code: 'ERR_CANCELED', name: 'CanceledError' });
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}
