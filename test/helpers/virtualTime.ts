/**
 * Virtual time for tests that run the node through n8n's engine against nock or the sandbox: the
 * node's whole stack waits on this clock (`tuneProcess({ clock })`), so a back-off, a rate window or
 * Ozon's processing time passes in no real time, and a test asserts durations the node itself saw,
 * whatever the machine's load.
 *
 * Unlike the write-path simulation's VirtualClock (test/simulation/virtualClock.ts), no Ozon model
 * runs on the clock here: nock's replies and the sandbox's answers are real asynchronous I/O that
 * never touches it. So time only moves on when the event loop has nothing else left to do: no
 * timer, immediate, tick, socket or request of anyone but this clock has been created for a few
 * turns in a row (async_hooks tells). Timers due now fire at once: a `sleep(0)`, the node's yield
 * to the event loop, takes no virtual time, and is counted (`yields`). Work that takes real time
 * (reading thousands of items) takes none of this clock's; and anything that re-arms a real timer or
 * immediate on every turn keeps its time from passing at all.
 */
import { createHook } from 'node:async_hooks';

import { systemClock, type Clock } from '../../nodes/OzonSeller/runtime/clock';
import { seededRandom } from '../../sandbox/store';
import { tuneProcess } from './nodeProcess';

interface Timer {
	at: number;
	/** Creation order: timers due at one moment fire in the order they were set. */
	seq: number;
	fire: () => void;
}

/** Turns of the event loop without anyone else's activity before time may pass. */
const QUIET_TURNS = 3;

/** Async resources created by anything but a VirtualTime's own turns (promises aside: a chain of them never outlives a turn). */
let foreignActivity = 0;
let ownInit = false;
let clocksRunning = 0;
const activityHook = createHook({
	init(_id, type) {
		if (!ownInit && type !== 'PROMISE') foreignActivity++;
	},
});

/** One turn of the event loop through its timers, poll (I/O) and check (immediates) phases. */
function turn(): Promise<void> {
	return new Promise<void>((resolve) => {
		ownInit = true;
		try {
			setTimeout(() => {
				ownInit = true;
				try {
					setImmediate(resolve);
				} finally {
					ownInit = false;
				}
			}, 1);
		} finally {
			ownInit = false;
		}
	});
}

export class VirtualTime implements Clock {
	private current: number;

	private readonly timers: Timer[] = [];

	private seq = 0;

	/** Timers set or fired: this clock's own activity, which holds time back like anyone else's. */
	private changes = 0;

	private wake: (() => void) | undefined;

	private running: Promise<void> | undefined;

	private stopping = false;

	private realDateNow: (() => number) | undefined;

	/** How often the node yielded to the event loop (`sleep(0)` and shorter). */
	yields = 0;

	/** Every `sleep` asked for, in ms, in order (a yield is 0). */
	readonly sleeps: number[] = [];

	readonly random: () => number;

	/** Starts at the real time (the node and the mocks compare some dates with `Date.now()`), so little drifts apart. */
	constructor(start = Date.now(), seed = 1) {
		this.current = start;
		this.random = seededRandom(seed);
	}

	now(): number {
		return this.current;
	}

	sleep(ms: number): Promise<void> {
		const wait = Number.isFinite(ms) ? Math.max(0, ms) : 0;
		this.sleeps.push(wait);
		if (wait === 0) this.yields++;
		return new Promise<void>((resolve) => {
			this.at(this.current + wait, resolve);
		});
	}

	/** Runs `fire` at virtual time `at` (now, if that has passed); the returned function cancels it. */
	at(at: number, fire: () => void): () => void {
		const timer = { at: Math.max(at, this.current), seq: this.seq++, fire };
		this.changes++;
		this.timers.push(timer);
		this.wake?.();
		return () => {
			const index = this.timers.indexOf(timer);
			if (index >= 0) this.timers.splice(index, 1);
		};
	}

