/**
 * n8n's Retry On Fail runs a node again, every item, after it stopped with an error. Under On Error
 * → Stop Workflow this node stops once every item has its result, if any failed. What that try
 * settled for good — successes, and failures another try cannot cure — is kept here, so the next try
 * runs only the failures worth retrying: a product already pushed is not pushed again, and nothing
 * is asked of Ozon twice for an item whose answer would not change.
 *
 * n8n's engine retries in the same process, handing the node the very same input item objects; that
 * identifies a retry. What is kept hangs on the first input item (per node), so it goes with the
 * execution's data, and a later execution (whose items are new objects) never sees it. Once every
 * try has failed the workflow stops there, so no later run of the node in that execution sees it.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { inputIndexOf, worthRetrying } from './ledger';

interface SettledTry {
	/** The input items of that try, to recognise the same input. */
	items: INodeExecutionData[];
	/** Item index → the full results it settled with (one, or one per product it names). */
	settled: Map<number, INodeExecutionData[]>;
}

const tries = new WeakMap<INodeExecutionData, Map<string, SettledTry>>();

/**
 * Per input item object and node: its results settled for good, also where others of its results
 * were not (an item naming several products is run again, but its products already settled are not
 * sent again: see `settledResultsOf`).
 */
const settledOfItem = new WeakMap<INodeExecutionData, Map<string, INodeExecutionData[]>>();

const settledForGood = (result: INodeExecutionData) => result.json.success !== false || !worthRetrying(result.json);

/** Per node: two nodes fed by one output see the same item objects. */
function keyOf(ctx: IExecuteFunctions): string {
	return ctx.getNode().name;
}

/** The results an earlier try of this node, on these very items, settled for good (empty if none). */
export function settledEarlier(ctx: IExecuteFunctions, items: INodeExecutionData[]): Map<number, INodeExecutionData[]> {
	const earlier = items.length > 0 ? tries.get(items[0])?.get(keyOf(ctx)) : undefined;
	if (!earlier || earlier.items.length !== items.length || earlier.items.some((item, index) => item !== items[index])) return new Map();
	return earlier.settled;
}

/** Keeps what this try settled for good, for the retry n8n is about to run (only with Retry On Fail on). */
export function rememberSettled(ctx: IExecuteFunctions, items: INodeExecutionData[], results: INodeExecutionData[]): void {
	if (ctx.getNode().retryOnFail !== true || items.length === 0) return;
	// An item is settled for good when every result it has is: one per product it names, else one.
	const byItem = new Map<number, INodeExecutionData[]>();
	results.forEach((result, position) => {
		const index = inputIndexOf(result, position);
		const own = byItem.get(index);
		if (own) own.push(result);
		else byItem.set(index, [result]);
	});
	const settled = new Map<number, INodeExecutionData[]>();
	for (const [index, own] of byItem) {
		if (own.every(settledForGood)) settled.set(index, own);
		else if (own.length > 1 && items[index]) {
			let perNode = settledOfItem.get(items[index]);
			if (!perNode) settledOfItem.set(items[index], (perNode = new Map()));
			perNode.set(keyOf(ctx), own.filter(settledForGood));
		}
	}
	let perNode = tries.get(items[0]);
	if (!perNode) tries.set(items[0], (perNode = new Map()));
	perNode.set(keyOf(ctx), { items: [...items], settled });
}

/**
 * The results an earlier try of this node settled for good for input item `item` (this very object),
 * where it has others worth another try: one per product it names, for the products not to send again.
 */
export function settledResultsOf(ctx: IExecuteFunctions, item: INodeExecutionData | undefined): INodeExecutionData[] {
	return (item && settledOfItem.get(item)?.get(keyOf(ctx))) ?? [];
}

/** Drops what an earlier try kept, once the node has finished its items without stopping. */
export function forgetSettled(ctx: IExecuteFunctions, items: INodeExecutionData[]): void {
	if (items.length > 0) tries.get(items[0])?.delete(keyOf(ctx));
	for (const item of items) settledOfItem.get(item)?.delete(keyOf(ctx));
}

/**
 * The node's context narrowed to some of its input items: item i of the narrowed context is input
 * item `indexes[i]`, so each parameter (and each expression in it) is read for the item it belongs to.
 */
export function forItems(ctx: IExecuteFunctions, indexes: number[]): IExecuteFunctions {
	const items = ctx.getInputData();
	const subset = indexes.map((index) => items[index]);
	const narrowed = Object.create(ctx) as IExecuteFunctions;
	narrowed.getInputData = () => subset;
	narrowed.getNodeParameter = ((name: string, itemIndex: number, ...rest: unknown[]) =>
		(ctx.getNodeParameter as (...args: unknown[]) => unknown).call(ctx, name, indexes[itemIndex], ...rest)) as IExecuteFunctions['getNodeParameter'];
	narrowed.getCredentials = (async (type: string, itemIndex?: number) =>
		await ctx.getCredentials(type, itemIndex === undefined ? undefined : indexes[itemIndex])) as IExecuteFunctions['getCredentials'];
	return narrowed;
}
