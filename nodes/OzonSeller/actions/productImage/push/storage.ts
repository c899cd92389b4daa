/**
 * Push Images with Image Source "Storage Objects": every item's upload events, queue messages or
 * listing entries are read (domain/storage/), their photos grouped into one push per product, and
 * those pushes go through the same stages and write path as URL pushes. Each item leaves with one
 * result per product it names (paired to it), or one result of its own: `ignored`, or `invalid`.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { groupBy } from '../../../domain/collections';
import { groupByProduct, type ItemPhotos, type ProductGroup } from '../../../domain/storage/group';
import { readStorageItem, type KeysOutsidePattern, type NamedDeletion, type NamedPhoto } from '../../../domain/storage/item';
import { keysText } from '../../../domain/storage/keys';
import { KeyPattern, PatternError } from '../../../domain/storage/pattern';
import { BaseUrlError, PublicBase } from '../../../domain/storage/publicUrl';
import type { ApiVersion, ItemError, ItemWarning, PushMode, TooManyImages } from '../../../domain/types';
import { validatePushInput } from '../../../domain/validate';
import { credentialSecrets } from '../../../transport';
import type { ExecutionWrites } from '../../../writes/execution';
import { ITEMS_PER_TURN } from '../../common/concurrency';
import { settledResultsOf } from '../../common/earlierTries';
import { identifierData } from '../../common/identify';
import { ItemLedger, resultForItem } from '../../common/ledger';
import type { ValidEntry } from './entries';
import { pushReadEntries } from './stages';

/** The choices of a push an item makes, whatever its image source. */
export interface PushChoices {
	mode: PushMode;
	tooManyImages: TooManyImages;
	apiVersion: ApiVersion;
	dryRun: boolean;
	checkUrls: boolean;
}

/** One item's parameters with Image Source "Storage Objects". */
export interface StorageItemInput extends PushChoices {
	object: unknown;
	publicBaseUrl: unknown;
	keyPattern: unknown;
	keysOutsidePattern: KeysOutsidePattern;
	/** Choice values the node cannot use: the item fails with them and sends nothing. */
	errors: ItemError[];
	warnings: ItemWarning[];
}

const CHOICE_NAMES: Record<keyof PushChoices, string> = {
	mode: 'Mode',
	tooManyImages: 'Too Many Images',
	apiVersion: 'API Version',
	dryRun: 'Dry Run',
	checkUrls: 'Check URLs First',
};

/** Compiles each distinct Key Pattern and Public Base URL once per execution: they are usually one value. */
class ItemSettings {
	private readonly patterns = new Map<string, KeyPattern | PatternError>();

	private readonly bases = new Map<string, PublicBase | BaseUrlError>();

	pattern(raw: unknown): KeyPattern | ItemError {
		if (typeof raw !== 'string') return { field: 'keyPattern', reason: 'Key Pattern must be text, such as {offer_id}/*' };
		let pattern = this.patterns.get(raw);
		if (!pattern) this.patterns.set(raw, (pattern = KeyPattern.compile(raw.trim())));
		return pattern instanceof KeyPattern ? pattern : { field: 'keyPattern', reason: `Key Pattern "${raw.slice(0, 100)}": ${pattern.message}` };
	}

	base(raw: unknown): PublicBase | ItemError {
		const text = typeof raw === 'string' ? raw : '';
		let base = this.bases.get(text);
		if (!base) this.bases.set(text, (base = PublicBase.read(text)));
		return base instanceof PublicBase ? base : { field: 'publicBaseUrl', reason: base.message };
	}
}

/** What one item names: its photos, and the deletions among its records. */
interface ItemReading {
	photos: NamedPhoto[];
	deletions: NamedDeletion[];
}

