import type { IExecuteFunctions, INode, NodeApiError } from 'n8n-workflow';

import { ItemLedger, stopErrorOf, worthRetrying } from '../../../../../nodes/OzonSeller/actions/common/ledger';
import { OzonRequestError, type OzonFailureKind } from '../../../../../nodes/OzonSeller/transport/errors';

const node = { name: 'Ozon Seller' } as INode;
const context = (continueOnFail: boolean) => ({ continueOnFail: () => continueOnFail, getNode: () => node }) as unknown as IExecuteFunctions;
const failure = (kind: OzonFailureKind) => new OzonRequestError(`failed: ${kind}`, { kind, endpoint: '/x', attempts: 1 });

describe('ItemLedger', () => {
	it('an item no stage settled leaves as a visible failure, never a success', () => {
		const ledger = new ItemLedger(context(false), 2);
		ledger.succeed(0, 'imported');
		const output = ledger.toExecutionData();
		expect(output.map((item) => [item.json.success, (item.json.data as { status: string }).status])).toEqual([
			[true, 'imported'],
			[false, 'failed'],
		]);
		expect(output[1].pairedItem).toEqual({ item: 1 });
	});

	it('a rejected request fails only the items it concerned', () => {
		const ledger = new ItemLedger(context(false), 3);
		ledger.requestFailed(failure('invalid'), [0, 1]);
		expect([0, 1, 2].map((index) => ledger.isSettled(index))).toEqual([true, true, false]);
	});

	it("the stopping error names the input item its result is paired to, not the ledger's own index (a product's, or a retry's open item's)", () => {
		const stopping = new ItemLedger(context(false), 2);
		stopping.succeed(0, 'imported');
		stopping.requestFailed(failure('auth'), [1]);
		// As the storage path or a retry hands them on: paired to input item 5.
		const results = stopping.toExecutionData().map((result) => ({ ...result, pairedItem: { item: 5 } }));
		expect((stopErrorOf(results) as NodeApiError).context.itemIndex).toBe(5);
	});

	it('a rejected credential stops the node once every item has its result (kept for Retry On Fail), or under continue-on-fail settles every open item and stops requests', () => {
		const stopping = new ItemLedger(context(false), 3);
		stopping.succeed(2, 'imported');
		stopping.requestFailed(failure('auth'), [0]);
		expect(stopping.stopped).toBe(true);
		const results = stopping.toExecutionData();
		expect(results.map((item) => item.json.success)).toEqual([false, false, true]);
		expect(stopErrorOf(results)?.message).toContain('failed: auth');
		const ledger = new ItemLedger(context(true), 3);
		ledger.succeed(2, 'imported');
		ledger.requestFailed(failure('auth'), [0]);
		expect(ledger.stopped).toBe(true);
		expect(ledger.outcomes.map((outcome) => [outcome.settled, outcome.success])).toEqual([
			[true, false],
			[true, false],
			[true, true],
		]);
	});

	it('an error that is not a failed Ozon request is not swallowed', () => {
		expect(() => new ItemLedger(context(true), 1).requestFailed(new TypeError('bug'), [0])).toThrow(TypeError);
	});

	it('marks a failure worth another try only when Ozon was busy, limited the rate or did not answer, and nothing was written', () => {
		const kinds: OzonFailureKind[] = ['conflict', 'rateLimited', 'unavailable', 'invalid', 'notFound', 'switchedOff'];
		const ledger = new ItemLedger(context(true), kinds.length + 3);
		kinds.forEach((kind, index) => ledger.requestFailed(failure(kind), [index]));
		// A failed poll: the write stands, its result unknown; it must not be sent again.
		ledger.requestFailed(failure('conflict'), [kinds.length], 'pending');
		ledger.fail(kinds.length + 1, 'invalid', [{ field: 'images', reason: 'bad' }]);
		ledger.succeed(kinds.length + 2, 'imported');
		expect(ledger.toExecutionData().map((item) => worthRetrying(item.json))).toEqual([true, true, true, false, false, false, false, false, false]);
	});
});
