import { sleep, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { MAX_IMPORT_BATCH, MAX_PICTURES_INFO_BATCH } from '../../domain/constants';
import { chunk, groupBy } from '../../domain/collections';
import {
	originOf,
	photosOf,
	planImageSet,
	planWaves,
	productAfter,
	toV1Request,
	toV2Item,
	urlMentionedIn,
	type PlannedImages,
	type V1ImportRequest,
	type V2ImportItem,
} from '../../domain/plan';
import type { ItemError, ItemWarning, ProductInfo } from '../../domain/types';
import { ID_FIELD, validatePushInput, type PushRequest } from '../../domain/validate';
import { OzonTransport } from '../../transport';
import { probeImage, type ProbeResult } from '../../transport/imageProbe';
import { keyExpiryWarning } from '../../transport/keyExpiry';
import {
	getImportInfo,
	getPicturesInfo,
	importIssueField,
	importIssueText,
	importPicturesV1,
	importPicturesV2,
	pictureIssueText,
	pictureIssueUrl,
	type ImportIssue,
	type PictureIssue,
	type TaskItemStatus,
} from '../../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../common/concurrency';
import { identifierData, identifyFields, resolveProducts } from '../common/identify';
import { readTransportOptions, requestOptionFields } from '../common/options';
import { ItemParameters } from '../common/parameters';
import { RunState } from '../common/run';

const show = { resource: ['productImage'], operation: ['push'] };

const URL_LIST_HINT =
	'An array from an expression, or one text of URLs separated by commas, semicolons, spaces or new lines (e.g. a spreadsheet cell)';

/**
 * An image-URL text field of the push operation. (The lint rule that wants 'color'-named string
 * fields to be colour pickers does not apply: colorImage holds the URL of a swatch image.)
 */
function urlParameter(field: Pick<INodeProperties, 'displayName' | 'name' | 'description'> & Partial<INodeProperties>): INodeProperties {
	return { type: 'string', default: '', displayOptions: { show }, ...field };
}

export const description: INodeProperties[] = [
	...identifyFields(['push']),
	urlParameter({
		displayName: 'Image URLs',
		name: 'images',
		placeholder: 'https://cdn.example.com/sku-001/1.jpg, https://cdn.example.com/sku-001/2.jpg',
		description: `Public JPEG or PNG URLs in the order they should appear on the product card. ${URL_LIST_HINT}.`,
		hint: 'With Mode "Replace", any photo of the product not listed here is removed from Ozon',
	}),
	urlParameter({
		displayName: 'Primary Image URL',
		name: 'primaryImage',
		description: 'Optional main photo. If empty, the first image URL becomes the main photo.',
	}),
	urlParameter({
		displayName: 'Color Image URL',
		name: 'colorImage',
		description: 'Optional marketing colour swatch (a JPEG) shown to pick between colour variants',
	}),
	urlParameter({
		displayName: '360° Image URLs',
		name: 'images360',
		description: `Kept for existing workflows: Ozon stopped accepting 360° images on 2026-07-10, on every method (v1 included). URLs given here are checked and reported in the item's warnings, but never sent. ${URL_LIST_HINT}.`,
	}),
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'replace',
		displayOptions: { show },
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
		displayOptions: { show },
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
		],
	},
];

const YIELD_EVERY_ITEMS = 250;

/** Polling schedule for import tasks. Mutable so tests can run it quickly. */
export const polling = { firstDelayMs: 2000, factor: 1.5, maxIntervalMs: 10_000 };

interface PushEntry {
	index: number;
	request: PushRequest;
	dryRun: boolean;
	product: ProductInfo;
	planned: PlannedImages;
	/** Ozon's status for this write, once known. */
	status?: TaskItemStatus;
	taskId?: number;
	v2Item?: V2ImportItem;
	v1Request?: V1ImportRequest;
}

interface ImportTask {
	taskId: number;
	entries: PushEntry[];
	deadline: number;
	nextPollAt: number;
	polls: number;
}

function echoIdentifier(raw: unknown): string | number | undefined {
	if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
	if (typeof raw === 'string' && raw.trim() !== '') return raw.trim().slice(0, 100);
	return undefined;
}

