/**
 * What the write registry tells of an import task outside the write path (Get Push Result): the
 * lanes that hold the task and Ozon's answer where one came, and an answer learnt there reaching the
 * lanes that wait for it in the background, and no others.
 */
import { systemClock } from '../../../../nodes/OzonSeller/runtime/clock';
import type { OzonTransport } from '../../../../nodes/OzonSeller/transport';
import { WriteRegistry } from '../../../../nodes/OzonSeller/writes/registry';
import { writeSettings } from '../../../../nodes/OzonSeller/writes/settings';

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
