/**
 * What must hold after every simulated run, whatever the schedule, faults and timing: the write
 * path's promise (`success: true` only for photos that are on Ozon, nothing lost across items,
 * executions and workers), each as a named check over the run's history (simulate.ts).
 *
 * Photos are compared by the URL the node sent (where Ozon serves copies, a copy is traced back to
 * it: ozonModel.ts). Every push has image URLs of its own, so a URL names its push.
 *
 * Four documented limits, counted apart (`Exemption`, each by its named predicate below), never a
 * pass of their own. Each is a write of ANOTHER process that undid a push where the push's process
 * cannot see it: a community node shares nothing between n8n processes (docs/scaling-out.md), and Ozon
 * has no versioning. A write of the push's own process is never exempted: one process sees all of its
 * own writes (its product lanes order them). Nor is a write whose own process could have known better
 * (`unseen`): one sent after that process had read the product with the push's photos on, or a
 * re-send of an unanswered attempt's body with no read between (the stale-body bug).
 *
 * - overtaken (`overtakenOutOfSight`): a write built on the photos from before the push, that Ozon
 *   accepted before the push's task and processed after this process last read the product back for
 *   the push. The write path promises only to catch a write that lands within the slowest processing
 *   time the process has seen after its task's answer (nodes/OzonSeller/writes/confirm.ts `settledAt`,
 *   pace.ts `slowProcessingMs`), which is when it reads back. Such a write exists only where Ozon lets
 *   a task overtake an older one (ozonModel.ts, taskOrder 'overtaking'): exempted there, a violation
 *   in a FIFO run.
 * - later than the slowest time seen (`laterThanSlowestSeen`, design limit 4): a write Ozon processed
 *   later than the push's task's answer plus the slowest processing time the push's process had seen
 *   when it read back (recorded per read-back from its pace's samples: simulate.ts `slowestSeen`,
 *   ozonModel.ts `ExchangeRecord.slowProcessingMs`). The read-back waits that long for other writers,
 *   the process never saw a task that slow, and nothing of the other process's write reaches it. A
 *   write landing sooner, past a read-back that came early (say, cut at Result Timeout), is a violation.
 * - never read back (`neverReadBackByItsProcess`, design limit 5): a push reported `pending` (its
 *   Result Timeout passed, or Wait for Result is off) or stopped, that its process never read back
 *   after its last task. Its product lane holds pending pushes against writes of the same process only.
 * - copies (`copiesLookAlike`, design limit 6): where Ozon serves its own copies, the read-back that
 *   settled the push saw as many photos as the push's task sent, every place of the push's photos
 *   holding an address on Ozon's hosts: another writer's photo that Ozon copied too cannot be told from
 *   Ozon's copy of ours (docs/push-images.md, "Ozon's copies and what cannot be told apart").
 * - lost answers (`lostAnswerLanded`, design limit 7, the one that may be a write of the push's own
 *   process): every last removal was an import Ozon accepted but whose answer never reached its
 *   process (a timeout or reset after Ozon took it), so no task_id to poll. The process plans such a
 *   push again once the slowest processing time it has seen has passed (writes/flight.ts `resend`);
 *   where Ozon lets that lost task overtake nothing but process later still, it undoes what was
 *   planned since, and nothing the node can ask Ozon shows the lost task.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ApplyRecord, ExchangeRecord, ImportRecord } from './ozonModel';
import type { RunRecord } from './simulate';

export interface Violation {
	invariant: string;
	message: string;
}

/** The documented limits (see the top of this file), in the order a case is judged against them. */
export const LIMITS = ['overtaken', 'laterThanSlowestSeen', 'neverReadBack', 'copies', 'lostAnswer'] as const;

export type Limit = (typeof LIMITS)[number];

/** A case let pass as one of the documented limits (see the top of this file), counted and printed. */
export interface Exemption {
	invariant: string;
	limit: Limit;
	message: string;
	/** Whether a removal it lets pass was a body re-sent after Ozon refused it with a 429 (`Removal.refusedBefore`). */
	afterRefusal?: boolean;
}

/** Exemptions counted by limit (every limit present, 0 when none). */
export function countByLimit(exemptions: Exemption[]): Record<Limit, number> {
	const counts = Object.fromEntries(LIMITS.map((limit) => [limit, 0])) as Record<Limit, number>;
	for (const exemption of exemptions) counts[exemption.limit]++;
	return counts;
}

/**
 * The figures the summaries print: "exempted: overtaken K, later than the slowest time seen A, never
 * read back B, copies C (R of them undone by a body re-sent after a 429)".
 */
export function describeExempted(counts: Record<Limit, number>, exemptions: Exemption[] = []): string {
	const refused = exemptions.filter((exemption) => exemption.afterRefusal).length;
	return `exempted: overtaken ${counts.overtaken}, later than the slowest time seen ${counts.laterThanSlowestSeen}, never read back ${counts.neverReadBack}, copies ${counts.copies}, lost answers ${counts.lostAnswer} (${refused} of them undone by a body re-sent after a 429)`;
}