function readEntry(params: ItemParameters, run: RunState, index: number) {
	const options = params.get('options', index, {}) as IDataObject;
	const identifyBy = params.get('identifyBy', index) as PushRequest['identifyBy'];
	const identifier = params.get(identifyBy, index, undefined);
	const validated = validatePushInput({
		identifyBy,
		identifier,
		images: params.get('images', index, ''),
		primaryImage: params.get('primaryImage', index, ''),
		colorImage: params.get('colorImage', index, ''),
		images360: params.get('images360', index, ''),
		mode: params.get('mode', index, 'replace') as PushRequest['mode'],
		tooManyImages: options.tooManyImages === 'error' ? 'error' : 'truncate',
		apiVersion: options.apiVersion === 'v1' ? 'v1' : 'v2',
	});
	run.warn(index, ...validated.warnings);
	if (!validated.ok) {
		// Echo what the user gave, so a failure can be matched to its row even when the id itself was bad.
		const given = echoIdentifier(identifier);
		if (given !== undefined) run.setData(index, { [ID_FIELD[identifyBy]]: given });
		run.fail(index, 'invalid', validated.errors);
		return undefined;
	}
	const request = validated.value;
	run.setData(index, identifierData(identifyBy, request.identifier));
	return {
		index,
		identifyBy,
		identifier: request.identifier,
		request,
		dryRun: options.dryRun === true,
		checkUrls: options.checkUrls === true,
	};
}

type ValidEntry = NonNullable<ReturnType<typeof readEntry>>;

/** The URLs of an entry that would be sent, with the field and position to report a failure on. */
function urlsToCheck({ request }: ValidEntry): Array<{ url: string; field: string; index?: number }> {
	return [
		...(request.primaryImage ? [{ url: request.primaryImage, field: 'primary_image' }] : []),
		...request.images.map(({ url, index }) => ({ url, field: 'images', index })),
		...(request.colorImage ? [{ url: request.colorImage, field: 'color_image' }] : []),
	];
}

/** `checkUrls`: probes every URL once (shared across items) and settles items with a bad URL. */
async function checkEntryUrls(ctx: IExecuteFunctions, run: RunState, entries: ValidEntry[]): Promise<ValidEntry[]> {
	const checked = entries.filter((entry) => entry.checkUrls);
	if (checked.length === 0) return entries;
	const unique = [...new Set(checked.flatMap((entry) => urlsToCheck(entry).map(({ url }) => url)))];
	const results = new Map<string, ProbeResult>();
	await mapConcurrent(unique, REQUEST_CONCURRENCY, async (url) => results.set(url, await probeImage(ctx, url)));
	for (const entry of checked) {
		const errors: ItemError[] = [];
		for (const { url, field, index } of urlsToCheck(entry)) {
			const result = results.get(url);
			if (result && !result.ok) errors.push({ field, ...(index !== undefined ? { index } : {}), url, reason: result.reason });
		}
		if (errors.length > 0) run.fail(entry.index, 'invalid', errors);
	}
	return entries.filter((entry) => !run.outcomes[entry.index].final);
}

function updatedCounts(entry: PushEntry): IDataObject {
	const { set } = entry.planned;
	return {
		images: set.images.length,
		// Never sent: Ozon accepts 360° images on no method since 2026-07-10.
		images360: 0,
		color_image: set.colorImage !== undefined,
		primary_image: set.primaryImage !== undefined,
	};
}

/**
 * The errors of a failed import task, from their own fields (they carry no `url`). When Ozon's text
 * names one of the user's URLs, the error points at that field and position.
 */
function taskErrors(entry: PushEntry, issues: ImportIssue[], redact: (text: string) => string): ItemError[] {
	return issues.map((issue) => {
		const reason = importIssueText(issue, redact);
		const named = urlMentionedIn(entry.request, `${issue.message ?? ''} ${issue.description ?? ''}`);
		if (named) return { field: named.field, ...(named.index !== undefined ? { index: named.index } : {}), url: named.url, reason };
		return { field: importIssueField(issue, redact) ?? 'images', reason };
	});
}

