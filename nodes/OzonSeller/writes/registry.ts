/**
 * The write path's process-wide state: one coordinator per Ozon key, and per Ozon account its
 * product lanes. One instance lives in the process state (runtime/nodeProcess.ts); its clock and
 * settings come in through the constructor.
 */
import type { Clock } from '../runtime/clock';
import type { OzonTransport } from '../transport';
import type { TaskItemStatus } from '../transport/ozonApi';
import { AccountWrites, WriteCoordinator } from './coordinator';
import type { WriteSettings } from './settings';
import type { TaskLane } from './types';

const IDLE_DROP_MS = 3_600_000;
const SWEEP_EVERY_MS = 300_000;

export class WriteRegistry {
	// One coordinator per Ozon key (base URL, Client-Id and a hash of the Api-Key): pushes made with
	// one key are never sent with another. The coordinators of one account share its lanes.
	private readonly coordinators = new Map<string, WriteCoordinator>();

	private readonly accounts = new Map<string, AccountWrites>();

	/** When each key's coordinator was last asked for: an idle one unused for an hour is dropped. */
	private readonly lastUsed = new Map<string, number>();

	private lastSweep = 0;

	constructor(
		readonly clock: Clock,
		readonly settings: Readonly<WriteSettings>,
	) {}

	coordinatorFor(transport: OzonTransport): WriteCoordinator {
		this.dropIdle();
		this.lastUsed.set(transport.keyId, this.clock.now());
		let coordinator = this.coordinators.get(transport.keyId);
		if (!coordinator) {
			let account = this.accounts.get(transport.account);
			if (!account) {
				account = new AccountWrites(this.clock, this.settings);
				this.accounts.set(transport.account, account);
			}
			coordinator = new WriteCoordinator(account);
			this.coordinators.set(transport.keyId, coordinator);
		}
		return coordinator;
	}

	/**
	 * Keys rotated away and accounts no longer used would otherwise stay for the life of the process:
	 * a coordinator idle and unused for IDLE_DROP_MS goes (with what it learned of Ozon's pace), and an
	 * account with no coordinator left goes with it. Looked at once every few minutes.
	 */
	private dropIdle(): void {
		const now = this.clock.now();
		if (now - this.lastSweep < SWEEP_EVERY_MS) return;
		this.lastSweep = now;
		for (const [keyId, coordinator] of this.coordinators) {
			if (now - (this.lastUsed.get(keyId) ?? 0) < IDLE_DROP_MS || !coordinator.droppable) continue;
			coordinator.retire();
			this.coordinators.delete(keyId);
			this.lastUsed.delete(keyId);
		}
		for (const [name, account] of this.accounts) if (account.coordinators.size === 0) this.accounts.delete(name);
	}

	/** Coordinators kept (one per key in use; for tests and the soak). */
	get keys(): number {
		return this.coordinators.size;
	}

	/**
	 * What the product lanes of the transport's account know of import task `taskId` (Get Push
	 * Result): nothing when this process holds no lane for it. Read only: no lane or account is made.
	 */
	lanesOfTask(transport: OzonTransport, taskId: number): TaskLane[] {
		return this.accounts.get(transport.account)?.lanesOfTask(taskId) ?? [];
	}

	/** Ozon's answers for products of `taskId`, learnt outside the write path: see AccountWrites.taskAnswered. */
	taskAnswered(transport: OzonTransport, taskId: number, answers: Array<{ productId: number; status: TaskItemStatus }>): void {
		this.accounts.get(transport.account)?.taskAnswered(taskId, answers);
	}

	/** Held lanes across accounts (for tests and the soak: memory must stay flat). */
	get heldLanes(): number {
		let held = 0;
		for (const account of this.accounts.values()) held += account.lanes.size;
		return held;
	}
}