/** The write that took a push's photos off, and how it stands to the process's last read-back for the push. */
interface Removal {
	apply: ApplyRecord;
	/** The import it came from (undefined: none the model knows of). */
	record: ImportRecord | undefined;
	/** Whether it came from a process other than the push's. */
	otherProcess: boolean;
	/** Whether Ozon processed it after the push's process last read the product back for the push (or never did). */
	afterLastLook: boolean;
	/** Whether it was accepted before the task whose processing had put the photos on. */
	overtaken: boolean;
	/**
	 * Whether its request repeated, body for body, an earlier import request of its process that got
	 * no answer, with no read of the product by that process in between, and reached Ozon after the
	 * photos were put on: a body built on a lookup that was stale by then, where a lookup before the
	 * re-send would have seen them (a bug of the writing process, never a limit: `resentStale`).
	 */
	resent: boolean;
	/**
	 * Whether its request repeated, body for body, earlier import requests of its process that Ozon
	 * refused with a 429 (per-second, or a quota window), and nothing else, with no read of the
	 * product between: Ozon took none of them, so this is the same write sent later (as a slow network
	 * would deliver it), not a copy of an accepted one. It is judged as the original write (limit 4: by
	 * when it landed), never as the stale-body bug; counted apart in the summary (`Exemption.afterRefusal`).
	 * Since a quota refusal is planned again on a fresh lookup (writes/write.ts), only per-second
	 * refusals resend a body as built, within the request's budget.
	 */
	refusedBefore: boolean;
	/**
	 * Whether its process had read the product (a lookup or a read-back, answered) after the photos
	 * were put on and before it sent the write: it could see them, and dropped them anyway (`sawThem`).
	 */
	sawThem: boolean;
}

/**
 * What every exemption needs of a removal: a write of ANOTHER process that could not know of the
 * push's photos. Its process never read the product after they were put on before sending it, and it
 * is no re-send of a stale body (that is a bug of the writing process, which never read the product
 * again: not a limit).
 */
function unseen(removal: Removal): boolean {
	return removal.otherProcess && !removal.resent && !removal.sawThem;
}

/** One item's push, with what came of it. */
export interface PushFacts {
	execution: number;
	index: number;
	offerId: string;
	mode: 'replace' | 'append' | 'prepend';
	urls: string[];
	/** The item's output json, if its execution has an output. */
	json?: IDataObject;
	/**
	 * Photos the item itself says were dropped to keep within Ozon's 30 (Too Many Images: truncate,
	 * the default, documented): where Ozon serves copies, an Append re-applied or re-run adds copies
	 * again, so a product may pass the generator's bound. Not expected on the product.
	 */
	dropped: Set<string>;
}

/** An import that carried a push's photos as new: they were not on the product when it reached Ozon. */
interface Send {
	push: PushFacts;
	record: ImportRecord;
}

/** What the checks share, worked out once per run. */
class History {
	readonly pushes: PushFacts[] = [];

	readonly byUrl = new Map<string, PushFacts>();

	readonly sends: Send[] = [];

	private readonly importByTask = new Map<number, ImportRecord>();

	constructor(readonly run: RunRecord) {
		for (const record of run.model.imports) this.importByTask.set(record.taskId, record);
		for (const spec of run.schedule.executions) {
			const result = run.results[spec.id];
			spec.items.forEach((item, index) => {
				const json = result?.output?.[index]?.json;
				// Traced back to the URLs sent: where Ozon serves copies, the warning names the copies dropped.
				const dropped = new Set([...droppedBy(json)].map((url) => run.model.root(url)));
				const push: PushFacts = { execution: spec.id, index, offerId: item.offerId, mode: item.mode, urls: item.images, json, dropped };
				this.pushes.push(push);
				for (const url of item.images) this.byUrl.set(url, push);
			});
		}
		for (const record of run.model.imports) {
			for (const item of record.items) {
				const before = new Set(this.photosBefore(item.offerId, record.seq));
				const pushes = new Set(item.roots.filter((url) => !before.has(url)).map((url) => this.byUrl.get(url)).filter((push): push is PushFacts => push !== undefined));
				for (const push of pushes) this.sends.push({ push, record });
			}
		}
	}

	/** The product's photos just before model event `seq` (by the URLs sent). */
	photosBefore(offerId: string, seq: number): string[] {
		let photos: string[] | undefined;
		for (const apply of this.run.model.applies) if (apply.offerId === offerId && apply.seq < seq) photos = apply.after;
		return photos ?? this.run.model.applies.find((apply) => apply.offerId === offerId)?.before ?? [];
	}

	applies(offerId: string): ApplyRecord[] {
		return this.run.model.applies.filter((apply) => apply.offerId === offerId);
	}

	/**
	 * Why `missing` photos of `push` are gone, if a push of the node says so: the last processing that
	 * took any of them off brought in the photos of a Replace of that product (a Replace removes
	 * everything it does not list, by its definition). Undefined: nothing explains it.
	 */
	removedByReplace(push: PushFacts, missing: string[]): PushFacts | undefined {
		const gone = new Set(missing);
		const removals = this.applies(push.offerId).filter((apply) => apply.before.some((url) => gone.has(url)) && !apply.after.some((url) => gone.has(url)));
		const last = removals[removals.length - 1];
		if (!last) return undefined;
		const before = new Set(last.before);
		for (const url of last.after) {
			const other = this.byUrl.get(url);
			if (!before.has(url) && other && other !== push && other.mode === 'replace' && other.offerId === push.offerId) return other;
		}
		// A Replace applied again (its import planned again after a lost answer, on a fresh lookup that
		// already showed its photos among others): its photos were on before, yet it is the Replace that
		// took ours off, its import carrying exactly that Replace's photos for the product (seeds 476, 974).
		const record = this.importByTask.get(last.taskId);
		const carried = record?.items.find((item) => item.offerId === push.offerId)?.roots;
		if (!record || !carried) return undefined;
		return this.pushes.find(
			(other) => other !== push && other.mode === 'replace' && other.offerId === push.offerId && other.execution === record.execution && sameList(carried, other.urls),
		);
	}

