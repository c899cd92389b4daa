import { mergeableCount, mergePushes, ownUrls, verifyPush } from '../../../../nodes/OzonSeller/domain/merge';
import type { ProductInfo } from '../../../../nodes/OzonSeller/domain/types';
import type { PushRequest } from '../../../../nodes/OzonSeller/domain/validate';

const u = (name: string) => `https://img.example/${name}.jpg`;
const cdn = (name: string) => `https://cdn1.ozone.ru/s3/multimedia-1/${name}.jpg`;
const base: ProductInfo = { productId: 1, offerId: 'SKU-001', primaryImage: [u('main')], images: [u('old')], colorImage: [] };

function push(mode: PushRequest['mode'], ...names: string[]): PushRequest {
	return {
		identifyBy: 'offerId',
		identifier: 'SKU-001',
		images: names.map((name, index) => ({ url: u(name), index })),
		images360: [],
		mode,
		tooManyImages: 'error',
		apiVersion: 'v2',
	};
}

describe('mergeableCount', () => {
	it('merges appends and prepends after any first push, up to the next replace', () => {
		expect(mergeableCount([push('append'), push('prepend'), push('append'), push('replace'), push('append')])).toBe(3);
		expect(mergeableCount([push('replace'), push('append')])).toBe(2);
		expect(mergeableCount([push('append'), push('replace')])).toBe(1);
	});

	it('never merges v1 with v2', () => {
		expect(mergeableCount([push('append'), { ...push('append'), apiVersion: 'v1' }])).toBe(1);
	});
});

describe('mergePushes', () => {
	it('applies each push on the state the ones before it leave', () => {
		const { set, pushes } = mergePushes(base, [push('append', 'a'), push('prepend', 'p'), push('append', 'b')]);
		expect(set).toEqual({ primaryImage: u('main'), images: [u('p'), u('old'), u('a'), u('b')], colorImage: undefined });
		expect(pushes.map(({ before }) => before.images)).toEqual([[u('old')], [u('old'), u('a')], [u('p'), u('old'), u('a')]]);
	});

	it('a prepend after a replace without a main photo, in one write: the same set as built on the lookup once the replace is written (Ozon makes its first photo the main one)', () => {
		const merged = mergePushes(base, [push('replace', 'r1', 'r2'), push('prepend', 'p')]);
		// What a lookup shows once the replace alone is written: its first photo as the main one.
		const afterReplace: ProductInfo = { ...base, primaryImage: [u('r1')], images: [u('r2')] };
		const separately = mergePushes(afterReplace, [push('prepend', 'p')]);
		const shown = (set?: { primaryImage?: string; images: string[] }) => [...(set?.primaryImage ? [set.primaryImage] : []), ...(set?.images ?? [])];
		expect(shown(merged.set)).toEqual([u('r1'), u('p'), u('r2')]);
		expect(shown(merged.set)).toEqual(shown(separately.set));
	});

	it('a push whose plan fails is left out; the next builds on the state before it', () => {
		const tooMany = push('append', ...Array.from({ length: 40 }, (_, n) => `x${n}`));
		const { set, pushes } = mergePushes(base, [tooMany, push('append', 'b')]);
		expect(pushes[0].plan.errors).toHaveLength(1);
		expect(set?.images).toEqual([u('old'), u('b')]);
	});

	it('no set when every push fails', () => {
		expect(mergePushes(base, [push('append', ...Array.from({ length: 40 }, (_, n) => `x${n}`))]).set).toBeUndefined();
	});
});

