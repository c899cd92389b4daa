/**
 * Runs one schedule: 1–3 simulated n8n processes (each a NodeProcess of its own: they share only
 * Ozon, as queue-mode workers do), their executions started at their virtual times, until nothing
 * is left to happen; then Ozon processes whatever is still pending, and the invariants judge the
 * history (invariants.ts).
 */
import { NodeProcess } from '../../nodes/OzonSeller/runtime/nodeProcess';
import type { Clock } from '../../nodes/OzonSeller/runtime/clock';
import { seededRandom } from '../../sandbox/store';
import { runExecution, type ExecutionResult } from './fakeExecution';
import { judge, type Exemption, type Violation } from './invariants';
import { OzonModel, type FaultRule } from './ozonModel';
import type { Schedule } from './schedule';
import { VIRTUAL_EPOCH, VirtualTime } from '../helpers/virtualTime';

/** Past this much virtual time a run counts as never settling (the longest Result Timeout is minutes here). */
export const MAX_VIRTUAL_MS = 6 * 3600_000;

export interface RunRecord {
	schedule: Schedule;
	model: OzonModel;
	results: Array<ExecutionResult | undefined>;
	/** Per process: when each of its requests started (virtual epoch ms). */
	requestStarts: number[][];
	runStart: number;
	/** Whether the run came to rest (no timer left) within MAX_VIRTUAL_MS. */
	quiescent: boolean;
	endedAt: number;
}

export interface SimulationHooks {
	/** A product's processing time in a task, instead of the drawn one. */
	processingMsOf?: (offerId: string, taskId: number) => number | undefined;
	/** Forced fates of requests (see FaultRule). */
	rules?: FaultRule[];
	checkContract?: boolean;
}

/**
 * The slowest processing time a process has seen: over its coordinators (one Ozon key here, so one),
 * the samples its pace keeps (nodes/OzonSeller/writes/pace.ts: `recent`, the times known closely, and
 * `doneMs`, the shortest seen), taken as `slowProcessingMs` takes them. Read from the samples, not
 * through that getter: what the process had seen, whatever time its read-back chose to wait
 * (regression 5 replaces the getter to show a wrong choice is caught). Read, never changed.
 */
function slowestSeen(process: NodeProcess): number | undefined {
	const coordinators = (process.writes as unknown as { coordinators: Map<string, { pace: object }> }).coordinators;
	let slowest: number | undefined;
	for (const { pace } of coordinators.values()) {
		const { recent, doneMs } = pace as { recent?: unknown; doneMs?: unknown };
		if (!Array.isArray(recent) || !(doneMs === undefined || typeof doneMs === 'number')) {
			throw new Error('simulate.ts slowestSeen: TaskPace no longer keeps `recent` and `doneMs`; update the recording hook');
		}
		for (const ms of [...(recent as number[]), ...(doneMs === undefined ? [] : [doneMs])]) slowest = Math.max(slowest ?? ms, ms);
	}
	return slowest;
}

/**
 * The shared virtual time of one schedule, driven by hand (`run`): from a fixed start, so no run
 * depends on the day it runs, with jitter seeded by the schedule's seed.
 */
export function simulationClock(seed: number): VirtualTime {
	return new VirtualTime({ start: VIRTUAL_EPOCH, seed: seed ^ 0x5f3759df });
}

/** A process's view of the shared virtual time, with jitter of its own. */
function processClock(clock: VirtualTime, seed: number): Clock {
	const random = seededRandom(seed);
	return { now: () => clock.now(), sleep: (ms) => clock.sleep(ms), random };
}

export async function simulate(schedule: Schedule, hooks: SimulationHooks = {}): Promise<RunRecord> {
	const clock = simulationClock(schedule.seed);
	const model = new OzonModel(clock, schedule.behaviour, schedule.seed, OzonModel.seedProducts(schedule.products), hooks.processingMsOf);
	model.rules = hooks.rules ?? [];
	model.checkContract = hooks.checkContract ?? true;
	const processes = schedule.processes.map((_, index) => new NodeProcess({ clock: processClock(clock, schedule.seed * 31 + index) }));
	model.paceOf = (index) => slowestSeen(processes[index]);
	const requestStarts: number[][] = schedule.processes.map(() => []);
	const results: Array<ExecutionResult | undefined> = schedule.executions.map(() => undefined);
	const runStart = clock.now();
	for (const spec of schedule.executions) {
		clock.at(runStart + spec.startAt, () => {
			void runExecution(spec, processes[spec.process], model, clock, runStart, (at) => requestStarts[spec.process].push(at)).then((result) => {
				results[spec.id] = result;
				clock.touch();
			});
		});
	}
	const quiescent = await clock.run(runStart + MAX_VIRTUAL_MS);
	const endedAt = clock.now();
	// Ozon finishes every task in the end: the invariants judge what stays.
	model.processAll();
	return { schedule, model, results, requestStarts, runStart, quiescent, endedAt };
}

/** Runs and judges one schedule. */
export async function simulateAndCheck(schedule: Schedule, hooks: SimulationHooks = {}): Promise<{ run: RunRecord; violations: Violation[]; exemptions: Exemption[] }> {
	const run = await simulate(schedule, hooks);
	return { run, ...judge(run) };
}

/** What a failure prints: the seed, what broke, and the schedule to replay. */
export function describeFailure(schedule: Schedule, violations: Violation[]): string {
	const lines = violations.slice(0, 20).map((violation) => `  [${violation.invariant}] ${violation.message}`);
	if (violations.length > 20) lines.push(`  … and ${violations.length - 20} more`);
	return [
		`Simulation seed ${schedule.seed} (tasks ${schedule.behaviour.taskOrder ?? 'overtaking'}) broke ${new Set(violations.map((violation) => violation.invariant)).size} invariant(s):`,
		...lines,
		`Replay: npm run simulate -- --seed ${schedule.seed}`,
		`Schedule: ${JSON.stringify(schedule)}`,
	].join('\n');
}