	/**
	 * Which of `missing` a later push of the node took off and says so: for each, the last processing
	 * that took it off came from an import of another push of the product (any process) whose item's
	 * truncation warning ("Kept the first 30 of N images …; dropped the rest", Too Many Images: truncate)
	 * names it, or Ozon's copy of it (traced back to the URL sent: ozonModel.ts `root`). Like a later
	 * Replace, that push's item tells what it removed (issue: "`success: true` ⇒ at quiescence the
	 * item's photos are on the product, unless a later push of the node removed them and that push's
	 * item says so"). A removal whose item names no such photo explains nothing.
	 */
	droppedByLaterPush(push: PushFacts, missing: string[]): Set<string> {
		const applies = this.applies(push.offerId);
		const explained = new Set<string>();
		for (const url of missing) {
			const apply = [...applies].reverse().find((candidate) => candidate.before.includes(url) && !candidate.after.includes(url));
			const record = apply && this.importByTask.get(apply.taskId);
			if (!record) continue;
			const says = this.pushes.some((other) => other !== push && other.execution === record.execution && other.offerId === push.offerId && other.dropped.has(url));
			if (says) explained.add(url);
		}
		return explained;
	}

	/**
	 * The last read-back of the push's product by the push's process for the push: a
	 * `/v2/product/pictures/info` whose answer the node got, after the push was first sent and before
	 * its execution's run ended; of those, the one whose photos the item reports (the one that settled
	 * it), else the last. Undefined: the process never read it back for the push.
	 */
	lastLook(push: PushFacts): ExchangeRecord | undefined {
		if (!this.looks.has(push)) this.looks.set(push, this.findLastLook(push));
		return this.looks.get(push);
	}

	private readonly looks = new Map<PushFacts, ExchangeRecord | undefined>();

	private findLastLook(push: PushFacts): ExchangeRecord | undefined {
		const spec = this.run.schedule.executions[push.execution];
		const firstSent = this.sends.find((send) => send.push === push && send.record.process === spec.process)?.record.seq;
		if (firstSent === undefined) return undefined;
		const productId = String(this.run.model.store.byOffer(push.offerId)?.id);
		const endedAt = this.run.results[push.execution]?.endedAt ?? Number.POSITIVE_INFINITY;
		const looks = this.run.model.exchanges.filter(
			(exchange) =>
				exchange.process === spec.process &&
				exchange.path === '/v2/product/pictures/info' &&
				exchange.seq !== undefined &&
				exchange.seq > firstSent &&
				exchange.deliveredAt !== undefined &&
				exchange.deliveredAt <= endedAt &&
				idsOf(exchange.body).includes(productId),
		);
		const reported = (push.json?.data as IDataObject | undefined)?.current_images;
		if (Array.isArray(reported)) {
			const settling = [...looks].reverse().find((exchange) => sameList(photosIn(exchange.answer, productId), reported as string[]));
			if (settling) return settling;
		}
		return looks[looks.length - 1];
	}

	/** For each of `missing`, the last processing that took it off the product (each once). */
	removals(push: PushFacts, missing: string[]): Removal[] {
		const applies = this.applies(push.offerId);
		const spec = this.run.schedule.executions[push.execution];
		const look = this.lastLook(push);
		const found = new Map<ApplyRecord, Removal>();
		for (const url of missing) {
			const apply = [...applies].reverse().find((candidate) => candidate.before.includes(url) && !candidate.after.includes(url));
			if (!apply || found.has(apply)) continue;
			const record = this.importByTask.get(apply.taskId);
			const putOn = [...applies].reverse().find((candidate) => candidate.seq < apply.seq && candidate.after.includes(url) && !candidate.before.includes(url));
			const putOnRecord = putOn && this.importByTask.get(putOn.taskId);
			found.set(apply, {
				apply,
				record,
				otherProcess: record !== undefined && record.process !== spec.process,
				afterLastLook: look?.seq === undefined || apply.seq > look.seq,
				overtaken: record !== undefined && putOnRecord !== undefined && record.seq < putOnRecord.seq,
				// Stale only for photos already on when the re-send reached Ozon: a lookup then would have seen them.
				resent: record !== undefined && putOn !== undefined && putOn.seq < record.seq && this.resentAs(record, push.offerId) === 'stale',
				refusedBefore: record !== undefined && this.resentAs(record, push.offerId) === 'refused',
				sawThem: record !== undefined && putOn !== undefined && this.readBetween(record, push.offerId, putOn.seq),
			});
		}
		return [...found.values()];
	}

	/** Whether `record`'s process had a read of `offerId` answered after model event `afterSeq` and before it sent `record`. */
	private readBetween(record: ImportRecord, offerId: string, afterSeq: number): boolean {
		const made = this.run.model.exchanges.find((exchange) => exchange.accepted === record);
		if (!made) return false;
		return this.run.model.exchanges.some(
			(exchange) => exchange.process === made.process && exchange.seq !== undefined && exchange.seq > afterSeq && exchange.deliveredAt !== undefined && exchange.deliveredAt <= made.at && this.reads(exchange, offerId),
		);
	}

	/** Whether `exchange` reads `offerId`'s photos: a lookup of it, or a read-back of its product. */
	private reads(exchange: ExchangeRecord, offerId: string): boolean {
		if (exchange.path === '/v3/product/info/list') return (((exchange.body as { offer_id?: unknown } | undefined)?.offer_id as unknown[] | undefined) ?? []).map(String).includes(offerId);
		return exchange.path === '/v2/product/pictures/info' && idsOf(exchange.body).includes(String(this.run.model.store.byOffer(offerId)?.id));
	}

