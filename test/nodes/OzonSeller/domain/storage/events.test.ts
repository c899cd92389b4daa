/** Every shape of docs/storage-events.md, built from the documented examples (test/fixtures/storageEvents.ts cites each source). */
import { readStorageObject, StorageObjectError, type StorageRecord } from '../../../../../nodes/OzonSeller/domain/storage/events';
import { MAX_RECORDS_PER_ITEM } from '../../../../../nodes/OzonSeller/domain/storage/limits';
import { valueOf } from '../../../../helpers/results';
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
} from '../../../../fixtures/storageEvents';

const records = (value: unknown): StorageRecord[] => valueOf(readStorageObject(value));

function failure(value: unknown): string {
	const read = readStorageObject(value);
	if (!(read instanceof StorageObjectError)) throw new Error(`expected a failure, got ${JSON.stringify(read)}`);
	return read.message;
}

const upload = (key: string): StorageRecord => ({ kind: 'upload', key });

describe('readStorageObject: uploads in each documented shape', () => {
	it.each([
		['an R2 event notification (PutObject), its key as given', r2Event('SKU-001/2 b+c.jpg'), [upload('SKU-001/2 b+c.jpg')]],
		['an R2 CopyObject and CompleteMultipartUpload', [r2Event('SKU-001/1.jpg', 'CopyObject'), r2Event('SKU-001/2.jpg', 'CompleteMultipartUpload')], [upload('SKU-001/1.jpg'), upload('SKU-001/2.jpg')]],
		['a Worker-forwarded batch { messages: [{ body }] }', workerBatch(r2Event('SKU-001/2.jpg'), r2Event('SKU-001/1.jpg')), [upload('SKU-001/2.jpg'), upload('SKU-001/1.jpg')]],
		['an R2 HTTP pull message with a base64 body', pullMessage(r2Event('SKU-001/1.jpg')), [upload('SKU-001/1.jpg')]],
		['an HTTP pull answer (result.messages)', { success: true, errors: [], messages: [], result: { messages: [pullMessage(r2Event('SKU-002/1.jpg'))] } }, [upload('SKU-002/1.jpg')]],
		['an S3 event: the key form-decoded (+ is a space)', s3Event(['SKU-001/2+b.jpg'], ['SKU-001/%D1%84%D0%BE%D1%82%D0%BE+1.jpg']), [upload('SKU-001/2 b.jpg'), upload('SKU-001/фото 1.jpg')]],
		['an SNS notification holding an S3 event', snsNotification(s3Event(['SKU-003/1.jpg'])), [upload('SKU-003/1.jpg')]],
		['an SNS notification handed over as text', JSON.stringify(snsNotification(s3Event(['SKU-003/1+x.jpg']))), [upload('SKU-003/1 x.jpg')]],
		['a webhook request whose text body is an SNS notification', webhookItem(JSON.stringify(snsNotification(s3Event(['SKU-003/2.jpg']))), 'text/plain; charset=UTF-8'), [upload('SKU-003/2.jpg')]],
		['a MinIO webhook body: Records[].s3.object.key query-escaped', minioEvent('SKU-004/1 a.jpg', 'SKU-004%2F1+a.jpg'), [upload('SKU-004/1 a.jpg')]],
		["an n8n S3 node listing entry (Key as stored: '+' stays)", listingEntry('products/SKU-005/1+1.jpg'), [upload('products/SKU-005/1+1.jpg')]],
		['{ key }', { key: 'SKU-006/1.jpg' }, [upload('SKU-006/1.jpg')]],
		['a plain key', 'SKU-007/1.jpg', [upload('SKU-007/1.jpg')]],
		['a list of shapes', [listingEntry('SKU-005/1.jpg'), 'SKU-005/2.jpg'], [upload('SKU-005/1.jpg'), upload('SKU-005/2.jpg')]],
		['a webhook request carrying a Worker batch', webhookItem(workerBatch(r2Event('SKU-001/1.jpg'))), [upload('SKU-001/1.jpg')]],
	])('%s', (_name, value, expected) => {
		expect(records(value)).toEqual(expected);
	});

	it('reads a pull message without its metadata when the body is base64 of JSON', () => {
		const message = { ...pullMessage(r2Event('SKU-001/1.jpg')), metadata: undefined };
		expect(records(message)).toEqual([upload('SKU-001/1.jpg')]);
	});

	it('reads a text message body as the key it holds', () => {
		expect(records({ id: 'm1', body: 'SKU-001/1.jpg', metadata: { 'CF-Content-Type': 'text' } })).toEqual([upload('SKU-001/1.jpg')]);
	});
});

