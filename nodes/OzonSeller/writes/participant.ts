/**
 * One execution's share of the write path: its transport, its pushes, and when they are all settled.
 */
import type { OzonTransport } from '../transport';
import type { QueuedPush } from './types';

/** A push of an execution, as the write path queues it. */
export type Push = QueuedPush<Participant>;

/**
 * One execution's share of the coordinator: its transport, its pushes, and when they are all settled.
 * An execution may hand its pushes in several turns while it reads its items (see push/handIn.ts).
 */
export class Participant {
	readonly pushes: Push[] = [];

	private open = 0;

	/** More pushes are still to be handed in: `done` waits for them, even when every push so far is answered. */
	private handingIn = false;

	/** Flights carrying pushes of this execution that have not yet sent all their imports. */
	private sending = 0;

	private answered = false;

	private watchingCancel = false;

	/** Waiting for every flight carrying this execution's pushes to have sent its imports. */
	private sentWaiters: Array<() => void> = [];

	/** A failure that stops every further request with this key (a rejected key, a redirecting Base URL). */
	stoppedBy: unknown;

	private finish: (error?: unknown) => void = () => {};

	readonly done: Promise<void>;

	constructor(
		readonly transport: OzonTransport,
		private readonly signal: AbortSignal | undefined,
		private readonly cancelError: () => Error,
	) {
		this.done = new Promise<void>((resolve, reject) => {
			this.finish = (error) => {
				this.answered = true;
				if (error === undefined) resolve();
				else reject(error);
			};
		});
		// Awaited once the execution has handed everything in; a fault before then is not unhandled.
		this.done.catch(() => {});
	}

	get cancelled(): boolean {
		return this.signal?.aborted === true;
	}

	/** Still has pushes to answer: its execution is alive and waiting. */
	get waiting(): boolean {
		return this.open > 0 && !this.cancelled;
	}

	/** No push handed in now would be sent: the execution was cancelled or answered, or its key stopped. */
	get closed(): boolean {
		return this.cancelled || this.answered || this.stoppedBy !== undefined;
	}

	/** Every flight carrying this execution's pushes has sent its imports: the time to hand in more. */
	get allSent(): boolean {
		return this.sending === 0;
	}

	/** Settles once `allSent` holds, or no push handed in would be sent any more (`closed`). */
	whenAllSent(): Promise<void> {
		if (this.allSent || this.closed) return Promise.resolve();
		return new Promise<void>((resolve) => this.sentWaiters.push(resolve));
	}

	private wakeSentWaiters(): void {
		const waiters = this.sentWaiters;
		this.sentWaiters = [];
		for (const wake of waiters) wake();
	}

	add(push: Push): void {
		this.pushes.push(push);
		this.open++;
	}

	/** More pushes will be handed in: `done` waits for `handedIn`. */
	handInMore(): void {
		this.handingIn = true;
	}

	/** The last pushes are handed in. */
	handedIn(): void {
		this.handingIn = false;
		if (this.open === 0 && !this.answered) this.finish();
	}

	/** Called once per push when it has its outcome. */
	settled(): void {
		if (this.open <= 0) return;
		this.open--;
		if (this.open === 0 && !this.handingIn) this.finish();
	}

	/** A flight carrying pushes of this execution starts, and later has sent its imports. */
	flightSending(): void {
		this.sending++;
	}

	flightSent(): void {
		this.sending = Math.max(0, this.sending - 1);
		if (this.sending === 0 || this.closed) this.wakeSentWaiters();
	}

	/** Ends the execution's wait with an error (cancellation, or a fault of the flight). */
	abandon(error: unknown): void {
		this.open = 0;
		this.handingIn = false;
		this.finish(error);
		this.wakeSentWaiters();
	}

	/** Calls `onCancel` when the execution is cancelled (Stop button, or n8n's execution timeout); once per execution. */
	onCancel(onCancel: () => void): void {
		if (!this.signal || this.watchingCancel) return;
		this.watchingCancel = true;
		const cancel = () => {
			onCancel();
			this.abandon(this.cancelError());
		};
		if (this.signal.aborted) return cancel();
		const signal = this.signal;
		signal.addEventListener('abort', cancel, { once: true });
		// Once answered, the listener goes: the signal outlives the wait (n8n's requests hold it), and
		// through the listener it would hold every push of this execution.
		const forget = () => signal.removeEventListener('abort', cancel);
		this.done.then(forget, forget);
	}
}
