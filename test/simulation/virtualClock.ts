/**
 * Virtual time for the write-path simulation: a `Clock` (nodes/OzonSeller/runtime/clock.ts) whose
 * `sleep` is a timer in a queue, and a scheduler that runs the code until nothing can happen
 * without time passing (microtasks and immediates drained), then jumps to the next timer. So a
 * schedule of hours of Ozon time runs in milliseconds, and always the same way for one seed.
 */
import type { Clock } from '../../nodes/OzonSeller/runtime/clock';
import { seededRandom } from '../../sandbox/store';

interface Timer {
	at: number;
	/** Creation order: timers due at the same moment fire in the order they were set. */
	seq: number;
	fire: () => void;
}

/** A fixed start (2026-11-02T09:00Z): no run depends on the day it runs. */
export const VIRTUAL_EPOCH = Date.UTC(2026, 10, 2, 9, 0, 0);

const nextImmediate = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VirtualClock implements Clock {
	private current: number;

	private readonly timers: Timer[] = [];

	private seq = 0;

	/** Counts everything that happens (timers set or fired, `touch`): "no progress" is this standing still. */
	private activity = 0;

	readonly random: () => number;

	constructor(seed: number, start = VIRTUAL_EPOCH) {
		this.current = start;
		this.random = seededRandom(seed ^ 0x5f3759df);
	}

	now(): number {
		return this.current;
	}

	sleep(ms: number): Promise<void> {
		return new Promise<void>((resolve) => this.at(this.current + Math.max(0, Number.isFinite(ms) ? ms : 0), resolve));
	}

	/** Runs `fire` at virtual time `at` (now, if that has passed). */
	at(at: number, fire: () => void): void {
		this.activity++;
		this.timers.push({ at: Math.max(at, this.current), seq: this.seq++, fire });
	}

	/** Marks progress made outside timers (a request answered): the scheduler drains again. */
	touch(): void {
		this.activity++;
	}

	get pendingTimers(): number {
		return this.timers.length;
	}

	/** When the next timer is due, if any. */
	get nextTimerAt(): number | undefined {
		return this.timers.length === 0 ? undefined : this.earliest().at;
	}

	/**
	 * Lets all code that can run without time passing run: immediates and their microtasks, until two
	 * turns in a row change nothing (no timer set, no touch).
	 */
	async drain(): Promise<void> {
		let still = 0;
		while (still < 2) {
			const before = this.activity;
			await nextImmediate();
			still = this.activity === before ? still + 1 : 0;
		}
	}

	/**
	 * Runs until quiescent (no timers left) or until virtual time would pass `until`; returns
	 * whether it became quiescent. Timers due at one moment fire together, in creation order.
	 */
	async run(until = Number.POSITIVE_INFINITY): Promise<boolean> {
		for (;;) {
			await this.drain();
			if (this.timers.length === 0) return true;
			const next = this.earliest();
			if (next.at > until) return false;
			this.current = next.at;
			const due = this.timers.filter((timer) => timer.at <= this.current).sort((a, b) => a.seq - b.seq);
			for (const timer of due) this.timers.splice(this.timers.indexOf(timer), 1);
			this.activity++;
			for (const timer of due) timer.fire();
		}
	}

	private earliest(): Timer {
		let best = this.timers[0];
		for (const timer of this.timers) if (timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
		return best;
	}
}