	/**
	 * Whether the request that made `record` repeated earlier import requests of the same process,
	 * body for body, that got no 200, with no read of `offerId` by that process in between (a lookup,
	 * or a read-back of its product), and how:
	 * - 'refused': every one of them was refused with a 429 (Ozon's answer, the request not taken):
	 *   the same write, sent later (`Removal.refusedBefore`). A quota window may have held it minutes:
	 *   a known limitation of the node (see there), not the stale-body bug.
	 * - 'stale': one got no answer (a timeout or reset, Ozon may have taken it: a lost answer) or a
	 *   5xx. Such a body was built on what the product had before the earlier attempt: the "stale import
	 *   body re-sent" bug, which the writing process can see (it never read the product again), so no
	 *   exemption covers its undo (`Removal.resent`).
	 * Undefined: no such earlier request (a first send, or one planned again after a read).
	 */
	private resentAs(record: ImportRecord, offerId: string): 'refused' | 'stale' | undefined {
		if (this.resends.has(record)) return this.resends.get(record);
		const { exchanges } = this.run.model;
		const made = exchanges.find((exchange) => exchange.accepted === record);
		let kind: 'refused' | 'stale' | undefined;
		if (made) {
			const body = JSON.stringify(made.body);
			const mine = exchanges.filter((exchange) => exchange.process === made.process && exchange.at < made.at);
			const earlier = mine.filter(
				(candidate) =>
					candidate.path === '/v2/product/pictures/import' &&
					candidate.status !== 200 &&
					JSON.stringify(candidate.body) === body &&
					!mine.some((between) => between.at > candidate.at && this.reads(between, offerId)),
			);
			// A 429 is Ozon's own answer that it took nothing (the model never processes a refused request).
			if (earlier.length > 0) kind = earlier.every((attempt) => attempt.status === 429 && !attempt.processed) ? 'refused' : 'stale';
		}
		this.resends.set(record, kind);
		return kind;
	}

	private readonly resends = new Map<ImportRecord, 'refused' | 'stale' | undefined>();

	/**
	 * The documented limit, if it is what removed the push's photos: every last removal of them was a
	 * write of another process, accepted by Ozon before the task that had put them on (overtaken by
	 * it), that Ozon processed after this process's last read-back for the push.
	 */
	overtakenOutOfSight(push: PushFacts, missing: string[]): Removal[] | undefined {
		const removals = this.removals(push, missing);
		if (removals.length === 0 || !removals.every((removal) => unseen(removal) && removal.overtaken && removal.afterLastLook)) return undefined;
		return removals;
	}

	/** The imports of the push's own process that put its photos on the product (as new), oldest first. */
	ownSends(push: PushFacts): ImportRecord[] {
		const { process } = this.run.schedule.executions[push.execution];
		return this.sends.filter((send) => send.push === push && send.record.process === process).map((send) => send.record);
	}

	/**
	 * The push's task that the read-back `look` settled: the last import of its process that put its
	 * photos on before it; undefined when a later import of its process put them on again (that task
	 * was never read back for the push: `neverReadBackByItsProcess`) or none did.
	 */
	private taskReadBackBy(push: PushFacts, look: ExchangeRecord): ImportRecord | undefined {
		const sends = this.ownSends(push);
		if (look.seq === undefined || sends.some((record) => record.seq > (look.seq as number))) return undefined;
		return sends[sends.length - 1];
	}

	/**
	 * When the push's process got Ozon's answer that `task` had processed the push's product (the node's
	 * `answeredAt`, writes/poll.ts): its first poll of the task answered after that processing.
	 */
	answeredAt(push: PushFacts, task: ImportRecord): number | undefined {
		const processed = this.run.model.applies.find((apply) => apply.taskId === task.taskId && apply.offerId === push.offerId);
		if (!processed) return undefined;
		const answer = this.run.model.exchanges.find(
			(exchange) =>
				exchange.process === task.process &&
				exchange.path === '/v1/product/import/info' &&
				(exchange.body as { task_id?: unknown } | undefined)?.task_id === task.taskId &&
				exchange.status === 200 &&
				exchange.seq !== undefined &&
				exchange.seq > processed.seq &&
				exchange.deliveredAt !== undefined,
		);
		return answer?.deliveredAt;
	}

	/**
	 * The slowest processing time the push's process had seen when it sent the read-back `look`, as
	 * recorded (its pace's samples: simulate.ts `slowestSeen`); while it had none, the task's own time
	 * from Ozon's acceptance to its answer, as the node takes it then (writes/confirm.ts `settledAt`).
	 */
	slowestSeenAt(look: ExchangeRecord, task: ImportRecord, answeredAt: number): number | undefined {
		if (typeof look.slowProcessingMs === 'number') return look.slowProcessingMs;
		const sentAt = this.run.model.exchanges.find((exchange) => exchange.accepted === task)?.deliveredAt;
		return sentAt === undefined ? undefined : answeredAt - sentAt;
	}