describe('readStorageObject: what is not an upload', () => {
	it.each([
		['an R2 DeleteObject', r2Event('SKU-001/1.jpg', 'DeleteObject'), { kind: 'ignored', reason: 'deletion', key: 'SKU-001/1.jpg', detail: 'DeleteObject' }],
		['an R2 LifecycleDeletion', r2Event('SKU-001/1.jpg', 'LifecycleDeletion'), { kind: 'ignored', reason: 'deletion', key: 'SKU-001/1.jpg', detail: 'LifecycleDeletion' }],
		['an S3 ObjectRemoved:Delete', s3Event(['SKU-001/1+a.jpg', 'ObjectRemoved:Delete']), { kind: 'ignored', reason: 'deletion', key: 'SKU-001/1 a.jpg', detail: 'ObjectRemoved:Delete' }],
		['an S3 ObjectRemoved:DeleteMarkerCreated', s3Event(['SKU-001/1.jpg', 'ObjectRemoved:DeleteMarkerCreated']), { kind: 'ignored', reason: 'deletion', key: 'SKU-001/1.jpg', detail: 'ObjectRemoved:DeleteMarkerCreated' }],
		['a MinIO s3:ObjectRemoved:Delete', minioEvent('SKU-001/1.jpg', 'SKU-001%2F1.jpg', 's3:ObjectRemoved:Delete'), { kind: 'ignored', reason: 'deletion', key: 'SKU-001/1.jpg', detail: 'ObjectRemoved:Delete' }],
		['an S3 restore', s3Event(['SKU-001/1.jpg', 'ObjectRestore:Completed']), { kind: 'ignored', reason: 'other', key: 'SKU-001/1.jpg', detail: 'ObjectRestore:Completed' }],
		["S3's test event", S3_TEST_EVENT, { kind: 'ignored', reason: 'test' }],
		["S3's test event inside SNS", snsNotification(S3_TEST_EVENT), { kind: 'ignored', reason: 'test' }],
		['an SNS subscription confirmation', SNS_SUBSCRIPTION_CONFIRMATION, { kind: 'ignored', reason: 'subscription', detail: SNS_SUBSCRIBE_URL }],
		['an SNS unsubscribe confirmation', { ...SNS_SUBSCRIPTION_CONFIRMATION, Type: 'UnsubscribeConfirmation' }, { kind: 'ignored', reason: 'subscription', detail: 'SNS UnsubscribeConfirmation' }],
		["a listing's folder entry", listingEntry('products/SKU-001/'), { kind: 'ignored', reason: 'folder', key: 'products/SKU-001/' }],
	])('%s is ignored, with why', (_name, value, expected) => {
		expect(records(value)).toEqual([expected]);
	});

	it('a deletion whose key cannot be decoded is still just ignored', () => {
		expect(records(s3Event(['SKU-001/%ZZ.jpg', 'ObjectRemoved:Delete']))).toEqual([{ kind: 'ignored', reason: 'deletion', key: undefined, detail: 'ObjectRemoved:Delete' }]);
	});
});

