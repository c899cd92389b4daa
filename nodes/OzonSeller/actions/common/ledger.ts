import { NodeApiError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import type { ItemError, ItemWarning } from '../../domain/types';
import { OzonRequestError, toNodeApiError, type OzonFailureKind } from '../../transport/errors';

// The contract's order, so outputs read the same whichever stage set a field first.
const DATA_KEY_ORDER = ['offer_id', 'product_id', 'sku', 'task_id', 'status', 'updated', 'previous_images', 'current_images'];

function ordered(data: IDataObject): IDataObject {
	const result: IDataObject = {};
	for (const key of DATA_KEY_ORDER) if (key in data) result[key] = data[key];
	for (const key of Object.keys(data)) if (!(key in result)) result[key] = data[key];
	return result;
}

/**
 * Failures a later try of the node may cure: Ozon was busy, limited the rate, or did not answer,
 * and nothing was written. A rejection, an unknown product, invalid input or a write whose result
 * is unknown would fail the same way again, or must not be sent twice.
 */
const WORTH_RETRYING: ReadonlySet<OzonFailureKind> = new Set<OzonFailureKind>(['conflict', 'rateLimited', 'unavailable']);

/** The output json of the items whose failure is worth another try (see `worthRetrying`). */
const retryableResults = new WeakSet<object>();

/** The output json of the items settled by a failure that stops the node (see `stopErrorOf`). */
const stoppingResults = new WeakMap<object, Error>();

/**
 * The error that stops the node, when one of these results was settled by a failure that stops
 * the run (a rejected key, an unreachable Ozon) without Continue On Fail. Thrown by the router once
 * every item has its result, so that Retry On Fail keeps what this try settled for good (a write
 * Ozon accepted is never sent again).
 */
export function stopErrorOf(results: INodeExecutionData[]): Error | undefined {
	for (const [position, result] of results.entries()) {
		const error = stoppingResults.get(result.json);
		if (!error) continue;
		// The ledger knew only its own index (a product's, or an item's among a retry's open ones): name the input item.
		if (error instanceof NodeApiError) error.context.itemIndex = inputIndexOf(result, position);
		return error;
	}
	return undefined;
}

/** Whether this output json (from `toExecutionData`) is a failure that another try may cure. */
export function worthRetrying(json: object): boolean {
	return retryableResults.has(json);
}

/** The input item a result is paired to (`fallback` when it names none). */
export function inputIndexOf(result: INodeExecutionData, fallback: number): number {
	const paired = Array.isArray(result.pairedItem) ? result.pairedItem[0] : result.pairedItem;
	return typeof paired === 'object' && paired !== null ? paired.item : typeof paired === 'number' ? paired : fallback;
}

/**
 * A copy of a result (from `toExecutionData`) paired to input item `item`, with that item's own
 * warnings first: one result shared by several items (a product several items name). It keeps
 * what the result says for Retry On Fail and for stopping the node.
 */
export function resultForItem(result: INodeExecutionData, item: number, ownWarnings: ItemWarning[]): INodeExecutionData {
	const { success, data, errors, warnings } = result.json as unknown as Omit<ItemOutcome, 'settled'>;
	const json = { success, data: structuredClone(data), errors: [...errors], warnings: [...ownWarnings, ...warnings] } as unknown as IDataObject;
	if (retryableResults.has(result.json)) retryableResults.add(json);
	const stopping = stoppingResults.get(result.json);
	if (stopping) stoppingResults.set(json, stopping);
	return { json, pairedItem: { item } };
}

/** What the node will output for one input item. */
export interface ItemOutcome {
	success: boolean;
	data: IDataObject;
	errors: ItemError[];
	warnings: ItemWarning[];
	/** Has its result: no later stage touches it. */
	settled: boolean;
	/** Failed in a way another try may cure (see WORTH_RETRYING). */
	retryable?: boolean;
}

/**
 * What the stages need of a ledger: the items still in play, and how to settle them. An execution's
 * `ItemLedger` is one; a write shared by several executions keeps another (see push/flight.ts).
 */
export interface Ledger {
	readonly stopped: boolean;
	isSettled(index: number): boolean;
	open(indexes: number[]): number[];
	setData(index: number, data: IDataObject): void;
	warn(index: number, ...warnings: ItemWarning[]): void;
	fail(index: number, status: string, errors: ItemError[]): void;
	succeed(index: number, status: string): void;
	requestFailed(error: unknown, indexes: number[], status?: string): void;
}

/**
 * The per-item ledger of one execution: every input item has exactly one outcome, and a failed
 * request settles exactly the items it concerned.
 */
export class ItemLedger implements Ledger {
	readonly outcomes: ItemOutcome[];

	/** Set when the credential was rejected (or its Base URL redirects), or a failure stops the node: no further request is made. */
	stopped = false;

	/** The failure that stops the node (without Continue On Fail), thrown by the router after the results. */
	private stopError: Error | undefined;

	constructor(
		private readonly ctx: IExecuteFunctions,
		itemCount: number,
	) {
		this.outcomes = Array.from({ length: itemCount }, () => ({
			success: false,
			data: {},
			errors: [],
			warnings: [],
			settled: false,
		}));
	}

	/** Whether item `index` has its result: no later stage touches it. */
	isSettled(index: number): boolean {
		return this.outcomes[index].settled;
	}

	/** The indexes among `indexes` still in play (not settled). */
	open(indexes: number[]): number[] {
		return indexes.filter((index) => !this.isSettled(index));
	}

	setData(index: number, data: IDataObject): void {
		Object.assign(this.outcomes[index].data, data);
	}

	warn(index: number, ...warnings: ItemWarning[]): void {
		this.outcomes[index].warnings.push(...warnings);
	}

	/** A warning that concerns the whole run (e.g. the API key expires soon), on every item. */
	warnEvery(warning: ItemWarning): void {
		for (const outcome of this.outcomes) outcome.warnings.push(warning);
	}

	/** A failure that concerns the whole run (e.g. a bad execution-level setting), on every item. */
	failEvery(status: string, error: ItemError): void {
		this.outcomes.forEach((_, index) => this.fail(index, status, [error]));
	}

	/** `retryable`: another try may cure it (see WORTH_RETRYING), e.g. a task Ozon is still processing. */
	fail(index: number, status: string, errors: ItemError[], retryable = false): void {
		const outcome = this.outcomes[index];
		outcome.success = false;
		outcome.settled = true;
		outcome.data.status = status;
		outcome.errors.push(...errors);
		if (retryable) outcome.retryable = true;
	}

	succeed(index: number, status: string): void {
		const outcome = this.outcomes[index];
		outcome.success = true;
		outcome.settled = true;
		outcome.data.status = status;
	}

	/**
	 * Settles the items a failed request concerned. A rejected credential or an unreachable Ozon
	 * stops the node (as n8n users expect) unless it is set to continue on fail: no further request
	 * is made, every item gets its result, and the router throws once they have (see stopErrorOf);
	 * anything else fails just those items. A failure that stops every request also settles every other item
	 * still open (unless `othersToo` is false), as `failed`: none of them reached Ozon, whatever
	 * `status` the failed request gave its own items (`pending`: written, result unknown).
	 */
	requestFailed(error: unknown, indexes: number[], status = 'failed', othersToo = true): void {
		if (!(error instanceof OzonRequestError)) throw error;
		const affected = this.open(indexes);
		const stopsNode = error.stopsRun && !this.ctx.continueOnFail();
		if (stopsNode) {
			// The node stops with this error once every item has its result (see stopErrorOf); nothing more is asked of Ozon.
			this.stopError ??= toNodeApiError(this.ctx.getNode(), error, affected[0]);
		}
		if (error.stopsAllRequests || stopsNode) this.stopped = true;
		this.settleFailed(error, affected, status);
		if ((error.stopsAllRequests || stopsNode) && othersToo) this.settleFailed(error, this.open(this.outcomes.map((_, index) => index)), 'failed');
	}

	private settleFailed(error: OzonRequestError, indexes: number[], status: string): void {
		const reason = `${error.message}. ${error.hint}`;
		// A failed poll leaves a write standing whose result is unknown: it is never sent again.
		const retryable = WORTH_RETRYING.has(error.kind) && status !== 'pending';
		for (const index of indexes) {
			this.fail(index, status, [{ field: 'request', reason }]);
			if (retryable) this.outcomes[index].retryable = true;
			if (error.details.retryAfterSeconds !== undefined) {
				this.setData(index, { retry_after_seconds: Math.ceil(error.details.retryAfterSeconds) });
			}
			if (error.details.retryAt !== undefined) {
				this.setData(index, { retry_at: new Date(Math.ceil(error.details.retryAt / 1000) * 1000).toISOString().replace('.000Z', 'Z') });
			}
		}
	}

	toExecutionData(): INodeExecutionData[] {
		// Every item must leave with a result: one that no stage settled is reported, never passed as success.
		this.outcomes.forEach((outcome, index) => {
			if (!outcome.settled) this.fail(index, 'failed', [{ field: 'node', reason: 'The node reached no result for this item; please report this with the workflow' }]);
		});
		return this.outcomes.map(({ success, data, errors, warnings, retryable }, index) => {
			const json = { success, data: ordered(data), errors, warnings } as unknown as IDataObject;
			if (retryable) retryableResults.add(json);
			if (this.stopError && !success) stoppingResults.set(json, this.stopError);
			return { json, pairedItem: { item: index } };
		});
	}
}
