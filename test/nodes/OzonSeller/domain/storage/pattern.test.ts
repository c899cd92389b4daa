import { KeyPattern, PatternError, type StepMeter } from '../../../../../nodes/OzonSeller/domain/storage/pattern';
import { valueOf } from '../../../../helpers/results';

const compiled = (text: string) => valueOf(KeyPattern.compile(text));

describe('KeyPattern: the README examples', () => {
	it.each([
		['{offer_id}/*', 'SKU-001/front.jpg', { identifyBy: 'offerId', identifier: 'SKU-001' }],
		['{offer_id}/*', 'SKU-001/sub/front.jpg', undefined],
		['products/{offer_id}/{position}.jpg', 'products/SKU-001/2.jpg', { identifyBy: 'offerId', identifier: 'SKU-001', position: 2 }],
		['products/{offer_id}/{position}.jpg', 'products/SKU-001/02.jpg', { identifyBy: 'offerId', identifier: 'SKU-001', position: 2 }],
		['products/{offer_id}/{position}.jpg', 'products/SKU-001/thumb_2.jpg', undefined],
		['products/{offer_id}/{position}.jpg', 'products/SKU-001/2.png', undefined],
		['products/{offer_id}/{position}.jpg', 'other/SKU-001/2.jpg', undefined],
		['{offer_id}_{position}.*', 'SKU-001_3.png', { identifyBy: 'offerId', identifier: 'SKU-001', position: 3 }],
		// Each part takes as much as it can from the left: the article keeps its own underscores.
		['{offer_id}_{position}.*', 'SKU_A_1_2.jpg', { identifyBy: 'offerId', identifier: 'SKU_A_1', position: 2 }],
		['{offer_id}_{position}.*', 'SKU-001.jpg', undefined],
		['**/{sku}/*', 'shop/2026/1826453232/a.jpg', { identifyBy: 'sku', identifier: '1826453232' }],
		['**/{sku}/*', 'shop/2026/SKU-1/a.jpg', undefined],
		['{product_id}-{position}.jpg', '137285792-1.jpg', { identifyBy: 'productId', identifier: '137285792' , position: 1 }],
		['a+b {offer_id}/*', 'a+b X/1.jpg', { identifyBy: 'offerId', identifier: 'X' }],
		['фото/{offer_id}/*', 'фото/Х-1/1.jpg', { identifyBy: 'offerId', identifier: 'Х-1' }],
	])('%s on %s', (pattern, key, expected) => {
		expect(compiled(pattern).match(key)).toEqual(expected);
	});

	it('tells what the pattern names', () => {
		expect([compiled('{sku}/{position}.jpg').identifyBy, compiled('{sku}/{position}.jpg').hasPosition, compiled('{offer_id}/*').hasPosition]).toEqual(['sku', true, false]);
	});
});

describe('KeyPattern: what it refuses', () => {
	it.each([
		['', /is empty/],
		['products/*', /exactly one of \{offer_id\}, \{product_id\} or \{sku\}.*found 0/],
		['{offer_id}/{sku}', /found 2/],
		['{offer_id}/{position}_{position}', /\{position\} more than once/],
		['{offer_id}{position}.jpg', /Two variable parts touch/],
		['{offer_id}/***', /Two variable parts touch/],
		['**{offer_id}', /Two variable parts touch/],
		['{offer}/*', /Unknown part "\{offer\}"/],
		['{offer_id/*', /Unknown part/],
		['{offer_id}/}', /A "\}" without its "\{"/],
		['/products/{offer_id}/*', /starts with "\/"/],
		['{offer_id}/\n*', /control characters/],
		[`{offer_id}/${'a'.repeat(200)}`, /longer than 200 characters/],
	])('%j', (text, reason) => {
		const pattern = KeyPattern.compile(text);
		expect(pattern).toBeInstanceOf(PatternError);
		expect((pattern as PatternError).message).toMatch(reason);
	});
});

describe('KeyPattern: linear in the key', () => {
	// As a backtracking regular expression (^[^/]*a[^/]*a[^/]*a[^/]*a_([^/]+)$) this pattern takes
	// time in the fourth power of a key of "a"s; the Pike VM takes one pass with bounded threads.
	const hostile = '*a*a*a*a_{offer_id}';

	function steps(pattern: KeyPattern, key: string): number {
		const meter: StepMeter = { steps: 0 };
		pattern.match(key, meter);
		return meter.steps;
	}

	it('a 2,000-character hostile key costs at most a few steps per character and instruction', () => {
		const pattern = compiled(hostile);
		const key = 'a'.repeat(2000);
		expect(pattern.match(key)).toBeUndefined();
		expect(steps(pattern, key)).toBeLessThanOrEqual(3 * (key.length + 1) * pattern.size);
	});

	it('twice the key, at most twice the steps (plus the start)', () => {
		const pattern = compiled(hostile);
		const one = steps(pattern, 'a'.repeat(2000));
		const two = steps(pattern, 'a'.repeat(4000));
		expect(two).toBeLessThanOrEqual(2 * one + 3 * pattern.size);
		expect(two).toBeGreaterThan(one);
	});

	it('still finds the match of a long key', () => {
		expect(compiled(hostile).match(`${'a'.repeat(1500)}aaaa_SKU-1`)).toEqual({ identifyBy: 'offerId', identifier: 'SKU-1' });
	});

	it('a key that fails early stops early', () => {
		expect(steps(compiled('products/{offer_id}/*'), `x${'a'.repeat(2000)}`)).toBeLessThan(10);
	});
});
