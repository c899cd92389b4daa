/**
 * What the fixed scenarios of the simulation share (regressions.test.ts, attack22.test.ts): a calm
 * Ozon, an execution's defaults, and how to read and judge a run.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ExecutionSpec } from './fakeExecution';
import { checkInvariants } from './invariants';
import type { OzonBehaviour } from './ozonModel';
import { describeFailure, type RunRecord } from './simulate';

/** An Ozon without faults, in order, 0.5 s a task, 20 ms away: each scenario adds its own trouble. */
export const CALM: OzonBehaviour = {
	taskOrder: 'fifo',
	cdnRewrite: false,
	latencyMs: [20, 20],
	rate5xx: 0,
	rate429: 0,
	rateReset: 0,
	rateTimeout: 0,
	processedShare: 0,
	fastMs: [500, 500],
	slowShare: 0,
	slowMs: [500, 500],
};

/** One execution of process 0 with the node's usual options, unless the scenario says otherwise. */
export function execution(id: number, startAt: number, items: ExecutionSpec['items'], options: IDataObject = {}, extra: Partial<ExecutionSpec> = {}): ExecutionSpec {
	return {
		id,
		process: 0,
		startAt,
		items,
		options: { resultTimeout: 60, waitForResult: true, watchOtherWriters: true, ...options },
		retryOnFail: false,
		maxTries: 3,
		waitBetweenTries: 1000,
		onError: 'continueRegularOutput',
		...extra,
	};
}

/** Output item `index` of execution `executionId`. */
export function json(record: RunRecord, executionId: number, index: number): IDataObject {
	const item = record.results[executionId]?.output?.[index];
	if (!item) throw new Error(`execution ${executionId} has no output item ${index}`);
	return item.json;
}

/** Fails with the replayable case when any invariant is broken. */
export function expectInvariants(record: RunRecord): void {
	const violations = checkInvariants(record);
	if (violations.length > 0) throw new Error(describeFailure(record.schedule, violations));
}
