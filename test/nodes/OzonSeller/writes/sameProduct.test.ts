/**
 * One product pushed more than once, within one run or by another writer: nothing is built on a
 * dry run or on a write that failed, and success means the photos are on Ozon.
 */
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow, startWorkflow } from '../../../helpers/n8nEngine';
import {
	cardOf,
	catalogueEntry,
	credentials,
	mockImportInfo,
	mockImportV2,
	mockInfoList,
	mockPicturesInfo,
	ozon,
	product,
} from '../../../helpers/ozonMock';
import { useFastTiming } from '../../../helpers/timing';
import { useVirtualTime } from '../../../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }>; warnings: Array<{ field: string; message: string }> };

const PUSH = {
	resource: 'productImage',
	operation: 'push',
	identifyBy: 'offerId',
	offerId: '={{ $json.offer }}',
	images: '={{ $json.urls }}',
	mode: '={{ $json.mode }}',
	options: { dryRun: '={{ $json.dry ?? false }}' },
};
const OLD = 'https://cdn1.ozone.ru/s3/multimedia-t/old.jpg';
const A = 'https://img.example/A.jpg';
const B = 'https://img.example/B.jpg';
const X = 'https://other-tool.example/X.jpg';

async function push(items: IDataObject[], parameters: IDataObject = {}) {
	// Failed items stay in the output beside the others (On Error: Continue), to be asserted on.
	const result = await runWorkflow(ozonWorkflow(items, { ...PUSH, ...parameters } as INode['parameters'], KEEP_FAILED_ITEMS), credentials);
	expect(result.error).toBeUndefined();
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output);
}

useFastTiming();

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's turns, polls and read-back waits pass in no real time. */
const clock = useVirtualTime();

describe('one product twice in a run', () => {
	it('a dry-run row is never built on: the import carries only the real push', async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({}));

		const json = await push([
			{ offer: 'SKU-001', urls: A, mode: 'append', dry: true },
			{ offer: 'SKU-001', urls: B, mode: 'append' },
		]);

		expect(json.map((item) => [item.success, item.data.status])).toEqual([
			[true, 'dry_run'],
			[true, 'imported'],
		]);
		expect(imports.map((call) => call.items)).toEqual([[{ offer_id: 'SKU-001', primary_image: OLD, images: [B] }]]);
		expect(cardOf('SKU-001')).toEqual([OLD, B]);
	});

	it('a rejected write is never built on: both appends travel in the one rejected request, none reports success, Ozon keeps the old photos', async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const sent: IDataObject[] = [];
		ozon()
			.post('/v2/product/pictures/import')
			.times(5)
			.reply((_uri, body) => {
				sent.push(body as IDataObject);
				return [400, { code: 3, message: 'invalid image url' }];
			});

		const json = await push([
			{ offer: 'SKU-001', urls: A, mode: 'append' },
			{ offer: 'SKU-001', urls: B, mode: 'append' },
		]);

		expect(json.map((item) => [item.success, item.data.status])).toEqual([
			[false, 'failed'],
			[false, 'failed'],
		]);
		expect(sent.map((call) => call.items)).toEqual([[{ offer_id: 'SKU-001', primary_image: OLD, images: [A, B] }]]);
		expect(cardOf('SKU-001')).toEqual([OLD]);
	});

	it('a push that arrives while a write is failing builds on what Ozon has, not on the failed set', async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const imports = mockImportV2();
		// The first task fails on its second poll; the push queued behind it goes in the next task.
		mockImportInfo(imports, (_offer, poll) => (imports.length === 1 ? { status: poll < 2 ? 'pending' : 'failed', errors: [{ code: 'E1', message: 'broken' }] } : { status: 'imported' }));
		mockPicturesInfo(() => ({}));
		const first = startWorkflow(ozonWorkflow([{ offer: 'SKU-001', urls: A, mode: 'append' }], PUSH as INode['parameters'], KEEP_FAILED_ITEMS), credentials);
		await clock().sleep(5);
		const second = startWorkflow(ozonWorkflow([{ offer: 'SKU-001', urls: B, mode: 'append' }], PUSH as INode['parameters']), credentials);

		const [one, two] = await Promise.all([first.result, second.result]).then((runs) => runs.map((run) => (run.output(OZON_NODE_NAME) ?? [])[0].json as unknown as Output));

		expect([one.success, one.data.status, two.success, two.data.status]).toEqual([false, 'failed', true, 'imported']);
		expect(imports.map((call) => call.items)).toEqual([[{ offer_id: 'SKU-001', primary_image: OLD, images: [A] }], [{ offer_id: 'SKU-001', primary_image: OLD, images: [B] }]]);
		expect(two.data.previous_images).toEqual([OLD]);
	});
});

