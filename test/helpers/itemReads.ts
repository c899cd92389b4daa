/**
 * How much the node reads between two of its yields to the event loop, counted instead of timed: a
 * stall's length is a figure of the machine (the bench measures it), how many items the node reads
 * without yielding is the node's own.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Clock } from '../../nodes/OzonSeller/runtime/clock';

import { tuneProcess } from './nodeProcess';
import { yieldsTold } from './virtualTime';

/**
 * `count` items from `build`, each adding its position to `read` when n8n first reads its `field`
 * (as it evaluates `{{ $json.<field> }}` for the node). For `withCodeInput`: n8n hands the items
 * built there to the node as they are.
 */
export function itemsCountingReads(count: number, field: string, build: (n: number) => IDataObject, read: Set<number>): IDataObject[] {
	return Array.from({ length: count }, (_, n) => {
		const item = build(n);
		const value = item[field];
		delete item[field];
		Object.defineProperty(item, field, {
			enumerable: true,
			get: () => {
				read.add(n);
				return value;
			},
		});
		return item;
	});
}

/**
 * Runs `work` with the node's process on the real clock (or `base`, a test's virtual time),
 * counting its yields to the event loop (`sleep(0)`): the most items first read between two yields
 * (or before the first, or after the last), and how many yields there were.
 */
export async function mostReadBetweenYields<T>(read: Set<number>, work: () => Promise<T>, base?: Clock): Promise<{ value: T; mostBetweenYields: number; yields: number }> {
	let before = read.size;
	let most = 0;
	let yields = 0;
	const gap = () => {
		most = Math.max(most, read.size - before);
		before = read.size;
	};
	tuneProcess({
		clock: yieldsTold(() => {
			gap();
			yields++;
		}, base),
	});
	const value = await work();
	gap();
	return { value, mostBetweenYields: most, yields };
}
