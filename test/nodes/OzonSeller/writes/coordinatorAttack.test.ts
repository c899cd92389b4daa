/**
 * Hostile and unlucky cases for the write coordinator, through n8n's real engine against nock:
 * a carrier execution stopped mid-flight, a slow flight of one product holding back another's push,
 * mixed API versions on one product, settings that differ between the executions of one flight.
 */
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, startWorkflow, type RunResult } from '../../../helpers/n8nEngine';
import { cardOf, catalogueEntry, credentials, importedCard, mockInfoList, mockPicturesInfo, ozon, product } from '../../../helpers/ozonMock';
import { useFastTiming } from '../../../helpers/timing';
import { tuneProcess } from '../../../helpers/nodeProcess';
import { useVirtualTime } from '../../../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }>; warnings: Array<{ field: string; message: string }> };

const PUSH = {
	resource: 'productImage',
	operation: 'push',
	identifyBy: 'offerId',
	offerId: '={{ $json.offer }}',
	images: '={{ $json.urls }}',
	mode: '={{ $json.mode ?? "append" }}',
};
const OLD = 'https://cdn.ozon.test/old.jpg';
const img = (name: string) => `https://img.example/${name}.jpg`;

/**
 * Every case in virtual time (test/helpers/virtualTime.ts): the node's waits, the gaps between the
 * executions started here and the limits on how long a run may take are the node's own time, not
 * the machine's.
 */
const clock = useVirtualTime();
const sleep = (ms: number) => clock().sleep(ms);

// Failed items stay in the output beside the others (On Error: Continue), to be asserted on.
function start(items: IDataObject[], parameters: IDataObject = {}, nodeOptions: Partial<INode> = {}) {
	return startWorkflow(ozonWorkflow(items, { ...PUSH, ...parameters } as INode['parameters'], { ...KEEP_FAILED_ITEMS, ...nodeOptions }), credentials);
}

function outputOf(result: RunResult): Output[] {
	expect(result.error).toBeUndefined();
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output);
}

/** Resolves with the run, or rejects when it has not ended within `ms` (virtual): an execution left waiting forever. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
	return clock().within(ms, promise, what);
}

interface ImportCall {
	items: Array<{ offer_id: string; primary_image?: string; images?: string[] }>;
}

/**
 * An Ozon whose import tasks are decided per call: `onImport(callNumber)` may answer with an error
 * (or do something first); `taskStatus(taskId, poll)` says how each task goes. Imported tasks
 * change the catalogue, as on Ozon.
 */
function scriptedOzon(options: {
	onImport?: (call: number, body: ImportCall) => [number, IDataObject] | undefined;
	onPoll?: (taskId: number, poll: number) => [number, IDataObject] | undefined;
	taskStatus?: (taskId: number, poll: number) => string;
}) {
	const imports: ImportCall[] = [];
	const tasks = new Map<number, ImportCall>();
	const polls = new Map<number, number>();
	let calls = 0;
	ozon()
		.post('/v2/product/pictures/import')
		.times(1000)
		.reply((_uri, body) => {
			calls++;
			const refused = options.onImport?.(calls, body as ImportCall);
			if (refused) return refused;
			imports.push(body as ImportCall);
			const taskId = 9000 + imports.length - 1;
			tasks.set(taskId, body as ImportCall);
			return [200, { task_id: taskId }];
		});
	ozon()
		.post('/v1/product/import/info')
		.times(1000)
		.reply((_uri, body) => {
			const taskId = Number((body as IDataObject).task_id);
			const poll = (polls.get(taskId) ?? 0) + 1;
			polls.set(taskId, poll);
			const refused = options.onPoll?.(taskId, poll);
			if (refused) return refused;
			const status = options.taskStatus?.(taskId, poll) ?? 'imported';
			const request = tasks.get(taskId);
			const items = (request?.items ?? []).map((item) => {
				if (status === 'imported') {
					Object.assign(catalogueEntry(item.offer_id), { primary_image: item.primary_image ? [item.primary_image] : [], images: item.images ?? [] });
				}
				return { offer_id: item.offer_id, product_id: 0, status, errors: [] };
			});
			return [200, { result: { items, total: items.length } }];
		});
	return imports;
}

/** Lets Ozon finish the task it held, and gives the flight polling it time to land: nothing outlives the test. */
async function finish(stuck: { first: boolean }) {
	stuck.first = false;
	await sleep(100);
}

