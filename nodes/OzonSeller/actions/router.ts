import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { forItems, forgetSettled, rememberSettled, settledEarlier } from './common/earlierTries';
import { ItemLedger, inputIndexOf, stopErrorOf } from './common/ledger';
import { failedItemsError, finishOutput, readOutputFormat } from './common/output';
import { ItemParameters, ParameterError, keepFirstOptions } from './common/parameters';
import { nodeProcess, type NodeProcess } from '../runtime/nodeProcess';
import * as productImage from './productImage';

type Operation = (this: IExecuteFunctions, items: INodeExecutionData[], process: NodeProcess) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, Operation>> = {
	productImage: { push: productImage.push.execute, get: productImage.get.execute, getPushResult: productImage.getPushResult.execute },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeIn(this, nodeProcess());
}

/** The router with the process state given (the write-path simulation runs several processes in one). */
export async function routeIn(ctx: IExecuteFunctions, process: NodeProcess): Promise<INodeExecutionData[][]> {
	return await route.call(ctx, process);
}

async function route(this: IExecuteFunctions, process: NodeProcess): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = operations[resource]?.[operation];
	if (!run) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	// Read before anything is sent: a bad value must not cost a push whose result cannot be shown.
	const first = new ItemParameters(this).readFirstOptions();
	const format = first instanceof ParameterError ? first : readOutputFormat(first.output ?? 'full');
	// A format read means the first item's Options were (format is their error otherwise).
	const results = format instanceof ParameterError ? failEvery(this, items.length, format) : await runOpenItems(this, run, items, first as IDataObject, process);
	const output = finishOutput(this, operation, results, format instanceof ParameterError ? 'full' : format);

	// Stop Workflow: every item has had its turn (one failure never keeps the others from Ozon); now
	// the first failure stops the workflow, as n8n's own nodes do.
	if (!this.continueOnFail()) {
		const stop = stopErrorOf(results) ?? failedItemsError(this, operation, results);
		if (stop) {
			rememberSettled(this, items, results);
			throw stop;
		}
	}
	forgetSettled(this, items);
	return [output];
}

/** Every item failed with one reason (a setting of the whole execution), nothing sent. */
function failEvery(ctx: IExecuteFunctions, itemCount: number, error: ParameterError): INodeExecutionData[] {
	const ledger = new ItemLedger(ctx, itemCount);
	ledger.failEvery('invalid', error.toItemError());
	return ledger.toExecutionData();
}

/**
 * Runs the operation on the items an earlier try of a Retry On Fail did not settle for good (all of
 * them, on a first try), and puts the kept results back in their places, paired to their inputs
 * (an input item may have several: one per product it names, or per product of a task).
 */
async function runOpenItems(ctx: IExecuteFunctions, run: Operation, items: INodeExecutionData[], firstOptions: IDataObject, process: NodeProcess): Promise<INodeExecutionData[]> {
	const earlier = settledEarlier(ctx, items);
	if (earlier.size === 0) {
		keepFirstOptions(ctx, firstOptions, true);
		return await run.call(ctx, items, process);
	}
	const open = items.map((_, index) => index).filter((index) => !earlier.has(index));
	const fresh = open.length > 0 ? await runRetried(forItems(ctx, open), run, open.map((index) => items[index]), firstOptions, process) : [];
	const results = new Map(earlier);
	// Paired to the narrowed items: item i of this try is input item open[i] (one result, or one per product it names).
	fresh.forEach((result, position) => {
		const index = open[inputIndexOf(result, position)];
		const repaired = { ...result, pairedItem: { item: index } };
		const own = results.get(index);
		if (own) own.push(repaired);
		else results.set(index, [repaired]);
	});
	return items.flatMap((_, index) => results.get(index) ?? []);
}

/**
 * A retry's open items. Their first is another item than the execution's first, whose Options set
 * the execution's on the first try (and its Output, read by the router, on this one): they stay.
 */
async function runRetried(narrowed: IExecuteFunctions, run: Operation, items: INodeExecutionData[], firstOptions: IDataObject, process: NodeProcess): Promise<INodeExecutionData[]> {
	keepFirstOptions(narrowed, firstOptions, false);
	return await run.call(narrowed, items, process);
}
