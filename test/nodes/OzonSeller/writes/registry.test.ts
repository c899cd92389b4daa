/**
 * The registry keeps one coordinator per Ozon key for as long as the key is in use (a key rotated
 * away must not stay for the life of the process), and tells of an import task outside the write path (Get Push Result): the
 * lanes that hold the task and Ozon's answer where one came, and an answer learnt there reaching the
 * lanes that wait for it in the background, and no others.
 */
import { systemClock, type Clock } from '../../../../nodes/OzonSeller/runtime/clock';
import type { OzonTransport } from '../../../../nodes/OzonSeller/transport';
import { WriteRegistry } from '../../../../nodes/OzonSeller/writes/registry';
import { DEFAULT_WRITE_SETTINGS, writeSettings } from '../../../../nodes/OzonSeller/writes/settings';

const SET = { images: ['https://img.example/1.jpg'] };
const account = (name: string, key = 'key') => ({ account: name, keyId: `${name}:${key}` }) as OzonTransport;

/** A registry whose account `ozon` holds: 1001 unknown (task 7), 1002 confirming (task 7, imported), 1003 writing (task 7), 1004 writing (task 8). */
function lanesOfTwoTasks() {
	const registry = new WriteRegistry(systemClock, writeSettings());
	const coordinator = registry.coordinatorFor(account('ozon'));
	const write = (productId: number, taskId: number) => {
		const holder = { productId };
		coordinator.lane(productId, { type: 'claim', holder });
		coordinator.lane(productId, { type: 'accepted', holder, taskId, offerId: `SKU-${productId}`, set: SET, at: 0 });
		return holder;
	};
	coordinator.lane(1001, { type: 'released', holder: write(1001, 7), at: 10, nextPollAt: 1e15 });
	coordinator.lane(1002, { type: 'answered', holder: write(1002, 7), status: 'imported' });
	write(1003, 7);
	write(1004, 8);
	return registry;
}

it('lanesOfTask: each product a lane holds for the task, who holds it, and Ozon\'s answer once one came', () => {
	const registry = lanesOfTwoTasks();
	expect(registry.lanesOfTask(account('ozon'), 7)).toEqual([
		{ productId: 1001, offerId: 'SKU-1001', state: 'unknown' },
		{ productId: 1002, offerId: 'SKU-1002', state: 'confirming', status: 'imported' },
		{ productId: 1003, offerId: 'SKU-1003', state: 'writing' },
	]);
	// Another key of the account shares its lanes; another account, or a task no lane holds, has none.
	expect(registry.lanesOfTask(account('ozon', 'rotated'), 8)).toEqual([{ productId: 1004, offerId: 'SKU-1004', state: 'writing' }]);
	expect(registry.lanesOfTask(account('other'), 7)).toEqual([]);
	expect(registry.lanesOfTask(account('ozon'), 9)).toEqual([]);
});

it('taskAnswered: a final answer frees a lane waiting for it in the background; flights keep theirs, and pending changes nothing', () => {
	const registry = lanesOfTwoTasks();
	registry.taskAnswered(account('ozon'), 7, [
		{ productId: 1002, status: 'imported' },
		{ productId: 1003, status: 'failed' },
	]);
	registry.taskAnswered(account('ozon'), 8, [{ productId: 1001, status: 'imported' }]);
	registry.taskAnswered(account('ozon'), 7, [{ productId: 1001, status: 'pending' }]);
	expect(registry.heldLanes).toBe(4);
	registry.taskAnswered(account('ozon'), 7, [{ productId: 1001, status: 'skipped' }]);
	expect(registry.lanesOfTask(account('ozon'), 7).map((lane) => lane.productId)).toEqual([1002, 1003]);
	expect(registry.heldLanes).toBe(3);
});

const HOUR_MS = 3_600_000;

function idleSetup() {
	let now = 1_700_000_000_000;
	const clock: Clock = { now: () => now, sleep: async () => {}, random: () => 0.5 };
	const registry = new WriteRegistry(clock, DEFAULT_WRITE_SETTINGS);
	// The registry reads only the key's and the account's names of a transport.
	const key = (name: string, account = 'https://api-seller.ozon.ru 123') => ({ keyId: name, account }) as unknown as OzonTransport;
	return { registry, key, pass: (ms: number) => (now += ms) };
}

it('a key unused for over an hour, with nothing queued or held, is dropped the next time any key is used; one in use stays', () => {
	const { registry, key, pass } = idleSetup();
	const old = registry.coordinatorFor(key('old-key'));
	registry.coordinatorFor(key('new-key', 'https://api-seller.ozon.ru 456'));
	expect(registry.keys).toBe(2);
	pass(30 * 60_000);
	registry.coordinatorFor(key('new-key', 'https://api-seller.ozon.ru 456'));
	expect(registry.keys).toBe(2);
	pass(HOUR_MS);
	registry.coordinatorFor(key('new-key', 'https://api-seller.ozon.ru 456'));
	expect(registry.keys).toBe(1);
	// Used again later: a fresh coordinator, not the dropped one.
	expect(registry.coordinatorFor(key('old-key'))).not.toBe(old);
	expect(registry.keys).toBe(2);
});

it('an idle key of an account whose lanes are still held (a pending push polled in the background) is kept', () => {
	const { registry, key, pass } = idleSetup();
	const coordinator = registry.coordinatorFor(key('old-key'));
	// A lane held for a product, as an accepted write the background poller still asks about leaves it.
	(coordinator as unknown as { account: { lanes: Map<number, unknown> } }).account.lanes.set(1001, { state: 'unknown' });
	pass(2 * HOUR_MS);
	registry.coordinatorFor(key('other-key', 'https://api-seller.ozon.ru 456'));
	expect(registry.keys).toBe(2);
	expect(registry.heldLanes).toBe(1);
});
