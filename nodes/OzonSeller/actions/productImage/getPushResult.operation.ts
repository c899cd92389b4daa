/**
 * Get Push Result: comes back to a push by Ozon's task_id (a push with Wait for Result off, or one
 * that outlived its Result Timeout). Asks Ozon how the import task went and reads back the photos of
 * the products it finished; one output item per product of the task, paired to the input item. Never
 * sends an import.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { chunk, groupBy } from '../../domain/collections';
import { MAX_INFO_LIST_BATCH } from '../../domain/constants';
import { photosOf } from '../../domain/plan';
import type { ItemError, ItemWarning, ProductInfo } from '../../domain/types';
import { validateTaskId } from '../../domain/validate';
import type { NodeProcess } from '../../runtime/nodeProcess';
import { OzonTransport } from '../../transport';
import { OzonRequestError } from '../../transport/errors';
import { keyExpiryWarning } from '../../transport/keyExpiry';
import { getImportInfo, importIssueError, listProducts, pictureIssueText, pictureIssueUrl, type ProductPictures, type TaskItemResult } from '../../transport/ozonApi';
import { requestOptionFields } from '../common/descriptions';
import { ITEMS_PER_TURN, REQUEST_CONCURRENCY, mapConcurrent } from '../common/concurrency';
import { asJsonId } from '../common/identify';
import { ItemLedger } from '../common/ledger';
import { outputOption } from '../common/output';
import { ItemParameters, readTransportOptions } from '../common/parameters';
import { readPictures } from '../common/readPictures';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '172549793',
		description:
			"Ozon's task_id of a push: map the Push output's data.task_id (a Push with Wait for Result off answers it at once). Items from a Push get the result of their own product.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			outputOption('offer_id, product_id, task_id, success, status, current_images (text separated by commas), color_image'),
			...requestOptionFields,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['productImage'], operation: ['getPushResult'] } }, properties);

/** One output item: a product of the task (or the reason there is none), for input item `input`. */
interface Slot {
	input: number;
	taskId?: string;
	product?: TaskProduct;
	/** The product a Push item named, when Ozon's answer for its task does not list it. */
	offerId?: string;
	/** The input item's own failure (its task_id, or its task as a whole). */
	error?: ItemError;
	requestError?: OzonRequestError;
}

/** A product of the task as Ozon answered, completed with what this process's lanes know. */
interface TaskProduct extends TaskItemResult {
	warnings: ItemWarning[];
}

/** What Ozon answered for one task: its products, or the failed request. */
type TaskAnswer = { products: TaskProduct[] } | { error: OzonRequestError };

/**
 * The product a Push item (full result or flat row) was about, if the input item is one for this
 * task: it carries the offer_id it pushed and, beside it, this task_id. Any other item (a sheet row
 * with its own offer_id, the output of Get Images) only names the task.
 */
function pushedOffer(json: IDataObject, taskId: string): string | undefined {
	const data = json.data;
	const result = data && typeof data === 'object' && !Array.isArray(data) ? (data as IDataObject) : json;
	const offer = result.offer_id;
	if (result.task_id === undefined || validateTaskId(result.task_id).value !== taskId) return undefined;
	return typeof offer === 'string' && offer !== '' ? offer : undefined;
}

/** What the user gave as Task ID, to show on an item whose task_id was refused. */
function echo(raw: unknown): IDataObject {
	if (typeof raw === 'number' && Number.isFinite(raw)) return { task_id: raw };
	if (typeof raw === 'string' && raw.trim() !== '') return { task_id: raw.trim().slice(0, 100) };
	return {};
}

/**
 * The output items of the input items naming one task. Items from a Push (they carry the offer_id
 * they pushed and this task_id) get their own product: a batch of 100 rows pushed in one task gives 100 results,
 * not 100 × 100. Any other item gets the products no item of the task claims (all, if every one
 * is claimed); a Push item whose product Ozon's answer does not list gets that said.
 */
