/**
 * The node's process state in tests: every case starts as a fresh n8n process would (see
 * setup/ozon.ts), with the options its file asked for (`useProcessOptions`, e.g. fast polling) and
 * those the case itself tunes (`tuneProcess`). Settings come in through the process's constructor:
 * nothing of the node is mutated.
 */
import { resetNodeProcess, type NodeProcess, type NodeProcessOptions } from '../../nodes/OzonSeller/runtime/nodeProcess';

let fileOptions: NodeProcessOptions = {};
let caseOptions: NodeProcessOptions = {};

function merge(a: NodeProcessOptions, b: NodeProcessOptions): NodeProcessOptions {
	return {
		clock: b.clock ?? a.clock,
		transport: { ...a.transport, ...b.transport, backoff: { ...a.transport?.backoff, ...b.transport?.backoff } as never, aimd: { ...a.transport?.aimd, ...b.transport?.aimd } as never },
		writes: { ...a.writes, ...b.writes, polling: { ...a.writes?.polling, ...b.writes?.polling } },
	};
}

/** A fresh process state for the case about to run (setup/ozon.ts calls it before each case). */
export function startCaseProcess(): NodeProcess {
	caseOptions = {};
	return resetNodeProcess(fileOptions);
}

/** For every case of this file: these process options. */
export function useProcessOptions(options: NodeProcessOptions): void {
	beforeAll(() => {
		fileOptions = merge(fileOptions, options);
	});
	afterAll(() => {
		fileOptions = {};
	});
}

/** For the rest of this case: a fresh process state with these options too (call it before the case sends anything). */
export function tuneProcess(options: NodeProcessOptions): NodeProcess {
	caseOptions = merge(caseOptions, options);
	return resetNodeProcess(merge(fileOptions, caseOptions));
}