/** Reads one item; an item that can name no photo is settled here (`ignored` or `invalid`). */
function readItemPhotos(ledger: ItemLedger, settings: ItemSettings, index: number, input: StorageItemInput, secrets: readonly string[]): ItemReading {
	ledger.warn(index, ...input.warnings);
	const pattern = settings.pattern(input.keyPattern);
	const base = settings.base(input.publicBaseUrl);
	const errors = [...input.errors, ...[pattern, base].filter((value): value is ItemError => !(value instanceof KeyPattern || value instanceof PublicBase))];
	if (errors.length > 0) {
		ledger.fail(index, 'invalid', errors);
		return { photos: [], deletions: [] };
	}
	const reading = readStorageItem({ object: input.object, pattern: pattern as KeyPattern, base: base as PublicBase, keysOutsidePattern: input.keysOutsidePattern, secrets });
	ledger.warn(index, ...reading.warnings);
	if (!reading.ok) {
		ledger.fail(index, 'invalid', reading.errors);
		return { photos: [], deletions: [] };
	}
	if (reading.photos.length === 0) {
		if (reading.warnings.length === 0) ledger.warn(index, { field: 'storageObject', message: 'The item names no storage object: nothing to send' });
		ledger.succeed(index, 'ignored');
	}
	return { photos: reading.photos, deletions: reading.deletions };
}

/**
 * Drops the uploads a later record of this execution deleted (later in the item's batch, or in a later
 * item): the object is gone, so Ozon could not fetch it. An item left with no photo is `ignored`.
 * Linear in the records: each URL keeps only its last deletion.
 */
function dropDeleted(ledger: ItemLedger, readings: Map<number, ItemReading>): ItemPhotos[] {
	const lastDeletion = new Map<string, { item: number; after: number }>();
	for (const [item, { deletions }] of readings) for (const { url, after } of deletions) lastDeletion.set(url, { item, after });
	const named: ItemPhotos[] = [];
	for (const [item, { photos }] of readings) {
		const deletedLater = (photo: NamedPhoto, place: number) => {
			const deletion = lastDeletion.get(photo.url);
			return deletion !== undefined && (deletion.item > item || (deletion.item === item && deletion.after > place));
		};
		const dropped = photos.filter(deletedLater);
		const kept = dropped.length === 0 ? photos : photos.filter((photo, place) => !deletedLater(photo, place));
		if (dropped.length > 0) {
			ledger.warn(item, { field: 'storageObject', message: `Not sent: ${dropped.length} upload(s) deleted later in this execution (Ozon could not fetch them): ${keysText(dropped.map((photo) => photo.key))}` });
		}
		if (kept.length > 0) named.push({ item, photos: kept });
		else if (photos.length > 0) ledger.succeed(item, 'ignored');
	}
	return named;
}

/** What one item's result for one product says of that item alone: choices of its own not used, keys it named again. */
function ownWarnings(group: ProductGroup, item: number, inputs: StorageItemInput[]): ItemWarning[] {
	const warnings: ItemWarning[] = [];
	const first = inputs[group.items[0]];
	const differing = (Object.keys(CHOICE_NAMES) as Array<keyof PushChoices>).filter((name) => inputs[item][name] !== first[name]);
	if (item !== group.items[0] && differing.length > 0) {
		warnings.push({
			field: 'options',
			message: `This product's photos went in one push with the choices of item ${group.items[0]}, the first naming it: this item's ${differing.map((name) => CHOICE_NAMES[name]).join(', ')} differ and were not used`,
		});
	}
	const repeated = group.repeated.filter((entry) => entry.item === item).map((entry) => entry.key);
	if (repeated.length > 0) {
		warnings.push({ field: 'storageObject', message: `Dropped ${repeated.length} repeated key(s) of this product (storage delivers an event at least once): ${keysText(repeated)}` });
	}
	return warnings;
}

/** One product's push as the write path takes it, or its failure settled in `products`. */
function productEntry(products: ItemLedger, index: number, group: ProductGroup, choices: PushChoices): ValidEntry | undefined {
	products.setData(index, { ...identifierData(group.identifyBy, group.identifier), keys: group.photos.map((photo) => photo.key), urls: group.photos.map((photo) => photo.url) } as IDataObject);
	const validated = validatePushInput({
		identifyBy: group.identifyBy,
		identifier: group.identifier,
		images: group.photos.map((photo) => photo.url),
		primaryImage: undefined,
		colorImage: undefined,
		images360: undefined,
		mode: choices.mode,
		tooManyImages: choices.tooManyImages,
		apiVersion: choices.apiVersion,
	});
	products.warn(index, ...validated.warnings);
	if (!validated.ok) {
		products.fail(index, 'invalid', validated.errors);
		return undefined;
	}
	const { value: request } = validated;
	return { index, identifyBy: group.identifyBy, identifier: request.identifier, request, dryRun: choices.dryRun, checkUrls: choices.checkUrls };
}

