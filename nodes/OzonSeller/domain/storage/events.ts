/**
 * Reads what an item carries as storage objects into records: the key of each upload, and what is
 * not an upload with the reason. The shapes and their sources are in docs/storage-events.md:
 * R2 event notifications (alone, in a Worker's `{ messages: [{ body }] }` batch, or as HTTP pull
 * messages with a base64 body), S3 events (`Records[]`, the test event), SNS notifications and
 * subscription confirmations, MinIO webhook bodies, listing entries of n8n's S3 nodes (`Key`),
 * `{ key }` and plain keys, each also as JSON text, and lists of any of them.
 */
import { decodeKey, KeyError, type KeyEncoding } from './keys';
import { MAX_NESTING, MAX_OBJECT_TEXT_LENGTH, MAX_RECORDS_PER_ITEM } from './limits';

/** One object the item names: an upload to push, or something else that is ignored (with why). */
export type StorageRecord =
	| { kind: 'upload'; key: string }
	| { kind: 'ignored'; reason: IgnoredReason; key?: string; detail?: string };

/**
 * Why a record sends nothing. `deletion`: an object was removed (`DeleteObject`, `LifecycleDeletion`,
 * `ObjectRemoved:*`); `test`: S3's `s3:TestEvent`; `subscription`: an SNS subscription or
 * unsubscription message; `folder`: a listing's folder entry; `other`: an event that is not an upload.
 */
export type IgnoredReason = 'deletion' | 'test' | 'subscription' | 'folder' | 'other';

/** What the item carries cannot be read: the item fails with this reason and sends nothing. */
export class StorageObjectError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StorageObjectError';
	}
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const R2_UPLOADS = new Set(['PutObject', 'CopyObject', 'CompleteMultipartUpload']);
const R2_DELETIONS = new Set(['DeleteObject', 'LifecycleDeletion']);

/**
 * The node's secrets (its Ozon Api-Key) as they must never show: text holding one is not read, a key
 * holding one is refused (its URL would carry it to Ozon), and what a message quotes is cleaned before
 * it is shortened, so no part of a secret survives the cut.
 */
class Secrets {
	constructor(private readonly secrets: readonly string[]) {}

	holds(text: string): boolean {
		return this.secrets.some((secret) => text.includes(secret));
	}

	clean(text: string): string {
		return this.secrets.reduce((result, secret) => (result.includes(secret) ? result.split(secret).join('[redacted]') : result), text);
	}
}

/** What a value is, for a message: never the value itself, which may be anything. */
function describe(value: unknown, secrets: Secrets): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (isObject(value)) {
		const fields = Object.keys(value);
		const named = secrets.clean(fields.slice(0, 6).join(', '));
		return fields.length === 0 ? 'an empty object' : `an object with ${named}${fields.length > 6 ? ', …' : ''}`;
	}
	return `a ${typeof value}`;
}

/** The records of one item, read in one pass; at most MAX_RECORDS_PER_ITEM. */
class RecordReader {
	readonly records: StorageRecord[] = [];

	constructor(private readonly secrets: Secrets) {}

	/** Refuses, before reading any of them, more entries than the item may still hold. */
	private room(count: number, what: string): void {
		if (count > MAX_RECORDS_PER_ITEM - this.records.length) {
			throw new StorageObjectError(`${count} ${what} in one item; at most ${MAX_RECORDS_PER_ITEM} are read per item (split the batch)`);
		}
	}

	private add(record: StorageRecord): void {
		this.room(1, 'records');
		this.records.push(record);
	}

	private upload(raw: unknown, encoding: KeyEncoding, where: string): void {
		if (typeof raw !== 'string') throw new StorageObjectError(`${where} has no key (got ${this.describe(raw)})`);
		const key = this.secrets.holds(raw) ? raw : decodeKey(raw, encoding);
		if (typeof key === 'string' && this.secrets.holds(key)) throw new StorageObjectError(HOLDS_SECRET('A key'));
		if (key instanceof KeyError) throw new StorageObjectError(key.message);
		this.add({ kind: 'upload', key });
	}

	private ignored(reason: IgnoredReason, raw: unknown, encoding: KeyEncoding, detail?: string): void {
		// A key that cannot be decoded is no reason to fail an event that sends nothing anyway.
		const key = typeof raw === 'string' && !this.secrets.holds(raw) ? decodeKey(raw, encoding) : undefined;
		const shown = key instanceof KeyError || (key !== undefined && this.secrets.holds(key)) ? undefined : key;
		this.add({ kind: 'ignored', reason, key: shown, detail: detail === undefined ? undefined : this.secrets.clean(detail).slice(0, 80) });
	}

