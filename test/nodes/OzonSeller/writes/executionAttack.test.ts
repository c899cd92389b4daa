/**
 * Hostile cases for the hand-in in turns (push/handIn.ts) and the one learner per key (TaskPace):
 * overlapping executions of one workflow, one of them stopped while it reads; a key rejected while
 * an execution is still handing in; the execution whose task learns Ozon's time stopped under it.
 * Through n8n's real engine, against the sandbox.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { sandboxObservers, type SandboxExchange } from '../../../../sandbox/server';
import { API_KEY, PUSH, credentials, offer, outputOf, requests, rows, sandbox, startSandbox, url, useHandInSandbox, whenRead, type Output } from '../../../helpers/executionSandbox';
import { KEEP_FAILED_ITEMS, ozonWorkflow, runWorkflow, startWorkflow, withCodeInput, type RunResult } from '../../../helpers/n8nEngine';
import { tuneProcess } from '../../../helpers/nodeProcess';
import { useVirtualTime } from '../../../helpers/virtualTime';

function observe(observer: (exchange: SandboxExchange) => void): () => void {
	sandboxObservers.add(observer);
	return () => sandboxObservers.delete(observer);
}

useHandInSandbox();

/**
 * Every case in virtual time (test/helpers/virtualTime.ts), the node's and the sandbox's alike:
 * Ozon's processing, the polls, the limiter's turns and the gaps between the executions started
 * here are exact and pass in no real time. Reading takes time as on a machine (10 ms a turn of 250
 * items): the Stops here come while the node still reads.
 */
const clock = useVirtualTime({ yieldMs: 10 });
const start = (products: number, processingMs?: number) => startSandbox(products, processingMs, clock());

/** Lets requests the node had sent still land: virtual time passes only once none is on the wire. */
const requestsLanded = () => clock().sleep(1000);

