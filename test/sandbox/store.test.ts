import { SandboxStore, defaultConfig, seedProducts } from '../../sandbox/store';

function storeWithSeed(seed: number): SandboxStore {
	const config = defaultConfig();
	return new SandboxStore({ ...config, faults: { ...config.faults, seed } });
}

describe('fault dice', () => {
	it('give one request the same draws whatever other requests arrive in between', () => {
		const alone = storeWithSeed(6);
		const busy = storeWithSeed(6);
		const mine = '{"product_id":100001}';
		const draws = { alone: [] as number[], busy: [] as number[] };
		for (let attempt = 0; attempt < 5; attempt++) {
			draws.alone.push(alone.faultDice('/v1/product/pictures/import', mine));
			for (let other = 0; other < attempt * 3; other++) busy.faultDice('/v1/product/pictures/import', `{"product_id":${200000 + other}}`);
			draws.busy.push(busy.faultDice('/v1/product/pictures/import', mine));
		}
		expect(draws.busy).toEqual(draws.alone);
	});

	it('draw anew for each repeat of a request, and differently per seed', () => {
		const store = storeWithSeed(6);
		const repeats = Array.from({ length: 20 }, () => store.faultDice('/v2/product/pictures/import', '{"items":[]}'));
		expect(new Set(repeats).size).toBe(20);
		expect(repeats.every((dice) => dice >= 0 && dice < 1)).toBe(true);
		expect(storeWithSeed(7).faultDice('/v2/product/pictures/import', '{"items":[]}')).not.toBe(repeats[0]);
	});

	it('spread evenly enough that a 33 % fault rate stays near 33 %', () => {
		const store = storeWithSeed(6);
		const draws = Array.from({ length: 10_000 }, (_, i) => store.faultDice('/v1/product/pictures/import', `{"product_id":${i}}`));
		const faulted = draws.filter((dice) => dice < 0.33).length / draws.length;
		expect(faulted).toBeGreaterThan(0.31);
		expect(faulted).toBeLessThan(0.35);
	});
});

describe('SandboxStore.reset', () => {
	it('forgets the traffic and keeps products and configuration', () => {
		const store = new SandboxStore(defaultConfig());
		store.setProducts(seedProducts(3));
		store.log.push({ at: 1, clientId: 'c', path: '/v1/roles', status: 200 });
		store.recent.set('c', [1]);
		store.operations.set('c', [{ at: 1, items: 1 }]);
		store.reset();
		expect([store.log.length, store.recent.size, store.operations.size, store.tasks.size, store.products.size]).toEqual([0, 0, 0, 0, 3]);
	});
});

describe('products by offer_id', () => {
	it('are found as a scan finds them (catalogue order, duplicates, a product added or renamed later), without a scan per lookup', () => {
		const store = new SandboxStore(defaultConfig());
		store.setProducts(seedProducts(5));
		const [first, second, third] = [...store.products.values()];
		expect(store.withOffers(new Set([third.offer_id, first.offer_id])).map((product) => product.id)).toEqual([first.id, third.id]);
		expect(store.byOffer('NOT-THERE')).toBeUndefined();

		const twin = { ...second, id: 998, offer_id: first.offer_id };
		store.products.set(twin.id, twin);
		expect(store.withOffers(new Set([first.offer_id])).map((product) => product.id)).toEqual([first.id, twin.id]);
		second.offer_id = 'RENAMED';
		expect(store.byOffer('RENAMED')).toBe(second);
		const added = { ...third, id: 999, offer_id: 'ADDED' };
		store.products.set(added.id, added);
		expect(store.byOffer('ADDED')).toBe(added);
	});

	it('a product renamed to an offer_id another product has is found with it, as a scan finds it', () => {
		const store = new SandboxStore(defaultConfig());
		store.setProducts(seedProducts(5));
		const [first, second] = [...store.products.values()];
		expect(store.byOffer(first.offer_id)).toBe(first);

		second.offer_id = first.offer_id;
		expect(store.withOffers(new Set([first.offer_id])).map((product) => product.id)).toEqual([first.id, second.id]);
		// Renamed back (the index was rebuilt meanwhile): only the first again.
		second.offer_id = 'SKU-002';
		expect(store.withOffers(new Set([first.offer_id]))).toEqual([first]);
		expect(store.byOffer('SKU-002')).toBe(second);
	});

	it('a product removed and another added in its place (same count) under an offer_id already there: both found under it', () => {
		const store = new SandboxStore(defaultConfig());
		store.setProducts(seedProducts(5));
		const [first, second] = [...store.products.values()];
		expect(store.byOffer(second.offer_id)).toBe(second);

		store.products.delete(first.id);
		const twin = { ...second, id: 999 };
		store.products.set(twin.id, twin);
		expect(store.withOffers(new Set([second.offer_id])).map((product) => product.id)).toEqual([second.id, twin.id]);
		expect(store.byOffer(first.offer_id)).toBeUndefined();

		// Replaced under its own id by a product with another offer_id: found under the new one only.
		const replacement = { ...second, offer_id: 'REPLACED' };
		store.products.set(second.id, replacement);
		expect(store.withOffers(new Set([second.offer_id]))).toEqual([twin]);
		expect(store.byOffer('REPLACED')).toBe(replacement);
	});

	it('offer_ids differing only in case or Unicode form are different offers, as for a scan', () => {
		const store = new SandboxStore(defaultConfig());
		const [a, b, c] = seedProducts(3);
		Object.assign(a, { offer_id: 'café' });
		Object.assign(b, { offer_id: 'cafe\u0301' });
		Object.assign(c, { offer_id: 'CAFÉ' });
		store.setProducts([a, b, c]);
		expect(store.byOffer('café')).toBe(a);
		expect(store.byOffer('cafe\u0301')).toBe(b);
		expect(store.byOffer('CAFÉ')).toBe(c);
		expect(store.byOffer('Café')).toBeUndefined();
	});

	it('100,000 products: 100,000 lookups walk the catalogue once, to index it, not once each (a scan each took a minute)', () => {
		const store = new SandboxStore(defaultConfig());
		store.setProducts(seedProducts(100_000));
		const offers = [...store.products.values()].map((product) => product.offer_id);
		// Counted rather than timed (how long the lookups take is the bench's figure): every way to walk the catalogue.
		const catalogue = store.products as unknown as Record<PropertyKey, (...args: unknown[]) => unknown>;
		let walks = 0;
		for (const method of ['values', 'entries', 'keys', 'forEach', Symbol.iterator] as const) {
			const walk = catalogue[method];
			Object.defineProperty(catalogue, method, {
				configurable: true,
				value(this: unknown, ...args: unknown[]) {
					walks++;
					return walk.apply(this, args);
				},
			});
		}
		const found = offers.filter((offer) => store.byOffer(offer)?.offer_id === offer);
		expect(found).toHaveLength(offers.length);
		expect(walks).toBe(1);
	});
});
