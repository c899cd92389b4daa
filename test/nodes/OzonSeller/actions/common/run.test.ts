import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { RunState } from '../../../../../nodes/OzonSeller/actions/common/run';
import { OzonRequestError, type OzonFailureKind } from '../../../../../nodes/OzonSeller/transport/errors';

const node = { name: 'Ozon Seller' } as INode;
const context = (continueOnFail: boolean) => ({ continueOnFail: () => continueOnFail, getNode: () => node }) as unknown as IExecuteFunctions;
const failure = (kind: OzonFailureKind) => new OzonRequestError(`failed: ${kind}`, { kind, endpoint: '/x', attempts: 1 });

describe('RunState', () => {
	it('an item no stage settled leaves as a visible failure, never a success', () => {
		const run = new RunState(context(false), 2);
		run.succeed(0, 'imported');
		const output = run.toExecutionData();
		expect(output.map((item) => [item.json.success, (item.json.data as { status: string }).status])).toEqual([
			[true, 'imported'],
			[false, 'failed'],
		]);
		expect(output[1].pairedItem).toEqual({ item: 1 });
	});

	it('a rejected request fails only the items it concerned', () => {
		const run = new RunState(context(false), 3);
		run.requestFailed(failure('invalid'), [0, 1]);
		expect(run.outcomes.map((outcome) => outcome.final)).toEqual([true, true, false]);
	});

	it('a rejected credential stops the node, or under continue-on-fail settles every open item and stops requests', () => {
		expect(() => new RunState(context(false), 2).requestFailed(failure('auth'), [0])).toThrow('failed: auth');
		const run = new RunState(context(true), 3);
		run.succeed(2, 'imported');
		run.requestFailed(failure('auth'), [0]);
		expect(run.stopped).toBe(true);
		expect(run.outcomes.map((outcome) => [outcome.final, outcome.success])).toEqual([
			[true, false],
			[true, false],
			[true, true],
		]);
	});

	it('an error that is not a failed Ozon request is not swallowed', () => {
		expect(() => new RunState(context(true), 1).requestFailed(new TypeError('bug'), [0])).toThrow(TypeError);
	});
});
