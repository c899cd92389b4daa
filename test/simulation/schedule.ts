/**
 * A schedule: everything one simulated run does, drawn from a seed, and plain JSON so a failing
 * run can be printed and replayed exactly (`npm run simulate -- --seed S`, or the JSON itself).
 */
import { seededRandom } from '../../sandbox/store';
import type { ExecutionSpec, OnError } from './fakeExecution';
import type { OzonBehaviour } from './ozonModel';

export interface ProcessSpec {
	/** The process's Requests per Second (every execution of it sets the same). */
	requestsPerSecond: number;
}

export interface Schedule {
	seed: number;
	products: number;
	processes: ProcessSpec[];
	behaviour: OzonBehaviour;
	executions: ExecutionSpec[];
}

/** Share of schedules whose Ozon lets a task finish before an older one (see OzonBehaviour.taskOrder). */
export const OVERTAKING_SHARE = 0.15;

/** Photos a product may end up with before a push is turned into a Replace: no truncation blurs the checks. */
const MAX_PLANNED_PHOTOS = 24;

export function generateSchedule(seed: number): Schedule {
	const random = seededRandom(seed);
	const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
	const between = (low: number, high: number) => Math.round(low + random() * (high - low));
	const chance = (share: number) => random() < share;

	const processCount = between(1, 3);
	const processes: ProcessSpec[] = Array.from({ length: processCount }, () => ({ requestsPerSecond: chance(0.7) ? 40 : pick([5, 10, 20, 50]) }));
	const products = between(2, 4);
	const faulty = chance(0.6);
	// Drawn from dice of its own, so every other draw of a seed stays what it was before task order existed.
	const taskOrder = seededRandom(seed ^ 0x0f1f0ace)() < OVERTAKING_SHARE ? 'overtaking' : 'fifo';
	const behaviour: OzonBehaviour = {
		taskOrder,
		cdnRewrite: chance(0.4),
		latencyMs: [5, between(20, 300)],
		rate5xx: faulty ? random() * 0.06 : 0,
		rate429: faulty ? random() * 0.04 : 0,
		rateReset: faulty ? random() * 0.03 : 0,
		rateTimeout: faulty ? random() * 0.02 : 0,
		processedShare: random(),
		fastMs: [100, between(300, 4000)],
		slowShare: chance(0.5) ? random() * 0.3 : 0,
		slowMs: [10_000, between(20_000, 240_000)],
	};

	const photos = new Map<string, number>();
	const executionCount = between(2, 7);
	const executions: ExecutionSpec[] = [];
	for (let id = 0; id < executionCount; id++) {
		const itemCount = between(1, 4);
		const items: ExecutionSpec['items'] = [];
		for (let index = 0; index < itemCount; index++) {
			const offerId = `SKU-${String(between(1, products)).padStart(3, '0')}`;
			const count = between(1, 3);
			let mode = pick(['replace', 'append', 'append', 'prepend'] as const);
			const planned = (mode === 'replace' ? 0 : (photos.get(offerId) ?? 1)) + count;
			if (planned > MAX_PLANNED_PHOTOS) mode = 'replace';
			photos.set(offerId, mode === 'replace' ? count : planned);
			// Unique per push (the same on a Retry On Fail: n8n hands the node the same items).
			const images = Array.from({ length: count }, (_, k) => `https://img.example/s${seed}/e${id}/i${index}/${k}.jpg`);
			items.push({ offerId, mode, images });
		}
		const retryOnFail = chance(0.3);
		const onError: OnError = pick(['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput']);
		const process = between(0, processCount - 1);
		const startAt = between(0, 30_000);
		const options = {
			resultTimeout: pick([1, 2, 5, 10, 30, 60, 120, between(1, 120)]),
			waitForResult: chance(0.85),
			// Off only where the node's description allows it: this one n8n process is the only writer.
			watchOtherWriters: processCount > 1 || chance(0.7),
			batchSize: pick([1, 2, 100, 100]),
			maxRetries: pick([0, 1, 2, 2, 3]),
			timeout: pick([5, 10, 30]),
			requestsPerSecond: processes[process].requestsPerSecond,
		};
		executions.push({
			id,
			process,
			startAt,
			stopAt: chance(0.12) ? startAt + between(0, 20_000) : undefined,
			items,
			options,
			retryOnFail,
			maxTries: between(2, 3),
			waitBetweenTries: pick([0, 1000, 5000]),
			onError,
		});
	}
	return { seed, products, processes, behaviour, executions };
}