describe('verifyPush', () => {
	const request = push('append', 'a');
	const sent = { primaryImage: u('main'), images: [u('old'), u('a')] };

	it('present: every photo of the push is on the product, wherever it stands', () => {
		expect(verifyPush(request, sent, { primaryPhoto: [u('main')], photo: [u('a'), u('old'), u('later')], colorPhoto: [] })).toEqual({ kind: 'present' });
	});

	it("copies: Ozon's own URLs in place of the ones sent, same number and places", () => {
		expect(verifyPush(request, sent, { primaryPhoto: [u('main')], photo: [u('old'), 'https://cdn1.ozone.ru/s3/a-copy.jpg'], colorPhoto: [] })).toEqual({ kind: 'copies' });
	});

	it('missing: another writer left a different number of photos, or moved ours', () => {
		expect(verifyPush(request, sent, { primaryPhoto: [u('x')], photo: [], colorPhoto: [] })).toEqual({ kind: 'missing', urls: [u('a')] });
		expect(verifyPush(request, sent, { primaryPhoto: [u('old')], photo: [u('main'), 'https://cdn1.ozone.ru/s3/a-copy.jpg'], colorPhoto: [] })).toEqual({ kind: 'missing', urls: [u('a')] });
	});

	it("missing: a photo on the host ours came from, in our photo's place, is another writer's, not Ozon's copy", () => {
		// Another worker's append, built on the photos before ours, was processed after ours.
		expect(verifyPush(request, sent, { primaryPhoto: [u('main')], photo: [u('old'), u('their-append')], colorPhoto: [] })).toEqual({ kind: 'missing', urls: [u('a')] });
	});

	it('unknown: the read-back left the photo lists out', () => {
		expect(verifyPush(request, sent, { primaryPhoto: null, photo: [u('a')], colorPhoto: [] })).toEqual({ kind: 'unknown' });
	});

	it('copies: an append built on the copy URLs of the lookup passes when Ozon answers with new copies of all of them', () => {
		const lookup: ProductInfo = { ...base, primaryImage: [cdn('m1')], images: [cdn('o1')] };
		const { set } = mergePushes(lookup, [request]);
		expect(set).toEqual({ primaryImage: cdn('m1'), images: [cdn('o1'), u('a')], colorImage: undefined });
		expect(verifyPush(request, set!, { primaryPhoto: [cdn('m2')], photo: [cdn('o2'), cdn('a2')], colorPhoto: [] })).toEqual({ kind: 'copies' });
		// Ozon keeping its own URLs and copying only the new photo passes too.
		expect(verifyPush(request, set!, { primaryPhoto: [cdn('m1')], photo: [cdn('o1'), cdn('a2')], colorPhoto: [] })).toEqual({ kind: 'copies' });
	});

	it("copies: any of Ozon's image hosts may serve the copy", () => {
		for (const copy of ['https://ir.ozone.ru/s3/multimedia-1-c/1.jpg', 'https://ir-20.ozone.ru/s3/multimedia-1/wc1000/2.jpg', 'https://cdn1.ozonusercontent.com/s3/x/3.jpg', 'https://cdn.ozon.ru/4.jpg']) {
			expect(verifyPush(request, sent, { primaryPhoto: [u('main')], photo: [u('old'), copy], colorPhoto: [] })).toEqual({ kind: 'copies' });
		}
	});

	it("missing: a photo in our place on a host that is neither Ozon's nor the one ours came from is another writer's", () => {
		expect(verifyPush(request, sent, { primaryPhoto: [u('main')], photo: [u('old'), 'https://other.example/theirs.jpg'], colorPhoto: [] })).toEqual({ kind: 'missing', urls: [u('a')] });
		// Only Ozon's domains and their subdomains count, not names that merely contain them.
		for (const lookalike of ['https://cdn1.ozone.ru.other.example/a.jpg', 'https://notozone.ru/a.jpg', 'https://ozonusercontent.com.example/a.jpg']) {
			expect(verifyPush(request, sent, { primaryPhoto: [u('main')], photo: [u('old'), lookalike], colorPhoto: [] })).toEqual({ kind: 'missing', urls: [u('a')] });
		}
	});

	it("missing: another writer's photo in the place of a photo we did not add makes the set not ours", () => {
		expect(verifyPush(request, sent, { primaryPhoto: [u('main')], photo: ['https://other.example/theirs.jpg', cdn('a2')], colorPhoto: [] })).toEqual({ kind: 'missing', urls: [u('a')] });
	});

	it("copies, as documented: another writer's photo that Ozon also copied cannot be told from Ozon's copy of ours", () => {
		expect(verifyPush(request, sent, { primaryPhoto: [cdn('main')], photo: [cdn('old'), cdn('theirs')], colorPhoto: [] })).toEqual({ kind: 'copies' });
	});

	it("a colour image sent must be read back as sent or as Ozon's copy", () => {
		const colour = { ...push('append', 'a'), colorImage: u('c') };
		const withColour = { ...sent, colorImage: u('c') };
		const photos = { primaryPhoto: [cdn('main')], photo: [cdn('old'), cdn('a')] };
		expect(verifyPush(colour, withColour, { ...photos, colorPhoto: [cdn('c')] })).toEqual({ kind: 'copies' });
		expect(verifyPush(colour, withColour, { ...photos, colorPhoto: ['https://other.example/c.jpg'] })).toEqual({ kind: 'missing', urls: [u('a'), u('c')] });
	});

	it("a colour image counts as the push's own only when it was sent", () => {
		const colour = { ...push('append', 'a'), colorImage: u('c') };
		expect(ownUrls(colour, { ...sent, colorImage: u('c') })).toEqual([u('a'), u('c')]);
		expect(verifyPush(colour, { ...sent, colorImage: u('c') }, { primaryPhoto: [u('main')], photo: [u('old'), u('a')], colorPhoto: [] })).toEqual({ kind: 'missing', urls: [u('c')] });
	});
});