/**
 * Ozon's per-URL read-back errors: an error about one of the user's URLs fails the item, named by
 * field and position. Any other URL may be Ozon's own copy of an image or an older image: reported
 * as it is, as a warning.
 */
function readBackIssues(entry: PushEntry, issues: PictureIssue[], redact: (text: string) => string): { errors: ItemError[]; warnings: ItemWarning[] } {
	const errors: ItemError[] = [];
	const others: string[] = [];
	for (const issue of issues) {
		const url = issue.url?.trim();
		const origin = url ? originOf(entry.request, url) : undefined;
		const reason = pictureIssueText(issue, redact);
		if (url && origin) errors.push({ field: origin.field, ...(origin.index !== undefined ? { index: origin.index } : {}), url, reason });
		else others.push(url ? `${pictureIssueUrl(issue, redact)}: ${reason}` : reason);
	}
	const warnings: ItemWarning[] = others.length
		? [{ field: 'current_images', message: `Ozon reports image errors for URLs that are not among the ones sent (perhaps Ozon's copies of them, or older images): ${others.join('; ')}` }]
		: [];
	return { errors, warnings };
}

async function submitWave(run: RunState, transport: OzonTransport, wave: PushEntry[][], resultTimeoutMs: number): Promise<ImportTask[]> {
	const tasks: ImportTask[] = [];
	await mapConcurrent(wave, REQUEST_CONCURRENCY, async (batch) => {
		const open = batch.filter((entry) => !run.outcomes[entry.index].final);
		if (open.length === 0 || run.stopped) return;
		try {
			const taskId = await importPicturesV2(transport, open.map((entry) => entry.v2Item as V2ImportItem));
			const now = Date.now();
			for (const entry of open) {
				entry.taskId = taskId;
				entry.status = 'pending';
				run.setData(entry.index, { task_id: taskId });
			}
			tasks.push({ taskId, entries: open, deadline: now + resultTimeoutMs, nextPollAt: now + polling.firstDelayMs, polls: 0 });
		} catch (error) {
			run.requestFailed(error, open.map((entry) => entry.index));
		}
	});
	return tasks;
}

/** Sent, not yet settled, and Ozon has not said how it went. */
function awaitingOzon(run: RunState, entry: PushEntry): boolean {
	return entry.status === 'pending' && !run.outcomes[entry.index].final;
}

/** Polls every task until each of its products is imported, skipped or failed, or its deadline passes. */
async function waitForTasks(run: RunState, transport: OzonTransport, tasks: ImportTask[], resultTimeoutMs: number): Promise<void> {
	let active = tasks;
	while (active.length > 0 && !run.stopped) {
		const now = Date.now();
		const due = active.filter((task) => task.nextPollAt <= now);
		await mapConcurrent(due, REQUEST_CONCURRENCY, async (task) => {
			const waiting = task.entries.filter((entry) => awaitingOzon(run, entry));
			try {
				const results = await getImportInfo(transport, task.taskId, task.deadline);
				const byOffer = new Map(results.map((result) => [result.offerId, result]));
				for (const entry of waiting) {
					const result = byOffer.get(entry.v2Item?.offer_id as string);
					if (!result || result.status === 'pending') continue;
					entry.status = result.status;
					if (result.status === 'failed') {
						const errors = taskErrors(entry, result.errors, (text) => transport.redact(text));
						run.fail(entry.index, 'failed', errors.length > 0 ? errors : [{ field: 'images', reason: `Ozon reported status "${result.rawStatus}" without details` }]);
					}
				}
			} catch (error) {
				// The write stands; only its result is unknown. It is never re-sent.
				run.requestFailed(error, waiting.map((entry) => entry.index), 'pending');
			}
			task.polls += 1;
			const interval = Math.min(polling.maxIntervalMs, polling.firstDelayMs * polling.factor ** task.polls);
			task.nextPollAt = Math.min(Date.now() + interval, task.deadline);
		});
		active = active.filter((task) => {
			const stillPending = task.entries.filter((entry) => awaitingOzon(run, entry));
			if (stillPending.length === 0) return false;
			// The last poll happens at the deadline; whatever is still pending after it has timed out.
			if (due.includes(task) && Date.now() >= task.deadline) {
				for (const entry of stillPending) {
					run.fail(entry.index, 'pending', [
						{
							field: 'task',
							reason: `Ozon had not finished processing within ${Math.round(resultTimeoutMs / 1000)} s (task_id ${task.taskId}). The images may still appear; check later with Get Images, or raise Result Timeout`,
						},
					]);
				}
				return false;
			}
			return true;
		});
		if (active.length > 0) {
			const wake = Math.min(...active.map((task) => task.nextPollAt));
			await sleep(Math.max(0, wake - Date.now()));
		}
	}
}