useFastTiming();


describe('the carrier execution is stopped while its flight is out', () => {
	/**
	 * Flight 1 carries a lone push of SKU-003; A (SKU-001) and B (SKU-002) gather behind it and leave
	 * together, A's execution carrying the shared requests. `stopA` is called inside the request it
	 * names, which Ozon then answers 503: the retry would wait a backoff, which a stopped execution
	 * ends at once.
	 */
	async function stopCarrierDuring(path: 'import' | 'poll' | 'readBack') {
		tuneProcess({ writes: { polling: { firstDelayMs: 100 } } });
		mockInfoList([product(1, { images: [OLD] }), product(2, { images: [OLD] }), product(3, { images: [OLD] })]);
		// Filled once A has started; the scripted answers stop it from inside a request.
		const carrier: { a?: ReturnType<typeof start> } = {};
		let stopped = false;
		const stopA = (): [number, IDataObject] | undefined => {
			if (stopped || !carrier.a) return undefined;
			stopped = true;
			carrier.a.cancel();
			return [503, { code: 14, message: 'unavailable' }];
		};
		const imports = scriptedOzon({
			onImport: (call) => (path === 'import' && call === 2 ? stopA() : undefined),
			onPoll: (taskId) => (path === 'poll' && taskId === 9001 ? stopA() : undefined),
		});
		let reads = 0;
		ozon()
			.post('/v2/product/pictures/info')
			.times(1000)
			.reply((_uri, body) => {
				reads++;
				// The second read-back is flight 2's.
				const refused = path === 'readBack' && reads === 2 ? stopA() : undefined;
				if (refused) return refused;
				const ids = ((body as IDataObject).product_id as string[]).map(Number);
				return [200, { items: ids.map((id) => ({ product_id: id, primary_photo: catalogueEntry(`SKU-00${id - 1000}`).primary_image, photo: catalogueEntry(`SKU-00${id - 1000}`).images, color_photo: [], errors: [] })) }];
			});

		const lone = start([{ offer: 'SKU-003', urls: img('lone') }]);
		await sleep(30);
		const a = start([{ offer: 'SKU-001', urls: img('A') }]);
		carrier.a = a;
		const b = start([{ offer: 'SKU-002', urls: img('B') }]);

		const [bResult] = await within(5000, Promise.all([b.result, lone.result, a.result]), "B's execution");
		return { b: outputOf(bResult), imports, stopped };
	}

	it('stopped during the shared import: the other execution is still answered, and its photo is on Ozon', async () => {
		const { b, stopped } = await stopCarrierDuring('import');
		expect(stopped).toBe(true);
		expect(b).toHaveLength(1);
		expect(b[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-002', status: 'imported' } });
		expect(cardOf('SKU-002')).toEqual([OLD, img('B')]);
	});

	it('stopped during the shared poll: the other execution is still answered with its task result', async () => {
		const { b, stopped } = await stopCarrierDuring('poll');
		expect(stopped).toBe(true);
		expect(b[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-002', status: 'imported' } });
	});

	it('stopped during the shared read-back: the other execution is verified with its own read-back, not told "cancelled"', async () => {
		const { b, stopped } = await stopCarrierDuring('readBack');
		expect(stopped).toBe(true);
		expect(b[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-002', status: 'imported', current_images: [OLD, img('B')] } });
		expect(JSON.stringify(b[0].warnings)).not.toMatch(/cancelled/);
	});
});

describe('a slow flight holds back no unrelated push for long', () => {
	it("another product's push does not wait for a flight whose task Ozon leaves pending (Wait for Result off, Result Timeout 20 s)", async () => {
		mockInfoList([product(1, { images: [OLD] }), product(2, { images: [OLD] })]);
		// Ozon never finishes the first task; every later one at once.
		const stuck = { first: true };
		scriptedOzon({ taskStatus: (taskId) => (taskId === 9000 && stuck.first ? 'pending' : 'imported') });
		mockPicturesInfo(() => ({}));

		const slow = start([{ offer: 'SKU-001', urls: img('slow') }], { options: { waitForResult: false, resultTimeout: 20 } });
		const [slowItem] = outputOf(await within(3000, slow.result, 'the Wait-for-Result-off execution'));
		expect(slowItem).toMatchObject({ success: true, data: { status: 'pending' } });

		const started = clock().now();
		const lone = start([{ offer: 'SKU-002', urls: img('lone') }], { options: { resultTimeout: 5 } });
		const [item] = outputOf(await within(8000, lone.result, 'the lone push of another product'));
		expect(item).toMatchObject({ success: true, data: { status: 'imported' } });
		// Gathering may add a moment (at most its 2 s), never the other flight's 20 s.
		expect(clock().now() - started).toBeLessThan(4000);
		await finish(stuck);
	});
});

describe('v1 and v2 pushes of one product', () => {
	it('a v2 append after a v1 append builds on the set v1 sent (Ozon has not processed it yet), so neither photo is lost', async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const v1Bodies: IDataObject[] = [];
		// v1 answers before Ozon processes the images: the catalogue still shows the old photos.
		ozon()
			.post('/v1/product/pictures/import')
			.times(10)
			.reply((_uri, body) => {
				v1Bodies.push(body as IDataObject);
				return [200, { result: { pictures: [] } }];
			});
		const imports = scriptedOzon({});
		mockPicturesInfo(() => ({}));

		const v1 = start([{ offer: 'SKU-001', urls: img('A') }], { options: { apiVersion: 'v1' } });
		const v2 = start([{ offer: 'SKU-001', urls: img('B') }]);
		const [one, two] = (await within(5000, Promise.all([v1.result, v2.result]), 'both executions')).map(outputOf);

		expect(v1Bodies).toEqual([{ product_id: 1001, images: [OLD, img('A')] }]);
		expect([one[0].success, two[0].success]).toEqual([true, true]);
		expect(imports.map((call) => call.items)).toEqual([[{ offer_id: 'SKU-001', primary_image: OLD, images: [img('A'), img('B')] }]]);
	});

	it('a v1 append after a confirmed v2 append builds on the v2 set, not on the older set v1 sent before it', async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const v1Bodies: IDataObject[] = [];
		ozon()
			.post('/v1/product/pictures/import')
			.times(10)
			.reply((_uri, body) => {
				v1Bodies.push(body as IDataObject);
				return [200, { result: { pictures: [] } }];
			});
		const imports = scriptedOzon({});
		mockPicturesInfo(() => ({}));
		const run = async (name: string, options: IDataObject) => outputOf(await within(5000, start([{ offer: 'SKU-001', urls: img(name) }], { options }).result, name));

		// One after another: v1 (Ozon processes it later), v2 (confirmed: the catalogue holds it), v1 again.
		expect((await run('A', { apiVersion: 'v1' }))[0].success).toBe(true);
		expect((await run('B', {}))[0].success).toBe(true);
		expect((await run('C', { apiVersion: 'v1' }))[0].success).toBe(true);

		expect(imports.map((call) => call.items)).toEqual([[{ offer_id: 'SKU-001', primary_image: OLD, images: [img('A'), img('B')] }]]);
		expect(v1Bodies.at(-1)).toEqual({ product_id: 1001, images: [OLD, img('A'), img('B'), img('C')] });
	});
});

describe('executions with different request options in one flight', () => {
	it("an execution's Max Retries is honoured when another execution, with none, carries the shared import", async () => {
		tuneProcess({ writes: { polling: { firstDelayMs: 100 } } });
		mockInfoList([product(1, { images: [OLD] }), product(2, { images: [OLD] }), product(3, { images: [OLD] })]);
		// Flight 2's import meets one 503; a retry goes through.
		const imports = scriptedOzon({ onImport: (call) => (call === 2 ? [503, { code: 14, message: 'unavailable' }] : undefined) });
		mockPicturesInfo(() => ({}));

		const lone = start([{ offer: 'SKU-003', urls: img('lone') }]);
		await sleep(30);
		// A gathers first, so its execution would carry the shared requests: no retries.
		const a = start([{ offer: 'SKU-001', urls: img('A') }], { options: { maxRetries: 0 } });
		const b = start([{ offer: 'SKU-002', urls: img('B') }], { options: { maxRetries: 2 } });
		const [, , bResult] = await within(5000, Promise.all([lone.result, a.result, b.result]), 'all executions');

		expect(outputOf(bResult)[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-002', status: 'imported' } });
		expect(imports).toHaveLength(2);
	});
});

describe("one execution's pushes settled in different flights", () => {
	it('a key rejected for a later flight fails only the pushes still open: an item already imported stays a clean success', async () => {
		tuneProcess({ writes: { gatheringMaxWaitMs: 30 } });
		// The first two lookups are answered; then the key is refused (revoked in Ozon Seller meanwhile).
		let lookups = 0;
		ozon()
			.post('/v3/product/info/list')
			.times(10)
			.reply((_uri, body) => {
				lookups++;
				if (lookups > 2) return [403, { code: 7, message: 'Invalid Api-Key, please contact support' }];
				const ids = (body as { offer_id: string[] }).offer_id;
				return [200, { items: ids.map((id) => catalogueEntry(id)) }];
			});
		mockInfoList([product(1, { images: [OLD] }), product(2, { images: [OLD] })]);
		// The first task takes a few polls, so a push of another product leaves without waiting for it.
		scriptedOzon({ taskStatus: (taskId, poll) => (taskId === 9000 && poll < 10 ? 'pending' : 'imported') });
		mockPicturesInfo(() => ({}));

		const first = start([{ offer: 'SKU-001', urls: img('first') }]);
		await sleep(10);
		const mixed = start([{ offer: 'SKU-001', urls: img('later') }, { offer: 'SKU-002', urls: img('early') }], {}, { onError: 'continueRegularOutput' });
		const [, result] = await within(5000, Promise.all([first.result, mixed.result]), 'both executions');

		const [later, early] = outputOf(result);
		expect(lookups).toBe(3);
		expect(later).toMatchObject({ success: false, data: { status: 'failed' } });
		expect(later.errors[0].reason).toMatch(/HTTP 403/);
		expect(early).toMatchObject({ success: true, data: { offer_id: 'SKU-002', status: 'imported' }, errors: [] });
	});
});

describe('a push held back by an earlier write of its product', () => {
	it("is answered when its own Result Timeout runs out, not when the earlier write's (20 s) does, and is not sent", async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		// Ozon never finishes the first task.
		const stuck = { first: true };
		const imports = scriptedOzon({ taskStatus: (taskId) => (taskId === 9000 && stuck.first ? 'pending' : 'imported') });
		mockPicturesInfo(() => ({}));

		const slow = start([{ offer: 'SKU-001', urls: img('slow') }], { options: { waitForResult: false, resultTimeout: 20 } });
		outputOf(await within(3000, slow.result, 'the Wait-for-Result-off execution'));
		const started = clock().now();
		const held = start([{ offer: 'SKU-001', urls: img('held') }], { options: { resultTimeout: 2 } });
		const [item] = outputOf(await within(6000, held.result, 'the held-back push'));

		// At its own Result Timeout (2 s), not the earlier write's 20 s.
		expect(clock().now() - started).toBeGreaterThanOrEqual(2000);
		expect(clock().now() - started).toBeLessThan(4000);
		expect(item).toMatchObject({ success: false, data: { offer_id: 'SKU-001', status: 'failed' } });
		expect(item.errors[0].reason).toMatch(/^Not sent: an earlier push of this product .*task_id 9000/);
		// Sending it on the product's last known photos could undo the write Ozon is still processing.
		expect(imports).toHaveLength(1);
		await finish(stuck);
	});
});

describe('one product, named differently by overlapping executions', () => {
	it('by offer_id in one and by sku in the other: written one after the other, both photos kept', async () => {
		tuneProcess({ writes: { gatheringMaxWaitMs: 20 } });
		mockInfoList([product(1, { images: [OLD] })]);
		const imports = scriptedOzon({ taskStatus: (taskId, poll) => (taskId === 9000 && poll < 5 ? 'pending' : 'imported') });
		mockPicturesInfo(() => ({}));

		const byOffer = start([{ offer: 'SKU-001', urls: img('A') }]);
		await sleep(5);
		const bySku = start([{ sku: '500001', urls: img('B') }], { identifyBy: 'sku', sku: '={{ $json.sku }}' });
		const outputs = (await within(5000, Promise.all([byOffer.result, bySku.result]), 'both executions')).map(outputOf);

		expect(outputs.map(([item]) => [item.success, item.data.status])).toEqual([
			[true, 'imported'],
			[true, 'imported'],
		]);
		expect(imports.map((call) => importedCard(call.items[0]))).toEqual([
			[OLD, img('A')],
			[OLD, img('A'), img('B')],
		]);
		expect(cardOf('SKU-001')).toEqual([OLD, img('A'), img('B')]);
	});
});

describe('two keys of one Client-Id (a key rotated: the old one still in another credential)', () => {
	it("each execution's pushes are sent with its own key only", async () => {
		const OTHER_KEY = 'OTHER-KEY-0d9c8b7a-LEAKCHECK';
		const seen: Array<{ key: string; offers: string[] }> = [];
		const tasks: string[][] = [];
		for (const key of [credentials.apiKey, OTHER_KEY]) {
			nock(credentials.baseUrl, { reqheaders: { 'api-key': key } })
				.post('/v3/product/info/list')
				.times(20)
				.reply(function (_uri, body) {
					const ids = (body as { offer_id: string[] }).offer_id;
					seen.push({ key: String(this.req.headers['api-key']), offers: ids });
					return [200, { items: ids.map((id) => ({ ...product(Number(id.slice(4))), images: [OLD] })) }];
				});
			nock(credentials.baseUrl, { reqheaders: { 'api-key': key } })
				.post('/v2/product/pictures/import')
				.times(20)
				.reply(function (_uri, body) {
					const offers = (body as ImportCall).items.map((item) => item.offer_id);
					seen.push({ key: String(this.req.headers['api-key']), offers });
					tasks.push(offers);
					return [200, { task_id: tasks.length }];
				});
			// Every task done at once, so no flight outlives the test.
			nock(credentials.baseUrl, { reqheaders: { 'api-key': key } })
				.post('/v1/product/import/info')
				.times(20)
				.reply((_uri, body) => {
					const offers = tasks[Number((body as IDataObject).task_id) - 1] ?? [];
					return [200, { result: { items: offers.map((offer) => ({ offer_id: offer, product_id: 0, status: 'imported', errors: [] })), total: offers.length } }];
				});
			nock(credentials.baseUrl, { reqheaders: { 'api-key': key } })
				.post('/v2/product/pictures/info')
				.times(20)
				.reply(200, { items: [] });
			nock(credentials.baseUrl, { reqheaders: { 'api-key': key } }).post('/v1/roles').times(20).reply(200, { roles: [] });
		}
		const runs = ['SKU-001', 'SKU-002', 'SKU-003', 'SKU-004'].map((offer, n) =>
			startWorkflow(ozonWorkflow([{ offer, urls: img(offer) }], { ...PUSH, options: { waitForResult: false } } as INode['parameters']), {
				...credentials,
				apiKey: n % 2 === 0 ? credentials.apiKey : OTHER_KEY,
			}),
		);
		const outputs = (await within(5000, Promise.all(runs.map((run) => run.result)), 'all executions')).map(outputOf);
		await sleep(100);

		expect(outputs.every(([item]) => item.success)).toBe(true);
		for (const { key, offers } of seen) {
			for (const offer of offers) expect([offer, key]).toEqual([offer, ['SKU-001', 'SKU-003'].includes(offer) ? credentials.apiKey : OTHER_KEY]);
		}
		expect(seen.filter((entry) => entry.offers.length > 0).length).toBeGreaterThanOrEqual(8);
	});
});

describe("another execution's bad item in a shared import request", () => {
	it("Ozon rejecting the request (400) over one execution's image fails that execution's item only", async () => {
		tuneProcess({ writes: { polling: { firstDelayMs: 100 } } });
		mockInfoList([product(1, { images: [OLD] }), product(2, { images: [OLD] }), product(3, { images: [OLD] })]);
		const REJECTED = 'https://img.example/rejected-by-ozon.jpg';
		// Ozon's own rule (not one the node knows) refuses this URL: the whole request is answered 400.
		const imports = scriptedOzon({
			onImport: (_call, body) => (JSON.stringify(body).includes(REJECTED) ? [400, { code: 3, message: `invalid image url ${REJECTED}` }] : undefined),
		});
		mockPicturesInfo(() => ({}));

		const lone = start([{ offer: 'SKU-003', urls: img('lone') }]);
		await sleep(30);
		// Both gather behind the lone push and leave in one flight: one import request would carry both.
		const bad = start([{ offer: 'SKU-001', urls: REJECTED }]);
		const good = start([{ offer: 'SKU-002', urls: img('good') }]);
		const [, badResult, goodResult] = await within(5000, Promise.all([lone.result, bad.result, good.result]), 'all executions');

		expect(outputOf(goodResult)[0]).toMatchObject({ success: true, data: { offer_id: 'SKU-002', status: 'imported' } });
		expect(outputOf(badResult)[0]).toMatchObject({ success: false, data: { offer_id: 'SKU-001', status: 'failed' } });
		expect(cardOf('SKU-002')).toEqual([OLD, img('good')]);
		expect(imports.flatMap((call) => call.items.map((item) => item.offer_id))).toEqual(['SKU-003', 'SKU-002']);
	});
});

describe('one product pushed with two keys of one Client-Id at once', () => {
	it('the writes are applied one after the other (per Client-Id and product): the second builds on the first, nothing is re-applied', async () => {
		const OTHER_KEY = 'OTHER-KEY-0d9c8b7a-LEAKCHECK';
		mockInfoList([product(1, { images: [OLD] })]);
		nock.cleanAll();
		// One Ozon account that accepts both keys; its import tasks take a few polls and apply in order.
		const imports: Array<{ key: string; images: string[] }> = [];
		const polls = new Map<number, number>();
		const ozonAnyKey = () => nock(credentials.baseUrl, { reqheaders: { 'client-id': credentials.clientId } });
		ozonAnyKey().post('/v1/roles').times(20).reply(200, { roles: [] });
		ozonAnyKey()
			.post('/v3/product/info/list')
			.times(20)
			.reply(() => [200, { items: [catalogueEntry('SKU-001')] }]);
		ozonAnyKey()
			.post('/v2/product/pictures/import')
			.times(20)
			.reply(function (_uri, body) {
				imports.push({ key: String(this.req.headers['api-key']), images: importedCard((body as ImportCall).items[0]) });
				return [200, { task_id: imports.length }];
			});
		ozonAnyKey()
			.post('/v1/product/import/info')
			.times(100)
			.reply((_uri, body) => {
				const taskId = Number((body as IDataObject).task_id);
				const poll = (polls.get(taskId) ?? 0) + 1;
				polls.set(taskId, poll);
				const done = poll >= 3;
				if (done && poll === 3) catalogueEntry('SKU-001').images = imports[taskId - 1].images;
				return [200, { result: { items: [{ offer_id: 'SKU-001', product_id: 1001, status: done ? 'imported' : 'pending', errors: [] }] } }];
			});
		ozonAnyKey()
			.post('/v2/product/pictures/info')
			.times(20)
			.reply(() => [200, { items: [{ product_id: 1001, primary_photo: [], photo: catalogueEntry('SKU-001').images, color_photo: [], errors: [] }] }]);

		const withKey = (apiKey: string, name: string) => startWorkflow(ozonWorkflow([{ offer: 'SKU-001', urls: img(name) }], PUSH as INode['parameters']), { ...credentials, apiKey });
		const runs = [withKey(credentials.apiKey, 'A'), withKey(OTHER_KEY, 'B')];
		const outputs = (await within(5000, Promise.all(runs.map((run) => run.result)), 'both executions')).map(outputOf);

		expect(outputs.map(([item]) => item.success)).toEqual([true, true]);
		expect(imports).toEqual([
			{ key: credentials.apiKey, images: [OLD, img('A')] },
			{ key: OTHER_KEY, images: [OLD, img('A'), img('B')] },
		]);
	});
});

describe('an execution stopped before its write is sent', () => {
	it('stopped during the lookup (Stop button): its images are not sent to Ozon', async () => {
		// A holder, as the mock below must reach the run that starts after it is set up.
		const holder: { run?: ReturnType<typeof start> } = {};
		ozon()
			.post('/v3/product/info/list')
			.reply(() => {
				holder.run?.cancel();
				return [200, { items: [product(1, { images: [OLD] })] }];
			});
		mockInfoList([product(1, { images: [OLD] })]);
		const imports = scriptedOzon({});
		mockPicturesInfo(() => ({}));

		const run = (holder.run = start([{ offer: 'SKU-001', urls: img('stopped') }]));
		await within(3000, run.result, 'the stopped execution');
		await sleep(100);

		expect(imports).toHaveLength(0);
		expect(cardOf('SKU-001')).toEqual([OLD]);
	});
});