	/**
	 * Design limit 4, if it is what removed the push's photos: every last removal of them was a write
	 * of another process that Ozon processed later than the push's task's answer plus the slowest
	 * processing time the push's process had seen when it read the product back (and so after that
	 * read-back). The read-back waits that long after the answer for other writers (confirm.ts
	 * `settledAt`), and it is the process's whole view of Ozon's pace: a slower task of another process
	 * leaves no trace in this one, and Ozon has no versioning to tell of it later.
	 */
	laterThanSlowestSeen(push: PushFacts, missing: string[]): { removals: Removal[]; answeredAt: number; slowMs: number } | undefined {
		const look = this.lastLook(push);
		const task = look && this.taskReadBackBy(push, look);
		const answeredAt = task && this.answeredAt(push, task);
		if (!look || !task || answeredAt === undefined) return undefined;
		const slowMs = this.slowestSeenAt(look, task, answeredAt);
		if (slowMs === undefined) return undefined;
		const removals = this.removals(push, missing);
		// An overtaken write in a FIFO run is no limit but a broken model (taskOrderKept).
		const fits = (removal: Removal) => unseen(removal) && removal.afterLastLook && removal.apply.dueAt > answeredAt + slowMs && (!removal.overtaken || this.run.model.taskOrder === 'overtaking');
		if (removals.length === 0 || !removals.every(fits)) return undefined;
		return { removals, answeredAt, slowMs };
	}

	/**
	 * Design limit 5, if it is what removed the push's photos: the push was reported `pending` (its
	 * Result Timeout passed, or Wait for Result is off: no read-back settled it) or its execution was
	 * stopped before its process read the product back after its last task, and every last removal of
	 * its photos was a write of another process. A product lane holds a pending push against later writes of its own
	 * process only (nodes/OzonSeller/writes/lanes.ts): another process reads the product without it
	 * and builds on that, and the push's item has already answered.
	 */
	neverReadBackByItsProcess(push: PushFacts, missing: string[]): Removal[] | undefined {
		const pending = statusOf(push) === 'pending';
		if (!pending && this.run.results[push.execution]?.stopped !== true) return undefined;
		const sends = this.ownSends(push);
		const lastTask = sends[sends.length - 1];
		if (!lastTask) return undefined;
		// A pending item says no read-back settled it (a read-back of the product for another push of its
		// process may still have come: the item had answered). A stopped one may have been settled before
		// its Stop, unless that read-back found its photos gone: it was stopped while applying them again.
		const look = this.lastLook(push);
		if (!pending && look?.seq !== undefined && look.seq > lastTask.seq && !this.sawSomeMissing(look, missing)) return undefined;
		const removals = this.removals(push, missing);
		if (removals.length === 0 || !removals.every((removal) => unseen(removal))) return undefined;
		return removals;
	}

	/** Whether read-back `look` answered without some of `missing` (its push was to be applied again). */
	private sawSomeMissing(look: ExchangeRecord, missing: string[]): boolean {
		if (look.answer === undefined) return false;
		return missing.some((url) => !look.answer?.includes(url));
	}

	/**
	 * Design limit 7, if it is what removed the push's photos: every last removal was an import Ozon
	 * accepted whose answer never reached the process that sent it (no task_id: nothing to poll), and
	 * that Ozon processed after that process had read the product again to plan the push once more.
	 */
	lostAnswerLanded(push: PushFacts, missing: string[]): Removal[] | undefined {
		const removals = this.removals(push, missing);
		const lost = (removal: Removal) => {
			const made = removal.record && this.run.model.exchanges.find((exchange) => exchange.accepted === removal.record);
			if (!made || made.deliveredAt !== undefined) return false;
			// Its process read the product after sending it and before Ozon processed it: it planned on without it.
			return this.run.model.exchanges.some(
				(exchange) => exchange.process === made.process && exchange.at > made.at && exchange.deliveredAt !== undefined && exchange.seq !== undefined && exchange.seq < removal.apply.seq && this.reads(exchange, push.offerId),
			);
		};
		if (removals.length === 0 || !removals.every(lost)) return undefined;
		return removals;
	}

	/**
	 * Design limit 6, if it is what removed the push's photos: Ozon serves its own copies, every last
	 * removal of them was a write of another process that Ozon processed before the read-back that
	 * settled the push, and that read-back saw as many photos as the push's task sent, each place
	 * holding the URL sent there or another address on Ozon's hosts, every place of the push's photos
	 * one on Ozon's hosts. The node counts such a set as its own (docs/push-images.md, "Ozon's copies"): another
	 * writer's photo that Ozon copied too cannot be told from Ozon's copy of ours.
	 */
	copiesLookAlike(push: PushFacts, missing: string[]): Removal[] | undefined {
		if (!this.run.schedule.behaviour.cdnRewrite) return undefined;
		const look = this.lastLook(push);
		const task = look && this.taskReadBackBy(push, look);
		if (!look || !task) return undefined;
		const body = this.run.model.exchanges.find((exchange) => exchange.accepted === task)?.body as { items?: Array<{ offer_id?: string; primary_image?: string; images?: string[] }> } | undefined;
		const item = body?.items?.find((candidate) => candidate.offer_id === push.offerId);
		if (!item) return undefined;
		const sent = [...new Set([...(item.primary_image ? [item.primary_image] : []), ...(item.images ?? [])])];
		const seen = photosIn(look.answer, String(this.run.model.store.byOffer(push.offerId)?.id));
		if (!seen || seen.length !== sent.length) return undefined;
		if (!seen.every((url, place) => url === sent[place] || (onOzonHosts(url) && !sent.includes(url)))) return undefined;
		const ours = new Set(push.urls);
		const places = sent.map((url, place) => (ours.has(this.run.model.root(url)) ? place : -1)).filter((place) => place >= 0);
		if (places.length === 0 || !places.every((place) => onOzonHosts(seen[place]))) return undefined;
		const removals = this.removals(push, missing);
		if (removals.length === 0 || !removals.every((removal) => unseen(removal) && !removal.afterLastLook)) return undefined;
		return removals;
	}