/** Whether an earlier result is the one of `group`'s product (it names it as the key did). */
function namesProduct(result: INodeExecutionData, group: ProductGroup): boolean {
	const data = (result.json.data ?? {}) as IDataObject;
	return Object.entries(identifierData(group.identifyBy, group.identifier)).every(([field, value]) => String(data[field]) === String(value));
}

/**
 * Runs Push Images over storage objects. `readItem` reads item `index`'s parameters; `writesFor`
 * gives the execution's writes for the products' ledger; `yieldTurn` lets the event loop run
 * between turns of reading; `probeTimeoutMs` is how long Check URLs First waits for an image host.
 */
export async function pushStorageObjects(
	ctx: IExecuteFunctions,
	itemCount: number,
	readItem: (index: number) => StorageItemInput,
	writesFor: (ledger: ItemLedger) => ExecutionWrites,
	yieldTurn: () => Promise<void>,
	probeTimeoutMs: number,
): Promise<INodeExecutionData[]> {
	const items = new ItemLedger(ctx, itemCount);
	const settings = new ItemSettings();
	const inputs: StorageItemInput[] = [];
	const readings = new Map<number, ItemReading>();
	const secrets = await credentialSecrets(ctx);
	for (let index = 0; index < itemCount; index++) {
		if (index > 0 && index % ITEMS_PER_TURN === 0) await yieldTurn();
		try {
			inputs[index] = readItem(index);
		} catch (error) {
			items.fail(index, 'invalid', [{ field: 'parameters', reason: (error as Error).message }]);
			continue;
		}
		const reading = readItemPhotos(items, settings, index, inputs[index], secrets);
		if (reading.photos.length > 0 || reading.deletions.length > 0) readings.set(index, reading);
	}

	const groups = groupByProduct(dropDeleted(items, readings));
	// Retry On Fail: a product an earlier try settled for good is not sent again; its items keep that result.
	const inputItems = ctx.getInputData();
	const earlier = groups.map((group) => {
		const kept = new Map<number, INodeExecutionData>();
		for (const item of group.items) {
			const result = settledResultsOf(ctx, inputItems[item]).find((candidate) => namesProduct(candidate, group));
			if (result) kept.set(item, result);
		}
		return kept;
	});
	const products = new ItemLedger(ctx, groups.length);
	const entries = groups.flatMap((group, index) => (earlier[index].size > 0 ? [] : (productEntry(products, index, group, inputs[group.items[0]]) ?? [])));
	const writes = writesFor(products);
	await pushReadEntries(ctx, products, writes, entries, probeTimeoutMs);
	await writes.finish();
	if (writes.keyWarning) products.warnEvery(writes.keyWarning);

	// An item naming products leaves with their results; the others with their own.
	const productsOf = groupBy(
		groups.flatMap((group, product) => group.items.map((item) => ({ item, product }))),
		(named) => named.item,
	);
	for (let index = 0; index < itemCount; index++) {
		if (productsOf.has(index)) items.succeed(index, 'grouped');
		else if (writes.keyWarning) items.warn(index, writes.keyWarning);
	}
	const productResults = products.toExecutionData();
	return items.toExecutionData().flatMap((result, index) => {
		const mine = productsOf.get(index);
		if (!mine) return [result];
		const itemWarnings = items.outcomes[index].warnings;
		return mine.map(({ product }) => {
			const kept = earlier[product];
			// Its own earlier result for the product, or (an item that joined the product on this try) another item's.
			if (kept.size > 0) return { ...(kept.get(index) ?? (kept.values().next().value as INodeExecutionData)), pairedItem: { item: index } };
			return resultForItem(productResults[product], index, [...itemWarnings, ...ownWarnings(groups[product], index, inputs)]);
		});
	});
}