describe('v1: overlapping pushes of one product', () => {
	it('with a retried 503, the sets still arrive in order and the last one holds every image', async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const bodies: IDataObject[] = [];
		let calls = 0;
		ozon()
			.post('/v1/product/pictures/import')
			.times(10)
			.reply((_uri, body) => {
				calls++;
				if (calls === 1) return [503, { code: 14, message: 'unavailable' }];
				bodies.push(body as IDataObject);
				return [200, { result: { pictures: [] } }];
			});
		mockPicturesInfo(() => ({}));
		const parameters = { ...PUSH, options: { apiVersion: 'v1' } } as INode['parameters'];

		const runs = [
			startWorkflow(ozonWorkflow([{ offer: 'SKU-001', urls: A, mode: 'append' }], parameters), credentials),
			startWorkflow(ozonWorkflow([{ offer: 'SKU-001', urls: B, mode: 'append' }], parameters), credentials),
		];
		const outputs = await Promise.all(runs.map(async (run) => ((await run.result).output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output)));

		expect(outputs.map(([item]) => item.success)).toEqual([true, true]);
		// Whatever the grouping, the last set sent holds the old photo and both new ones.
		expect(bodies.at(-1)).toEqual({ product_id: 1001, images: [OLD, A, B] });
	});
});

describe('another writer (another worker, tool or person) between the write and the read-back', () => {
	/** Ozon's read-back shows `theirs` the first `times` times: someone replaced the photos after our task. */
	function anotherWriterReplaces(times: number, theirs = [X]) {
		let reads = 0;
		return mockPicturesInfo(() => {
			reads++;
			if (reads > times) return {};
			Object.assign(catalogueEntry('SKU-001'), { primary_image: [], images: theirs });
			return { primary_photo: [], photo: theirs };
		});
	}

	it('an append is applied again on the new photos, and succeeds once they hold it', async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		anotherWriterReplaces(1);

		const [item] = await push([{ offer: 'SKU-001', urls: A, mode: 'append' }]);

		expect(imports.map((call) => call.items)).toEqual([[{ offer_id: 'SKU-001', primary_image: OLD, images: [A] }], [{ offer_id: 'SKU-001', primary_image: X, images: [A] }]]);
		expect(item).toMatchObject({ success: true, data: { status: 'imported', current_images: [X, A] } });
		expect(item.warnings).toContainEqual(expect.objectContaining({ field: 'images', message: expect.stringMatching(/^Applied again on the product's new photos/) }));
	});

	it('an append that keeps being replaced is reported as a conflict after 2 re-applies, never as a success', async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		anotherWriterReplaces(10);

		const [item] = await push([{ offer: 'SKU-001', urls: A, mode: 'append' }]);

		expect(imports).toHaveLength(3);
		expect(item).toMatchObject({ success: false, data: { status: 'conflict', current_images: [X] } });
		expect(item.errors[0].reason).toMatch(/^Not on Ozon: another writer changed this product's photos .* \(https:\/\/img\.example\/A\.jpg\)/);
	});

	it('a replace is not re-applied over the other writer: a conflict, with what Ozon has now', async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		anotherWriterReplaces(1, [X, OLD]);

		const [item] = await push([{ offer: 'SKU-001', urls: A, mode: 'replace' }]);

		expect(imports).toHaveLength(1);
		expect(item).toMatchObject({ success: false, data: { status: 'conflict', current_images: [X, OLD] } });
	});

	// Ozon keeps its copies on its own image hosts: a photo elsewhere in our photo's place is not one.
	it("one photo replaced by one of another writer's, on a host that is not Ozon's: a conflict, not Ozon's copy", async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		anotherWriterReplaces(1, [X]);

		const [item] = await push([{ offer: 'SKU-001', urls: A, mode: 'replace' }]);

		expect(imports).toHaveLength(1);
		expect(item).toMatchObject({ success: false, data: { status: 'conflict', current_images: [X] } });
	});

	it("Ozon serving its own copies of the photos sent is a success (same number, same places)", async () => {
		mockInfoList([product(1, { images: [OLD] })]);
		const imports = mockImportV2();
		mockImportInfo(imports);
		mockPicturesInfo(() => ({ primary_photo: [], photo: [OLD, 'https://cdn1.ozone.ru/s3/multimedia-t/copy-of-A.jpg'] }));

		const [item] = await push([{ offer: 'SKU-001', urls: A, mode: 'append' }]);

		expect(imports).toHaveLength(1);
		expect(item).toMatchObject({ success: true, data: { status: 'imported' } });
	});
});

afterAll(() => nock.cleanAll());
