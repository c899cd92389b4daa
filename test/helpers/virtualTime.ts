/**
 * Virtual time: the one `Clock` (nodes/OzonSeller/runtime/clock.ts) of the unit tests and of the
 * write-path simulation (test/simulation/). `sleep` is a timer in this clock's queue; time jumps to
 * the next timer once nothing else can happen without it passing. So a back-off, a rate window or
 * Ozon's processing time of minutes passes in no real time, and a test asserts durations the node
 * itself saw, whatever the machine's load.
 *
 * Two ways to drive it:
 * - **By hand** (the simulation, where the model of Ozon runs on this clock too): `run(until)` lets
 *   everything run that can without time passing (`drain`: immediates and their microtasks, until
 *   two turns change nothing of the clock's: no timer set, no `touch`), then jumps to the next timer.
 *   Nothing outside the clock counts, so a schedule always runs the same way for one seed.
 * - **On its own** (`start`: tests that run the node through n8n's engine against nock or the
 *   sandbox, whose answers are real asynchronous I/O): time moves on once the event loop is quiet:
 *   no HTTP request or answer on the wire (one the sandbox holds on this clock, its latency, is
 *   not), no immediate or short real timer (under SHORT_TIMER_MS) of anyone but the clock pending,
 *   and no new timer, immediate, tick, socket or request created for QUIET_TURNS turns of the event
 *   loop (async_hooks and diagnostics_channel tell). Timers due now fire at once: a `sleep(0)`, the
 *   node's yield to the event loop between turns of reading items, takes no virtual time (or
 *   `yieldMs`, where reading should take time), and is counted (`yields`). Other work that takes
 *   real time takes none of this clock's. A real polling loop (`setTimeout(10)` until a condition)
 *   keeps time from passing: wait on the clock or on an event instead. A longer real timer (nock's
 *   `.delay()`, a test's real sleep) does not hold time back: it fires whenever it does, at no
 *   particular virtual time. A virtual `sleep` in a test returns only once every request sent
 *   before has landed, as time cannot pass while one is on the wire.
 */
import { createHook } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { EventEmitter } from 'node:events';

import { systemClock, type Clock } from '../../nodes/OzonSeller/runtime/clock';
import { seededRandom } from '../../sandbox/store';
import { tuneProcess } from './nodeProcess';

interface Timer {
	at: number;
	/** Creation order: timers due at one moment fire in the order they were set. */
	seq: number;
	fire: () => void;
}

/** A fixed start for runs that must not depend on the day they run (2026-11-02T09:00Z): the simulation. */
export const VIRTUAL_EPOCH = Date.UTC(2026, 10, 2, 9, 0, 0);

/** Turns of the event loop without anyone else's activity before time may pass (on its own). */
const QUIET_TURNS = 3;

/** A real timer this short (ms), set by anyone but a clock, is waited for before time may pass: a `setTimeout(0)` in a library is part of what happens now. */
const SHORT_TIMER_MS = 20;

/** Async resources created by anything but a clock's own turns (promises aside: a chain of them never outlives a turn). */
let foreignActivity = 0;
let ownInit = false;
let clocksRunning = 0;
/** Foreign immediates and short timers set and not yet run or cleared (async ids). */
const pendingSoon = new Set<number>();
/** HTTP requests sent and not yet closed. */
const requestsInFlight = new Set<EventEmitter>();
/**
 * Answers being made by a server of this process (the sandbox), from the request's arrival to the
 * answer's last byte handed to the socket: what they wait for is this process's own (a timer of the
 * clock, for the sandbox's latency), not I/O. A request in flight beyond them is on the wire.
 */
const answersBeingMade = new Set<EventEmitter>();

const activityHook = createHook({
	init(id, type, _trigger, resource) {
		if (ownInit || type === 'PROMISE') return;
		foreignActivity++;
		if (type === 'Immediate') pendingSoon.add(id);
		else if (type === 'Timeout') {
			const timer = resource as { _idleTimeout?: number; _repeat?: number | null };
			if (!timer._repeat && typeof timer._idleTimeout === 'number' && timer._idleTimeout >= 0 && timer._idleTimeout < SHORT_TIMER_MS) pendingSoon.add(id);
		}
	},
	destroy(id) {
		pendingSoon.delete(id);
	},
});

function onRequestStart(message: unknown): void {
	const { request } = message as { request?: EventEmitter };
	if (!request || requestsInFlight.has(request)) return;
	requestsInFlight.add(request);
	request.once('close', () => {
		requestsInFlight.delete(request);
		foreignActivity++;
	});
}

function onAnswerStart(message: unknown): void {
	const { response } = message as { response?: EventEmitter };
	if (!response || answersBeingMade.has(response)) return;
	answersBeingMade.add(response);
	const made = () => {
		if (answersBeingMade.delete(response)) foreignActivity++;
	};
	response.once('finish', made);
	response.once('close', made);
}

/** Whether a request or its answer is on the wire: sent, not closed, and not with a server of this process. */
const onTheWire = () => requestsInFlight.size > answersBeingMade.size;

function watchForeignActivity(): void {
	if (clocksRunning++ > 0) return;
	pendingSoon.clear();
	requestsInFlight.clear();
	answersBeingMade.clear();
	activityHook.enable();
	subscribe('http.client.request.start', onRequestStart);
	subscribe('http.server.request.start', onAnswerStart);
}

function unwatchForeignActivity(): void {
	if (--clocksRunning > 0) return;
	activityHook.disable();
	unsubscribe('http.client.request.start', onRequestStart);
	unsubscribe('http.server.request.start', onAnswerStart);
}

