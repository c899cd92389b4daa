/**
 * Issue #22's "Done when", in a real n8n under `n8n start` (both lines), driven by webhooks against
 * the Ozon sandbox. The workflows are real n8n workflows built from examples/webhook-upload-push.json
 * (Webhook → Ozon Seller → Respond to Webhook), with the node settings a user would set.
 *
 * (1) A pending append, then another append of the same product: both photos end on Ozon.
 * (2) A push held behind another execution's flight answers once its own product is done, not when
 *     the flight's slowest product is.
 * (3) A poll that fails past Max Retries, under Retry On Fail and On Error → Stop Workflow, never
 *     sends the images a second time.
 *
 * Each scenario has an Ozon account (Client-Id) of its own in the sandbox: its own product lanes and
 * its own learned pace in the node, as if it ran alone. Prints the figures (WRITE-LANES lines).
 *
 * Each scenario fails on the write path before it was fixed (comments say how): run with
 * E2E_LANES_TARBALL set to a package packed from an older commit (`git archive <commit>`, build,
 * `npm pack`). Seen on 2.x: 93815d7 (before 1b0ffcc) fails all four, 5f6f526 (before a84480e) fails (2).
 */
import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { OzonSandbox } from '../../sandbox/server';
import { defaultConfig, seedProducts } from '../../sandbox/store';
import {
	ROOT,
	activateWorkflow,
	createInstance,
	freePort,
	importCredential,
	importWorkflow,
	packPackage,
	stopServer,
	type N8nInstance,
	type N8nLine,
	type WorkflowFile,
} from '../../scripts/lib/n8nHost';

const LINES = (process.env.E2E_N8N_LINES ?? '2.x,1.x').split(',').map((line) => line.trim()) as N8nLine[];
const EXAMPLE = path.join(ROOT, 'examples', 'webhook-upload-push.json');
const PUSH_NODE = 'Push images to Ozon';
const PUSH_TYPE = 'n8n-nodes-ozon-seller.ozonSeller';

/** One Ozon account per scenario: lanes and the learned pace are per account and key in the node. */
const ACCOUNTS = {
	pending: { id: 'ozonLanesPending', name: 'Ozon sandbox (pending append)', clientId: '220001', apiKey: 'lanes-key-pending' },
	held: { id: 'ozonLanesHeld', name: 'Ozon sandbox (held push)', clientId: '220002', apiKey: 'lanes-key-held' },
	retry: { id: 'ozonLanesRetry', name: 'Ozon sandbox (retry on fail)', clientId: '220003', apiKey: 'lanes-key-retry' },
} as const;
type Scenario = keyof typeof ACCOUNTS;

/** Ozon's processing time for every product no scenario sets otherwise (as overlapping.e2e.ts). */
const PROCESSING_MS = 1500;
/** n8n's Retry On Fail, as a user sets it in the node's Settings. */
const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 };

type Json = Record<string, unknown>;
type Result = { success: boolean; data: Json; errors: Array<{ field: string; reason: string }>; warnings: Json[] };
type Answer<T> = { status: number; json: T; sentAt: number; answeredAt: number };

const image = (offer: string, name: string) => `https://r2.example.com/${offer}/${name}.jpg`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-e2e-lanes-'));
let tarball: string;

beforeAll(() => {
	// E2E_LANES_TARBALL: a package packed elsewhere (e.g. from an older commit, to see these fail on it).
	tarball = process.env.E2E_LANES_TARBALL ?? packPackage(work);
});

/** The example's push node, its Result Timeout taken from the notification (30 s when it names none). */
function timeoutFromBody(workflow: WorkflowFile, field: string): void {
	const push = workflow.nodes.find((node) => node.type === PUSH_TYPE) as WorkflowFile['nodes'][number];
	push.parameters.options = { ...(push.parameters.options as object), resultTimeout: `={{ ${field}.result_timeout || 30 }}` };
}

