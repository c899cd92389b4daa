/**
 * An execution of thousands of items hands its writes to the coordinator in turns while it is still
 * reading later items (n8n gives the node all items at once, and reading 100,000 took seconds
 * before the first request): the first import leaves early, and every item still gets the result
 * it got when all items were read first — one output item per input item, paired, in order.
 * Through n8n's real engine, against the sandbox.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { sandboxObservers, type SandboxExchange } from '../../../../sandbox/server';
import { PUSH, credentials, offer, outputOf, requests, rows, sandbox, startSandbox, url, useHandInSandbox, whenRead, type Output } from '../../../helpers/executionSandbox';
import { KEEP_FAILED_ITEMS, ozonWorkflow, runWorkflow, startWorkflow, withCodeInput, type RunResult } from '../../../helpers/n8nEngine';
import { tuneProcess } from '../../../helpers/nodeProcess';
import { useVirtualTime } from '../../../helpers/virtualTime';

/** Check URLs First set by an expression (false for every item): the node cannot know that before reading them, so it reads every item before sending anything, as before. */
const READ_ALL_FIRST = { options: { checkUrls: '={{ false }}' } };

const photosOf = (sku: string) => {
	const product = sandbox.store.byOffer(sku);
	return [...(product?.primary_image ?? []), ...(product?.images ?? [])];
};

/** `count` rows whose last one tells when its Offer ID (n8n's `{{ $json.offer }}`) was first read. */
function watchLastItem(count: number): { items: () => IDataObject[]; readAt: () => number } {
	let readAt = Infinity;
	const items = () => {
		const built = rows(count);
		whenRead(built[count - 1], () => (readAt = Math.min(readAt, clock().now())));
		return built;
	};
	return { items, readAt: () => readAt };
}

useHandInSandbox();

/**
 * Every case in virtual time (test/helpers/virtualTime.ts), the node's and the sandbox's alike:
 * Ozon's processing, the polls and the limiter's turns pass in no real time. Reading takes time as
 * on a machine (10 ms a turn of 250 items, 25,000 items a second): what these cases are about
 * happens while the node is still reading.
 */
const clock = useVirtualTime({ yieldMs: 10 });
const start = (products: number, processingMs?: number) => startSandbox(products, processingMs, clock());

/** Lets requests the node had sent still land: virtual time passes only once none is on the wire. */
const requestsLanded = () => clock().sleep(1000);

it('5,000 items: the first import reaches Ozon before n8n has handed the node the last item to read; all 5,000 pushed, paired, in order', async () => {
	await start(5000);
	const { items, readAt } = watchLastItem(5000);
	const result = await runWorkflow(withCodeInput(ozonWorkflow([], PUSH as INode['parameters'], KEEP_FAILED_ITEMS), 'last item read late', items), credentials());

	const output = outputOf(result);
	expect(output).toHaveLength(5000);
	expect(output.every((item, n) => item.success && item.data.offer_id === offer(n + 1))).toBe(true);
	const [firstImport] = requests('/v2/product/pictures/import');
	expect(firstImport.at).toBeLessThan(readAt());
	// Handed in a lookup's worth at a time: as few requests as when every item was read first.
	expect(requests('/v3/product/info/list')).toHaveLength(5);
	expect(requests('/v2/product/pictures/import')).toHaveLength(50);
	expect(requests('/v2/product/pictures/info')).toHaveLength(5);
}, 60_000);

