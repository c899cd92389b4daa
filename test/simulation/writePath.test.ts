/**
 * The write path under many seeded schedules, in virtual time (issue #22 part E): processes,
 * executions, faults and Ozon's timing drawn from each seed; every run judged by the invariants
 * (invariants.ts). A failure prints the seed and the schedule, replayable with
 * `npm run simulate -- --seed S`.
 */
import { describeFailure, simulateAndCheck } from './simulate';
import { generateSchedule } from './schedule';

const RUNS = Number(process.env.SIM_RUNS ?? 1000);
const FIRST_SEED = Number(process.env.SIM_SEED ?? 1);

it(`keeps every invariant over ${RUNS} seeded schedules`, async () => {
	const started = process.hrtime.bigint();
	const failures: string[] = [];
	const bySeedInvariant = new Map<string, number[]>();
	for (let seed = FIRST_SEED; seed < FIRST_SEED + RUNS; seed++) {
		const schedule = generateSchedule(seed);
		const { violations } = await simulateAndCheck(schedule);
		if (violations.length === 0) continue;
		for (const invariant of new Set(violations.map((violation) => violation.invariant))) bySeedInvariant.set(invariant, [...(bySeedInvariant.get(invariant) ?? []), seed]);
		if (failures.length < 3) failures.push(describeFailure(schedule, violations));
	}
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const summary = [...bySeedInvariant].map(([invariant, seeds]) => `${invariant}: ${seeds.length} seeds (${seeds.slice(0, 10).join(', ')}${seeds.length > 10 ? ', …' : ''})`);
	process.stdout.write(`write-path simulation: ${RUNS} schedules (seeds ${FIRST_SEED}–${FIRST_SEED + RUNS - 1}) in ${seconds.toFixed(1)} s${summary.length ? `\n${summary.join('\n')}` : ''}\n`);
	if (failures.length > 0) throw new Error(failures.join('\n\n'));
}, 600_000);