	/** What took the photos off, for a message: task, process, when Ozon accepted and processed it, and the push's last read-back. */
	describeRemovals(push: PushFacts, missing: string[]): string {
		const { runStart } = this.run;
		const look = this.lastLook(push);
		const parts = this.removals(push, missing).map(({ apply, record, overtaken, resent, refusedBefore }) => {
			const how = `${overtaken ? ', before the task that had put them on' : ''}${resent ? ", re-sending an earlier attempt's body unread" : ''}${refusedBefore ? ', re-sent after Ozon refused it with a 429' : ''}`;
			const who = record ? `process ${record.process} execution ${record.execution}, accepted +${Math.round(record.at - runStart)} ms${how}` : 'no known import';
			return `task ${apply.taskId} (${who}; processed +${Math.round(apply.dueAt - runStart)} ms)`;
		});
		const seen = look ? `its process's last read-back for it answered +${Math.round((look.deliveredAt ?? 0) - runStart)} ms` : 'its process never read it back for it';
		return `removed by ${parts.join(', ') || 'nothing recorded'}; ${seen}`;
	}

	/** Whether any processing ever put one of the push's photos on its product. */
	everApplied(push: PushFacts): boolean {
		return this.applies(push.offerId).some((apply) => push.urls.some((url) => apply.after.includes(url)));
	}

	/**
	 * The push's photos not on its product at rest that nothing of the node's own telling explains:
	 * neither its own item (dropped to keep within Ozon's 30) nor a later push's item that dropped them
	 * (`droppedByLaterPush`).
	 */
	missingNow(push: PushFacts): string[] {
		const photos = new Set(this.run.model.photos(push.offerId));
		const missing = push.urls.filter((url) => !photos.has(url) && !push.dropped.has(url));
		if (missing.length === 0) return missing;
		const told = this.droppedByLaterPush(push, missing);
		return missing.filter((url) => !told.has(url));
	}
}

const name = (push: PushFacts) => `execution ${push.execution} item ${push.index} (${push.mode} ${push.offerId})`;

/** The URLs an item's truncation warning names as dropped ("Kept the first 30 of N images …; dropped the rest"). */
function droppedBy(json: IDataObject | undefined): Set<string> {
	const warnings = Array.isArray(json?.warnings) ? (json.warnings as Array<{ field?: string; message?: string; urls?: unknown }>) : [];
	const dropped = new Set<string>();
	for (const warning of warnings) {
		if (warning.field === 'images' && /^Kept the first \d+ of \d+ images/.test(warning.message ?? '') && Array.isArray(warning.urls)) for (const url of warning.urls) dropped.add(String(url));
	}
	return dropped;
}

/** The product ids a read-back asked for. */
function idsOf(body: unknown): string[] {
	const ids = (body as { product_id?: unknown } | undefined)?.product_id;
	return Array.isArray(ids) ? ids.map(String) : [];
}

/** A product's photos in a read-back's answer, as the node reads them (primary first, each once). */
function photosIn(answer: string | undefined, productId: string): string[] | undefined {
	if (answer === undefined) return undefined;
	const items = (JSON.parse(answer) as { items?: Array<{ product_id: number; primary_photo?: string[] | null; photo?: string[] | null }> }).items ?? [];
	const item = items.find((candidate) => String(candidate.product_id) === productId);
	if (!item || !Array.isArray(item.primary_photo) || !Array.isArray(item.photo)) return undefined;
	return [...new Set([...item.primary_photo, ...item.photo])];
}

/** Ozon's image hosts (docs/push-images.md, "Ozon's copies"): ozone.ru, ozon.ru, ozonusercontent.com and their subdomains. */
function onOzonHosts(url: string): boolean {
	try {
		const host = new URL(url).hostname.toLowerCase();
		return ['ozone.ru', 'ozon.ru', 'ozonusercontent.com'].some((domain) => host === domain || host.endsWith(`.${domain}`));
	} catch {
		return false;
	}
}

function sameList(a: string[] | undefined, b: string[]): boolean {
	return a !== undefined && a.length === b.length && a.every((url, index) => url === b[index]);
}

/**
 * Judges a push whose photos are missing at rest, past the Replace that explains it: one of the
 * documented limits (counted in `exempted`, by the first that fits, in the order of LIMITS), else a
 * violation whose message says what took them off.
 */
function judgeMissing(run: RunRecord, history: History, push: PushFacts, missing: string[], invariant: string, message: string, found: Violation[], exempted: Exemption[]): void {
	const detail = history.everApplied(push) ? `; ${history.describeRemovals(push, missing)}` : '';
	const exempt = (limit: Limit, why: string): void => {
		const afterRefusal = history.removals(push, missing).some((removal) => removal.refusedBefore);
		exempted.push({ invariant, limit, message: `${message}${detail} [${why}]`, ...(afterRefusal ? { afterRefusal } : {}) });
	};
	const overtaken = history.overtakenOutOfSight(push, missing);
	if (overtaken && run.model.taskOrder === 'overtaking') return exempt('overtaken', 'overtaken by a write of another process, after the last read-back');
	const later = history.laterThanSlowestSeen(push, missing);
	if (later) {
		const landed = Math.max(...later.removals.map((removal) => removal.apply.dueAt)) - later.answeredAt;
		return exempt('laterThanSlowestSeen', `another process's write landed ${(landed / 1000).toFixed(1)} s after our task's answer; the slowest time our process had seen was ${(later.slowMs / 1000).toFixed(1)} s`);
	}
	if (history.neverReadBackByItsProcess(push, missing)) return exempt('neverReadBack', `reported ${statusOf(push) || 'nothing (stopped)'}, never read back by its process; undone by another process's write`);
	if (history.copiesLookAlike(push, missing)) return exempt('copies', "its read-back saw another process's photo copied to Ozon's hosts in its place");
	if (history.lostAnswerLanded(push, missing)) return exempt('lostAnswer', 'undone by an import whose answer never reached its process (no task_id to poll), processed after that process had planned on');
	// In a FIFO run no task is overtaken (taskOrderKept): should one be, it is no limit but a broken model.
	const note = overtaken ? ' [an overtaken write of another process, in a FIFO run: not exempt]' : '';
	found.push({ invariant, message: `${message}${detail}${note}` });
}

