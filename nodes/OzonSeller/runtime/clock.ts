/**
 * Time as the node sees it. Every wait and every timestamp of the transport and the write path goes
 * through a Clock handed in by the process (runtime/nodeProcess.ts), so tests and the write-path
 * simulation can run them in virtual time, without real sleeps.
 */
import { sleep } from 'n8n-workflow';

export interface Clock {
	/** Epoch milliseconds. */
	now(): number;
	/** Resolves after `ms` milliseconds of this clock. */
	sleep(ms: number): Promise<void>;
	/** A number in [0, 1): retry jitter (a seeded source in the simulation). */
	random(): number;
}

/** The real clock: n8n's `sleep`, the system time and Math.random. */
export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms) => await sleep(Math.max(0, ms)),
	random: () => Math.random(),
};
