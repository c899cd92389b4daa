import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { MAX_IMPORT_BATCH } from '../../domain/constants';
import type { ApiVersion, IdentifyBy, PushMode, TooManyImages } from '../../domain/types';
import type { RawPushInput } from '../../domain/validate';
import { identifyProductFields, requestOptionFields } from '../common/descriptions';
import { readIdentifyBy } from '../common/identify';
import { ItemParameters, ItemReads, ParameterError, booleanReader, choiceReader, holdsExpression, readTransportOptions } from '../common/parameters';
import { ItemLedger } from '../common/ledger';
import { outputOption } from '../common/output';
import type { PushSettings, ValidEntry } from './push/entries';
import type { NodeProcess } from '../../runtime/nodeProcess';
import { ExecutionWrites } from '../../writes/execution';
import { MAX_RESULT_TIMEOUT_MS } from '../../writes/settings';
import { readInTurns, type PushItemInput } from './push/read';
import { pushReadEntries } from './push/stages';
import { pushStorageObjects, type PushChoices, type StorageItemInput } from './push/storage';
import type { KeysOutsidePattern } from '../../domain/storage/item';

/** The parameter type of a URL field (see Color Image URL). */
const URL_TEXT = 'string' as const;

const URL_LIST_HINT =
	'An array from an expression, or one text of URLs separated by commas, semicolons, spaces or new lines (e.g. a spreadsheet cell)';

const URL_SOURCE = 'urls';
const STORAGE_SOURCE = 'storageObjects';

/** The properties, shown only with this Image Source (with storage objects the key names the product and the photo). */
function forSource(source: string, properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({ ...property, displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, imageSource: [source] } } }));
}

const storageObjectFields = forSource(STORAGE_SOURCE, [
	{
		displayName: 'Storage Object',
		name: 'storageObject',
		type: 'string',
		default: '={{ $json }}',
		required: true,
		description:
			"The upload event, queue message or listing entry the item carries (an object or its JSON text): an R2 event notification, a Worker's { messages: [{ body }] } batch, an R2 HTTP pull message, an S3 event (Records), an SNS notification holding one, a MinIO webhook body, an item of n8n's S3 node listing (Key), { key } or a plain key",
	},
	{
		displayName: 'Public Base URL',
		name: 'publicBaseUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://pub-0123456789abcdef.r2.dev',
		description: "Where the bucket's objects are public: each photo's URL is this base plus its key, every path segment percent-encoded",
	},
	{
		displayName: 'Key Pattern',
		name: 'keyPattern',
		type: 'string',
		default: '{offer_id}/*',
		required: true,
		description:
			'Where the key names the product and the photo\'s place: exactly one of {offer_id}, {product_id} or {sku}; optionally {position} (a whole number, 1 = main photo); * is any text within one folder level, ** any text; the rest is literal, and the whole key must match',
		hint: 'E.g. products/{offer_id}/{position}.jpg or {offer_id}_{position}.*',
	},
]);