/**
 * The run comes to rest, and every execution's run of the node ends (with output, a workflow
 * error, or its Stop): nothing hangs.
 */
export function everyExecutionEnds(run: RunRecord): Violation[] {
	const found: Violation[] = [];
	if (!run.quiescent) found.push({ invariant: 'everyExecutionEnds', message: `timers still running after ${(run.endedAt - run.runStart) / 1000} s of virtual time` });
	for (const spec of run.schedule.executions) {
		if (!run.results[spec.id]) found.push({ invariant: 'everyExecutionEnds', message: `execution ${spec.id} never ended` });
	}
	return found;
}

/**
 * Every input item gets exactly one output item, paired to it (`pairedItem.item`), in its own
 * execution. A stopped execution has no output; under On Error → Stop Workflow the node may stop
 * the workflow with n8n's error (an item failed) instead; under On Error → Continue it never throws.
 */
export function everyItemAnsweredOnce(run: RunRecord): Violation[] {
	const found: Violation[] = [];
	const report = (message: string) => found.push({ invariant: 'everyItemAnsweredOnce', message });
	for (const spec of run.schedule.executions) {
		const result = run.results[spec.id];
		if (!result || result.stopped) continue;
		if (result.error !== undefined) {
			const kind = (result.error as Error)?.constructor?.name;
			if (spec.onError !== 'stopWorkflow') report(`execution ${spec.id} threw under On Error ${spec.onError}: ${String((result.error as Error)?.message ?? result.error)}`);
			else if (kind !== 'NodeOperationError' && kind !== 'NodeApiError') report(`execution ${spec.id} failed with a ${kind}, not n8n's error: ${String((result.error as Error)?.message)}`);
			continue;
		}
		const output = result.output ?? [];
		if (output.length !== spec.items.length) report(`execution ${spec.id}: ${output.length} output items for ${spec.items.length} input items`);
		output.forEach((item, index) => {
			const paired = item.pairedItem as { item?: number } | undefined;
			if (paired?.item !== index) report(`execution ${spec.id}: output item ${index} paired to ${JSON.stringify(item.pairedItem)}`);
			if (typeof item.json.success !== 'boolean') report(`execution ${spec.id}: output item ${index} has no success flag`);
		});
	}
	return found;
}

/**
 * A stopped execution sends nothing new once its Stop has settled (its run of the node ended):
 * no import carries its pushes' photos as new after that.
 */
export function nothingSentAfterStop(run: RunRecord, history = new History(run)): Violation[] {
	const found: Violation[] = [];
	for (const { push, record } of history.sends) {
		const result = run.results[push.execution];
		if (result?.stopped && result.endedAt !== undefined && record.at > result.endedAt) {
			found.push({ invariant: 'nothingSentAfterStop', message: `${name(push)}: sent at +${record.at - run.runStart} ms (task ${record.taskId}), after its execution was stopped and ended at +${result.endedAt - run.runStart} ms` });
		}
	}
	return found;
}

/** The item's status, as the node's full output puts it. */
function statusOf(push: PushFacts): string {
	return String((push.json?.data as IDataObject | undefined)?.status ?? push.json?.status ?? '');
}

/**
 * `success: true` means the item's photos are on the product once Ozon has processed everything,
 * unless a later Replace of the node removed them (a Replace says it removes what it does not list),
 * or a later push of the node dropped them to keep within Ozon's 30 and its item's warning names
 * them (or Ozon's copies of them: `droppedByLaterPush`).
 * A success with status "pending" (Wait for Result off: not waited, and the item says so) is judged
 * by appliedAppendsKept instead.
 */
export function successMeansOnOzon(run: RunRecord, history = new History(run), exempted: Exemption[] = []): Violation[] {
	const found: Violation[] = [];
	for (const push of history.pushes) {
		if (push.json?.success !== true || statusOf(push) === 'pending') continue;
		const missing = history.missingNow(push);
		if (missing.length === 0 || history.removedByReplace(push, missing)) continue;
		const status = statusOf(push);
		const message = `${name(push)} reported success (status ${status}) but ${missing.length} of its ${push.urls.length} photos are not on the product at rest${history.everApplied(push) ? ' (they were applied, then removed by a write that is no Replace)' : ' (Ozon never applied them)'}`;
		judgeMissing(run, history, push, missing, 'successMeansOnOzon', message, found, exempted);
	}
	return found;
}

/**
 * No push of the node undoes a push Ozon applied without saying so: an Append or Prepend whose
 * photos Ozon put on the product (its item pending, or without output) still has them at rest,
 * unless a later Replace explains it, or a later push's item names them as dropped to keep within 30
 * (`droppedByLaterPush`), or its own item reports them as not on Ozon (conflict or
 * failed), or its run stopped the workflow with n8n's error (which names failed items). Confirmed
 * successes are judged by successMeansOnOzon.
 */