/** Reads the images back and settles every written item on Ozon's status and per-URL errors. */
async function confirm(run: RunState, transport: OzonTransport, entries: PushEntry[]): Promise<void> {
	const toRead = entries.filter((entry) => !run.outcomes[entry.index].final && (entry.status === 'imported' || entry.status === 'skipped'));
	const byProduct = groupBy(toRead, (entry) => entry.product.productId);

	await mapConcurrent(chunk([...byProduct.keys()], MAX_PICTURES_INFO_BATCH), REQUEST_CONCURRENCY, async (ids) => {
		if (run.stopped) return;
		try {
			for (const pictures of await getPicturesInfo(transport, ids)) {
				for (const entry of byProduct.get(pictures.productId) ?? []) {
					const current = photosOf({ primaryImage: pictures.primaryPhoto, images: pictures.photo });
					run.setData(entry.index, { current_images: current });
					if (current === null) {
						run.warn(entry.index, { field: 'current_images', message: "Ozon's read-back left out the product's photo lists: its current images are unknown (null)" });
					}
					const { errors, warnings } = readBackIssues(entry, pictures.errors, (text) => transport.redact(text));
					run.warn(entry.index, ...warnings);
					if (errors.length > 0) run.fail(entry.index, entry.status as string, errors);
				}
			}
		} catch (error) {
			// The task status already confirmed the write; only the read-back is missing.
			const message = error instanceof Error ? error.message : String(error);
			for (const id of ids) {
				for (const entry of byProduct.get(id) ?? []) {
					run.warn(entry.index, { field: 'current_images', message: `Could not read the images back: ${message}` });
				}
			}
		}
	});

	for (const entry of toRead) {
		if (run.outcomes[entry.index].final) continue;
		if (entry.status === 'skipped') {
			run.warn(entry.index, {
				field: 'images',
				message:
					'Ozon skipped this product: the URLs are the same as it already has, so nothing was fetched again. To make Ozon fetch a changed file, give it a new URL (for example add ?v=2)',
			});
		}
		run.succeed(entry.index, entry.status as string);
	}
}

async function writeV1(run: RunState, transport: OzonTransport, entries: PushEntry[]): Promise<void> {
	const open = entries.filter((entry) => !run.outcomes[entry.index].final);
	// The first request alone: if Ozon has switched v1 off, it finds out and no other item is sent
	// (the transport remembers the answer for the run); otherwise the rest go out side by side.
	await writeV1Entries(run, transport, open.slice(0, 1));
	await writeV1Entries(run, transport, open.slice(1));
}

