/**
 * Everything the node keeps for the whole n8n process, in one place: the transport's limiters,
 * refusal windows and key expiry checks, and the write path's coordinators and product lanes. n8n
 * loads a node's module once per process; executions share this state through `nodeProcess()`.
 * Tests and the simulation make their own (one per simulated worker) with their own clock and
 * settings, and `resetNodeProcess` is the one reset.
 */
import { TransportState, type TransportSettings } from '../transport/state';
import { WriteRegistry } from '../writes/registry';
import { writeSettings, type PollingSettings, type WriteSettings } from '../writes/settings';
import { systemClock, type Clock } from './clock';

export interface NodeProcessOptions {
	clock?: Clock;
	transport?: Partial<TransportSettings>;
	writes?: Partial<Omit<WriteSettings, 'polling'>> & { polling?: Partial<PollingSettings> };
}

export class NodeProcess {
	readonly clock: Clock;

	readonly transport: TransportState;

	readonly writes: WriteRegistry;

	constructor(options: NodeProcessOptions = {}) {
		this.clock = options.clock ?? systemClock;
		this.transport = new TransportState(this.clock, options.transport);
		this.writes = new WriteRegistry(this.clock, writeSettings(options.writes));
	}
}

let current = new NodeProcess();

/** This n8n process's state. */
export function nodeProcess(): NodeProcess {
	return current;
}

/** Starts the process state afresh (tests: each case as a new n8n process would), with `options`. */
export function resetNodeProcess(options: NodeProcessOptions = {}): NodeProcess {
	current = new NodeProcess(options);
	return current;
}
