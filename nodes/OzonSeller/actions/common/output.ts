/**
 * What leaves the node, after an operation has settled every item: the item's shape (the full
 * result, or one flat row for a spreadsheet) and which output it takes when the node is set to
 * On Error → Continue (using error output).
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { ItemError, ItemWarning } from '../../domain/types';
import { inputIndexOf } from './ledger';
import { choiceReader } from './parameters';

export type OutputFormat = 'full' | 'flatRow';

/** The Output option of an operation's Options collection; `rowColumns` names the flat row's columns. */
export function outputOption(rowColumns: string): INodeProperties {
	return {
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'full',
		options: [
			{
				name: 'Flat Row',
				value: 'flatRow',
				description: `One flat row per item, ready for a spreadsheet: ${rowColumns}; errors and warnings as text`,
			},
			{
				name: 'Full Result',
				value: 'full',
				description: 'Success, data (with the image lists), errors[] and warnings[] as objects',
			},
		],
		description: 'The shape of each output item. Read from the first item, for the whole execution.',
	};
}

/** Reads the Output option (normalised like every choice); a bad value is a ParameterError. */
export const readOutputFormat = choiceReader<OutputFormat>([outputOption('')], 'output');

/** The full result of one item, as ItemLedger.toExecutionData builds it. */
interface FullResult {
	success: boolean;
	data: IDataObject;
	errors: ItemError[];
	warnings: ItemWarning[];
}

/** `items[2]`, or just the field when there is no position. */
function place(field: string, index: number | undefined): string {
	return index === undefined ? field : `${field}[${index}]`;
}

/** Each error on a line of its own: `images[1]: Answers HTTP 404 (https://…/2.jpg)`. */
export function errorsText(errors: ItemError[]): string {
	return errors
		.map(({ field, index, url, reason }) => {
			const subject = url && !reason.includes(url) ? ` (${url})` : '';
			return `${place(field, index)}: ${reason}${subject}`;
		})
		.join('\n');
}

/** Each warning on a line of its own, with the URLs it concerns when its message does not name them. */
export function warningsText(warnings: ItemWarning[]): string {
	return warnings
		.map(({ field, message, urls }) => {
			const unnamed = (urls ?? []).filter((url) => !message.includes(url));
			return `${field}: ${message}${unnamed.length > 0 ? ` (${unnamed.join(', ')})` : ''}`;
		})
		.join('\n');
}

function count(list: unknown): number | null {
	return Array.isArray(list) ? list.length : null;
}

function listText(list: unknown): string | null {
	return Array.isArray(list) ? list.join(', ') : null;
}

const orNull = (value: unknown) => (value === undefined ? null : value);

/**
 * The flat rows, one builder per operation. Every row has the same columns whatever happened, so
 * a sheet's header never shifts; a value not known for the item is null (an empty cell).
 */
const flatRows: Record<string, (result: FullResult) => IDataObject> = {
	push: ({ success, data, errors, warnings }) => ({
		offer_id: orNull(data.offer_id),
		product_id: orNull(data.product_id),
		success,
		status: orNull(data.status),
		images_before: count(data.previous_images),
		images_after: count(data.current_images),
		task_id: orNull(data.task_id),
		errors: errorsText(errors),
		warnings: warningsText(warnings),
	}),
	// URL lists as one text separated by commas: a Push reads such a cell back as it is.
	get: ({ success, data, errors, warnings }) => ({
		offer_id: orNull(data.offer_id),
		product_id: orNull(data.product_id),
		sku: orNull(data.sku),
		success,
		status: orNull(data.status),
		primary_image: orNull(data.primary_image),
		images: listText(data.images),
		color_image: orNull(data.color_image),
		image_errors: Array.isArray(data.image_errors)
			? (data.image_errors as Array<{ url: string | null; message: string }>).map(({ url, message }) => (url ? `${url}: ${message}` : message)).join('\n')
			: '',
		errors: errorsText(errors),
		warnings: warningsText(warnings),
	}),
	getPushResult: ({ success, data, errors, warnings }) => ({
		offer_id: orNull(data.offer_id),
		product_id: orNull(data.product_id),
		task_id: orNull(data.task_id),
		success,
		status: orNull(data.status),
		current_images: listText(data.current_images),
		color_image: orNull(data.color_image),
		errors: errorsText(errors),
		warnings: warningsText(warnings),
	}),
};


/**
 * Shapes the operation's results and, under On Error → Continue (using error output), marks each
 * failed item (`success: false`) so that n8n sends it to the error output.
 */
