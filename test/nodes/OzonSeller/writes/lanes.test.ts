/** The product lane state machine, alone: who may write a product, and when it is free again. */
import { step, type Lane, type LaneEvent } from '../../../../nodes/OzonSeller/writes/lanes';

const A = { flight: 'A' };
const B = { flight: 'B' };
const SET = { images: ['https://img.example/1.jpg'] };

function run(events: LaneEvent[], start?: Lane): { lane: Lane | undefined; applied: boolean[] } {
	let lane = start;
	const applied: boolean[] = [];
	for (const event of events) {
		const next = step(lane, event);
		applied.push(next.applied);
		lane = next.lane;
	}
	return { lane, applied };
}

it('idle → writing → accepted → answered → confirming → confirmed: idle again, the lane freed', () => {
	const { lane, applied } = run([
		{ type: 'claim', holder: A },
		{ type: 'accepted', holder: A, taskId: 7, offerId: 'SKU-1', set: SET, at: 10 },
		{ type: 'answered', holder: A, status: 'imported' },
		{ type: 'confirmed', holder: A },
	]);
	expect(applied).toEqual([true, true, true, true]);
	expect(lane).toBeUndefined();
});

it('a held lane refuses another claim, and ignores events from anyone but its holder', () => {
	const held = run([{ type: 'claim', holder: A }]).lane;
	expect(step(held, { type: 'claim', holder: B })).toEqual({ lane: held, applied: false });
	expect(step(held, { type: 'confirmed', holder: B })).toEqual({ lane: held, applied: false });
	expect(step(held, { type: 'claim', holder: A }).applied).toBe(true);
});

it('released with an accepted write and no answer: unknown (its task asked about in the background), never idle', () => {
	const { lane } = run([
		{ type: 'claim', holder: A },
		{ type: 'accepted', holder: A, taskId: 7, offerId: 'SKU-1', set: SET, at: 10 },
		{ type: 'released', holder: A, at: 70_000, nextPollAt: 72_000 },
	]);
	expect(lane).toEqual({ state: 'unknown', taskId: 7, offerId: 'SKU-1', set: SET, sentAt: 10, since: 70_000, nextPollAt: 72_000 });
	// No flight may claim it while its task is unknown.
	expect(step(lane, { type: 'claim', holder: B }).applied).toBe(false);
	// Still pending: stays, asked again later.
	expect(step(lane, { type: 'background', status: 'pending', nextPollAt: 74_000 }).lane).toMatchObject({ state: 'unknown', nextPollAt: 74_000 });
	// Answered (whatever the answer) or given up: idle.
	for (const status of ['imported', 'skipped', 'failed'] as const) expect(step(lane, { type: 'background', status, nextPollAt: 0 })).toEqual({ lane: undefined, applied: true });
	expect(step(lane, { type: 'givenUp' })).toEqual({ lane: undefined, applied: true });
});

it('released without an accepted write (never sent, or answered) frees the lane', () => {
	expect(run([{ type: 'claim', holder: A }, { type: 'released', holder: A, at: 1, nextPollAt: 2 }]).lane).toBeUndefined();
	expect(
		run([
			{ type: 'claim', holder: A },
			{ type: 'accepted', holder: A, taskId: 7, offerId: 'SKU-1', set: SET, at: 10 },
			{ type: 'answered', holder: A, status: 'skipped' },
			{ type: 'released', holder: A, at: 1, nextPollAt: 2 },
		]).lane,
	).toBeUndefined();
});

it('a failed task or an unsent request frees the lane at once: Ozon kept the photos from before', () => {
	const accepted = run([
		{ type: 'claim', holder: A },
		{ type: 'accepted', holder: A, taskId: 7, offerId: 'SKU-1', set: SET, at: 10 },
	]).lane;
	expect(step(accepted, { type: 'answered', holder: A, status: 'failed' }).lane).toBeUndefined();
	expect(step(run([{ type: 'claim', holder: A }]).lane, { type: 'unsent', holder: A }).lane).toBeUndefined();
});

it('background answers reach only unknown lanes', () => {
	const held = run([{ type: 'claim', holder: A }]).lane;
	expect(step(held, { type: 'background', status: 'imported', nextPollAt: 0 })).toEqual({ lane: held, applied: false });
	expect(step(undefined, { type: 'givenUp' })).toEqual({ lane: undefined, applied: false });
});