/** Runs `schedule` (which sets one timer or immediate) as the clock's own, unseen by the activity hook. */
function own(schedule: () => void): void {
	ownInit = true;
	try {
		schedule();
	} finally {
		ownInit = false;
	}
}

/** One turn of the event loop through its poll (I/O) and check (immediates) phases. */
const nextImmediate = () => new Promise<void>((resolve) => own(() => setImmediate(resolve)));

/** One turn through the timers phase too, a real millisecond later: for real timers and answers due shortly. */
const realTurn = () => new Promise<void>((resolve) => own(() => setTimeout(() => own(() => setImmediate(resolve)), 1)));

export interface VirtualTimeOptions {
	/** Epoch ms the clock starts at: by default the real time (the node and the mocks compare some dates with `Date.now()`), so little drifts apart. */
	start?: number;
	/** Seeds `random` (retry jitter). */
	seed?: number;
	/**
	 * How long a yield (`sleep(0)`) takes: the node yields between turns of reading items (250 at a
	 * time), so this is how long reading a turn takes, as on a machine. 0 (the default): reading
	 * takes no time, and no timer fires while the node reads; where a test is about what happens
	 * while it reads (a hand-in leaving before the last item is read, a Stop as Ozon answers), give
	 * reading time.
	 */
	yieldMs?: number;
}

export class VirtualTime implements Clock {
	private current: number;

	private readonly timers: Timer[] = [];

	private seq = 0;

	/** Timers set or fired, and `touch`: this clock's own activity. By hand, "no progress" is this standing still; on its own, it holds time back like anyone else's. */
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

	private readonly yieldMs: number;

	constructor(options: VirtualTimeOptions = {}) {
		this.current = options.start ?? Date.now();
		this.random = seededRandom(options.seed ?? 1);
		this.yieldMs = options.yieldMs ?? 0;
	}

	now(): number {
		return this.current;
	}

	sleep(ms: number): Promise<void> {
		const wait = Number.isFinite(ms) ? Math.max(0, ms) : 0;
		this.sleeps.push(wait);
		if (wait === 0) this.yields++;
		return new Promise<void>((resolve) => {
			this.at(this.current + (wait === 0 ? this.yieldMs : wait), resolve);
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

	/** Marks progress made outside timers (a request answered by a model on this clock): `drain` goes on. */
	touch(): void {
		this.changes++;
	}

	get pendingTimers(): number {
		return this.timers.length;
	}

	/** When the next timer is due, if any. */
	get nextTimerAt(): number | undefined {
		return this.timers.length === 0 ? undefined : this.earliest().at;
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
	 * By hand: lets all code that can run without time passing run (immediates and their microtasks),
	 * until two turns in a row change nothing of this clock's (no timer set, no touch).
	 */
	async drain(): Promise<void> {
		let still = 0;
		while (still < 2) {
			const before = this.changes;
			await nextImmediate();
			still = this.changes === before ? still + 1 : 0;
		}
	}

	/**
	 * By hand: runs until quiescent (no timers left) or until virtual time would pass `until`; returns
	 * whether it became quiescent. Timers due at one moment fire together, in creation order.
	 */
	async run(until = Number.POSITIVE_INFINITY): Promise<boolean> {
		for (;;) {
			await this.drain();
			if (this.timers.length === 0) return true;
			const next = this.earliest();
			if (next.at > until) return false;
			this.current = next.at;
			this.fireDue();
		}
	}

	/** By hand: runs for `ms` of virtual time (every timer due by then fires), and is then `ms` later. */
	async runFor(ms: number): Promise<void> {
		const until = this.current + ms;
		await this.run(until);
		this.current = Math.max(this.current, until);
	}

	/**
	 * On its own: lets time pass by itself whenever the event loop is quiet, until `stop`. With
	 * `dateNow`, `Date.now()` reads this clock meanwhile, so the mocks, the sandbox and any date the
	 * node takes from `Date.now()` agree with its waits: only where every case of the file is in
	 * virtual time, as code of an earlier case still running on the real clock would see its time
	 * stand still and wait for it forever.
	 */
	start(options: { dateNow?: boolean } = {}): this {
		if (this.running) return this;
		this.stopping = false;
		if (options.dateNow) {
			this.realDateNow = Date.now;
			Date.now = () => this.current;
		}
		watchForeignActivity();
		this.running = this.advance().finally(unwatchForeignActivity);
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
				await nextImmediate();
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

	/**
	 * Until no request or answer is on the wire, no foreign immediate or short timer is pending, and nothing but
	 * this clock has done anything for QUIET_TURNS turns of the event loop.
	 */
	private async quiet(): Promise<void> {
		let still = 0;
		while (still < QUIET_TURNS && !this.stopping) {
			const before = foreignActivity + this.changes;
			const waiting = onTheWire() || pendingSoon.size > 0;
			await (waiting ? realTurn() : nextImmediate());
			still = !waiting && foreignActivity + this.changes === before ? still + 1 : 0;
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
export function useVirtualTime(options: Pick<VirtualTimeOptions, 'yieldMs'> = {}): () => VirtualTime {
	let clock: VirtualTime | undefined;
	beforeEach(() => {
		clock = new VirtualTime(options).start({ dateNow: true });
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
export function virtualTimeForThisCase(options: Pick<VirtualTimeOptions, 'yieldMs'> = {}): VirtualTime {
	const clock = new VirtualTime(options).start();
	tuneProcess({ clock });
	afterEachCase.push(clock);
	return clock;
}

const afterEachCase: VirtualTime[] = [];
if (typeof afterEach === 'function') {
	afterEach(async () => {
		for (const clock of afterEachCase.splice(0)) await clock.stop();
	});
}

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
