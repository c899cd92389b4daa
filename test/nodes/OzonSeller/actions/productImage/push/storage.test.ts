/**
 * Push Images with Image Source "Storage Objects", through n8n's engine against the Ozon mocks: every
 * shape of docs/storage-events.md as it arrives (the fixtures cite each documented source), grouping
 * across items into one push per product, output pairing, what is ignored and what fails one item.
 */
import type { IDataObject, INode, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../../../helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, ozon, product, API_KEY } from '../../../../../helpers/ozonMock';
import { useFastTiming } from '../../../../../helpers/timing';
import {
	S3_TEST_EVENT,
	SNS_SUBSCRIBE_URL,
	SNS_SUBSCRIPTION_CONFIRMATION,
	listingEntry,
	minioEvent,
	pullMessage,
	r2Event,
	s3Event,
	snsNotification,
	webhookItem,
	workerBatch,
} from '../../../../../fixtures/storageEvents';

useFastTiming();

type Output = { success: boolean; data: IDataObject; errors: IDataObject[]; warnings: Array<{ field: string; message: string }> };

const BASE = 'https://pub-0123456789abcdef.r2.dev';
const url = (key: string) => `${BASE}/${key.split('/').map(encodeURIComponent).join('/')}`;

const STORAGE = { resource: 'productImage', operation: 'push', imageSource: 'storageObjects', publicBaseUrl: BASE, keyPattern: '{offer_id}/{position}.jpg' };

function mockOzon(products = [1, 2, 3, 4, 5, 6, 7].map((n) => product(n))) {
	const lookups = mockInfoList(products);
	const imports = mockImportV2();
	mockImportInfo(imports);
	mockPicturesInfo(() => ({}));
	return { lookups, imports };
}

async function push(items: unknown[], parameters: IDataObject = {}, nodeOptions: Partial<INode> = KEEP_FAILED_ITEMS) {
	const result = await runWorkflow(ozonWorkflow(items as IDataObject[], { ...STORAGE, ...parameters } as INode['parameters'], nodeOptions), credentials);
	const output: INodeExecutionData[] = result.output(OZON_NODE_NAME) ?? [];
	return { error: result.error, output, json: output.map((item) => item.json as unknown as Output) };
}

/** The offers and cards (main photo, then the rest: every import names its main photo) of every import request, in order. */
const sent = (imports: Array<Record<string, unknown>>) =>
	imports.map((call) => (call.items as IDataObject[]).map((item) => [item.offer_id, [...(item.primary_image ? [item.primary_image] : []), ...((item.images as string[]) ?? [])]]));

const summary = (output: INodeExecutionData[]) => output.map((item) => [item.pairedItem, (item.json as unknown as Output).success, (item.json.data as IDataObject).status, (item.json.data as IDataObject).offer_id]);

