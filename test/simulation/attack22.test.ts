/**
 * Hostile scenarios against the write path of #22 (lanes, resend, background poller), in virtual
 * time through the simulation harness. Each was found failing and is kept as a regression.
 */
import { NodeProcess } from '../../nodes/OzonSeller/runtime/nodeProcess';
import { runExecution, type ExecutionResult, type ExecutionSpec } from './fakeExecution';
import { OzonModel, type FaultRule, type OzonBehaviour } from './ozonModel';
import type { Schedule } from './schedule';
import { simulate } from './simulate';
import { simulationClock } from './simulate';
import { CALM, execution, expectInvariants, json } from './scenarioKit';

const url = (name: string) => `https://img.example/attack/${name}.jpg`;

function scenario(executions: ExecutionSpec[], behaviour: Partial<OzonBehaviour> = {}, products = 3): Schedule {
	return { seed: 11, products, processes: [{ requestsPerSecond: 40 }], behaviour: { ...CALM, ...behaviour }, executions };
}

describe('resend of an import that got no answer', () => {
	it('a Replace whose import answer was lost is not re-applied over a later Append of the product (arrival order kept)', async () => {
		const rules: FaultRule[] = [{ path: '/v2/product/pictures/import', fault: 'timeoutAfter', times: 1 }];
		const schedule = scenario([
			execution(0, 0, [{ offerId: 'SKU-001', mode: 'replace', images: [url('a')] }], { timeout: 5, maxRetries: 2 }),
			execution(1, 1_000, [{ offerId: 'SKU-001', mode: 'append', images: [url('b')] }], { timeout: 5, maxRetries: 2 }),
		]);
		const record = await simulate(schedule, { rules });
		const later = json(record, 1, 0);
		// The Append came after the Replace: its photo stays, or it is not reported as a success.
		expectInvariants(record);
		if (later.success === true) expect(record.model.photos('SKU-001')).toContain(url('b'));
		expect(record.model.photos('SKU-001')).toContain(url('a'));
		expectInvariants(record);
	});
});

/**
 * A process under steady webhooks, in virtual time: one execution a second, each for a product of
 * its own, Ozon taking two seconds a task, so some flight is always out. What the account keeps
 * (lanes, and what lookups told: `known`) is sampled throughout.
 */
async function steadyWebhooks(options: { products: number; firstResultTimeout?: number; firstProcessingMs?: number; taskOrder?: OzonBehaviour['taskOrder'] }): Promise<{ maxKnown: number; endKnown: number; maxLanes: number; results: Array<ExecutionResult | undefined> }> {
	const { products } = options;
	const executions = Array.from({ length: products }, (_, id) =>
		execution(id, id * 1_000, [{ offerId: `SKU-${String(id + 1).padStart(3, '0')}`, mode: 'append', images: [url(`steady-${id}`)] }], id === 0 && options.firstResultTimeout ? { resultTimeout: options.firstResultTimeout } : {}),
	);
	const schedule = scenario(executions, { taskOrder: options.taskOrder ?? 'fifo' }, products);
	const clock = simulationClock(schedule.seed);
	const model = new OzonModel(clock, schedule.behaviour, schedule.seed, OzonModel.seedProducts(products), (_offerId, taskId) => (taskId === 1_000_001 && options.firstProcessingMs ? options.firstProcessingMs : 2_000));
	model.checkContract = false;
	const process = new NodeProcess({ clock: { now: () => clock.now(), sleep: (ms) => clock.sleep(ms), random: () => 0.5 } });
	const accounts = (process.writes as unknown as { accounts: Map<string, { known: Map<string, number>; lanes: Map<number, unknown> }> }).accounts;
	const results: Array<ExecutionResult | undefined> = [];
	let maxKnown = 0;
	let maxLanes = 0;
	const runStart = clock.now();
	for (const spec of schedule.executions) {
		clock.at(runStart + spec.startAt, () => {
			for (const account of accounts.values()) {
				maxKnown = Math.max(maxKnown, account.known.size);
				maxLanes = Math.max(maxLanes, account.lanes.size);
			}
			void runExecution(spec, process, model, clock, runStart, () => {}).then((result) => {
				results[spec.id] = result;
				clock.touch();
			});
		});
	}
	await clock.run(runStart + 3 * 3600_000);
	let endKnown = 0;
	for (const account of accounts.values()) endKnown += account.known.size;
	return { maxKnown, endKnown, maxLanes, results };
}