function slotsOfTask(inputs: number[], items: INodeExecutionData[], taskId: string, products: TaskProduct[]): Slot[] {
	const offers = new Set(products.map((product) => product.offerId));
	const claimed = new Set(inputs.map((input) => pushedOffer(items[input].json, taskId)).filter((offer): offer is string => offer !== undefined && offers.has(offer)));
	const unclaimed = products.filter((product) => !claimed.has(product.offerId));
	return inputs.flatMap((input): Slot[] => {
		const offer = pushedOffer(items[input].json, taskId);
		if (offer === undefined) return (unclaimed.length > 0 ? unclaimed : products).map((product) => ({ input, taskId, product }));
		if (offers.has(offer)) return products.filter((product) => product.offerId === offer).map((product) => ({ input, taskId, product }));
		return [{ input, taskId, offerId: offer, error: { field: 'offer_id', reason: `Ozon's answer for task_id ${taskId} lists no product with offer_id "${offer}", the one this item pushed` } }];
	});
}

/** A failed request to Ozon, kept for its items; anything else (the execution was stopped) ends the run as it is. */
function ozonFailure(error: unknown): OzonRequestError {
	if (error instanceof OzonRequestError) return error;
	throw error;
}

/** Ozon's answer for each task, its products completed with what this process's lanes know of it. */
async function askTasks(process: NodeProcess, transport: OzonTransport, taskIds: string[]): Promise<Map<string, TaskAnswer>> {
	const answers = new Map<string, TaskAnswer>();
	await mapConcurrent(taskIds, REQUEST_CONCURRENCY, async (taskId) => {
		let results: TaskItemResult[];
		try {
			results = await getImportInfo(transport, taskId);
		} catch (error) {
			answers.set(taskId, { error: ozonFailure(error) });
			return;
		}
		const numeric = Number(taskId);
		// A lane of this process still holding the task knows its products and, once Ozon answered, how it went.
		const lanes = Number.isSafeInteger(numeric) ? process.writes.lanesOfTask(transport, numeric) : [];
		const products = results.map((result): TaskProduct => {
			const lane = lanes.find((candidate) => candidate.offerId === result.offerId);
			const product: TaskProduct = { ...result, productId: result.productId ?? lane?.productId, warnings: [] };
			if (result.status === 'pending' && lane?.status) {
				product.status = lane.status;
				product.warnings.push({ field: 'status', message: `Ozon's task answer still says pending, but it had answered "${lane.status}" for this product to a push in this n8n process: that answer is shown` });
			}
			return product;
		});
		// A lane whose answer nobody waits for any more takes it: the product's next push need not wait for its poll.
		if (Number.isSafeInteger(numeric)) {
			process.writes.taskAnswered(transport, numeric, products.flatMap(({ productId, status }) => (productId === undefined ? [] : [{ productId, status }])));
		}
		answers.set(taskId, { products });
	});
	return answers;
}

/** Why an item's task cannot be reported: Ozon does not know it (in its own words), or listed no product. */
function unknownTaskError(taskId: string, error?: OzonRequestError): ItemError {
	if (!error) {
		return { field: 'task_id', reason: `Ozon's answer for task_id ${taskId} lists no products: Ozon knows no such task for this account. Check that it comes from a Push with the same Ozon account (Client ID)` };
	}
	const words = error.details.ozonMessage ? `"${error.details.ozonMessage}"` : error.message;
	const status = error.details.httpCode === undefined ? '' : ` (HTTP ${error.details.httpCode})`;
	return { field: 'task_id', reason: `Ozon does not know task_id ${taskId}${status}: ${words}. Check that it comes from a Push with the same Ozon account (Client ID)` };
}

/** The photos of a product as the output shows them, and Ozon's read-back errors. */
function photoData(pictures: ProductPictures, redact: (text: string) => string): { data: IDataObject; warnings: ItemWarning[] } {
	const current = photosOf({ primaryImage: pictures.primaryPhoto, images: pictures.photo });
	const imageErrors = pictures.errors.map((issue) => ({ url: pictureIssueUrl(issue, redact) ?? null, message: pictureIssueText(issue, redact) }));
	const warnings: ItemWarning[] = [];
	if (current === null) warnings.push({ field: 'current_images', message: "Ozon's read-back left out the product's photo lists: its current images are unknown (null)" });
	if (imageErrors.length > 0) warnings.push({ field: 'image_errors', message: `Ozon reports ${imageErrors.length} image error(s) for this product: see image_errors` });
	return { data: { current_images: current, color_image: pictures.colorPhoto?.[0] ?? null, image_errors: imageErrors }, warnings };
}