describe('storage objects: one execution, every shape, one import', () => {
	it('R2 events in reverse order, an encoded S3 key, S3 in SNS (also as text), MinIO, a listing, { key }, a plain key, a deletion and an outsider: each product gets exactly its photos in position order, in one import', async () => {
		const { imports } = mockOzon();
		const items = [
			workerBatch(r2Event('SKU-001/2.jpg'), r2Event('SKU-001/1.jpg')),
			s3Event(['SKU-002/2+b.jpg']),
			snsNotification(s3Event(['SKU-002/1.jpg'])),
			webhookItem(JSON.stringify(snsNotification(s3Event(['SKU-003/1.jpg']))), 'text/plain; charset=UTF-8'),
			minioEvent('SKU-004/1.jpg', 'SKU-004%2F1.jpg'),
			listingEntry('SKU-005/1.jpg'),
			{ key: 'SKU-006/1.jpg' },
			{ storage: 'SKU-007/1.jpg' },
			r2Event('SKU-001/3.jpg', 'DeleteObject'),
			r2Event('SKU-001/thumbs/3.jpg'),
			pullMessage(r2Event('SKU-003/2.jpg')),
		];
		// The plain key: the Storage Object as an expression naming the field. Without {position}, keys in natural order.
		const { json, output } = await push(items, { storageObject: '={{ $json.storage ?? $json }}', keyPattern: '{offer_id}/*' });

		expect(sent(imports)).toEqual([
			[
				['SKU-001', [url('SKU-001/1.jpg'), url('SKU-001/2.jpg')]],
				['SKU-002', [url('SKU-002/1.jpg'), url('SKU-002/2 b.jpg')]],
				['SKU-003', [url('SKU-003/1.jpg'), url('SKU-003/2.jpg')]],
				['SKU-004', [url('SKU-004/1.jpg')]],
				['SKU-005', [url('SKU-005/1.jpg')]],
				['SKU-006', [url('SKU-006/1.jpg')]],
				['SKU-007', [url('SKU-007/1.jpg')]],
			],
		]);
		expect(url('SKU-002/2 b.jpg')).toBe(`${BASE}/SKU-002/2%20b.jpg`);
		expect(summary(output)).toEqual([
			[{ item: 0 }, true, 'imported', 'SKU-001'],
			[{ item: 1 }, true, 'imported', 'SKU-002'],
			[{ item: 2 }, true, 'imported', 'SKU-002'],
			[{ item: 3 }, true, 'imported', 'SKU-003'],
			[{ item: 4 }, true, 'imported', 'SKU-004'],
			[{ item: 5 }, true, 'imported', 'SKU-005'],
			[{ item: 6 }, true, 'imported', 'SKU-006'],
			[{ item: 7 }, true, 'imported', 'SKU-007'],
			[{ item: 8 }, true, 'ignored', undefined],
			[{ item: 9 }, true, 'ignored', undefined],
			[{ item: 10 }, true, 'imported', 'SKU-003'],
		]);
		expect(json[1].data).toMatchObject({ keys: ['SKU-002/1.jpg', 'SKU-002/2 b.jpg'], urls: [url('SKU-002/1.jpg'), url('SKU-002/2 b.jpg')], current_images: [url('SKU-002/1.jpg'), url('SKU-002/2 b.jpg')] });
		expect(json[8].warnings).toEqual([
			{ field: 'storageObject', message: 'Ignored 1 deletion(s) (DeleteObject): "SKU-001/3.jpg". Nothing is sent for a deletion. To remove photos from Ozon, push the folder\'s listing with Mode "Replace"' },
		]);
		expect(json[9].warnings).toEqual([{ field: 'keyPattern', message: 'Skipped 1 key(s) that do not match the Key Pattern "{offer_id}/*" (nothing sent for them): "SKU-001/thumbs/3.jpg"' }]);
	});

	it('one item naming several products (an S3 notification with many records) yields one output per product, each paired to it', async () => {
		const { imports } = mockOzon();
		const { output, json } = await push([s3Event(['SKU-001/1.jpg'], ['SKU-002/1.jpg'], ['SKU-001/2.jpg'], ['SKU-003/1.jpg', 'ObjectRemoved:Delete']), listingEntry('SKU-002/2.jpg')]);

		expect(sent(imports)).toEqual([
			[
				['SKU-001', [url('SKU-001/1.jpg'), url('SKU-001/2.jpg')]],
				['SKU-002', [url('SKU-002/1.jpg'), url('SKU-002/2.jpg')]],
			],
		]);
		expect(summary(output)).toEqual([
			[{ item: 0 }, true, 'imported', 'SKU-001'],
			[{ item: 0 }, true, 'imported', 'SKU-002'],
			[{ item: 1 }, true, 'imported', 'SKU-002'],
		]);
		// The item's own deletion is said on each of its results.
		expect(json[0].warnings.map((warning) => warning.message)).toEqual([expect.stringMatching(/^Ignored 1 deletion\(s\) \(ObjectRemoved:Delete\): "SKU-003\/1.jpg"/)]);
		expect(json[1].warnings).toEqual(json[0].warnings);
		expect(json[2].warnings).toEqual([]);
	});
});

