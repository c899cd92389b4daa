/**
 * What the hand-in tests (push/handIn.test.ts, push/handInAttack.test.ts) share: pushes by Offer ID
 * through n8n's engine against a sandbox of many products, Ozon's pace scaled down, the hand-in
 * from the first thousand items on, and items that tell when the node reads them.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import type { Clock } from '../../nodes/OzonSeller/runtime/clock';
import { OzonSandbox } from '../../sandbox/server';
import { seedProducts } from '../../sandbox/store';
import { OZON_NODE_NAME, type RunResult } from './n8nEngine';
import { useFastTiming } from './timing';
import { useProcessOptions } from './nodeProcess';

export type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }>; warnings: Array<{ field: string; message: string }> };

export const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}', mode: '={{ $json.mode ?? "replace" }}' };
export const API_KEY = 'sandbox-api-key';
export const offer = (n: number) => `SKU-${String(n).padStart(3, '0')}`;
export const url = (sku: string, name: string) => `https://img.example.com/${sku}/${name}.jpg`;
export const rows = (count: number, from = 1, name = 'new') => Array.from({ length: count }, (_, n) => ({ offer: offer(n + from), urls: url(offer(n + from), name) }) as IDataObject);

/** The running sandbox (a live binding: set by startSandbox). */
export let sandbox: OzonSandbox;
export const credentials = (apiKey = API_KEY) => ({ clientId: '123456', apiKey, baseUrl: sandbox.url });

/** `clock`: the sandbox keeps Ozon's time (and waits its latency) on it, a test's virtual time, rather than the wall clock. */
export async function startSandbox(products: number, processingMs = 200, clock?: Clock): Promise<void> {
	// Ozon's real pace, scaled down; its rate cap out of the way (the node keeps its own 40 a second).
	sandbox = new OzonSandbox({ processingMs, rateLimitPerSecond: 1000 }, seedProducts(products));
	if (clock) {
		sandbox.store.now = () => clock.now();
		sandbox.store.sleep = (ms) => clock.sleep(ms);
	}
	await sandbox.start();
}

/** Every item's output, paired with its input, in order. */
export function outputOf(result: RunResult): Output[] {
	expect(result.error).toBeUndefined();
	const output = result.output(OZON_NODE_NAME) ?? [];
	expect(output.map((item) => item.pairedItem)).toEqual(output.map((_, index) => ({ item: index })));
	return output.map((item) => item.json as unknown as Output);
}

export const requests = (path: string) => sandbox.store.log.filter((entry) => entry.path === path);

/** Calls `onRead` whenever the item's Offer ID (n8n's `{{ $json.offer }}`) is read. */
export function whenRead(item: IDataObject, onRead: () => void): void {
	const value = item.offer;
	delete item.offer;
	Object.defineProperty(item, 'offer', {
		enumerable: true,
		get: () => {
			onRead();
			return value;
		},
	});
}

/** Fast timing, polls scaled to the sandbox's pace, the hand-in from the first thousand items on; the sandbox stopped after each test. */
export function useHandInSandbox(): void {
	beforeAll(() => nock.enableNetConnect('127.0.0.1'));
	useFastTiming();
	// Hand in from the first thousand items on, however fast this machine reads them.
	useProcessOptions({ writes: { polling: { firstDelayMs: 150, stepMs: 100 }, handInAfterMs: 0 } });
	afterEach(async () => {
		await sandbox?.stop();
	});
}