describe('readStorageObject: bad input fails with a reason', () => {
	it.each([
		['malformed JSON text', '{"Records": [', /^The storage object is not valid JSON: /],
		['an SNS Message that is not JSON', { ...snsNotification({}), Message: 'not json' }, /^The SNS notification's Message is not valid JSON/],
		['a pull message whose json body is not base64', { ...pullMessage({}), body: '###' }, /not valid base64/],
		['an unknown object', { hello: 'world' }, /^Not a storage event, queue message or listing entry: .*got an object with hello$/],
		['a number', 42, /got a number$/],
		['null', null, /got null$/],
		['an upload without a key', { ...r2Event('x'), object: { size: 1 } }, /^An R2 event notification has no key/],
		['a key with a ".." segment', r2Event('SKU-001/../secret.jpg'), /has a "\." or "\.\." segment/],
		['a key with a control character (form-encoded %0A)', s3Event(['SKU-001/1%0A.jpg']), /contains control characters/],
		['a key that is not valid URL encoding', s3Event(['SKU-001/%E0%A4%A.jpg']), /not valid URL encoding/],
		['a 2,000-character key', { key: 'k'.repeat(2000) }, /^Key is 2000 characters long/],
		['wrappers nested too deep', JSON.parse(`${'['.repeat(20)}"k"${']'.repeat(20)}`), /Nested more than/],
	])('%s', (_name, value, reason) => {
		expect(failure(value)).toMatch(reason);
	});

	/** A list whose entries count their reads: what was looked at, not how long it took. */
	function countingList(count: number, entry: () => unknown): { list: unknown[]; reads: () => number } {
		let reads = 0;
		const list = new Proxy(new Array<unknown>(count).fill(null), {
			get(target, property, receiver) {
				if (typeof property === 'string' && /^\d+$/.test(property)) {
					reads++;
					return entry();
				}
				return Reflect.get(target, property, receiver) as unknown;
			},
		});
		return { list, reads: () => reads };
	}

	it.each([
		['S3 Records', (list: unknown[]) => ({ Records: list }), () => s3Event(['SKU-001/1.jpg'])],
		['batch messages', (list: unknown[]) => ({ messages: list }), () => ({ body: r2Event('SKU-001/1.jpg') })],
		['a list of events', (list: unknown[]) => list, () => r2Event('SKU-001/1.jpg')],
	])('10,000 %s fail the item before a single one is read', (_name, wrap, entry) => {
		const { list, reads } = countingList(10_000, entry);
		expect(failure(wrap(list))).toMatch(new RegExp(`^10000 .* in one item; at most ${MAX_RECORDS_PER_ITEM} are read per item`));
		expect(reads()).toBe(0);
	});

	it('counts records over nested batches: the item stops at the limit, reading no entry past it', () => {
		const batches = Array.from({ length: 20 }, () => countingList(60, () => ({ body: r2Event('SKU-001/1.jpg') })));
		expect(failure(batches.map(({ list }) => ({ messages: list })))).toMatch(/in one item; at most 1000/);
		expect(batches.reduce((sum, { reads }) => sum + reads(), 0)).toBe(Math.floor(MAX_RECORDS_PER_ITEM / 60) * 60);
	});

	it('10,000 records as JSON text fail the item too', () => {
		const record = (n: number) => ({ eventName: 'ObjectCreated:Put', s3: { object: { key: `SKU-001/${n}.jpg` } } });
		expect(failure(JSON.stringify({ Records: Array.from({ length: 10_000 }, (_, n) => record(n)) }))).toMatch(/^10000 event records in one item/);
	});

	it('a text longer than any storage object fails before it is parsed', () => {
		expect(failure(`{"key": "${'k'.repeat(4_000_000)}"}`)).toMatch(/^The storage object is 4000011 characters long; at most 4000000 are read$/);
	});
});

describe('readStorageObject: the credential Api-Key in what an item carries', () => {
	const SECRET = 'SECRET-KEY-0123456789';

	it('text or a key holding it is not read, and the reason does not quote it; what a warning would quote is cleaned before it is cut short', () => {
		for (const value of [`{"Records": [ ${SECRET}`, r2Event(`SKU-001/${SECRET}.jpg`), snsNotification(`x ${SECRET}`), { key: `${'x'.repeat(200)}${SECRET}` }]) {
			const read = readStorageObject(value, [SECRET]);
			expect(read).toBeInstanceOf(StorageObjectError);
			expect((read as Error).message).not.toContain(SECRET.slice(0, 8));
		}
		const ignored = readStorageObject([r2Event(`SKU-001/${SECRET}.jpg`, 'DeleteObject'), r2Event('SKU-001/1.jpg', `${'y'.repeat(75)}${SECRET}`)], [SECRET]);
		expect(JSON.stringify(ignored)).not.toContain(SECRET.slice(0, 4));
		expect(ignored).toEqual([
			{ kind: 'ignored', reason: 'deletion', key: undefined, detail: 'DeleteObject' },
			{ kind: 'ignored', reason: 'other', key: 'SKU-001/1.jpg', detail: `${'y'.repeat(75)}[reda` },
		]);
	});
});