	read(value: unknown, depth: number): void {
		if (depth > MAX_NESTING) throw new StorageObjectError(`Nested more than ${MAX_NESTING} levels deep: not a storage event`);
		if (typeof value === 'string') return this.readText(value, depth);
		if (Array.isArray(value)) return this.readList(value, depth, 'entries');
		if (!isObject(value)) throw new StorageObjectError(`Expected a storage event, queue message, listing entry or key, got ${this.describe(value)}`);
		this.readObject(value, depth);
	}

	private readList(list: unknown[], depth: number, what: string): void {
		this.room(list.length, what);
		for (const entry of list) this.read(entry, depth + 1);
	}

	/** JSON text (an SNS body handed over as text, a message body) or a plain key. */
	private readText(text: string, depth: number): void {
		const trimmed = text.trim();
		if (/^[[{"]/.test(trimmed)) return this.read(this.parseJson(trimmed, 'The storage object'), depth + 1);
		this.upload(text, 'plain', 'The text');
	}

	private readObject(value: Json, depth: number): void {
		// n8n's Webhook node: the request, with what was posted under `body`.
		if ('body' in value && isObject(value.headers)) return this.read(value.body, depth + 1);
		if (typeof value.Type === 'string' && ('TopicArn' in value || 'MessageId' in value)) return this.readSns(value, depth);
		if (value.Event === 's3:TestEvent') return this.add({ kind: 'ignored', reason: 'test' });
		if (Array.isArray(value.Records)) return this.readRecords(value.Records);
		if (isObject(value.s3)) return this.readS3Record(value);
		// The pull API's answer first: its envelope also has a `messages` list (the API's notices).
		if (isObject(value.result) && Array.isArray(value.result.messages)) return this.readMessages(value.result.messages, depth);
		if (Array.isArray(value.messages)) return this.readMessages(value.messages, depth);
		if (typeof value.action === 'string' && isObject(value.object)) return this.readR2(value);
		if ('body' in value) return this.readMessage(value, depth);
		if (typeof value.Key === 'string') return this.readListingEntry(value.Key);
		if (typeof value.key === 'string') return this.upload(value.key, 'plain', 'The object');
		throw new StorageObjectError(
			`Not a storage event, queue message or listing entry: expected an R2 notification (action, object.key), an S3 or MinIO event (Records), an SNS message (Type, Message), a queue batch (messages), a listing entry (Key) or { key }; got ${this.describe(value)}`,
		);
	}

	/** SNS over HTTP (or n8n's AWS SNS Trigger): a notification holds the S3 event as JSON text. */
	private readSns(value: Json, depth: number): void {
		if (value.Type === 'Notification') {
			if (typeof value.Message !== 'string') throw new StorageObjectError('SNS notification without a Message text');
			return this.read(this.parseJson(value.Message, 'The SNS notification\'s Message'), depth + 1);
		}
		if (value.Type === 'SubscriptionConfirmation') {
			// A URL holding a secret is not offered at all: cut short, it would still show part of it.
			const url = typeof value.SubscribeURL === 'string' && !this.secrets.holds(value.SubscribeURL) ? value.SubscribeURL.slice(0, 2048) : undefined;
			return this.add({ kind: 'ignored', reason: 'subscription', detail: url });
		}
		this.add({ kind: 'ignored', reason: value.Type === 'UnsubscribeConfirmation' ? 'subscription' : 'other', detail: `SNS ${this.secrets.clean(String(value.Type)).slice(0, 60)}` });
	}

	private readRecords(records: unknown[]): void {
		this.room(records.length, 'event records');
		for (const record of records) {
			if (!isObject(record) || !isObject(record.s3)) throw new StorageObjectError(`An event record without s3 (got ${this.describe(record)})`);
			this.readS3Record(record);
		}
	}

	/** An S3 or MinIO record: the key is form-encoded; `eventName` says what happened (MinIO prefixes `s3:`). */
	private readS3Record(record: Json): void {
		const object = isObject(record.s3) && isObject(record.s3.object) ? record.s3.object : undefined;
		const key = object?.key;
		const name = typeof record.eventName === 'string' ? record.eventName.replace(/^s3:/, '') : undefined;
		if (name === undefined) throw new StorageObjectError('An S3 event record without eventName');
		if (name.startsWith('ObjectCreated:')) return this.upload(key, 'form', 'An S3 event record');
		const deletion = name.startsWith('ObjectRemoved:') || name.startsWith('LifecycleExpiration:');
		this.ignored(deletion ? 'deletion' : 'other', key, 'form', name);
	}

	/** An R2 event notification, as R2 puts it on the queue: the key as given. */
	private readR2(value: Json): void {
		const key = (value.object as Json).key;
		const action = String(value.action);
		if (R2_UPLOADS.has(action)) return this.upload(key, 'plain', 'An R2 event notification');
		this.ignored(R2_DELETIONS.has(action) ? 'deletion' : 'other', key, 'plain', action);
	}

	private readMessages(messages: unknown[], depth: number): void {
		this.room(messages.length, 'queue messages');
		for (const message of messages) {
			if (!isObject(message) || !('body' in message)) throw new StorageObjectError(`A queue message without a body (got ${this.describe(message)})`);
			this.readMessage(message, depth + 1);
		}
	}

	/**
	 * A queue message: a Worker's (`body` as sent) or the HTTP pull API's, whose body is base64 for
	 * `json` and `bytes` messages (`metadata["CF-Content-Type"]`); without that field, a body that is
	 * not JSON text is read as base64 when it is valid base64 of JSON.
	 */
	private readMessage(message: Json, depth: number): void {
		const body = message.body;
		if (typeof body !== 'string') return this.read(body, depth + 1);
		const contentType = isObject(message.metadata) ? message.metadata['CF-Content-Type'] : undefined;
		if (contentType === 'json' || contentType === 'bytes') return this.read(this.parseJson(fromBase64(body), 'The message body'), depth + 1);
		if (contentType === undefined && !/^\s*[[{"]/.test(body)) {
			const decoded = tryBase64(body);
			if (decoded !== undefined && /^\s*[[{]/.test(decoded)) return this.read(this.parseJson(decoded, 'The message body'), depth + 1);
		}
		this.readText(body, depth + 1);
	}

	/** An entry of n8n's S3 / AWS S3 node listing: the key as stored; a folder's entry ends in "/". */
	private readListingEntry(key: string): void {
		if (key.endsWith('/')) return this.ignored('folder', key, 'plain');
		this.upload(key, 'plain', 'The listing entry');
	}

	private describe(value: unknown): string {
		return describe(value, this.secrets);
	}

	/** JSON text, unless it holds a secret: a parse error quotes the text around where it failed. */
	private parseJson(text: string, what: string): unknown {
		if (this.secrets.holds(text)) throw new StorageObjectError(HOLDS_SECRET(what));
		return parseJson(text, what);
	}
}

/** An item holding the credential's Api-Key is not read: nothing of it could be shown or sent safely. */
const HOLDS_SECRET = (what: string) => `${what} holds this node's Ozon API key: not read, nor shown, nor sent`;

function parseJson(text: string, what: string): unknown {
	if (text.length > MAX_OBJECT_TEXT_LENGTH) throw new StorageObjectError(`${what} is ${text.length} characters long; at most ${MAX_OBJECT_TEXT_LENGTH} are read`);
	let failure: string | undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(text) as unknown;
	} catch (error) {
		failure = (error as Error).message;
	}
	if (failure !== undefined) throw new StorageObjectError(`${what} is not valid JSON: ${failure}`);
	return parsed;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function tryBase64(text: string): string | undefined {
	const compact = text.replace(/\s+/g, '');
	if (compact.length === 0 || compact.length % 4 !== 0 || compact.length > MAX_OBJECT_TEXT_LENGTH || !BASE64.test(compact)) return undefined;
	return Buffer.from(compact, 'base64').toString('utf8');
}

function fromBase64(text: string): string {
	const decoded = tryBase64(text);
	if (decoded === undefined) throw new StorageObjectError('The message body is not valid base64 (the pull API sends json and bytes messages in base64)');
	return decoded;
}

/**
 * The records of what one item carries, or why it cannot be read (then nothing of it is sent): not
 * a shape the node knows, malformed JSON, too many records, a key the node refuses, text or a key
 * holding one of `secrets` (the credential's Api-Key).
 */
export function readStorageObject(value: unknown, secrets: readonly string[] = []): StorageRecord[] | StorageObjectError {
	const reader = new RecordReader(new Secrets(secrets));
	try {
		reader.read(value, 0);
	} catch (error) {
		return error instanceof StorageObjectError ? error : new StorageObjectError(`Could not be read: ${(error as Error).message}`);
	}
	return reader.records;
}