describe('memory under days of webhooks', () => {
	it('what lookups told (`known`) stays bounded by the products in play while flights always overlap', async () => {
		const { maxKnown, results } = await steadyWebhooks({ products: 300 });
		expect(results.filter((result) => result?.output?.[0]?.json.success === true)).toHaveLength(300);
		// About three products are in play at any time (a flight per second, each out for a few seconds).
		expect(maxKnown).toBeLessThan(50);
	});

	it('an unknown lane nobody is left to ask about does not keep `known` growing', async () => {
		// The first push gives up at its 1 s Result Timeout; Ozon takes 4 hours with its task (and only that one).
		const { maxKnown, maxLanes } = await steadyWebhooks({ products: 300, firstResultTimeout: 1, firstProcessingMs: 4 * 3600_000, taskOrder: 'overtaking' });
		expect(maxLanes).toBeLessThan(50);
		expect(maxKnown).toBeLessThan(50);
	});
});

describe('the wait for other writers after one slow task', () => {
	it('a push with a 1 s Result Timeout, two hours after the one slow task the process saw, is answered within seconds', async () => {
		const HOURS_2 = 2 * 3600_000;
		const schedule = scenario([
			// Ozon takes 10 minutes with this task: seen pending, then done (known closely).
			execution(0, 0, [{ offerId: 'SKU-001', mode: 'append', images: [url('slow')] }], { resultTimeout: 900 }),
			execution(1, HOURS_2, [{ offerId: 'SKU-002', mode: 'append', images: [url('quick')] }], { resultTimeout: 1 }),
			// A push of the same product right after: it waits for the lane of the one before.
			execution(2, HOURS_2 + 2_000, [{ offerId: 'SKU-002', mode: 'append', images: [url('next')] }], { resultTimeout: 30 }),
		], { taskOrder: 'overtaking' });
		const record = await simulate(schedule, { processingMsOf: (offerId) => (offerId === 'SKU-001' ? 600_000 : 500) });
		expect(json(record, 0, 0)).toMatchObject({ success: true });
		const quick = record.results[1];
		// Ozon answers in half a second; the item took ten minutes, its product held all that time.
		expect((quick?.endedAt ?? Infinity) - (record.runStart + HOURS_2)).toBeLessThan(30_000);
		expect(json(record, 2, 0)).toMatchObject({ success: true });
		expectInvariants(record);
	});
});