const properties: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		noDataExpression: true,
		default: URL_SOURCE,
		options: [
			{ name: 'Image URLs', value: URL_SOURCE, description: "The item gives the product and its photos' URLs" },
			{
				name: 'Storage Objects',
				value: STORAGE_SOURCE,
				description: 'The item carries storage upload events, queue messages or listing entries (R2, S3, MinIO): the keys name the products and photos',
			},
		],
	},
	...forSource(URL_SOURCE, identifyProductFields),
	...storageObjectFields,
	...forSource(URL_SOURCE, [
		{
			displayName: 'Image URLs',
			name: 'images',
			type: 'string',
			default: '',
			placeholder: 'https://cdn.example.com/sku-001/1.jpg, https://cdn.example.com/sku-001/2.jpg',
			description: `Public JPEG or PNG URLs in the order they should appear on the product card. ${URL_LIST_HINT}.`,
			hint: 'With Mode "Replace", any photo of the product not listed here is removed from Ozon',
		},
		{
			displayName: 'Primary Image URL',
			name: 'primaryImage',
			type: 'string',
			default: '',
			description: 'Optional main photo. If empty, the first image URL becomes the main photo.',
		},
		{
			displayName: 'Color Image URL',
			name: 'colorImage',
			// A URL, not a colour to pick. n8n's package scanner ignores inline eslint-disable comments, so the
			// type comes from a constant that the colour-picker rule (node-param-color-type-unused) does not read.
			type: URL_TEXT,
			default: '',
			description: 'Optional marketing colour swatch (a JPEG) shown to pick between colour variants',
		},
		{
			displayName: '360° Image URLs',
			name: 'images360',
			type: 'string',
			default: '',
			description: `Kept for existing workflows: Ozon stopped accepting 360° images on 2026-07-10, on every method (v1 included). URLs given here are checked and reported in the item's warnings, but never sent. ${URL_LIST_HINT}.`,
		},
	]),
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'replace',
		options: [
			{
				name: 'Replace',
				value: 'replace',
				description: 'The product gets exactly these images; every photo not sent is removed',
			},
			{
				name: 'Append',
				value: 'append',
				description: "Keep the product's current photos and add these after them",
			},
			{
				name: 'Prepend',
				value: 'prepend',
				description: "Keep the product's current photos and put these before them",
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'API Version',
				name: 'apiVersion',
				type: 'options',
				default: 'v2',
				options: [
					{ name: 'V2 (Current)', value: 'v2', description: 'Batched import by offer_id: /v2/product/pictures/import' },
					{
						name: 'V1 (Deprecated)',
						value: 'v1',
						description:
							'Single-product /v1/product/pictures/import by product_id, deprecated; Ozon announced it would be switched off on 2026-10-01, and once it is, items fail with a message saying so',
					},
				],
			},
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				// v1 sends one product per request and has no import task to wait for.
				displayOptions: { hide: { apiVersion: ['v1'] } },
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 100,
				description:
					'Products per import request (Ozon accepts up to 100). Smaller batches limit how many items one rejected request fails, at the cost of more requests.',
			},
			{
				displayName: 'Check URLs First',
				name: 'checkUrls',
				type: 'boolean',
				default: false,
				description:
					'Whether to ask each image URL for its headers before sending anything to Ozon, and refuse URLs that do not answer with a JPEG or PNG of at most 10 MB. Local and private addresses are never contacted.',
			},
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to validate, look the product up and show the exact request without changing anything on Ozon',
			},
			{
				displayName: 'Keys Outside the Pattern',
				name: 'keysOutsidePattern',
				displayOptions: { show: { '/imageSource': [STORAGE_SOURCE] } },
				type: 'options',
				default: 'skip',
				options: [
					{ name: 'Skip', value: 'skip', description: 'Send nothing for them and say so in a warning (buckets hold thumbnails and other files)' },
					{ name: 'Error', value: 'error', description: 'Fail the item and send nothing of it' },
				],
				description: 'What to do with a key the Key Pattern does not match',
			},
			outputOption('offer_id, product_id, success, status, images_before, images_after (photo counts), task_id'),
			{
				displayName: 'Result Timeout (Seconds)',
				name: 'resultTimeout',
				// v1 sends one product per request and has no import task to wait for.
				displayOptions: { hide: { apiVersion: ['v1'] } },
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600 },
				default: 60,
				description: 'How long to wait for Ozon to process the images before reporting status "pending"',
			},
			...requestOptionFields,
			{
				displayName: 'Too Many Images',
				name: 'tooManyImages',
				type: 'options',
				default: 'truncate',
				options: [
					{ name: 'Truncate', value: 'truncate', description: 'Keep the first ones Ozon allows and warn about the rest' },
					{ name: 'Error', value: 'error', description: 'Fail the item and send nothing' },
				],
				description: 'What to do when a product would get more photos than Ozon allows (30)',
			},
			{
				displayName: 'Wait for Result',
				name: 'waitForResult',
				// v1 sends one product per request and has no import task to wait for.
				displayOptions: { hide: { apiVersion: ['v1'] } },
				type: 'boolean',
				default: true,
				description:
					"Whether to wait for Ozon to process the images and confirm them. Off: report status \"pending\" with Ozon's task_id as soon as Ozon accepts the request.",
			},
			{
				displayName: 'Watch for Other Writers',
				name: 'watchOtherWriters',
				// v1 sends one product per request and has no import task to wait for.
				displayOptions: { hide: { apiVersion: ['v1'] } },
				type: 'boolean',
				default: true,
				description:
					"Whether to read the photos back one Ozon processing time after Ozon's answer, so that a write of the same product by another n8n worker (queue mode) or another tool, built on the photos from before, is caught: the push is then applied again or reported as a conflict, never as pushed. Turn off only when this one n8n process is the only writer of these products: answers then come about one processing time sooner.",
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['productImage'], operation: ['push'] } }, properties);

