import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { ItemLedger } from './common/ledger';
import { finishOutput, readOutputFormat } from './common/output';
import { ItemParameters, ParameterError } from './common/parameters';
import * as productImage from './productImage';

type Operation = (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, Operation>> = {
	productImage: { push: productImage.push.execute, get: productImage.get.execute },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = operations[resource]?.[operation];
	if (!run) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	// Read before anything is sent: a bad value must not cost a push whose result cannot be shown.
	const format = readOutputFormat(new ItemParameters(this).options(0).output ?? 'full');
	if (format instanceof ParameterError) {
		const ledger = new ItemLedger(this, items.length);
		ledger.failEvery('invalid', format.toItemError());
		return [finishOutput(this, operation, ledger.toExecutionData(), 'full')];
	}
	return [finishOutput(this, operation, await run.call(this, items), format)];
}