export function appliedAppendsKept(run: RunRecord, history = new History(run), exempted: Exemption[] = []): Violation[] {
	const found: Violation[] = [];
	for (const push of history.pushes) {
		const status = statusOf(push);
		if (push.mode === 'replace' || (push.json?.success === true && status !== 'pending') || !history.everApplied(push)) continue;
		if (push.json && (status === 'conflict' || status === 'failed')) continue;
		const result = run.results[push.execution];
		if (!push.json && result?.error !== undefined) continue;
		const missing = history.missingNow(push);
		if (missing.length === 0 || history.removedByReplace(push, missing)) continue;
		const message = `${name(push)}: Ozon applied its photos, yet ${missing.length} of them are gone at rest, removed by a write that is no Replace; its item ${push.json ? `says status "${status}"` : result?.stopped ? 'has none (stopped)' : 'has none'}`;
		judgeMissing(run, history, push, missing, 'appliedAppendsKept', message, found, exempted);
	}
	return found;
}

/** After any processing, a product shows each photo at most once (where Ozon keeps the URLs sent: copies off). */
export function noDuplicatePhotos(run: RunRecord): Violation[] {
	if (run.schedule.behaviour.cdnRewrite) return [];
	const found: Violation[] = [];
	for (const apply of run.model.applies) {
		const seen = new Set<string>();
		for (const url of apply.after) {
			if (seen.has(url)) found.push({ invariant: 'noDuplicatePhotos', message: `${apply.offerId} shows ${url} twice after task ${apply.taskId}` });
			seen.add(url);
		}
	}
	return found;
}

/**
 * An import Ozon accepted and answered with its task_id is never sent again for the same push
 * (Retry On Fail included), unless Ozon applied it and a later write took it off again (then sending
 * it again is a re-apply the item tells of).
 */
export function acceptedImportNeverResent(run: RunRecord, history = new History(run)): Violation[] {
	const found: Violation[] = [];
	const byPush = new Map<PushFacts, Send[]>();
	for (const send of history.sends) byPush.set(send.push, [...(byPush.get(send.push) ?? []), send]);
	for (const [push, sends] of byPush) {
		for (let later = 1; later < sends.length; later++) {
			const again = sends[later];
			const earlier = sends.slice(0, later).filter((send) => send.record.delivered);
			for (const first of earlier) {
				const appliedBetween = history
					.applies(push.offerId)
					.some((apply) => apply.seq > first.record.seq && apply.seq < again.record.seq && push.urls.some((url) => apply.after.includes(url)));
				if (appliedBetween) continue;
				found.push({
					invariant: 'acceptedImportNeverResent',
					message: `${name(push)}: sent again at +${again.record.at - run.runStart} ms (task ${again.record.taskId}, execution ${again.record.execution}) after Ozon accepted it as task ${first.record.taskId} at +${first.record.at - run.runStart} ms and the node got that task_id`,
				});
				break;
			}
		}
	}
	return found;
}

/** No process starts more requests than its Requests per Second in any 1,000 ms of virtual time. */
export function rateWithinLimit(run: RunRecord): Violation[] {
	const found: Violation[] = [];
	run.requestStarts.forEach((starts, process) => {
		const limit = run.schedule.processes[process].requestsPerSecond;
		const times = [...starts].sort((a, b) => a - b);
		let first = 0;
		for (let last = 0; last < times.length; last++) {
			while (times[last] - times[first] >= 1000) first++;
			if (last - first + 1 > limit) {
				found.push({ invariant: 'rateWithinLimit', message: `process ${process} started ${last - first + 1} requests within 1 s from +${times[first] - run.runStart} ms (limit ${limit})` });
				return;
			}
		}
	});
	return found;
}

/** Every request the node sent and every answer the model gave fits Ozon's written contract. */
export function contractHeld(run: RunRecord): Violation[] {
	return run.model.contractViolations.slice(0, 5).map((message) => ({ invariant: 'contractHeld', message }));
}

/**
 * In a FIFO run, Ozon processed no product of a task before a product of an older task (the
 * model's own promise, ozonModel.ts: the exemption rests on it).
 */
export function taskOrderKept(run: RunRecord): Violation[] {
	if (run.model.taskOrder !== 'fifo') return [];
	let newest: ApplyRecord | undefined;
	for (const apply of run.model.applies) {
		if (newest && apply.taskId < newest.taskId) {
			return [{ invariant: 'taskOrderKept', message: `task ${apply.taskId} processed ${apply.offerId} at +${apply.dueAt - run.runStart} ms, after the younger task ${newest.taskId} processed ${newest.offerId} at +${newest.dueAt - run.runStart} ms (FIFO)` }];
		}
		if (!newest || apply.taskId > newest.taskId) newest = apply;
	}
	return [];
}

/** Every invariant, and the cases let pass as the documented limit. */
export function judge(run: RunRecord): { violations: Violation[]; exemptions: Exemption[] } {
	const history = new History(run);
	const exemptions: Exemption[] = [];
	const violations = [
		...everyExecutionEnds(run),
		...everyItemAnsweredOnce(run),
		...nothingSentAfterStop(run, history),
		...successMeansOnOzon(run, history, exemptions),
		...appliedAppendsKept(run, history, exemptions),
		...noDuplicatePhotos(run),
		...acceptedImportNeverResent(run, history),
		...rateWithinLimit(run),
		...contractHeld(run),
		...taskOrderKept(run),
	];
	return { violations, exemptions };
}

export function checkInvariants(run: RunRecord): Violation[] {
	return judge(run).violations;
}
