import { groupByProduct, naturalCompare, type ItemPhotos } from '../../../../../nodes/OzonSeller/domain/storage/group';
import type { NamedPhoto } from '../../../../../nodes/OzonSeller/domain/storage/item';

const photo = (identifier: string, key: string, position?: number): NamedPhoto => ({ key, url: `https://cdn.example.com/${key}`, identifyBy: 'offerId', identifier, position });

describe('naturalCompare', () => {
	it('orders numbers within keys by value, the rest by character', () => {
		const keys = ['10.jpg', '2.jpg', 'a10b.jpg', 'a2b.jpg', '002.jpg', '1.jpg', 'b.jpg', 'a.jpg', '1a.jpg', `${'9'.repeat(40)}.jpg`, `1${'0'.repeat(40)}.jpg`];
		expect([...keys].sort(naturalCompare)).toEqual(['1.jpg', '1a.jpg', '2.jpg', '002.jpg', '10.jpg', `${'9'.repeat(40)}.jpg`, `1${'0'.repeat(40)}.jpg`, 'a.jpg', 'a2b.jpg', 'a10b.jpg', 'b.jpg']);
	});

	it('is 0 only for keys equal as numbers and text', () => {
		expect([naturalCompare('x1', 'x1'), Math.sign(naturalCompare('x', 'x1')), Math.sign(naturalCompare('x1', 'x'))]).toEqual([0, -1, 1]);
	});
});

describe('groupByProduct', () => {
	it('one group per product across items, by position then natural key order, items in order', () => {
		const items: ItemPhotos[] = [
			{ item: 0, photos: [photo('SKU-1', 'SKU-1/10.jpg'), photo('SKU-2', 'SKU-2/b.jpg')] },
			{ item: 1, photos: [photo('SKU-1', 'SKU-1/2.jpg')] },
			{ item: 2, photos: [photo('SKU-2', 'SKU-2/a.jpg')] },
		];
		const groups = groupByProduct(items);
		expect(groups.map((group) => [group.identifier, group.items, group.photos.map((entry) => [entry.key, entry.item])])).toEqual([
			['SKU-1', [0, 1], [['SKU-1/2.jpg', 1], ['SKU-1/10.jpg', 0]]],
			['SKU-2', [0, 2], [['SKU-2/a.jpg', 2], ['SKU-2/b.jpg', 0]]],
		]);
	});

	it('a position orders before the key; photos without one come last', () => {
		const [group] = groupByProduct([{ item: 0, photos: [photo('S', 'S/z_1.jpg', 1), photo('S', 'S/x.jpg'), photo('S', 'S/a_3.jpg', 3), photo('S', 'S/b_2.jpg', 2), photo('S', 'S/a_2.jpg', 2)] }]);
		expect(group.photos.map((entry) => entry.key)).toEqual(['S/z_1.jpg', 'S/a_2.jpg', 'S/b_2.jpg', 'S/a_3.jpg', 'S/x.jpg']);
	});

	it('a key named again is kept once and told to the item that repeated it', () => {
		const [group] = groupByProduct([
			{ item: 0, photos: [photo('S', 'S/1.jpg'), photo('S', 'S/1.jpg')] },
			{ item: 1, photos: [photo('S', 'S/1.jpg'), photo('S', 'S/2.jpg')] },
		]);
		expect(group.photos.map((entry) => entry.key)).toEqual(['S/1.jpg', 'S/2.jpg']);
		expect(group.repeated).toEqual([
			{ item: 0, key: 'S/1.jpg' },
			{ item: 1, key: 'S/1.jpg' },
		]);
		expect(group.items).toEqual([0, 1]);
	});

	it('the same identifier by another kind is another product', () => {
		const groups = groupByProduct([{ item: 0, photos: [photo('123', '123/1.jpg'), { ...photo('123', '123/1.jpg'), identifyBy: 'sku' }] }]);
		expect(groups.map((group) => group.identifyBy)).toEqual(['offerId', 'sku']);
	});
});