	/** Resolves with `promise`, or rejects once `ms` of virtual time have passed without it settling: a run left waiting. */
	async within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
		let cancel = () => {};
		const timeout = new Promise<never>((_, reject) => {
			cancel = this.at(this.current + ms, () => reject(new Error(`${what}: no answer within ${ms} ms of virtual time`)));
		});
		try {
			return await Promise.race([promise, timeout]);
		} finally {
			cancel();
		}
	}

	/**
	 * Lets time pass by itself whenever the event loop is idle, until `stop`. With `dateNow`,
	 * `Date.now()` reads this clock meanwhile, so the mocks, the sandbox and any date the node takes
	 * from `Date.now()` agree with its waits: only where every case of the file is in virtual time,
	 * as code of an earlier case still running on the real clock would see its time stand still and
	 * wait for it forever.
	 */
	start(options: { dateNow?: boolean } = {}): this {
		if (this.running) return this;
		this.stopping = false;
		if (options.dateNow) {
			this.realDateNow = Date.now;
			Date.now = () => this.current;
		}
		if (clocksRunning++ === 0) activityHook.enable();
		this.running = this.advance().finally(() => {
			if (--clocksRunning === 0) activityHook.disable();
		});
		return this;
	}

	/** Time stands still from now on; timers still set never fire. */
	async stop(): Promise<void> {
		this.stopping = true;
		this.wake?.();
		await this.running;
		this.running = undefined;
		if (this.realDateNow) Date.now = this.realDateNow;
		this.realDateNow = undefined;
	}

	private async advance(): Promise<void> {
		while (!this.stopping) {
			if (this.timers.length > 0 && this.earliest().at <= this.current) {
				// Due now: no time passes, so nothing has to come to rest first.
				this.fireDue();
				await new Promise<void>((resolve) => setImmediate(resolve));
				continue;
			}
			await this.quiet();
			if (this.stopping) return;
			if (this.timers.length === 0) {
				await new Promise<void>((resolve) => (this.wake = resolve));
				this.wake = undefined;
				continue;
			}
			this.current = this.earliest().at;
			this.fireDue();
		}
	}

	/** Until nothing but this clock has done anything for QUIET_TURNS turns of the event loop. */
	private async quiet(): Promise<void> {
		let still = 0;
		while (still < QUIET_TURNS && !this.stopping) {
			const before = foreignActivity + this.changes;
			await turn();
			still = foreignActivity + this.changes === before ? still + 1 : 0;
		}
	}

	private fireDue(): void {
		const due = this.timers.filter((timer) => timer.at <= this.current).sort((a, b) => a.seq - b.seq);
		for (const timer of due) this.timers.splice(this.timers.indexOf(timer), 1);
		this.changes++;
		for (const timer of due) timer.fire();
	}

	private earliest(): Timer {
		let best = this.timers[0];
		for (const timer of this.timers) if (timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
		return best;
	}
}

/**
 * Every case of this file in virtual time, `Date.now()` included: a fresh clock per case, handed to
 * the node's process (call it at the top level of the file). Returns the current case's clock.
 */
export function useVirtualTime(): () => VirtualTime {
	let clock: VirtualTime | undefined;
	beforeEach(() => {
		clock = new VirtualTime().start({ dateNow: true });
		tuneProcess({ clock });
	});
	afterEach(async () => {
		await clock?.stop();
		clock = undefined;
	});
	return () => {
		if (!clock) throw new Error('useVirtualTime: no case is running');
		return clock;
	};
}

/**
 * This case from here on in virtual time, in a file whose other cases run in real time: `Date.now()`
 * stays the wall clock (hand the clock to the sandbox, `startSandbox(…, clock)`).
 */
export function virtualTimeForThisCase(): VirtualTime {
	const clock = new VirtualTime().start();
	tuneProcess({ clock });
	afterEachCase.push(clock);
	return clock;
}

const afterEachCase: VirtualTime[] = [];
afterEach(async () => {
	for (const clock of afterEachCase.splice(0)) await clock.stop();
});

/**
 * The real clock (or `base`), telling `onYield` of every `sleep(0)`: the node's yields to the event
 * loop between turns of reading items, for tests that check how often it yields.
 */
export function yieldsTold(onYield: () => void, base: Clock = systemClock): Clock {
	return {
		now: () => base.now(),
		random: () => base.random(),
		sleep: (ms) => {
			if (!(ms > 0)) onYield();
			return base.sleep(ms);
		},
	};
}