describe('an import refused for the update quota', () => {
	const importPath = '/v2/product/pictures/import';
	const importsOf = (record: Awaited<ReturnType<typeof simulate>>, process: number) =>
		record.model.exchanges.filter((exchange) => exchange.path === importPath && exchange.process === process);

	it("a push whose own Max Rate Limit Wait covers Ozon's window is planned again, though it shares the request with an impatient execution's", async () => {
		const schedule = scenario([
			// Keeps a flight out, so that the next two pushes gather and leave in one import request.
			execution(0, 0, [{ offerId: 'SKU-003', mode: 'append', images: [url('busy')] }]),
			// More retries (so its transport carries the request), but no wait for a quota window beyond 10 s.
			execution(1, 100, [{ offerId: 'SKU-001', mode: 'append', images: [url('impatient')] }], { maxRetries: 3, maxRateLimitWait: 10 }),
			// The defaults: two retries, and up to 120 s for Ozon's window (a minute here).
			execution(2, 200, [{ offerId: 'SKU-002', mode: 'append', images: [url('patient')] }]),
		]);
		const record = await simulate(schedule, { rules: [{ path: importPath, fault: 'ok', times: 1 }, { path: importPath, fault: 'quota', times: 1 }] });
		const shared = importsOf(record, 0)[1];
		expect(shared.fault).toBe('quota');
		expect(JSON.stringify(shared.body)).toContain('SKU-001');
		expect(JSON.stringify(shared.body)).toContain('SKU-002');
		expect(json(record, 1, 0)).toMatchObject({ success: false });
		expect(json(record, 2, 0)).toMatchObject({ success: true, data: { status: 'imported' } });
		expect(record.model.photos('SKU-002')).toContain(url('patient'));
		expectInvariants(record);
	});

	it("an import planned while the window is open waits for it without its body: another worker's append made meanwhile stays", async () => {
		const schedule: Schedule = {
			...scenario([
				// Refused for the quota: Ozon's window (a minute) closes the method for the whole process.
				execution(0, 0, [{ offerId: 'SKU-001', mode: 'append', images: [url('refused')] }]),
				// Planned 2 s into the window, on the photos SKU-002 has then.
				execution(1, 2_000, [{ offerId: 'SKU-002', mode: 'append', images: [url('planned-early')] }]),
				// Another worker appends to SKU-002 meanwhile (its process has no window: the rule is used up).
				execution(2, 5_000, [{ offerId: 'SKU-002', mode: 'append', images: [url('other-worker')] }], {}, { process: 1 }),
			]),
			processes: [{ requestsPerSecond: 40 }, { requestsPerSecond: 40 }],
		};
		const record = await simulate(schedule, { rules: [{ path: importPath, fault: 'quota', times: 1 }] });
		expect(json(record, 1, 0)).toMatchObject({ success: true });
		expect(json(record, 2, 0)).toMatchObject({ success: true });
		expect(record.model.photos('SKU-002')).toEqual(expect.arrayContaining([url('planned-early'), url('other-worker')]));
		expectInvariants(record);
	});
});

describe('Stop while a push waits out a quota window', () => {
	it("another execution's push of the product does not wait for the stopped one's window, nor fail at its Result Timeout", async () => {
		const schedule = scenario([
			// Refused for the quota (a minute), then stopped 10 s into the window.
			execution(0, 0, [{ offerId: 'SKU-001', mode: 'append', images: [url('stopped')] }], {}, { stopAt: 10_000 }),
			// Its Result Timeout (30 s) ends before the window would.
			execution(1, 15_000, [{ offerId: 'SKU-001', mode: 'append', images: [url('after-stop')] }], { resultTimeout: 30 }),
		]);
		const record = await simulate(schedule, { rules: [{ path: '/v2/product/pictures/import', fault: 'quota', times: 1 }] });
		expect(record.results[0]?.stopped).toBe(true);
		// It waits for Ozon's window (it is the method's, for the whole process), not for the stopped push.
		expect(json(record, 1, 0).errors ?? []).toEqual([]);
		expect(json(record, 1, 0)).toMatchObject({ success: true, data: { status: 'imported' } });
		expect(record.model.photos('SKU-001')).toContain(url('after-stop'));
		expect(record.model.photos('SKU-001')).not.toContain(url('stopped'));
		expectInvariants(record);
	});
});

it("a push held behind one waiting out Ozon's quota window says so when its Result Timeout runs out, not that Ozon was processing an earlier push", async () => {
	const schedule = scenario([
		execution(0, 0, [{ offerId: 'SKU-001', mode: 'replace', images: [url('refused-first')] }]),
		execution(1, 5_000, [{ offerId: 'SKU-001', mode: 'append', images: [url('held')] }], { resultTimeout: 30 }),
	]);
	const record = await simulate(schedule, { rules: [{ path: '/v2/product/pictures/import', fault: 'quota', times: 1 }] });
	expect(json(record, 0, 0)).toMatchObject({ success: true });
	const held = json(record, 1, 0);
	expect(held).toMatchObject({ success: false, data: { status: 'failed' } });
	const reason = (held.errors as Array<{ reason: string }>)[0].reason;
	expect(reason).not.toMatch(/still being processed by Ozon/);
	expect(reason).toMatch(/waiting to be sent again/);
	expect(record.model.photos('SKU-001')).not.toContain(url('held'));
	expectInvariants(record);
});
