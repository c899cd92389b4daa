/**
 * `npm run simulate -- --runs N [--seed S] [--case file.json] [--trace]`: the write-path simulation
 * (test/simulation/) from the command line. Runs N seeded schedules from seed S (default 1), or
 * replays one schedule printed by a failure (`--case`, its JSON). `--trace` prints, for one run,
 * every request, import, read-back answer and product Ozon processed (at the time Ozon processed
 * it), each item's output, and the pushes let pass as one of the documented limits (invariants.ts).
 * The last line counts them by limit. Exits non-zero when any invariant breaks.
 */
import fs from 'node:fs';

import { hasFlag, optionNumber, optionText } from './lib/args';
import { generateSchedule, type Schedule } from '../test/simulation/schedule';
import { countByLimit, describeExempted, type Exemption } from '../test/simulation/invariants';
import { describeFailure, simulateAndCheck, type RunRecord } from '../test/simulation/simulate';

function trace(run: RunRecord): string {
	const at = (ms: number) => `+${String(ms - run.runStart).padStart(7)} ms`;
	const lines: string[] = [];
	for (const exchange of run.model.exchanges) {
		lines.push(`${at(exchange.at)} p${exchange.process} e${exchange.execution} ${exchange.path} ${JSON.stringify(exchange.body)} → ${exchange.status}${exchange.fault ? ` [${exchange.fault}]` : ''}${exchange.accepted ? ` task ${exchange.accepted.taskId}${exchange.accepted.delivered ? '' : ' (answer lost)'}` : ''}`);
	}
	lines.push(`Ozon's tasks: ${run.model.taskOrder}`);
	for (const exchange of run.model.exchanges) {
		if (exchange.answer !== undefined) lines.push(`${at(exchange.deliveredAt ?? exchange.at)} (seq ${exchange.seq}) p${exchange.process} e${exchange.execution} read back ${exchange.answer}`);
	}
	for (const apply of run.model.applies) lines.push(`${at(apply.dueAt)} (seq ${apply.seq}, seen ${at(apply.at)}) Ozon processed task ${apply.taskId} ${apply.offerId}: ${apply.status} ${JSON.stringify(apply.before)} → ${JSON.stringify(apply.after)}`);
	for (const result of run.results) {
		if (!result) continue;
		lines.push(`execution ${result.spec.id}: tries ${result.tries}${result.stopped ? ' STOPPED' : ''}${result.error ? ` error: ${(result.error as Error).message}` : ''} ended ${result.endedAt === undefined ? '-' : at(result.endedAt)}`);
		for (const item of result.output ?? []) {
			lines.push(`   ${JSON.stringify(item.json)}`);
			// Photos a truncation warning names as dropped, traced back to the URLs sent (Ozon's copies followed).
			const warnings = Array.isArray(item.json.warnings) ? (item.json.warnings as Array<{ urls?: unknown }>) : [];
			for (const warning of warnings) if (Array.isArray(warning.urls)) lines.push(`     dropped (as sent): ${warning.urls.map((url) => run.model.root(String(url))).join(', ')}`);
		}
	}
	return lines.join('\n');
}

async function main(): Promise<void> {
	const casePath = optionText('case');
	const first = optionNumber('seed', 1);
	const runs = optionNumber('runs', optionText('seed') !== undefined ? 1 : 100);
	const schedules: Array<() => Schedule> = casePath
		? [() => JSON.parse(fs.readFileSync(casePath, 'utf8')) as Schedule]
		: Array.from({ length: runs }, (_, offset) => () => generateSchedule(first + offset));
	const started = Date.now();
	let failed = 0;
	const exempted: Exemption[] = [];
	for (const next of schedules) {
		const schedule = next();
		const { run, violations, exemptions } = await simulateAndCheck(schedule);
		if (hasFlag('trace')) process.stdout.write(`${trace(run)}\n`);
		exempted.push(...exemptions);
		if (hasFlag('trace') || schedules.length === 1) {
			for (const exemption of exemptions) process.stdout.write(`seed ${schedule.seed} exempted (documented limit: ${exemption.limit}) [${exemption.invariant}] ${exemption.message}\n`);
		}
		if (violations.length === 0) continue;
		failed++;
		process.stdout.write(`${describeFailure(schedule, violations)}\n\n`);
	}
	process.stdout.write(`${schedules.length} schedules, ${((Date.now() - started) / 1000).toFixed(1)} s, ${describeExempted(countByLimit(exempted), exempted)}; ${failed} failed\n`);
	process.exitCode = failed > 0 ? 1 : 0;
}

void main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 2;
});
