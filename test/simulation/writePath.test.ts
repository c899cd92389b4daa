/**
 * The write path under many seeded schedules, in virtual time (issue #22 part E): processes,
 * executions, faults and Ozon's timing drawn from each seed; every run judged by the invariants
 * (invariants.ts). A failure prints the seed and the schedule, replayable with
 * `npm run simulate -- --seed S`. The summary line counts the pushes let pass as each documented
 * limit (another process's write the push's process cannot see: invariants.ts): overtaken, later than
 * the slowest time seen, never read back, copies. It also prints how long the schedules took, which
 * it does not judge (the bench does).
 */
import { countByLimit, describeExempted, type Exemption } from './invariants';
import { describeFailure, simulateAndCheck } from './simulate';
import { generateSchedule } from './schedule';

const RUNS = Number(process.env.SIM_RUNS ?? 1000);
const FIRST_SEED = Number(process.env.SIM_SEED ?? 1);

it(`keeps every invariant over ${RUNS} seeded schedules`, async () => {
	const started = process.hrtime.bigint();
	const failures: string[] = [];
	const bySeedInvariant = new Map<string, number[]>();
	const exemptSeeds: number[] = [];
	const exempted: Exemption[] = [];
	let overtaking = 0;
	for (let seed = FIRST_SEED; seed < FIRST_SEED + RUNS; seed++) {
		const schedule = generateSchedule(seed);
		if (schedule.behaviour.taskOrder === 'overtaking') overtaking++;
		const { violations, exemptions } = await simulateAndCheck(schedule);
		exempted.push(...exemptions);
		if (exemptions.length > 0) exemptSeeds.push(seed);
		if (violations.length === 0) continue;
		for (const invariant of new Set(violations.map((violation) => violation.invariant))) bySeedInvariant.set(invariant, [...(bySeedInvariant.get(invariant) ?? []), seed]);
		if (failures.length < 3) failures.push(describeFailure(schedule, violations));
	}
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const list = (seeds: number[]) => `${seeds.slice(0, 10).join(', ')}${seeds.length > 10 ? ', …' : ''}`;
	const summary = [...bySeedInvariant].map(([invariant, seeds]) => `${invariant}: ${seeds.length} seeds (${list(seeds)})`);
	process.stdout.write(
		`write-path simulation: ${RUNS} schedules, ${seconds.toFixed(1)} s, ${describeExempted(countByLimit(exempted), exempted)}` +
			` [seeds ${FIRST_SEED}–${FIRST_SEED + RUNS - 1}; ${overtaking} with overtaking tasks, ${RUNS - overtaking} FIFO${exemptSeeds.length ? `; exemptions in seeds ${list(exemptSeeds)}` : ''}]` +
			`${summary.length ? `\n${summary.join('\n')}` : ''}\n`,
	);
	if (failures.length > 0) throw new Error(failures.join('\n\n'));
	// How long the schedules take is the machine's figure as much as the simulation's: printed above,
	// and measured against its budget (1,000 schedules within 60 s) by `npm run bench -- --only simulation`.
}, 600_000);