function renameWebhook(workflow: WorkflowFile, webhookPath: string, webhookId: string, name: string): void {
	const webhook = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.webhook') as WorkflowFile['nodes'][number] & { webhookId?: string };
	webhook.parameters.path = webhookPath;
	webhook.webhookId = webhookId;
	workflow.name = name;
}

type Connections = Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
type Node = WorkflowFile['nodes'][number] & Record<string, unknown>;

/**
 * The three workflows, as a user would build them from the example:
 * - pending: the example as shipped (On Error → Continue (using error output): 200 on success, 422
 *   with the result otherwise), Result Timeout from the notification;
 * - held: one notification lists several products (`items`), a Split Out node makes one item of
 *   each, the push (On Error → Continue) answers every item's result in one array;
 * - retry: the example with Retry On Fail (3 tries, 1 s apart) and On Error → Stop Workflow.
 */
const WORKFLOWS: Record<Scenario, { id: string; path: string; adjust: (workflow: WorkflowFile) => void }> = {
	pending: {
		id: 'writeLanesPend1',
		path: 'ozon-lanes-pending',
		adjust: (workflow) => {
			renameWebhook(workflow, 'ozon-lanes-pending', '6b1f3f2e-1a4b-4c33-9a55-0c0e5f0a7b01', 'Ozon lanes: pending append');
			timeoutFromBody(workflow, '$json.body');
		},
	},
	held: {
		id: 'writeLanesHeld1',
		path: 'ozon-lanes-batch',
		adjust: (workflow) => {
			renameWebhook(workflow, 'ozon-lanes-batch', '6b1f3f2e-1a4b-4c33-9a55-0c0e5f0a7b02', 'Ozon lanes: several products per notification');
			const nodes = workflow.nodes as Node[];
			const push = nodes.find((node) => node.type === PUSH_TYPE) as Node;
			push.parameters = {
				...push.parameters,
				offerId: '={{ $json.offer_id }}',
				images: '={{ $json.urls }}',
				primaryImage: '={{ $json.primary_url }}',
				mode: "={{ $json.mode || 'replace' }}",
			};
			timeoutFromBody(workflow, '$json');
			push.onError = 'continueRegularOutput';
			const respond = nodes.find((node) => node.name === 'Respond: images on Ozon') as Node;
			respond.name = 'Respond: every item';
			respond.parameters = { respondWith: 'allIncomingItems', options: { responseCode: 200 } };
			workflow.nodes = nodes.filter((node) => node.name !== 'Respond: not taken');
			workflow.nodes.push({
				id: '3f0e7a52-0002-4d1a-8b02-0000000000b1',
				name: 'One item per product',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [130, 0],
				parameters: { fieldToSplitOut: 'body.items', options: {} },
			} as Node);
			(workflow as unknown as { connections: Connections }).connections = {
				'Upload notification': { main: [[{ node: 'One item per product', type: 'main', index: 0 }]] },
				'One item per product': { main: [[{ node: PUSH_NODE, type: 'main', index: 0 }]] },
				[PUSH_NODE]: { main: [[{ node: 'Respond: every item', type: 'main', index: 0 }]] },
			};
		},
	},
	retry: {
		id: 'writeLanesRetr1',
		path: 'ozon-lanes-retry',
		adjust: (workflow) => {
			renameWebhook(workflow, 'ozon-lanes-retry', '6b1f3f2e-1a4b-4c33-9a55-0c0e5f0a7b03', 'Ozon lanes: retry on fail, stop workflow');
			timeoutFromBody(workflow, '$json.body');
			const nodes = workflow.nodes as Node[];
			const push = nodes.find((node) => node.type === PUSH_TYPE) as Node;
			Object.assign(push, RETRY, { onError: 'stopWorkflow' });
			workflow.nodes = nodes.filter((node) => node.name !== 'Respond: not taken');
			(workflow as unknown as { connections: Connections }).connections = {
				'Upload notification': { main: [[{ node: PUSH_NODE, type: 'main', index: 0 }]] },
				[PUSH_NODE]: { main: [[{ node: 'Respond: images on Ozon', type: 'main', index: 0 }]] },
			};
		},
	},
};