describe('storage objects: what sends nothing', () => {
	it('deletions, S3 test events and SNS subscription confirmations leave as ignored, with why; nothing is asked of Ozon', async () => {
		const { lookups, imports } = mockOzon();
		const { json, output } = await push([
			workerBatch(r2Event('SKU-001/1.jpg', 'DeleteObject'), r2Event('SKU-001/2.jpg', 'LifecycleDeletion')),
			s3Event(['SKU-001/1.jpg', 'ObjectRemoved:Delete']),
			S3_TEST_EVENT,
			snsNotification(S3_TEST_EVENT),
			SNS_SUBSCRIPTION_CONFIRMATION,
			webhookItem(JSON.stringify(SNS_SUBSCRIPTION_CONFIRMATION), 'text/plain; charset=UTF-8'),
		]);

		expect([lookups, imports]).toEqual([[], []]);
		expect(output.map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).status])).toEqual([0, 1, 2, 3, 4, 5].map((item) => [{ item }, true, 'ignored']));
		expect(json[0].warnings[0].message).toMatch(/^Ignored 2 deletion\(s\) \(DeleteObject, LifecycleDeletion\): "SKU-001\/1.jpg", "SKU-001\/2.jpg"\. .*Replace/);
		expect(json[1].warnings[0].message).toMatch(/^Ignored 1 deletion\(s\) \(ObjectRemoved:Delete\)/);
		expect(json[2].warnings[0].message).toMatch(/^Ignored S3's test event/);
		expect(json[3].warnings[0].message).toMatch(/^Ignored S3's test event/);
		for (const item of [json[4], json[5]]) {
			expect(item.warnings[0].message).toBe(
				`Ignored an SNS subscription confirmation: nothing is sent. To confirm the subscription, open its SubscribeURL: ${SNS_SUBSCRIBE_URL} — or use n8n's AWS SNS Trigger, which confirms by itself`,
			);
		}
	});

	it('a repeated delivery (the same event twice, in one batch or in two items) is pushed once, with a warning on the repeat', async () => {
		const { imports } = mockOzon();
		const { json } = await push([workerBatch(r2Event('SKU-001/1.jpg'), r2Event('SKU-001/1.jpg')), workerBatch(r2Event('SKU-001/1.jpg'), r2Event('SKU-001/2.jpg'))]);

		expect(sent(imports)).toEqual([[['SKU-001', [url('SKU-001/1.jpg'), url('SKU-001/2.jpg')]]]]);
		const repeated = 'Dropped 1 repeated key(s) of this product (storage delivers an event at least once): "SKU-001/1.jpg"';
		expect(json.map((item) => [item.success, item.warnings.map((warning) => warning.message)])).toEqual([
			[true, [repeated]],
			[true, [repeated]],
		]);
	});

	it('one key under two Public Base URLs (two buckets) is two photos, not a repeat: only the same URL is dropped', async () => {
		const { imports } = mockOzon();
		const other = 'https://cdn.example.com/mirror';
		const { json } = await push([{ key: 'SKU-001/1.jpg', base: BASE }, { key: 'SKU-001/1.jpg', base: other }, { key: 'SKU-001/1.jpg', base: BASE }], { storageObject: '={{ $json.key }}', publicBaseUrl: '={{ $json.base }}' });
		expect(sent(imports)).toEqual([[['SKU-001', [url('SKU-001/1.jpg'), `${other}/SKU-001/1.jpg`]]]]);
		expect(json.map((item) => item.warnings.length)).toEqual([0, 0, 1]);
	});

	it('an upload deleted later in the same execution (in its batch or a later item) is not sent: Ozon could not fetch it; deleted first and uploaded again, it is', async () => {
		const { imports } = mockOzon();
		const { json, output } = await push([
			workerBatch(r2Event('SKU-001/1.jpg'), r2Event('SKU-001/2.jpg'), r2Event('SKU-001/2.jpg', 'DeleteObject')),
			workerBatch(r2Event('SKU-002/1.jpg'), r2Event('SKU-003/1.jpg', 'DeleteObject'), r2Event('SKU-003/1.jpg')),
			r2Event('SKU-002/1.jpg', 'DeleteObject'),
		]);
		expect(sent(imports)).toEqual([[['SKU-001', [url('SKU-001/1.jpg')]], ['SKU-003', [url('SKU-003/1.jpg')]]]]);
		expect(summary(output)).toEqual([
			[{ item: 0 }, true, 'imported', 'SKU-001'],
			[{ item: 1 }, true, 'imported', 'SKU-003'],
			[{ item: 2 }, true, 'ignored', undefined],
		]);
		expect(json[0].warnings.map((warning) => warning.message)).toContain('Not sent: 1 upload(s) deleted later in this execution (Ozon could not fetch them): "SKU-001/2.jpg"');
		expect(json[1].warnings.map((warning) => warning.message)).toContain('Not sent: 1 upload(s) deleted later in this execution (Ozon could not fetch them): "SKU-002/1.jpg"');
	});

	it('an article in a key decomposed (NFD, as macOS names files) names the same product as the composed one (NFC): one push, found', async () => {
		const { imports } = mockOzon([product(1, { offer_id: 'Caf\u00e9' })]);
		const { json } = await push([{ key: 'Cafe\u0301/1.jpg' }, { key: 'Caf\u00e9/2.jpg' }]);
		expect(sent(imports)).toEqual([[['Caf\u00e9', [url('Cafe\u0301/1.jpg'), url('Caf\u00e9/2.jpg')]]]]);
		expect(json.map((item) => [item.success, item.data.offer_id])).toEqual([
			[true, 'Caf\u00e9'],
			[true, 'Caf\u00e9'],
		]);
	});

	it('Keys Outside the Pattern "error" fails the item with the outsider, sending none of its keys; the others go', async () => {
		const { imports } = mockOzon();
		const { json } = await push([s3Event(['SKU-001/1.jpg'], ['SKU-001/thumb.jpg']), listingEntry('SKU-002/1.jpg')], { options: { keysOutsidePattern: 'error' } });

		expect(sent(imports)).toEqual([[['SKU-002', [url('SKU-002/1.jpg')]]]]);
		expect(json[0]).toMatchObject({ success: false, data: { status: 'invalid' }, errors: [{ field: 'keyPattern', reason: 'Key "SKU-001/thumb.jpg" does not match the Key Pattern "{offer_id}/{position}.jpg"' }] });
		expect(json[1]).toMatchObject({ success: true, data: { status: 'imported', offer_id: 'SKU-002' } });
	});
});