async function writeV1Entries(run: RunState, transport: OzonTransport, entries: PushEntry[]): Promise<void> {
	await mapConcurrent(entries, REQUEST_CONCURRENCY, async (entry) => {
		if (run.stopped || run.outcomes[entry.index].final) return;
		try {
			await importPicturesV1(transport, entry.v1Request as V1ImportRequest);
			entry.status = 'imported';
			run.warn(entry.index, {
				field: 'apiVersion',
				message:
					"Sent with Ozon's deprecated v1 method, which answers before processing the images: current_images may still show the previous photos for a while",
			});
		} catch (error) {
			run.requestFailed(error, [entry.index]);
		}
	});
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const run = new RunState(this, items.length);
	const firstOptions = this.getNodeParameter('options', 0, {}) as IDataObject;
	const waitForResult = firstOptions.waitForResult !== false;
	const resultTimeoutMs = Math.max(1, Number(firstOptions.resultTimeout ?? 60) || 60) * 1000;
	const batchSize = Math.min(MAX_IMPORT_BATCH, Math.max(1, Math.round(Number(firstOptions.batchSize ?? MAX_IMPORT_BATCH) || MAX_IMPORT_BATCH)));

	let valid: ValidEntry[] = [];
	const params = new ItemParameters(this);
	for (let index = 0; index < items.length; index++) {
		// Reading thousands of items is seconds of synchronous expression work in n8n: give the
		// event loop (other executions, webhooks, the garbage collector's incremental steps) a turn.
		if (index > 0 && index % YIELD_EVERY_ITEMS === 0) await sleep(0);
		try {
			const entry = readEntry(params, run, index);
			if (entry) valid.push(entry);
		} catch (error) {
			run.fail(index, 'invalid', [{ field: 'parameters', reason: (error as Error).message }]);
		}
	}

	valid = await checkEntryUrls(this, run, valid);
	const transport = valid.length > 0 ? await OzonTransport.create(this, readTransportOptions(this)) : undefined;
	if (!transport) return run.toExecutionData();
	const keyWarning = await keyExpiryWarning(transport);

	const resolved = await resolveProducts(run, transport, valid);

	// Plan in input order; a product pushed twice builds on the set its earlier push leaves.
	const after = new Map<number, ProductInfo>();
	const planned: PushEntry[] = [];
	for (const { index, request, dryRun, product } of resolved) {
		const base = after.get(product.productId) ?? product;
		const plan = planImageSet(request, base);
		run.warn(index, ...plan.warnings);
		run.setData(index, { previous_images: photosOf(base) });
		if (plan.errors.length > 0) {
			run.fail(index, 'invalid', plan.errors);
			continue;
		}
		after.set(product.productId, productAfter(base, plan.set));
		const entry: PushEntry = { index, request, dryRun, product, planned: plan };
		if (request.apiVersion === 'v1') entry.v1Request = toV1Request(product.productId, plan.set);
		else entry.v2Item = toV2Item(product.offerId, plan.set);
		run.setData(index, { updated: updatedCounts(entry) });
		planned.push(entry);
	}

	for (const entry of planned.filter((candidate) => candidate.dryRun)) {
		const request = entry.v2Item
			? { method: 'POST', endpoint: '/v2/product/pictures/import', body: { items: [entry.v2Item] } }
			: { method: 'POST', endpoint: '/v1/product/pictures/import', body: entry.v1Request };
		run.setData(entry.index, { request } as IDataObject);
		run.succeed(entry.index, 'dry_run');
	}
	const toSend = planned.filter((entry) => !entry.dryRun);

	await writeV1(run, transport, toSend.filter((entry) => entry.v1Request));

	const waves = planWaves(toSend.filter((entry) => entry.v2Item), (entry) => entry.product.offerId, batchSize);
	const lastWrite = new Map<string, PushEntry>();
	for (const [waveIndex, wave] of waves.entries()) {
		// A product's n-th push is sent only once its previous one has finished, to keep input order.
		for (const batch of wave) {
			for (const entry of batch) {
				const previous = lastWrite.get(entry.product.offerId);
				if (previous && previous.status === 'pending') {
					run.fail(entry.index, 'invalid', [
						{ field: ID_FIELD[entry.request.identifyBy], reason: 'Not sent: an earlier push of this product in this run had not finished processing' },
					]);
				}
				lastWrite.set(entry.product.offerId, entry);
			}
		}
		const tasks = await submitWave(run, transport, wave, resultTimeoutMs);
		const isLast = waveIndex === waves.length - 1;
		if (waitForResult || !isLast) await waitForTasks(run, transport, tasks, resultTimeoutMs);
	}

	if (!waitForResult) {
		for (const entry of toSend) {
			if (!awaitingOzon(run, entry)) continue;
			run.warn(entry.index, {
				field: 'waitForResult',
				message: `Not waited for Ozon's processing result (Wait for Result is off); task_id ${entry.taskId} shows it`,
			});
			run.succeed(entry.index, 'pending');
		}
	}

	await confirm(run, transport, toSend);
	if (keyWarning) run.warnEvery(keyWarning);
	return run.toExecutionData();
}