/** Finds the product_id of finished products Ozon's task answer did not name, by offer_id. */
async function lookUpMissingIds(ledger: ItemLedger, transport: OzonTransport, entries: Array<{ index: number; offerId: string; status: string }>): Promise<Map<string, ProductInfo>> {
	const found = new Map<string, ProductInfo>();
	const byOffer = groupBy(entries, (entry) => entry.offerId);
	await mapConcurrent(chunk([...byOffer.keys()], MAX_INFO_LIST_BATCH), REQUEST_CONCURRENCY, async (offers) => {
		if (ledger.stopped) return;
		try {
			for (const product of await listProducts(transport, 'offerId', offers)) found.set(product.offerId, product);
		} catch (error) {
			for (const entry of offers.flatMap((offer) => byOffer.get(offer) ?? [])) ledger.requestFailed(error, [entry.index], entry.status);
		}
	});
	return found;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], process: NodeProcess): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this);
	const asked = new Map<number, string>();
	const refused = new Map<number, { error: ItemError; echo: IDataObject }>();
	const ignoredOptions = new Map<number, ItemWarning>();
	for (let index = 0; index < items.length; index++) {
		if (index > 0 && index % ITEMS_PER_TURN === 0) await process.clock.sleep(0);
		const ignored = params.ignoredOptions(index);
		if (ignored) ignoredOptions.set(index, ignored);
		let raw: unknown;
		try {
			raw = params.get('taskId', index, undefined);
		} catch (error) {
			refused.set(index, { error: { field: 'task_id', reason: (error as Error).message }, echo: {} });
			continue;
		}
		const { value, error } = validateTaskId(raw);
		if (error) refused.set(index, { error, echo: echo(raw) });
		else asked.set(index, value as string);
	}

	const byTask = groupBy([...asked.keys()], (index) => asked.get(index) as string);
	const transport = byTask.size > 0 ? await OzonTransport.create(this, readTransportOptions(params), process.transport) : undefined;
	const keyWarning = transport ? await keyExpiryWarning(transport) : undefined;
	const answers = transport ? await askTasks(process, transport, [...byTask.keys()]) : new Map<string, TaskAnswer>();

	// One slot per output item, in input order.
	const slots: Slot[] = [];
	for (let index = 0; index < items.length; index++) {
		const taskId = asked.get(index);
		const answer = taskId === undefined ? undefined : answers.get(taskId);
		if (taskId === undefined || answer === undefined) {
			slots.push({ input: index, error: refused.get(index)?.error });
		} else if ('error' in answer) {
			const unknown = answer.error.kind === 'notFound' || answer.error.kind === 'invalid';
			slots.push({ input: index, taskId, ...(unknown ? { error: unknownTaskError(taskId, answer.error) } : { requestError: answer.error }) });
		} else if (answer.products.length === 0) {
			slots.push({ input: index, taskId, error: unknownTaskError(taskId) });
		} else if (byTask.get(taskId)?.[0] === index) {
			// Once per task, at its first input item: the task's items in their input order.
			const group = byTask.get(taskId) as number[];
			slots.push(...slotsOfTask(group, items, taskId, answer.products));
		}
	}
	slots.sort((a, b) => a.input - b.input);

	const ledger = new ItemLedger(this, slots.length);
	const redact = (text: string) => (transport ? transport.redact(text) : text);
	const toRead: Array<{ index: number; product: ProductInfo; slot: Slot }> = [];
	const withoutId: Array<{ index: number; offerId: string; status: string }> = [];
	slots.forEach((slot, index) => {
		const ignored = ignoredOptions.get(slot.input);
		if (ignored) ledger.warn(index, ignored);
		if (slot.taskId !== undefined) ledger.setData(index, { task_id: asJsonId(slot.taskId) });
		if (!slot.product) {
			if (slot.error) {
				ledger.setData(index, { ...(slot.offerId === undefined ? {} : { offer_id: slot.offerId }), ...(refused.get(slot.input)?.echo ?? {}) });
				ledger.fail(index, slot.taskId === undefined ? 'invalid' : 'failed', [slot.error]);
			}
			return;
		}
		const { offerId, productId, status, rawStatus, errors, warnings } = slot.product;
		ledger.setData(index, { offer_id: offerId, product_id: productId ?? null, status });
		ledger.warn(index, ...warnings);
		const ozonErrors = errors.map((issue) => importIssueError(issue, redact));
		if (status === 'pending') {
			// Nothing is final yet: another try (Retry On Fail) may find it done.
			ledger.fail(index, 'pending', [{ field: 'task', reason: `Ozon is still processing this product (task_id ${slot.taskId}): ask again later, after a longer Wait or with Retry On Fail on this node` }], true);
			return;
		}
		if (status !== 'failed') ledger.warn(index, ...ozonErrors.map(({ field, reason }) => ({ field, message: reason })));
		if (productId !== undefined) toRead.push({ index, slot, product: { productId, offerId, primaryImage: null, images: null, colorImage: null } });
		else if (status !== 'failed') withoutId.push({ index, offerId, status });
		else ledger.fail(index, 'failed', ozonErrors.length > 0 ? ozonErrors : [{ field: 'images', reason: `Ozon reported status "${rawStatus}" without details` }]);
	});

	// Finished products Ozon's answer did not name by product_id: found by offer_id.
	if (transport && withoutId.length > 0) {
		const found = await lookUpMissingIds(ledger, transport, withoutId);
		for (const { index, offerId } of withoutId) {
			if (ledger.isSettled(index)) continue;
			const product = found.get(offerId);
			if (product) {
				ledger.setData(index, { product_id: product.productId });
				toRead.push({ index, slot: slots[index], product });
			} else {
				// Whatever the task said, its photos are not on Ozon now: no success to report.
				ledger.setData(index, { current_images: null });
				ledger.fail(index, ledger.outcomes[index].data.status as string, [
					{ field: 'product_id', reason: `No product with offer_id "${offerId}" in this Ozon account now: its photos could not be read back, and are on no product of this account` },
				]);
			}
		}
	}

	if (transport) {
		await readPictures(ledger, transport, toRead, {
			answered(pictures, entries) {
				const { data, warnings } = photoData(pictures, redact);
				for (const { index } of entries) {
					ledger.setData(index, data);
					ledger.warn(index, ...warnings);
				}
			},
			failed(error, entries) {
				for (const { index } of entries) ledger.requestFailed(error, [index], ledger.outcomes[index].data.status as string);
			},
		});
	}
	for (const { index, slot } of toRead) {
		if (ledger.isSettled(index)) continue;
		const product = slot.product as TaskProduct;
		if (!('current_images' in ledger.outcomes[index].data)) {
			// Ozon's read-back leaves out a product the account no longer has (deleted, or moved to another account):
			// its photos cannot be shown to be on Ozon, as Get Images fails such a product too.
			ledger.setData(index, { current_images: null });
			const errors = product.status === 'failed' ? product.errors.map((issue) => importIssueError(issue, redact)) : [];
			ledger.fail(index, product.status, [
				...errors,
				{ field: 'product_id', reason: `Ozon returned no pictures for product ${product.productId}: it may no longer be in this Ozon account, so its photos cannot be confirmed` },
			]);
			continue;
		}
		if (product.status === 'failed') {
			const errors = product.errors.map((issue) => importIssueError(issue, redact));
			ledger.fail(index, 'failed', errors.length > 0 ? errors : [{ field: 'images', reason: `Ozon reported status "${product.rawStatus}" without details` }]);
		} else {
			ledger.succeed(index, product.status);
		}
	}

	// Last: a failed request that stops the run settles every item still open with its reason.
	slots.forEach((slot, index) => {
		if (slot.requestError) ledger.requestFailed(slot.requestError, [index]);
	});
	if (keyWarning) ledger.warnEvery(keyWarning);
	return ledger.toExecutionData().map((item, index) => ({ ...item, pairedItem: { item: slots[index].input } }));
}