export function finishOutput(ctx: IExecuteFunctions, operation: string, results: INodeExecutionData[], format: OutputFormat): INodeExecutionData[] {
	const toErrorOutput = ctx.getNode().onError === 'continueErrorOutput';
	const flatRow = format === 'flatRow' ? flatRows[operation] : undefined;
	return results.map((item, index) => {
		const result = item.json as unknown as FullResult;
		const shaped: INodeExecutionData = flatRow ? { json: flatRow(result), pairedItem: item.pairedItem } : item;
		if (toErrorOutput && result.success === false) markFailed(ctx, shaped, result, inputIndexOf(item, index));
		return shaped;
	});
}

/**
 * n8n-core sends an item that carries `error` to the error output and, pairing it to its input,
 * rebuilds it from its own enumerable fields over the input's json. An enumerable `error` would
 * survive that and make n8n replace the json with `{ error: message }` (its normal form of an
 * errored item), so the item would lose its success, data, errors and warnings. Kept
 * non-enumerable, the error routes the item and is left behind; the json arrives whole. Should n8n
 * ever keep it, the item still takes the error output, its json then the message below.
 */
function markFailed(ctx: IExecuteFunctions, item: INodeExecutionData, result: FullResult, itemIndex: number): void {
	const error = new NodeOperationError(ctx.getNode(), failureMessage(result, itemIndex), { itemIndex });
	Object.defineProperty(item, 'error', { value: error, enumerable: false, writable: true, configurable: true });
}

/**
 * `Failed on item 1 (SKU-404): offer_id: …; images[2]: …`: the item, its product and every reason, on
 * one line. The editor adds ` [item 1]` to a message unless it already says `item 1`.
 */
function failureMessage(result: FullResult, itemIndex: number): string {
	const offer = typeof result.data.offer_id === 'string' ? ` (${result.data.offer_id})` : '';
	const reasons = errorsText(result.errors).split('\n').join('; ') || `status ${String(result.data.status)}`;
	return `Failed on item ${itemIndex}${offer}: ${reasons}`;
}

/** What happened to the items that did not fail, in the words of the operation. */
function othersText(operation: string, succeeded: FullResult[]): string {
	if (operation !== 'push') return 'read';
	const checked = succeeded.filter((result) => result.data.status === 'dry_run').length;
	if (checked === 0) return 'pushed';
	return checked === succeeded.length ? 'checked without sending anything (Dry Run)' : 'pushed, or checked without sending (Dry Run)';
}

/** `1 (SKU-404), 3, 4 (SKU-003)`, at most ten, then how many more. */
function failedItemsText(failed: Array<{ result: FullResult; index: number }>): string {
	const shown = failed.slice(0, 10).map(({ result, index }) => (typeof result.data.offer_id === 'string' ? `${index} (${result.data.offer_id})` : String(index)));
	return failed.length > 10 ? `${shown.join(', ')} and ${failed.length - 10} more` : shown.join(', ');
}

/**
 * Under On Error → Stop Workflow, once every item has its result: the error that stops the
 * workflow when any item failed (undefined when none did). It names the first failed item and its
 * reasons; its description says how many failed and that the others went through, since n8n shows
 * only the error and not the node's output.
 */
export function failedItemsError(ctx: IExecuteFunctions, operation: string, results: INodeExecutionData[]): NodeOperationError | undefined {
	// An item naming several products (storage objects) has a result per product: each names its input item.
	const all = results.map((item, index) => ({ result: item.json as unknown as FullResult, index: inputIndexOf(item, index) }));
	const failed = all.filter(({ result }) => result.success === false);
	if (failed.length === 0) return undefined;
	const succeeded = all.filter(({ result }) => result.success !== false).map(({ result }) => result);
	const { result, index } = failed[0];
	const count =
		succeeded.length === 0
			? `${failed.length === 1 ? 'The item' : `All ${failed.length} items`} failed.`
			: `${failed.length} of ${all.length} items failed; the other ${succeeded.length} ${succeeded.length === 1 ? 'was' : 'were'} ${othersText(operation, succeeded)}.`;
	const list = failed.length > 1 ? ` Failed items: ${failedItemsText(failed)}.` : '';
	return new NodeOperationError(ctx.getNode(), failureMessage(result, index), {
		itemIndex: index,
		description: `${count}${list} Set On Error (node settings) to 'Continue (using error output)' to route failed items to a branch of their own instead, or to 'Continue' to keep them in the output with success: false.`,
	});
}