/** The owner of the n8n instance, to read an execution through n8n's REST API as the editor shows it. */
const OWNER = { email: 'owner@ozon-e2e.test', firstName: 'Ozon', lastName: 'E2E', password: 'OzonE2e-pass-1' };
/** n8n binds its login cookie to the browser's id header. */
const BROWSER = { 'browser-id': 'ozon-e2e-write-lanes' };

describe.each(LINES)('n8n %s: write lanes (#22)', (line) => {
	let sandbox: OzonSandbox;
	let instance: N8nInstance;
	let server: ChildProcess | undefined;
	let base: string;
	let logFile: string;
	/** How often n8n started the push node (its debug log says so once per try of Retry On Fail). */
	let pushRuns = 0;
	/** Per offer: Ozon's processing time for it in this scenario (else PROCESSING_MS). */
	const processing = new Map<string, number>();
	/** When the sandbox processed each product of each task. */
	let processed: Array<{ taskId: number; offer: string; at: number; status: string }> = [];
	/** Polls (/v1/product/import/info) of the retry account answered 503 while this says so. */
	let pollFault: { remaining: number } | undefined;

	const photosOf = (offer: string) => {
		const product = sandbox.store.byOffer(offer);
		return [...(product?.primary_image ?? []), ...(product?.images ?? [])];
	};
	const requestsOf = (scenario: Scenario, requestPath?: string) =>
		sandbox.store.log.filter((entry) => entry.clientId === ACCOUNTS[scenario].clientId && entry.path !== 'rate-limit' && (requestPath === undefined || entry.path === requestPath));
	const byPath = (scenario: Scenario) => requestsOf(scenario).reduce<Record<string, number>>((acc, entry) => ({ ...acc, [`${entry.path}${entry.status === 200 ? '' : ` ${entry.status}`}`]: (acc[`${entry.path}${entry.status === 200 ? '' : ` ${entry.status}`}`] ?? 0) + 1 }), {});
	/** Lets the sandbox process every task whose time has come (it does so on the next request otherwise). */
	async function whenOzonDone(): Promise<void> {
		const due = Math.max(0, ...[...sandbox.store.tasks.values()].flatMap((task) => task.items.map((_, index) => task.createdAt + (task.itemProcessingMs?.[index] ?? task.processingMs))));
		await sleep(Math.max(0, due - Date.now() + 50));
		sandbox.processDueTasks();
	}

	/** Posts one notification and waits for n8n's answer. */
	async function notify<T = Result>(scenario: Scenario, body: unknown, triesWhileNotRegistered = 1): Promise<Answer<T>> {
		const send = () => fetch(`${base}/webhook/${WORKFLOWS[scenario].path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
		let sentAt = Date.now();
		let response = await send();
		for (let attempt = 1; attempt < triesWhileNotRegistered && response.status === 404; attempt++) {
			await response.text();
			await sleep(1000);
			sentAt = Date.now();
			response = await send();
		}
		const text = await response.text();
		const answeredAt = Date.now();
		try {
			// n8n 1.x answers a workflow that failed before its Respond node with an empty 200.
			return { status: response.status, json: (text === '' ? undefined : JSON.parse(text)) as T, sentAt, answeredAt };
		} catch {
			throw new Error(`webhook answered ${response.status}: ${text.slice(0, 500)}`);
		}
	}

	/** `n8n start` with its log piped (debug level: one line per try of a node), ready once it answers its readiness check. */
	async function startLogged(port: number): Promise<ChildProcess> {
		logFile = path.join(work, `n8n-${line}.log`);
		const log = fs.createWriteStream(logFile);
		const child = instance.spawn(['start'], {
			N8N_PORT: String(port),
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_LOG_LEVEL: 'debug',
		});
		let partial = '';
		const read = (chunk: Buffer) => {
			log.write(chunk);
			const lines = (partial + chunk.toString()).split('\n');
			partial = lines.pop() ?? '';
			for (const text of lines) if (text.includes(`Running node "${PUSH_NODE}" started`)) pushRuns++;
		};
		child.stdout?.on('data', read);
		child.stderr?.on('data', read);
		child.once('exit', () => log.end());
		const deadline = Date.now() + 180_000;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`n8n start exited with ${child.exitCode}; see ${logFile}`);
			try {
				if ((await fetch(`http://127.0.0.1:${port}/healthz/readiness`)).ok) return child;
			} catch {
				// not listening yet
			}
			await sleep(500);
		}
		await stopServer(child);
		throw new Error(`n8n start did not get ready; see ${logFile}`);
	}

	/** The owner's login cookie (the instance has no user until this sets one up). */
	let cookie: string | undefined;
	async function login(): Promise<string> {
		if (cookie) return cookie;
		const response = await fetch(`${base}/rest/owner/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...BROWSER }, body: JSON.stringify(OWNER) });
		const set = response.headers.getSetCookie().map((entry) => entry.split(';')[0]);
		if (!response.ok || set.length === 0) throw new Error(`owner setup answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
		cookie = set.join('; ');
		return cookie;
	}

	/** The texts of the error n8n stored with the workflow's latest failed execution (what the editor shows). */
	async function latestErrorTexts(workflowId: string): Promise<string[]> {
		const headers = { cookie: await login(), ...BROWSER };
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status: ['error'] }));
		const list = (await (await fetch(`${base}/rest/executions?filter=${filter}&limit=10`, { headers })).json()) as { data: { results: Array<{ id: string }> } };
		const ids = list.data.results.map((execution) => Number(execution.id)).sort((a, b) => b - a);
		if (ids.length === 0) return [];
		const one = (await (await fetch(`${base}/rest/executions/${ids[0]}`, { headers })).json()) as { data: { data: string } };
		// Stored flattened (n8n's `flatted`): every string of the run data is an entry of one JSON array.
		const flat = JSON.parse(one.data.data) as unknown[];
		return flat.filter((entry): entry is string => typeof entry === 'string' && entry.startsWith('Failed on item'));
	}

	beforeAll(async () => {
		const accounts = { ...defaultConfig().accounts, ...Object.fromEntries(Object.values(ACCOUNTS).map((account) => [account.clientId, account.apiKey])) };
		sandbox = new OzonSandbox({ processingMs: PROCESSING_MS, accounts, faults: { rate5xx: 0.5 } }, seedProducts(20));
		const store = sandbox.store;
		store.itemProcessingMs = (offerId) => processing.get(offerId);
		store.onProcessed = (task, index, result) => processed.push({ taskId: task.id, offer: task.items[index].offer_id, at: store.now(), status: result.status });
		// Faults for one method only: the store's dice decide each request's fault. With rate5xx at 0.5,
		// a throw of 0 answers 503 (Ozon's "service temporarily unavailable", code 14), a throw of 1
		// answers normally; so nothing fails but the polls of scenario 3 while `pollFault` says so.
		store.faultDice = (requestPath) => {
			if (requestPath !== '/v1/product/import/info' || !pollFault || pollFault.remaining <= 0) return 1;
			pollFault.remaining--;
			return 0;
		};
		const url = await sandbox.start();
		instance = createInstance(line, path.join(work, `user-${line}`), tarball);
		for (const scenario of Object.keys(ACCOUNTS) as Scenario[]) {
			const account = ACCOUNTS[scenario];
			await importCredential(instance, { ...account, baseUrl: url });
			await importWorkflow(instance, EXAMPLE, WORKFLOWS[scenario].id, account, WORKFLOWS[scenario].adjust);
			// Published before n8n starts: it registers production webhooks at start-up.
			await activateWorkflow(instance, WORKFLOWS[scenario].id);
		}
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		server = await startLogged(port);

		// Warm-up of each workflow on a product no scenario uses: webhooks are registered just after
		// start-up, n8n loads the node on its first execution, and each key's hourly expiry read is made.
		const warm = await notify('pending', { offer_id: 'SKU-018', urls: [image('SKU-018', 'warm-up')] }, 30);
		expect(warm.json).toMatchObject({ success: true, data: { status: 'imported' } });
		const warmBatch = await notify<Result[]>('held', { items: [{ offer_id: 'SKU-019', urls: [image('SKU-019', 'warm-up')] }] }, 30);
		expect(warmBatch.json).toMatchObject([{ success: true, data: { status: 'imported' } }]);
		const warmRetry = await notify('retry', { offer_id: 'SKU-020', urls: [image('SKU-020', 'warm-up')] }, 30);
		expect(warmRetry.json).toMatchObject({ success: true, data: { status: 'imported' } });
	}, 900_000);

	afterAll(async () => {
		if (server) await stopServer(server);
		await sandbox?.stop();
	}, 60_000);

	beforeEach(() => {
		sandbox.store.reset();
		processing.clear();
		processed = [];
		pollFault = undefined;
	});

	it('(1) Ozon slower than the first push\'s Result Timeout: it answers pending with its task_id; a second Append of the product right after ends on Ozon with the first one\'s photo and the original ones, and answers success', async () => {
		// Old code (before the product lanes, 1b0ffcc): the first flight landed at its Result Timeout
		// and freed the product; the second push was planned on a lookup from before Ozon processed the
		// first task, so its import (originals + photo 2) undid photo 1 when Ozon processed it. Both
		// answers looked fine (pending, then success on its own read-back); the product lost photo 1
		// (seen: the second answer's current_images without it).
		const offer = 'SKU-001';
		processing.set(offer, 6000);
		const original = photosOf(offer);
		const [first, second] = [image(offer, 'append-1'), image(offer, 'append-2')];

		const pending = await notify('pending', { offer_id: offer, urls: [first], mode: 'append', result_timeout: 2 });
		expect(pending.status).toBe(422);
		expect(pending.json).toMatchObject({ success: false, data: { offer_id: offer, status: 'pending', task_id: expect.any(Number) } });
		const taskId = pending.json.data.task_id as number;
		expect(pending.json.errors.map((error) => error.reason).join(' ')).toContain(`task_id ${taskId}`);
		// Ozon still processes it when the second notification comes.
		expect(processed.filter((entry) => entry.taskId === taskId)).toEqual([]);

		const appended = await notify('pending', { offer_id: offer, urls: [second], mode: 'append' });
		expect(appended.status).toBe(200);
		expect(appended.json).toMatchObject({ success: true, data: { offer_id: offer, status: 'imported' } });
		expect(appended.json.data.current_images).toEqual(expect.arrayContaining([first, second]));

		await whenOzonDone();
		expect(photosOf(offer)).toEqual([...original, first, second]);
		// The second import left only once Ozon had processed the first task.
		const imports = requestsOf('pending', '/v2/product/pictures/import');
		expect(imports).toHaveLength(2);
		const firstProcessedAt = processed.find((entry) => entry.taskId === taskId)?.at ?? Infinity;
		expect(imports[1].at).toBeGreaterThanOrEqual(firstProcessedAt);
		console.info(
			`[WRITE-LANES n8n ${line}] (1) first answer ${pending.status} pending (task_id ${taskId}) after ${seconds(pending.answeredAt - pending.sentAt)}; ` +
				`second answer ${appended.status} success after ${seconds(appended.answeredAt - appended.sentAt)}; its import left ${seconds(imports[1].at - firstProcessedAt)} after Ozon processed task ${taskId}; ` +
				`product now ${photosOf(offer).length} photos (${original.length} original + 2); requests ${JSON.stringify(byPath('pending'))}`,
		);
	});

	it('(2) execution 1 pushes P and Q in one import, Q slow (60 s): execution 2\'s push of P, held behind that flight, answers success before Ozon has processed Q, and P holds both photos', async () => {
		// Old code (before a84480e): a flight handed a task's writes to the read-back only once every
		// product of the task had its answer, so P's lane stayed held until Q was processed; execution
		// 2's push of P answered after Q (60 s), or failed at its own Result Timeout had it been shorter
		// (seen: Q processed before execution 2's answer, on 1b0ffcc's parent and on a84480e's).
		const [p, q] = ['SKU-002', 'SKU-003'];
		processing.set(p, 500);
		processing.set(q, 60_000);
		const [originalP, originalQ] = [photosOf(p), photosOf(q)];
		const [p1, q1, p2] = [image(p, 'flight-1'), image(q, 'flight-1'), image(p, 'held')];

		const startedAt = Date.now();
		const one = notify<Result[]>('held', {
			items: [
				{ offer_id: p, urls: [p1], mode: 'append', result_timeout: 90 },
				{ offer_id: q, urls: [q1], mode: 'append', result_timeout: 90 },
			],
		});
		// Execution 1 is out: its import (P and Q in one request) has reached Ozon.
		while (requestsOf('held', '/v2/product/pictures/import').length === 0) await sleep(50);
		const [flightTask] = [...sandbox.store.tasks.values()];
		expect(flightTask.items.map((item) => item.offer_id).sort()).toEqual([p, q]);
		const qDueAt = flightTask.createdAt + 60_000;

		const two = await notify<Result[]>('held', { items: [{ offer_id: p, urls: [p2], mode: 'append', result_timeout: 90 }] });
		const qWhenTwoAnswered = processed.find((entry) => entry.offer === q);
		expect(two.status).toBe(200);
		expect(two.json).toMatchObject([{ success: true, data: { offer_id: p, status: 'imported' } }]);
		expect(two.json[0].data.current_images).toEqual(expect.arrayContaining([p1, p2]));
		// It answered while Ozon was still processing Q: no result for Q in the sandbox yet.
		expect(qWhenTwoAnswered).toBeUndefined();
		expect(two.answeredAt).toBeLessThan(qDueAt);
		// Its own import left after P's write of execution 1 was processed, while execution 1 still waited for Q.
		const imports = requestsOf('held', '/v2/product/pictures/import');
		expect(imports).toHaveLength(2);
		expect(imports[1].at).toBeGreaterThanOrEqual(processed.find((entry) => entry.offer === p && entry.taskId === flightTask.id)?.at ?? Infinity);

		const oneAnswer = await one;
		const qProcessedAt = processed.find((entry) => entry.offer === q)?.at ?? NaN;
		expect(oneAnswer.status).toBe(200);
		expect(oneAnswer.json.map((result) => [result.success, result.data.offer_id, result.data.status])).toEqual([
			[true, p, 'imported'],
			[true, q, 'imported'],
		]);
		await whenOzonDone();
		expect(photosOf(p)).toEqual([...originalP, p1, p2]);
		expect(photosOf(q)).toEqual([...originalQ, q1]);
		console.info(
			`[WRITE-LANES n8n ${line}] (2) execution 2 (P) answered success after ${seconds(two.answeredAt - two.sentAt)} (${seconds(two.answeredAt - startedAt)} from execution 1's start); ` +
				`Ozon processed Q ${seconds(qProcessedAt - startedAt)} from the start (due ${seconds(qDueAt - startedAt)}); execution 1 answered after ${seconds(oneAnswer.answeredAt - oneAnswer.sentAt)}; ` +
				`P now ${photosOf(p).length} photos (${originalP.length} original + 2); requests ${JSON.stringify(byPath('held'))}`,
		);
	});

	it('(3a) under Retry On Fail and Stop Workflow, the first 6 polls answer 503 (two polls past Max Retries 2): one import, and the push answers success once the polls recover', async () => {
		// Old code (before 1b0ffcc): a poll that failed after Max Retries stopped the node with "Ozon did
		// not answer properly"; n8n's Retry On Fail ran the node again from the start, which looked the
		// product up and sent the import a second time (seen: 2 imports, the second answered "skipped").
		const offer = 'SKU-004';
		const original = photosOf(offer);
		const url = image(offer, 'retry-recovers');
		pollFault = { remaining: 6 };
		const runsBefore = pushRuns;

		const answer = await notify('retry', { offer_id: offer, urls: [url], mode: 'append' });
		expect(requestsOf('retry', '/v2/product/pictures/import')).toHaveLength(1);
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ success: true, data: { offer_id: offer, status: 'imported' } });
		expect(pollFault.remaining).toBe(0);
		const polls = requestsOf('retry', '/v1/product/import/info');
		expect(polls.filter((entry) => entry.status === 503)).toHaveLength(6);
		expect(polls.some((entry) => entry.status === 200)).toBe(true);
		await whenOzonDone();
		expect(photosOf(offer)).toEqual([...original, url]);
		console.info(
			`[WRITE-LANES n8n ${line}] (3a) answer ${answer.status} success after ${seconds(answer.answeredAt - answer.sentAt)}; node tries ${pushRuns - runsBefore}; requests ${JSON.stringify(byPath('retry'))}`,
		);
	});

	it('(3b) under Retry On Fail and Stop Workflow, every poll answers 503 until past Result Timeout: one import over all 3 tries, the item is pending with its task_id, and Ozon ends with the photo', async () => {
		// Old code (before 1b0ffcc): as (3a), each of n8n's 3 tries looked the product up and sent the
		// import again (seen: 3 imports).
		const offer = 'SKU-005';
		const original = photosOf(offer);
		const url = image(offer, 'retry-pending');
		pollFault = { remaining: Infinity };
		const runsBefore = pushRuns;

		const answer = await notify<{ message?: string } | undefined>('retry', { offer_id: offer, urls: [url], mode: 'append', result_timeout: 6 });
		pollFault = undefined;
		// Stop Workflow: the workflow failed before its Respond node, and n8n answers the webhook itself:
		// 2.x with 500 "Error in workflow", 1.x with an empty 200 (it settles the pending response with
		// nothing once the execution ends, before it looks at the error).
		expect([answer.status, answer.json]).toEqual(line === '2.x' ? [500, { message: 'Error in workflow' }] : [200, undefined]);
		const tries = pushRuns - runsBefore;
		expect(tries).toBe(RETRY.maxTries);
		const imports = requestsOf('retry', '/v2/product/pictures/import');
		expect(imports).toHaveLength(1);
		const polls = requestsOf('retry', '/v1/product/import/info');
		expect(polls.length).toBeGreaterThan(0);
		expect(polls.every((entry) => entry.status === 503)).toBe(true);
		const [task] = [...sandbox.store.tasks.values()];
		// The execution's error, as the editor shows it: the item is pending, with Ozon's task_id.
		const errors = await latestErrorTexts(WORKFLOWS.retry.id);
		expect(errors.join('\n')).toMatch(new RegExp(`Failed on item 0 \\(${offer}\\).*not finished processing within 6 s \\(task_id ${task.id}\\)`));

		await whenOzonDone();
		expect(photosOf(offer)).toEqual([...original, url]);
		console.info(
			`[WRITE-LANES n8n ${line}] (3b) webhook answered ${answer.status} ${answer.json === undefined ? '(empty body)' : JSON.stringify(answer.json)} after ${seconds(answer.answeredAt - answer.sentAt)}; node tries ${tries}; ` +
				`requests ${JSON.stringify(byPath('retry'))}; execution error: ${errors[0]}`,
		);
	});
});
