/**
 * The registry keeps one coordinator per Ozon key for as long as the key is in use: a key rotated away
 * (or an account no longer used) must not stay in memory for the life of the n8n process.
 */
import type { Clock } from '../../../../nodes/OzonSeller/runtime/clock';
import type { OzonTransport } from '../../../../nodes/OzonSeller/transport';
import { WriteRegistry } from '../../../../nodes/OzonSeller/writes/registry';
import { DEFAULT_WRITE_SETTINGS } from '../../../../nodes/OzonSeller/writes/settings';

const HOUR_MS = 3_600_000;

function setup() {
	let now = 1_700_000_000_000;
	const clock: Clock = { now: () => now, sleep: async () => {}, random: () => 0.5 };
	const registry = new WriteRegistry(clock, DEFAULT_WRITE_SETTINGS);
	// The registry reads only the key's and the account's names of a transport.
	const key = (name: string, account = 'https://api-seller.ozon.ru 123') => ({ keyId: name, account }) as unknown as OzonTransport;
	return { registry, key, pass: (ms: number) => (now += ms) };
}

it('a key unused for over an hour, with nothing queued or held, is dropped the next time any key is used; one in use stays', () => {
	const { registry, key, pass } = setup();
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
	const { registry, key, pass } = setup();
	const coordinator = registry.coordinatorFor(key('old-key'));
	// A lane held for a product, as an accepted write the background poller still asks about leaves it.
	(coordinator as unknown as { account: { lanes: Map<number, unknown> } }).account.lanes.set(1001, { state: 'unknown' });
	pass(2 * HOUR_MS);
	registry.coordinatorFor(key('other-key', 'https://api-seller.ozon.ru 456'));
	expect(registry.keys).toBe(2);
	expect(registry.heldLanes).toBe(1);
});