const readImageSource = choiceReader<typeof URL_SOURCE | typeof STORAGE_SOURCE>(properties, 'imageSource');
const readKeysOutsidePattern = choiceReader<KeysOutsidePattern>(properties, 'keysOutsidePattern');
const readMode = choiceReader<PushMode>(properties, 'mode');
const readApiVersion = choiceReader<ApiVersion>(properties, 'apiVersion');
const readTooManyImages = choiceReader<TooManyImages>(properties, 'tooManyImages');
const readDryRun = booleanReader(properties, 'dryRun');
const readCheckUrls = booleanReader(properties, 'checkUrls');
const readWaitForResult = booleanReader(properties, 'waitForResult');
const readWatchOtherWriters = booleanReader(properties, 'watchOtherWriters');

/** The push's choices item `index` makes, whatever its image source; bad values noted in `reads`. */
function readChoices(params: ItemParameters, index: number, options: IDataObject, reads: ItemReads): PushChoices {
	return {
		mode: reads.take(readMode(params.get('mode', index, 'replace')), 'replace'),
		tooManyImages: reads.take(readTooManyImages(options.tooManyImages ?? 'truncate'), 'truncate'),
		apiVersion: reads.take(readApiVersion(options.apiVersion ?? 'v2'), 'v2'),
		dryRun: reads.take(readDryRun(options.dryRun), false),
		checkUrls: reads.take(readCheckUrls(options.checkUrls), false),
	};
}

/** Per item: what one item asks for, with every choice value normalised or reported. */
function readPushItem(params: ItemParameters, index: number): PushItemInput {
	const options = params.options(index);
	const reads = new ItemReads();
	const identifyBy = reads.take<IdentifyBy | undefined>(readIdentifyBy(params.get('identifyBy', index)), undefined);
	const { dryRun, checkUrls, ...choices } = readChoices(params, index, options, reads);
	const input: RawPushInput = {
		identifyBy: identifyBy ?? 'offerId',
		identifier: identifyBy ? params.get(identifyBy, index, undefined) : undefined,
		images: params.get('images', index, ''),
		primaryImage: params.get('primaryImage', index, ''),
		colorImage: params.get('colorImage', index, ''),
		images360: params.get('images360', index, ''),
		...choices,
	};
	const ignored = params.ignoredOptions(index, options);
	return { input, dryRun, checkUrls, errors: reads.errors, identified: identifyBy !== undefined, warnings: ignored ? [ignored] : [] };
}

/** Per item, with Image Source "Storage Objects": what it carries and how its keys are read. */
function readStorageParameters(params: ItemParameters, index: number): StorageItemInput {
	const options = params.options(index);
	const reads = new ItemReads();
	const choices = readChoices(params, index, options, reads);
	const ignored = params.ignoredOptions(index, options);
	return {
		object: params.get('storageObject', index),
		publicBaseUrl: params.get('publicBaseUrl', index, ''),
		keyPattern: params.get('keyPattern', index, '{offer_id}/*'),
		keysOutsidePattern: reads.take(readKeysOutsidePattern(options.keysOutsidePattern ?? 'skip'), 'skip'),
		...choices,
		errors: reads.errors,
		warnings: ignored ? [ignored] : [],
	};
}

