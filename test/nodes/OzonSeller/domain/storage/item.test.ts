import { readStorageItem, type KeysOutsidePattern, type StorageItemReading } from '../../../../../nodes/OzonSeller/domain/storage/item';
import { KeyPattern, type StepMeter } from '../../../../../nodes/OzonSeller/domain/storage/pattern';
import { PublicBase } from '../../../../../nodes/OzonSeller/domain/storage/publicUrl';
import { valueOf } from '../../../../helpers/results';
import { SNS_SUBSCRIBE_URL, SNS_SUBSCRIPTION_CONFIRMATION, S3_TEST_EVENT, listingEntry, r2Event, s3Event, workerBatch } from '../../../../fixtures/storageEvents';

const BASE = valueOf(PublicBase.read('https://pub-0123456789abcdef.r2.dev'));

function read(object: unknown, pattern = 'products/{offer_id}/{position}.jpg', keysOutsidePattern: KeysOutsidePattern = 'skip', meter?: StepMeter): StorageItemReading {
	return readStorageItem({ object, base: BASE, pattern: valueOf(KeyPattern.compile(pattern)), keysOutsidePattern }, meter);
}

describe('readStorageItem', () => {
	it('names each upload’s product, place and URL', () => {
		expect(read(s3Event(['products/SKU-001/2.jpg'], ['products/SKU-002/1.jpg']))).toEqual({
			ok: true,
			warnings: [],
			deletions: [],
			photos: [
				{ key: 'products/SKU-001/2.jpg', url: 'https://pub-0123456789abcdef.r2.dev/products/SKU-001/2.jpg', identifyBy: 'offerId', identifier: 'SKU-001', position: 2 },
				{ key: 'products/SKU-002/1.jpg', url: 'https://pub-0123456789abcdef.r2.dev/products/SKU-002/1.jpg', identifyBy: 'offerId', identifier: 'SKU-002', position: 1 },
			],
		});
	});

	it('says why a deletion, a test event and a subscription send nothing', () => {
		const deletion = read(workerBatch(r2Event('products/SKU-001/1.jpg', 'DeleteObject'), r2Event('products/SKU-001/2.jpg', 'LifecycleDeletion')));
		expect(deletion).toEqual({
			ok: true,
			photos: [],
			// Their URLs, and how many of the item's photos came before each: an earlier upload of one is not sent.
			deletions: [
				{ url: 'https://pub-0123456789abcdef.r2.dev/products/SKU-001/1.jpg', after: 0 },
				{ url: 'https://pub-0123456789abcdef.r2.dev/products/SKU-001/2.jpg', after: 0 },
			],
			warnings: [
				{
					field: 'storageObject',
					message:
						'Ignored 2 deletion(s) (DeleteObject, LifecycleDeletion): "products/SKU-001/1.jpg", "products/SKU-001/2.jpg". Nothing is sent for a deletion. To remove photos from Ozon, push the folder\'s listing with Mode "Replace"',
				},
			],
		});
		expect(read(S3_TEST_EVENT).warnings[0].message).toMatch(/^Ignored S3's test event/);
		expect(read(SNS_SUBSCRIPTION_CONFIRMATION).warnings[0].message).toBe(
			`Ignored an SNS subscription confirmation: nothing is sent. To confirm the subscription, open its SubscribeURL: ${SNS_SUBSCRIBE_URL} — or use n8n's AWS SNS Trigger, which confirms by itself`,
		);
		const forged = read({ ...SNS_SUBSCRIPTION_CONFIRMATION, SubscribeURL: 'https://sns.eu-central-1.amazonaws.com.evil.example/?Action=ConfirmSubscription' });
		expect(forged.warnings[0].message).toMatch(/^Ignored an SNS subscription confirmation: nothing is sent\. Its SubscribeURL is not an AWS SNS address, so it is not shown/);
		expect(JSON.stringify(forged)).not.toContain('evil');
		expect(read(listingEntry('products/SKU-001/')).warnings[0].message).toBe('Ignored 1 folder entry of the listing: "products/SKU-001/": nothing to send');
	});

	it('Keys Outside the Pattern: skip says so, error fails the item', () => {
		const object = [listingEntry('products/SKU-001/1.jpg'), listingEntry('products/SKU-001/thumbs/1.jpg')];
		const skipped = read(object);
		expect(skipped.ok && skipped.photos.map((entry) => entry.key)).toEqual(['products/SKU-001/1.jpg']);
		expect(skipped.warnings).toEqual([{ field: 'keyPattern', message: 'Skipped 1 key(s) that do not match the Key Pattern "products/{offer_id}/{position}.jpg" (nothing sent for them): "products/SKU-001/thumbs/1.jpg"' }]);
		expect(read(object, undefined, 'error')).toEqual({
			ok: false,
			warnings: [],
			errors: [{ field: 'keyPattern', reason: 'Key "products/SKU-001/thumbs/1.jpg" does not match the Key Pattern "products/{offer_id}/{position}.jpg"' }],
		});
	});

	it('fails on an identifier Ozon cannot have and on a URL that is no image URL', () => {
		expect(read({ key: `products/${'A'.repeat(51)}/1.jpg` })).toMatchObject({ ok: false, errors: [{ field: 'storageObject', reason: expect.stringMatching(/: Offer ID is longer than 50 characters$/) }] });
		expect(read({ key: '0/1.jpg' }, '{sku}/*')).toMatchObject({ ok: false, errors: [{ field: 'storageObject', reason: 'Key "0/1.jpg": SKU is out of range' }] });
		expect(read({ key: `products/S/1.jpg${''}` }, 'products/{offer_id}/**')).toMatchObject({ ok: true });
		expect(read({ key: `products/S/${'%'.repeat(700)}.jpg` }, 'products/{offer_id}/**')).toMatchObject({ ok: false, errors: [{ field: 'publicBaseUrl' }] });
	});

	it('a 2,000-character key and 10,000 records fail the item without one matching step', () => {
		const meter: StepMeter = { steps: 0 };
		const key = `products/SKU-1/${'1'.repeat(1981)}.jpg`;
		expect(key).toHaveLength(2000);
		expect(read({ key }, undefined, 'skip', meter)).toMatchObject({ ok: false, errors: [{ reason: 'Key is 2000 characters long; storage keys are at most 1024 bytes' }] });
		expect(read({ messages: Array.from({ length: 10_000 }, (_, n) => ({ body: r2Event(`products/SKU-1/${n}.jpg`) })) }, undefined, 'skip', meter)).toMatchObject({
			ok: false,
			errors: [{ field: 'storageObject', reason: '10000 queue messages in one item; at most 1000 are read per item (split the batch)' }],
		});
		expect(meter.steps).toBe(0);
	});

	it('1,000 records of 1,024-character keys: matching steps linear in the keys read', () => {
		const meter: StepMeter = { steps: 0 };
		const key = (n: number) => `products/SKU-${n}/${'1'.repeat(1024 - `products/SKU-${n}/.jpg`.length)}.jpg`;
		const reading = read(Array.from({ length: 1000 }, (_, n) => ({ key: key(n) })), undefined, 'skip', meter);
		expect(reading.ok && reading.photos.length).toBe(1000);
		const pattern = valueOf(KeyPattern.compile('products/{offer_id}/{position}.jpg'));
		expect(meter.steps).toBeLessThanOrEqual(3 * 1000 * 1025 * pattern.size);
	});
});