it('two executions of one workflow at once, the large one stopped while it reads: the small one gets every result; the large one sends nothing read after the Stop', async () => {
	await start(20_300);
	let lastOfLargeRead = Infinity;
	const large = () => {
		const built = rows(20_000);
		whenRead(built[built.length - 1], () => (lastOfLargeRead = Math.min(lastOfLargeRead, clock().now())));
		return built;
	};
	const big = startWorkflow(withCodeInput(ozonWorkflow([], PUSH as INode['parameters'], KEEP_FAILED_ITEMS), 'large, stopped', large), credentials());
	const small = runWorkflow(ozonWorkflow(rows(300, 20_001), PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials());
	const stop = observe((exchange) => {
		if (exchange.path === '/v2/product/pictures/import') big.cancel();
	});
	let bigResult: RunResult;
	let smallOutput: Output[];
	try {
		[bigResult, smallOutput] = await Promise.all([big.result, small.then(outputOf)]);
	} finally {
		stop();
	}
	await requestsLanded();

	expect(bigResult.run.data.resultData.error?.message).toBe('The execution was cancelled');
	expect(lastOfLargeRead).toBe(Infinity);
	expect(smallOutput).toHaveLength(300);
	expect(smallOutput.filter((item) => !item.success).map((item) => item.errors)).toEqual([]);
	const importedOffers = new Set(
		requests('/v2/product/pictures/import').length > 0 ? [...sandbox.store.tasks.values()].flatMap((task) => task.items.map((item) => item.offer_id)) : [],
	);
	// Of the large one, at most its first hand-in (1,000 items) went out.
	expect([...importedOffers].filter((sku) => Number(sku.slice(4)) <= 20_000).length).toBeLessThanOrEqual(1000);
}, 120_000);

it('a key revoked at Ozon while an execution of 5,000 items is still handing in (continue on fail): one output per item, each pushed or failed with the key\'s reason', async () => {
	await start(5000);
	let revoked = false;
	const seen: number[] = [];
	const revoke = observe((exchange) => {
		seen.push(exchange.status);
		if (exchange.path === '/v2/product/pictures/import' && !revoked) {
			revoked = true;
			sandbox.store.config.accounts['123456'] = 'a-new-key';
		}
	});
	let output: Output[];
	try {
		output = outputOf(await runWorkflow(ozonWorkflow(rows(5000), PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));
	} finally {
		revoke();
	}
	expect(output).toHaveLength(5000);
	const reasons = new Set(output.filter((item) => !item.success).map((item) => item.errors.map((error) => error.reason).join(' | ')));
	expect([...reasons].every((reason) => /403|Api-Key/.test(reason))).toBe(true);
	expect(output.filter((item) => !item.success).length).toBeGreaterThan(3000);
	// No request after the first 403 other than those already on their way.
	const firstRejected = seen.indexOf(403);
	expect(firstRejected).toBeGreaterThan(-1);
	expect(seen.length - firstRejected).toBeLessThanOrEqual(12);
	expect(JSON.stringify(output)).not.toContain(API_KEY);
}, 120_000);

it('the execution whose task learns Ozon\'s time is stopped after its first poll: an overlapping execution\'s tasks do not wait past what they would alone', async () => {
	// The durations compared are the node's own waits and Ozon's processing, in virtual time.
	const time = clock();
	await start(2100, 1500);
	// Alone: how long 2,000 items take.
	const aloneStarted = time.now();
	outputOf(await runWorkflow(ozonWorkflow(rows(2000), PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));
	const aloneVirtualMs = time.now() - aloneStarted;
	await sandbox.stop();
	await start(2100, 1500);

	const learner = startWorkflow(ozonWorkflow(rows(1, 2001), PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials());
	const stopAtFirstPoll = observe((exchange) => {
		if (exchange.path === '/v1/product/import/info') learner.cancel();
	});
	// The large one starts once the learner's import is out.
	await new Promise<void>((resolve) => {
		const started = observe((exchange) => {
			if (exchange.path === '/v2/product/pictures/import') {
				started();
				resolve();
			}
		});
	});
	const startedAt = time.now();
	let output: Output[];
	try {
		output = outputOf(await runWorkflow(ozonWorkflow(rows(2000), PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));
	} finally {
		stopAtFirstPoll();
	}
	const overlappingVirtualMs = time.now() - startedAt;
	expect((await learner.result).run.data.resultData.error?.message).toBe('The execution was cancelled');
	expect(output.every((item) => item.success)).toBe(true);
	// The learner's polls lapse one step after its first: waiting on it instead would last until its Result Timeout.
	expect(overlappingVirtualMs).toBeLessThan(aloneVirtualMs + 1500);
}, 120_000);

it('2,400 items over only 150 products, modes mixed, invalid and unknown ones sprinkled: every item\'s status, errors, warnings and previous photos, and every product\'s photos, as when all items were read first', async () => {
	let seed = 7;
	const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
	const modes = ['replace', 'append', 'prepend', 'append', 'append', 'append', 'prepend', 'append'];
	const items = Array.from({ length: 2400 }, (_, n) => {
		const sku = offer(1 + Math.floor(random() * 150));
		const item: IDataObject = { offer: sku, urls: url(sku, `p${n}`), mode: modes[Math.floor(random() * modes.length)] };
		const odd = random();
		if (odd < 0.01) item.urls = `ftp://bad/${n}.jpg`;
		else if (odd < 0.02) item.offer = `NOT-ON-OZON-${n}`;
		else if (odd < 0.025) item.offer = 12345;
		return item;
	});
	const READ_ALL_FIRST = { options: { checkUrls: '={{ false }}' } };
	// What a merged write updated, and the photos read back after it, depend on which later pushes of
	// the product joined that write: a merge stops at a hand-in border (the final photos do not differ).
	const comparable = (output: Output[]) =>
		output.map(({ data, ...rest }) => {
			const kept: IDataObject = { ...data, task_id: data.task_id === undefined ? undefined : 'some task' };
			delete kept.updated;
			delete kept.current_images;
			return { ...rest, data: kept };
		});
	const photos = () => [...sandbox.store.products.values()].map((product) => [product.offer_id, product.primary_image, product.images]);

	// Each product's pushes follow one another through its lane, every one waiting for Ozon's
	// processing and a read-back, which pass in no real time.
	tuneProcess({ writes: { polling: { firstDelayMs: 60, stepMs: 40 } } });
	await start(150, 50);
	const inTurns = outputOf(await runWorkflow(ozonWorkflow(items, PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));
	const inTurnsPhotos = photos();
	await sandbox.stop();
	await start(150, 50);
	const readFirst = outputOf(await runWorkflow(ozonWorkflow(items, { ...PUSH, ...READ_ALL_FIRST } as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));

	expect(inTurns).toHaveLength(2400);
	expect(inTurnsPhotos).toEqual(photos());
	const expected = comparable(readFirst);
	const differing = comparable(inTurns).flatMap((item, n) => (JSON.stringify(item) === JSON.stringify(expected[n]) ? [] : [{ n, inTurns: item, readFirst: expected[n] }]));
	expect(differing.slice(0, 3)).toEqual([]);
}, 300_000);

it.each([
	['as the first task is polled', '/v1/product/import/info', 1],
	['at its third import request, two accepted before it', '/v2/product/pictures/import', 3],
])('a key revoked at Ozon %s (continue on fail): items never sent say "failed", only written ones "pending"', async (_when, path, nth) => {
	await start(5000, 1000);
	let seen = 0;
	const revoke = observe((exchange) => {
		if (exchange.path === path && ++seen === nth) sandbox.store.config.accounts['123456'] = 'a-new-key';
	});
	let output: Output[];
	try {
		output = outputOf(await runWorkflow(ozonWorkflow(rows(5000), PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));
	} finally {
		revoke();
	}
	const written = new Set([...sandbox.store.tasks.values()].flatMap((task) => task.items.map((item) => item.offer_id)));
	expect(output).toHaveLength(5000);
	expect(written.size).toBeGreaterThan(0);
	expect(written.size).toBeLessThan(5000);
	const statusOf = (item: Output) => `${written.has(item.data.offer_id as string) ? 'written' : 'never sent'}: ${String(item.data.status)}`;
	const tally: Record<string, number> = {};
	for (const item of output) tally[statusOf(item)] = (tally[statusOf(item)] ?? 0) + 1;
	expect(Object.keys(tally).sort()).toEqual(['never sent: failed', 'written: pending']);
	expect(output.every((item) => item.success || /403|Api-Key/.test(item.errors.map((error) => error.reason).join(' ')))).toBe(true);
}, 120_000);

it('executions with a 1 s Result Timeout keep coming while Ozon takes 1.5 s: an overlapping execution with a longer one is answered once Ozon has processed its task, not at its own Result Timeout', async () => {
	// Ozon's 1.5 s, the polls and the 250 ms between executions are exact, in virtual time.
	const time = clock();
	tuneProcess({ writes: { polling: { firstDelayMs: 300, stepMs: 200 } } });
	await start(3000, 1500);
	const quick = { ...PUSH, options: { resultTimeout: 1 } };
	const patient = { ...PUSH, options: { resultTimeout: 20 } };
	const quickRuns: Array<Promise<RunResult>> = [];
	let stopped = false;
	const keepComing = (async () => {
		for (let run = 0; !stopped && run < 60; run++) {
			quickRuns.push(runWorkflow(ozonWorkflow(rows(120, 1 + run * 120), quick as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));
			await time.sleep(250);
		}
	})();
	await time.sleep(500);
	const startedAt = time.now();
	let output: Output[];
	let quickStarted: number;
	try {
		output = outputOf(await runWorkflow(ozonWorkflow(rows(100, 2801), patient as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));
	} finally {
		quickStarted = quickRuns.length;
		stopped = true;
		await keepComing;
		await Promise.all(quickRuns);
	}
	const answeredVirtualMs = time.now() - startedAt;
	expect(output.every((item) => item.success && item.data.status === 'imported')).toBe(true);
	// Alone some 3.4 s (Ozon's 1.5 s, a poll, the read-back one processing time later); 4.1 s among
	// the quick ones. Were their last polls to hold this one's first, it would wait until they stop (15 s):
	// answered while they still come.
	expect(quickStarted).toBeLessThan(60);
	expect(answeredVirtualMs).toBeLessThan(9000);
}, 120_000);