/** Once per execution, from the first item: these govern requests shared by many items. */
function readPushSettings(params: ItemParameters): PushSettings | ParameterError {
	const options = params.firstOptions();
	const waitForResult = readWaitForResult(options.waitForResult);
	if (waitForResult instanceof ParameterError) return waitForResult;
	const watchOtherWriters = readWatchOtherWriters(options.watchOtherWriters);
	if (watchOtherWriters instanceof ParameterError) return watchOtherWriters;
	return {
		waitForResult,
		watchOtherWriters,
		// Capped whatever its source: an expression is not held to the field's maximum.
		resultTimeoutMs: Math.min(MAX_RESULT_TIMEOUT_MS, Math.max(1, Number(options.resultTimeout ?? 60) || 60) * 1000),
		batchSize: Math.min(MAX_IMPORT_BATCH, Math.max(1, Math.round(Number(options.batchSize ?? MAX_IMPORT_BATCH) || MAX_IMPORT_BATCH))),
	};
}

/**
 * Whether every item only writes: Dry Run and Check URLs First are off and set without expressions,
 * so they are off for every item. Such items go to Ozon while later ones are still being read (see
 * push/handIn.ts); a dry run reads the products before any item of its execution is written, and
 * checked URLs are probed once for all items, so executions with either are read whole first.
 */
function writesOnly(ctx: IExecuteFunctions, params: ItemParameters): boolean {
	const raw = (ctx.getNode().parameters as Record<string, unknown>).options;
	if (raw !== undefined && (typeof raw !== 'object' || raw === null)) return false;
	const { dryRun, checkUrls } = (raw ?? {}) as Record<string, unknown>;
	if (holdsExpression(dryRun) || holdsExpression(checkUrls)) return false;
	const options = params.firstOptions();
	return readDryRun(options.dryRun) === false && readCheckUrls(options.checkUrls) === false;
}

/**
 * Push, stage by stage as docs/push-images.md tells it ("A run, step by step"); each stage settles the items it fails in the ledger.
 * Writes go through the process-wide coordinator, which orders them per product across executions.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], process: NodeProcess): Promise<INodeExecutionData[]> {
	const ledger = new ItemLedger(this, items.length);
	const params = new ItemParameters(this);
	const settings = readPushSettings(params);
	if (settings instanceof ParameterError) {
		// A setting of the whole execution: no item can be sent without it.
		ledger.failEvery('invalid', settings.toItemError());
		return ledger.toExecutionData();
	}

	const source = readImageSource(this.getNodeParameter('imageSource', 0, URL_SOURCE));
	if (source instanceof ParameterError) {
		ledger.failEvery('invalid', source.toItemError());
		return ledger.toExecutionData();
	}
	if (source === STORAGE_SOURCE) {
		const transportOptions = readTransportOptions(params);
		return await pushStorageObjects(
			this,
			items.length,
			(index) => readStorageParameters(params, index),
			(products) => new ExecutionWrites(this, products, settings, transportOptions, false, process),
			async () => await process.clock.sleep(0),
			process.transport.settings.probeTimeoutMs,
		);
	}

	const inTurns = writesOnly(this, params);
	const writes = new ExecutionWrites(this, ledger, settings, readTransportOptions(params), inTurns, process);
	const valid: ValidEntry[] = [];
	for await (const { entries, unread } of readInTurns(ledger, items.length, (index) => readPushItem(params, index), async () => await process.clock.sleep(0))) {
		if (inTurns) await writes.take(entries, unread);
		else for (const entry of entries) valid.push(entry);
		// Stopped (the Stop button, n8n's execution timeout): nothing read from now on would be sent,
		// and the execution ends with n8n's cancellation, so reading on would only cost CPU.
		if (writes.cancelled) break;
	}

	// Read whole first (Dry Run, Check URLs First).
	if (!inTurns) await pushReadEntries(this, ledger, writes, valid, process.transport.settings.probeTimeoutMs);
	await writes.finish();

	if (writes.keyWarning) ledger.warnEvery(writes.keyWarning);
	return ledger.toExecutionData();
}