describe('storage objects: bad input fails only its own item', () => {
	it('malformed JSON, a ".." key, a control character, a 2,000-character key, 10,000 records, an unknown shape: each fails alone; the good item is pushed', async () => {
		const { imports } = mockOzon();
		const items = [
			{ text: '{"Records": [' },
			{ text: r2Event('SKU-001/../admin/1.jpg') },
			{ text: s3Event(['SKU-001/1%0A.jpg']) },
			{ text: { key: `SKU-001/${'1'.repeat(1988)}.jpg` } },
			{ text: { messages: Array.from({ length: 10_000 }, (_, n) => ({ body: r2Event(`SKU-001/${n}.jpg`) })) } },
			{ text: { hello: 'world' } },
			{ text: r2Event('SKU-002/1.jpg') },
		];
		const { json, output } = await push(items, { storageObject: '={{ $json.text }}' });

		expect(sent(imports)).toEqual([[['SKU-002', [url('SKU-002/1.jpg')]]]]);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(json.map((item) => [item.success, item.data.status, item.errors[0]?.field])).toEqual([
			[false, 'invalid', 'storageObject'],
			[false, 'invalid', 'storageObject'],
			[false, 'invalid', 'storageObject'],
			[false, 'invalid', 'storageObject'],
			[false, 'invalid', 'storageObject'],
			[false, 'invalid', 'storageObject'],
			[true, 'imported', undefined],
		]);
		expect(json.slice(0, 6).map((item) => item.errors[0].reason)).toEqual([
			expect.stringMatching(/^The storage object is not valid JSON: /),
			'Key "SKU-001/../admin/1.jpg" has a "." or ".." segment: a URL built from it would point to another folder',
			'Key "SKU-001/1\\n.jpg" contains control characters',
			'Key is 2000 characters long; storage keys are at most 1024 bytes',
			'10000 queue messages in one item; at most 1000 are read per item (split the batch)',
			expect.stringMatching(/^Not a storage event, queue message or listing entry: .*got an object with hello$/),
		]);
	});

	it("the credential's Api-Key in an event is never shown, not even in part, nor sent in a URL: an item whose key or text holds it fails alone", async () => {
		const { imports } = mockOzon();
		const long = `${'x'.repeat(110)}${API_KEY}`;
		const items = [
			{ text: `{"Records": [ ${API_KEY}` },
			{ text: snsNotification(`not json ${API_KEY}`) },
			{ text: r2Event(`SKU-001/${API_KEY}.jpg`) },
			{ text: r2Event(`SKU-001/${long}.jpg`, 'DeleteObject') },
			{ text: { Type: 'SubscriptionConfirmation', TopicArn: 'arn', SubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Token=${API_KEY}` } },
			{ text: r2Event('SKU-001/1.jpg', `${'y'.repeat(70)}${API_KEY}`) },
			{ text: { [API_KEY]: 1 } },
			{ text: { key: `SKU-001/${long}` } },
			{ text: s3Event([`SKU-001/${encodeURIComponent(API_KEY)}%ZZ.jpg`]) },
			{ text: pullMessage({ note: API_KEY }) },
			{ text: r2Event('SKU-002/1.jpg') },
		];
		const { output, json } = await push(items, { storageObject: '={{ $json.text }}', keyPattern: '{offer_id}/*' });

		const shown = JSON.stringify(output);
		// No run of 8 of the key's characters, wherever it starts.
		for (let at = 0; at + 8 <= API_KEY.length; at++) expect(shown).not.toContain(API_KEY.slice(at, at + 8));
		expect(JSON.stringify(imports)).not.toContain(API_KEY);
		expect(sent(imports)).toEqual([[['SKU-002', [url('SKU-002/1.jpg')]]]]);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(json.map((item) => [item.success, item.data.status])).toEqual([
			[false, 'invalid'],
			[false, 'invalid'],
			[false, 'invalid'],
			[true, 'ignored'],
			[true, 'ignored'],
			[true, 'ignored'],
			[false, 'invalid'],
			[false, 'invalid'],
			[false, 'invalid'],
			[false, 'invalid'],
			[true, 'imported'],
		]);
	});

	it('a bad Public Base URL or Key Pattern fails the items it is read for, naming the parameter', async () => {
		const { imports } = mockOzon();
		const { json } = await push([{ key: 'SKU-001/1.jpg', base: 'http://10.0.0.5/photos', pattern: '{offer_id}/*' }, { key: 'SKU-001/1.jpg', base: BASE, pattern: '{offer}/*' }, { key: 'SKU-002/1.jpg', base: BASE, pattern: '{offer_id}/*' }], {
			publicBaseUrl: '={{ $json.base }}',
			keyPattern: '={{ $json.pattern }}',
		});
		expect(sent(imports)).toEqual([[['SKU-002', [url('SKU-002/1.jpg')]]]]);
		expect(json.map((item) => item.errors.map((error) => error.field))).toEqual([['publicBaseUrl'], ['keyPattern'], []]);
		expect(json[0].errors[0].reason).toMatch(/^Public Base URL: Ozon fetches images from the internet and cannot reach this address/);
		expect(json[1].errors[0].reason).toMatch(/^Key Pattern "\{offer\}\/\*": Unknown part "\{offer\}"/);
	});

	it('a product the account does not have fails the results of every item naming it', async () => {
		mockOzon([product(1)]);
		const { json } = await push([r2Event('SKU-404/1.jpg'), r2Event('SKU-404/2.jpg'), r2Event('SKU-001/1.jpg')]);
		expect(json.map((item) => [item.success, item.data.offer_id, item.errors[0]?.reason])).toEqual([
			[false, 'SKU-404', 'No product with offer_id "SKU-404" in this Ozon account'],
			[false, 'SKU-404', 'No product with offer_id "SKU-404" in this Ozon account'],
			[true, 'SKU-001', undefined],
		]);
	});

	it('under Stop Workflow, the error names the input item of the failed product', async () => {
		mockOzon([product(1)]);
		const { error } = await push([r2Event('SKU-001/1.jpg'), s3Event(['SKU-001/2.jpg'], ['SKU-404/1.jpg'])], {}, {});
		expect(error?.message).toBe('Failed on item 1 (SKU-404): offer_id: No product with offer_id "SKU-404" in this Ozon account');
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
	});
	it("under Stop Workflow, a failure that stops the node names the input item of its product, not the product's place among the products", async () => {
		// Two deletions first: the one product (product 0) is named by input item 2.
		ozon().post('/v3/product/info/list').reply(403, { code: 7, message: 'Invalid Api-Key, please contact support' });
		const { error, output } = await push([r2Event('SKU-001/1.jpg', 'DeleteObject'), r2Event('SKU-002/1.jpg', 'DeleteObject'), r2Event('SKU-001/1.jpg')], {}, {});
		expect(output).toEqual([]);
		expect(error?.message).toContain('Ozon refused access to /v3/product/info/list (HTTP 403)');
		expect((error as NodeOperationError).context.itemIndex).toBe(2);
	});
});

describe('storage objects: Dry Run and Mode', () => {
	it('Dry Run shows, per product, the keys grouped, the URLs built and the request; nothing is sent', async () => {
		const { imports } = mockOzon();
		const { json } = await push([workerBatch(r2Event('SKU-001/10.jpg'), r2Event('SKU-001/2.jpg')), r2Event('SKU-001/1.jpg')], { options: { dryRun: true } });

		expect(imports).toEqual([]);
		const keys = ['SKU-001/1.jpg', 'SKU-001/2.jpg', 'SKU-001/10.jpg'];
		for (const item of json) {
			expect(item).toMatchObject({ success: true, data: { status: 'dry_run', offer_id: 'SKU-001', keys, urls: keys.map(url), request: { endpoint: '/v2/product/pictures/import', body: { items: [{ offer_id: 'SKU-001', primary_image: url(keys[0]), images: keys.slice(1).map(url) }] } } } });
		}
	});

	it.each([
		// Append and Prepend keep the product's main photo first (named in primary_image); the gallery gets the new ones.
		['append', ['https://cdn1.ozone.ru/s3/multimedia-t/main.jpg', 'https://cdn1.ozone.ru/s3/multimedia-t/old.jpg', url('SKU-001/1.jpg'), url('SKU-001/2.jpg')]],
		['prepend', ['https://cdn1.ozone.ru/s3/multimedia-t/main.jpg', url('SKU-001/1.jpg'), url('SKU-001/2.jpg'), 'https://cdn1.ozone.ru/s3/multimedia-t/old.jpg']],
		['replace', [url('SKU-001/1.jpg'), url('SKU-001/2.jpg')]],
	])('Mode %s applies to the grouped product', async (mode, images) => {
		const { imports } = mockOzon([product(1, { primary_image: ['https://cdn1.ozone.ru/s3/multimedia-t/main.jpg'], images: ['https://cdn1.ozone.ru/s3/multimedia-t/old.jpg'] })]);
		await push([r2Event('SKU-001/2.jpg'), r2Event('SKU-001/1.jpg')], { mode });
		expect(sent(imports)).toEqual([[['SKU-001', images]]]);
	});

	it("a product's push takes the first item's choices; a later item with other ones is told", async () => {
		const { imports } = mockOzon([product(1, { images: ['https://cdn1.ozone.ru/s3/multimedia-t/old.jpg'] })]);
		const { json } = await push([{ key: 'SKU-001/1.jpg', mode: 'append' }, { key: 'SKU-001/2.jpg', mode: 'replace' }], { storageObject: '={{ $json.key }}', mode: '={{ $json.mode }}' });
		expect(sent(imports)).toEqual([[['SKU-001', ['https://cdn1.ozone.ru/s3/multimedia-t/old.jpg', url('SKU-001/1.jpg'), url('SKU-001/2.jpg')]]]]);
		expect(json[0].warnings).toEqual([]);
		expect(json[1].warnings).toEqual([
			{ field: 'options', message: "This product's photos went in one push with the choices of item 0, the first naming it: this item's Mode differ and were not used" },
		]);
	});

	it('Image URLs (the default) is unchanged: the URL fields name the product', async () => {
		const { imports } = mockOzon();
		await push([{ offer: 'SKU-001', urls: 'https://img.example/1.jpg' }], { imageSource: undefined, identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}' });
		expect(sent(imports)).toEqual([[['SKU-001', ['https://img.example/1.jpg']]]]);
	});

	it('an Image Source the node does not know fails every item and sends nothing', async () => {
		const { lookups } = mockOzon();
		const { json } = await push([{ key: 'SKU-001/1.jpg' }], { imageSource: 'bucket' });
		expect(lookups).toEqual([]);
		expect(json[0]).toMatchObject({ success: false, errors: [{ field: 'imageSource', reason: 'Image Source must be Image URLs or Storage Objects (got "bucket")' }] });
	});
});
