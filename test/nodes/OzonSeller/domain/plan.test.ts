import { MAX_IMAGES } from '../../../../nodes/OzonSeller/domain/constants';
import { IMAGES_360_WARNING, originOf, photosOf, planImageSet, productAfter, urlMentionedIn } from '../../../../nodes/OzonSeller/domain/plan';
import type { ProductInfo } from '../../../../nodes/OzonSeller/domain/types';
import type { PushRequest } from '../../../../nodes/OzonSeller/domain/validate';

const urls = (...names: string[]) => names.map((name, index) => ({ url: `https://a.io/${name}.jpg`, index }));
const u = (name: string) => `https://a.io/${name}.jpg`;

const request = (overrides: Partial<PushRequest> = {}): PushRequest => ({
	identifyBy: 'offerId',
	identifier: 'SKU-1',
	images: urls('n1', 'n2'),
	images360: [],
	mode: 'replace',
	tooManyImages: 'truncate',
	apiVersion: 'v2',
	...overrides,
});

const current: ProductInfo = {
	productId: 7,
	offerId: 'SKU-1',
	primaryImage: [u('old-main')],
	images: [u('old1'), u('old2')],
	colorImage: [u('old-color')],
};

describe('planImageSet', () => {
	it('replace: sends exactly the new images, whatever the product has', () => {
		expect(planImageSet(request(), current).set).toEqual({ images: [u('n1'), u('n2')], primaryImage: undefined, colorImage: undefined });
	});

	it('append: keeps the current main, gallery and colour, new images after', () => {
		expect(planImageSet(request({ mode: 'append' }), current).set).toEqual({
			primaryImage: u('old-main'),
			images: [u('old1'), u('old2'), u('n1'), u('n2')],
			colorImage: u('old-color'),
		});
	});

	it('prepend: new images before the current gallery', () => {
		expect(planImageSet(request({ mode: 'prepend' }), current).set.images).toEqual([u('n1'), u('n2'), u('old1'), u('old2')]);
	});

	it('append with a new main photo keeps the old main in the gallery', () => {
		const plan = planImageSet(request({ mode: 'append', primaryImage: u('new-main') }), current);
		expect(plan.set.primaryImage).toBe(u('new-main'));
		expect(plan.set.images).toEqual([u('old-main'), u('old1'), u('old2'), u('n1'), u('n2')]);
	});

	it('append deduplicates images the product already has', () => {
		const plan = planImageSet(request({ mode: 'append', images: urls('old1', 'n1') }), current);
		expect(plan.set.images).toEqual([u('old1'), u('old2'), u('n1')]);
	});

	it('append drops a new image the product already has under another spelling (%7E for ~), and the main photo likewise', () => {
		const product = { ...current, primaryImage: ['https://a.io/~m/main.jpg'], images: ['https://a.io/~m/1.jpg'] };
		const plan = planImageSet(request({ mode: 'append', images: [{ url: 'https://a.io/%7Em/1.jpg', index: 0 }, { url: 'https://a.io/%7em/main.jpg', index: 1 }, { url: u('n1'), index: 2 }] }), product);
		expect(plan.set).toMatchObject({ primaryImage: 'https://a.io/~m/main.jpg', images: ['https://a.io/~m/1.jpg', u('n1')] });
	});

	it('truncates to the limit, counting the main photo, and names what was dropped', () => {
		const many = Array.from({ length: 35 }, (_, i) => `p${i}`);
		const plan = planImageSet(request({ images: urls(...many), primaryImage: u('main') }), undefined);
		expect(plan.set.images).toHaveLength(MAX_IMAGES - 1);
		expect(plan.warnings).toEqual([
			{ field: 'images', message: 'Kept the first 30 of 36 images (Ozon allows at most 30); dropped the rest', urls: many.slice(29).map(u) },
		]);
		expect(plan.errors).toEqual([]);
	});

	it('with tooManyImages=error, refuses instead of truncating', () => {
		const many = Array.from({ length: 31 }, (_, i) => `p${i}`);
		const plan = planImageSet(request({ images: urls(...many), tooManyImages: 'error' }), undefined);
		expect(plan.errors).toEqual([{ field: 'images', reason: "31 images in the final set; Ozon allows at most 30. Remove some, or set 'Too Many Images' to truncate" }]);
	});

	it('applies the limit after an append merge, dropping the new images that do not fit', () => {
		const full: ProductInfo = { ...current, primaryImage: [], images: Array.from({ length: 29 }, (_, i) => u(`c${i}`)) };
		const plan = planImageSet(request({ mode: 'append' }), full);
		expect(plan.set.images).toHaveLength(30);
		expect(plan.warnings[0].urls).toEqual([u('n2')]);
	});

	it.each(['v2', 'v1'] as const)('%s: never plans 360° images, and warns that Ozon stopped taking them on 2026-07-10', (apiVersion) => {
		const plan = planImageSet(request({ apiVersion, images360: urls('r1', 'r2') }), undefined);
		expect(plan.set).toEqual({ images: [u('n1'), u('n2')], primaryImage: undefined, colorImage: undefined });
		expect(plan.warnings).toEqual([{ field: 'images360', message: IMAGES_360_WARNING, urls: [u('r1'), u('r2')] }]);
		expect(IMAGES_360_WARNING).toMatch(/^Not sent: Ozon stopped accepting 360° images on 2026-07-10/);
		expect(plan.errors).toEqual([]);
	});

	it.each([
		['images', { images: null }, ['"images"']],
		['primary_image', { primaryImage: null }, ['"primary_image"']],
		['both', { images: null, primaryImage: null }, ['"primary_image"', '"images"']],
		['color_image, when no new one is given', { colorImage: null }, ['"color_image"']],
	] as const)('append/prepend refuse a product whose current %s Ozon left unknown', (_name, unknown, named) => {
		for (const mode of ['append', 'prepend'] as const) {
			const plan = planImageSet(request({ mode }), { ...current, ...unknown });
			expect(plan.errors).toHaveLength(1);
			expect(plan.errors[0].reason).toMatch(new RegExp(`^Not sent: Ozon's product information left out ${named.join(', ')} for this product, so its current images are unknown and ${mode === 'append' ? 'an' : 'a'} ${mode} could delete them`));
		}
	});

	it('an unknown colour image does not matter when a new one is given; replace never needs the current images', () => {
		expect(planImageSet(request({ mode: 'append', colorImage: u('c') }), { ...current, colorImage: null }).errors).toEqual([]);
		const unknown: ProductInfo = { ...current, primaryImage: null, images: null, colorImage: null };
		expect(planImageSet(request(), unknown)).toEqual({ set: { images: [u('n1'), u('n2')], primaryImage: undefined, colorImage: undefined }, warnings: [], errors: [] });
	});

	it('photosOf: unknown (null) when either list is unknown, never an empty list', () => {
		expect(photosOf({ primaryImage: null, images: [u('a')] })).toBeNull();
		expect(photosOf({ primaryImage: [u('m')], images: null })).toBeNull();
		expect(photosOf({ primaryImage: [], images: [] })).toEqual([]);
	});

	it('refuses a set that would leave the product without photos', () => {
		const bare: ProductInfo = { ...current, primaryImage: [], images: [] };
		const plan = planImageSet(request({ mode: 'append', images: [], colorImage: u('c') }), bare);
		expect(plan.errors[0].reason).toMatch(/^The product would be left without photos/);
	});

	it('finds where a URL came from, to map Ozon errors back; 360° URLs are never sent, so never an origin', () => {
		const pushed = request({ primaryImage: u('m'), colorImage: u('c'), images360: urls('r'), apiVersion: 'v1' });
		expect(originOf(pushed, u('n2'))).toEqual({ field: 'images', index: 1 });
		expect(originOf(pushed, u('m'))).toEqual({ field: 'primary_image' });
		expect(originOf(pushed, u('c'))).toEqual({ field: 'color_image' });
		expect(originOf(pushed, u('r'))).toBeUndefined();
		expect(originOf(pushed, u('elsewhere'))).toBeUndefined();
	});

	it('finds the user URL an Ozon text names, preferring the longest match', () => {
		const pushed = request({ images: [{ url: 'https://a.io/1.jpg', index: 0 }, { url: 'https://a.io/1.jpg?v=2', index: 1 }] });
		expect(urlMentionedIn(pushed, 'HTTP 404 for https://a.io/1.jpg?v=2')).toEqual({ url: 'https://a.io/1.jpg?v=2', field: 'images', index: 1 });
		expect(urlMentionedIn(pushed, 'HTTP 404 for https://a.io/1.jpg')).toEqual({ url: 'https://a.io/1.jpg', field: 'images', index: 0 });
		expect(urlMentionedIn(pushed, 'image too small')).toBeUndefined();
	});
});

describe('request bodies', () => {
	it('productAfter describes the product once the set is applied', () => {
		expect(productAfter(current, { images: [u('x')] })).toEqual({ ...current, primaryImage: [], images: [u('x')], colorImage: [] });
	});
});