it('2,600 items, invalid and unknown ones on both sides of the hand-in borders: every item has the result it had when all were read first', async () => {
	const items = rows(2600);
	for (const n of [998, 999, 1000, 1001, 1999, 2000]) items[n].urls = `ftp://img.example.com/${n}.jpg`;
	items[1500].mode = 'sideways';
	for (const n of [1002, 2001, 2599]) items[n].offer = `NOT-ON-OZON-${n}`;
	items[2002].offer = '';

	const comparable = (output: Output[]) => output.map(({ data, ...rest }) => ({ ...rest, data: { ...data, task_id: data.task_id === undefined ? undefined : 'some task' } }));
	await start(2600);
	const inTurns = outputOf(await runWorkflow(ozonWorkflow(items, PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));
	const handedIn = requests('/v2/product/pictures/import').length;
	await sandbox.stop();
	await start(2600);
	const readFirst = outputOf(await runWorkflow(ozonWorkflow(items, { ...PUSH, ...READ_ALL_FIRST } as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));

	expect(inTurns).toHaveLength(2600);
	expect(comparable(inTurns)).toEqual(comparable(readFirst));
	const failed = inTurns.flatMap((item, n) => (item.success ? [] : [n]));
	expect(failed).toEqual([998, 999, 1000, 1001, 1002, 1500, 1999, 2000, 2001, 2002, 2599]);
	expect(inTurns[1000].data.status).toBe('invalid');
	expect(inTurns[1002].errors[0].reason).toContain('No product with offer_id "NOT-ON-OZON-1002"');
	expect(handedIn).toBe(requests('/v2/product/pictures/import').length);
}, 60_000);

it('read within the hand-in wait (handInAfterMs) (some 5,000 items at the default 0.2 s): all items leave as one flight, as before, every lookup before the first import', async () => {
	await start(3000);
	tuneProcess({ writes: { handInAfterMs: 60_000 } });

	const output = outputOf(await runWorkflow(ozonWorkflow(rows(3000), PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));

	expect(output.every((item) => item.success)).toBe(true);
	const paths = sandbox.store.log.map((entry) => entry.path);
	expect(paths.lastIndexOf('/v3/product/info/list')).toBeLessThan(paths.indexOf('/v2/product/pictures/import'));
	expect(requests('/v3/product/info/list')).toHaveLength(3);
}, 60_000);

it('1,050 items (a hand-in\'s worth and a little more): the last 50 go with the rest, not in a small flight of their own that waits for company', async () => {
	// Ozon takes 1.5 s: a flight of the last 50 alone would leave once the first lands, or after 2 s.
	await start(1050, 1500);

	const output = outputOf(await runWorkflow(ozonWorkflow(rows(1050), PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));

	expect(output.every((item) => item.success)).toBe(true);
	const imports = requests('/v2/product/pictures/import');
	expect(imports).toHaveLength(11);
	expect(imports[imports.length - 1].at - imports[0].at).toBeLessThan(1000);
}, 60_000);

it('one product pushed in several hand-ins (Append at items 5, 1,500 and 2,500): applied in item order, none lost', async () => {
	await start(2600);
	const items = rows(2600);
	const sku = offer(6);
	for (const [n, name] of [[5, 'a'], [1500, 'b'], [2500, 'c']] as const) Object.assign(items[n], { offer: sku, urls: url(sku, name), mode: 'append' });
	const before = photosOf(sku);

	const output = outputOf(await runWorkflow(ozonWorkflow(items, PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials()));

	expect(output.every((item) => item.success)).toBe(true);
	expect(photosOf(sku)).toEqual([...before, url(sku, 'a'), url(sku, 'b'), url(sku, 'c')]);
	expect(output[2500].data.previous_images).toEqual([...before, url(sku, 'a'), url(sku, 'b')]);
}, 60_000);

it('a rejected key under Stop Workflow: the run stops with its error after one lookup; no later hand-in sends anything', async () => {
	await start(5000);
	const seen: SandboxExchange[] = [];
	const observe = (exchange: SandboxExchange) => seen.push(exchange);
	sandboxObservers.add(observe);
	try {
		const result = await runWorkflow(ozonWorkflow(rows(5000), PUSH as INode['parameters']), credentials('a-rejected-key'));
		expect(result.error?.message).toMatch(/403|Api-Key/);
	} finally {
		sandboxObservers.delete(observe);
	}
	expect(seen.map((exchange) => exchange.path)).toEqual(['/v1/roles', '/v3/product/info/list']);
}, 60_000);

it('cancelled (Stop button) while it is still reading: it reads no further, hands nothing more in, and ends cancelled', async () => {
	await start(20_000);
	const readLate = watchLastItem(20_000);
	const run = startWorkflow(withCodeInput(ozonWorkflow([], PUSH as INode['parameters'], KEEP_FAILED_ITEMS), 'stopped while reading', readLate.items), credentials());
	// The user presses Stop as Ozon answers the first lookup.
	const stopAtFirstLookup = (exchange: SandboxExchange) => {
		if (exchange.path === '/v3/product/info/list') run.cancel();
	};
	sandboxObservers.add(stopAtFirstLookup);
	let result: RunResult;
	try {
		result = await run.result;
	} finally {
		sandboxObservers.delete(stopAtFirstLookup);
	}
	// Requests the node had sent before the Stop still reach the sandbox (it runs in this process).
	await requestsLanded();

	// (n8n's server marks the execution canceled; the engine alone reports the node's error.)
	expect(result.run.data.resultData.error?.message).toBe('The execution was cancelled');
	expect(readLate.readAt()).toBe(Infinity);
	expect(requests('/v3/product/info/list')).toHaveLength(1);
	// 200 imports were it to go on: at most those of the first hand-in (1,000 items).
	expect(requests('/v2/product/pictures/import').length).toBeLessThanOrEqual(10);
}, 60_000);

it('cancelled while an execution that reads every item first (Check URLs First by expression) is reading: it reads no further and asks Ozon nothing', async () => {
	await start(20_000);
	const readLate = watchLastItem(20_000);
	// The user presses Stop while the node is reading: as it reads item 2,000 (whatever this machine's speed).
	const items = () => {
		const built = readLate.items();
		whenRead(built[1999], () => run.cancel());
		return built;
	};
	const run = startWorkflow(
		withCodeInput(ozonWorkflow([], { ...PUSH, ...READ_ALL_FIRST } as INode['parameters'], KEEP_FAILED_ITEMS), 'stopped while reading all first', items),
		credentials(),
	);
	const result = await run.result;
	await requestsLanded();

	// n8n's own cancellation error, as the node stopped without an error of its own.
	expect(result.run.data.resultData.error?.message).toMatch(/^The execution was cancelled/);
	expect(readLate.readAt()).toBe(Infinity);
	expect(sandbox.store.log).toEqual([]);
}, 60_000);
