/**
 * One item's storage objects, from what it carries to the photos it names: records read, keys
 * matched against the Key Pattern, identifiers validated, URLs built. Pure; bad input fails the item.
 */
import type { IdentifyBy, ItemError, ItemWarning } from '../types';
import { validateIdentifier } from '../validate';
import { readStorageObject, StorageObjectError, type IgnoredReason, type StorageRecord } from './events';
import { keysText, shownKey } from './keys';
import type { KeyPattern, StepMeter } from './pattern';
import { BaseUrlError, type PublicBase } from './publicUrl';

/** What to do with a key the Key Pattern does not match. */
export type KeysOutsidePattern = 'skip' | 'error';

export interface StorageItemRequest {
	object: unknown;
	base: PublicBase;
	pattern: KeyPattern;
	keysOutsidePattern: KeysOutsidePattern;
	/** The credential's Api-Key: never shown nor sent, wherever an event holds it. */
	secrets?: readonly string[];
}

/** A photo one item names: its product, its place and its URL. */
export interface NamedPhoto {
	key: string;
	url: string;
	identifyBy: IdentifyBy;
	identifier: string;
	position?: number;
}

/** A deletion the item names: the URL its key had, and how many of the item's photos came before it. */
export interface NamedDeletion {
	url: string;
	after: number;
}

export type StorageItemReading =
	| { ok: true; photos: NamedPhoto[]; deletions: NamedDeletion[]; warnings: ItemWarning[] }
	| { ok: false; errors: ItemError[]; warnings: ItemWarning[] };

const FIELD = 'storageObject';

/** Where AWS SNS sends SubscribeURLs from: `https://sns.<region>.amazonaws.com/…` (`.com.cn` in China). */
const AWS_SNS_URL = /^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

const REMOVE_PHOTOS_HINT = "To remove photos from Ozon, push the folder's listing with Mode \"Replace\"";

/** The warning for the records ignored for one reason. */
function ignoredWarning(reason: IgnoredReason, records: Array<Extract<StorageRecord, { kind: 'ignored' }>>): ItemWarning {
	const keys = records.flatMap((record) => (record.key === undefined ? [] : [record.key]));
	const which = keys.length > 0 ? `: ${keysText(keys)}` : '';
	const details = [...new Set(records.flatMap((record) => (record.detail === undefined ? [] : [record.detail])))];
	switch (reason) {
		case 'deletion':
			return { field: FIELD, message: `Ignored ${records.length} deletion(s) (${details.join(', ')})${which}. Nothing is sent for a deletion. ${REMOVE_PHOTOS_HINT}` };
		case 'test':
			return { field: FIELD, message: "Ignored S3's test event (s3:TestEvent, sent when a notification is configured): nothing to send" };
		case 'subscription': {
			const url = records.find((record) => record.detail?.startsWith('http'))?.detail;
			if (url === undefined) {
				return { field: FIELD, message: `Ignored an SNS ${details.join(', ') || 'subscription message'}: nothing is sent (n8n's AWS SNS Trigger handles subscriptions by itself)` };
			}
			// Anyone who knows the webhook's address can post a confirmation: only an AWS address is offered to open.
			return {
				field: FIELD,
				message: AWS_SNS_URL.test(url)
					? `Ignored an SNS subscription confirmation: nothing is sent. To confirm the subscription, open its SubscribeURL: ${url} — or use n8n's AWS SNS Trigger, which confirms by itself`
					: "Ignored an SNS subscription confirmation: nothing is sent. Its SubscribeURL is not an AWS SNS address, so it is not shown (was the message forged?); n8n's AWS SNS Trigger subscribes and confirms by itself",
			};
		}
		case 'folder':
			return { field: FIELD, message: `Ignored ${records.length} folder entr${records.length === 1 ? 'y' : 'ies'} of the listing${which}: nothing to send` };
		default:
			return { field: FIELD, message: `Ignored ${records.length} event(s) that are not uploads (${details.join(', ')})${which}: nothing is sent for them` };
	}
}

/** Reads one item's storage objects. `meter` counts the Key Pattern's matching steps. */
export function readStorageItem(request: StorageItemRequest, meter?: StepMeter): StorageItemReading {
	const warnings: ItemWarning[] = [];
	const records = readStorageObject(request.object, request.secrets);
	if (records instanceof StorageObjectError) return { ok: false, errors: [{ field: FIELD, reason: records.message }], warnings };

	const ignored = new Map<IgnoredReason, Array<Extract<StorageRecord, { kind: 'ignored' }>>>();
	const outside: string[] = [];
	const photos: NamedPhoto[] = [];
	const deletions: NamedDeletion[] = [];
	for (const record of records) {
		if (record.kind === 'ignored') {
			// An upload deleted after it (in this item or a later one) cannot be fetched by Ozon: see storage.ts.
			const deleted = record.reason === 'deletion' && record.key !== undefined ? request.base.urlOf(record.key) : undefined;
			if (typeof deleted === 'string') deletions.push({ url: deleted, after: photos.length });
			const list = ignored.get(record.reason) ?? [];
			ignored.set(record.reason, list);
			list.push(record);
			continue;
		}
		const { key } = record;
		const match = request.pattern.match(key, meter);
		if (!match) {
			if (request.keysOutsidePattern === 'error') {
				return { ok: false, errors: [{ field: 'keyPattern', reason: `Key "${shownKey(key)}" does not match the Key Pattern "${request.pattern.text}"` }], warnings };
			}
			outside.push(key);
			continue;
		}
		// Composed (NFC), as articles are typed: macOS names files decomposed (NFD), and "Café" must find one product.
		const id = validateIdentifier(match.identifyBy, match.identifier.normalize('NFC'));
		if (id.error) return { ok: false, errors: [{ field: FIELD, reason: `Key "${shownKey(key)}": ${id.error.reason}` }], warnings };
		const url = request.base.urlOf(key);
		if (url instanceof BaseUrlError) return { ok: false, errors: [{ field: 'publicBaseUrl', reason: url.message }], warnings };
		photos.push({ key, url, identifyBy: match.identifyBy, identifier: id.value as string, position: match.position });
	}

	for (const [reason, list] of ignored) warnings.push(ignoredWarning(reason, list));
	if (outside.length > 0) {
		warnings.push({ field: 'keyPattern', message: `Skipped ${outside.length} key(s) that do not match the Key Pattern "${request.pattern.text}" (nothing sent for them): ${keysText(outside)}` });
	}
	return { ok: true, photos, deletions, warnings };
}
