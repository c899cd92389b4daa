import { validateIdentifier, validatePushInput, validateTaskId, type RawPushInput } from '../../../../nodes/OzonSeller/domain/validate';

/** A 20-digit article from a spreadsheet column, as a JSON number arrives: 12345678901234567000. */
const SPREADSHEET_NUMBER = JSON.parse('12345678901234567890') as number;

describe('validateIdentifier', () => {
	it.each([
		['offerId', 'SKU-001', 'SKU-001'],
		['offerId', '  SKU-001  ', 'SKU-001'],
		['offerId', 12345, '12345'],
		['offerId', 'Товар-1', 'Товар-1'],
		['productId', '137285792', '137285792'],
		['productId', 137285792, '137285792'],
		['productId', ' 0042 ', '42'],
		['sku', '9223372036854775807', '9223372036854775807'],
	] as const)('%s %p is accepted as %p', (by, raw, expected) => {
		expect(validateIdentifier(by, raw)).toEqual({ value: expected });
	});

	it.each([
		['offerId', '', 'Offer ID is empty'],
		['offerId', '   ', 'Offer ID is empty'],
		['offerId', 'x'.repeat(51), 'Offer ID is longer than 50 characters'],
		['offerId', 'SKU\u0000', 'Offer ID contains control characters'],
		['offerId', 'SKU\u001f1', 'Offer ID contains control characters'],
		['offerId', 'SKU\u007f1', 'Offer ID contains control characters'],
		['offerId', { id: 1 }, 'Expected text or a number'],
		['offerId', ['SKU-1'], 'Expected text or a number'],
		['offerId', null, 'No offer_id given: set the identifier, or check the expression that fills it'],
		['offerId', undefined, 'No offer_id given: set the identifier, or check the expression that fills it'],
		['productId', '', 'Product ID is empty'],
		['productId', '-5', 'Product ID must be a positive whole number, got "-5"'],
		['productId', -5, 'Product ID must be a positive whole number, got "-5"'],
		['productId', 1.5, 'Product ID came as the number 1.5, not a whole number: give it as text'],
		['productId', '1.5', 'Product ID must be a positive whole number, got "1.5"'],
		['productId', '0', 'Product ID is out of range'],
		['productId', '1'.repeat(20), 'Product ID is out of range'],
		['productId', '9223372036854775808', 'Product ID is out of range'],
		['productId', 'abc', 'Product ID must be a positive whole number, got "abc"'],
		['productId', true, 'Expected a whole number'],
		['sku', '12 34', 'SKU must be a positive whole number, got "12 34"'],
	] as const)('%s %p is refused: %s', (by, raw, reason) => {
		expect(validateIdentifier(by, raw).error?.reason).toBe(reason);
	});
});

describe('identifiers that arrive as JSON numbers (a spreadsheet column)', () => {
	const PAST_2_53 = /came as the number .*, past 2\^53 \(9007199254740991\), where a JSON number no longer holds every digit: its last digits may already be lost, so nothing was sent\. Give it as text/;

	it.each([
		['offerId', SPREADSHEET_NUMBER, /^Offer ID came as the number 12345678901234567000, past 2\^53/],
		['offerId', 1e21, /^Offer ID came as the number 1e\+21, past 2\^53/],
		['offerId', 9007199254740992, /^Offer ID came as the number 9007199254740992, past 2\^53/],
		['offerId', -9007199254740992, /^Offer ID came as the number -9007199254740992, past 2\^53/],
		['productId', 2 ** 60, /^Product ID came as the number 1152921504606847000, past 2\^53/],
		['sku', SPREADSHEET_NUMBER, /^SKU came as the number 12345678901234567000, past 2\^53/],
	] as const)('%s %p: not a safe integer, refused ("give it as text")', (by, raw, reason) => {
		const { value, error } = validateIdentifier(by, raw);
		expect(value).toBeUndefined();
		expect(error?.reason).toMatch(reason);
		expect(error?.reason).toMatch(PAST_2_53);
	});

	it.each([
		['offerId', 12.5, 'Offer ID came as the number 12.5, not a whole number: give it as text'],
		['offerId', Number.NaN, 'Offer ID is not a number (NaN): give it as text'],
		['sku', Number.POSITIVE_INFINITY, 'SKU is not a number (Infinity): give it as text'],
	] as const)('%s %p is refused: %s', (by, raw, reason) => {
		expect(validateIdentifier(by, raw).error?.reason).toBe(reason);
	});

	it.each([
		['offerId', 9007199254740991, '9007199254740991'],
		['offerId', -42, '-42'],
		['offerId', 0, '0'],
		['productId', 9007199254740991, '9007199254740991'],
		['sku', 1826453232, '1826453232'],
	] as const)('%s %p, a safe integer, converts exactly to %p', (by, raw, expected) => {
		expect(validateIdentifier(by, raw)).toEqual({ value: expected });
	});

	it('the same digits as text are taken as they are', () => {
		expect(validateIdentifier('offerId', '12345678901234567890')).toEqual({ value: '12345678901234567890' });
		expect(validateIdentifier('sku', '12345678901234567890')).toEqual({ error: { field: 'sku', reason: 'SKU is out of range' } });
	});
});

describe('validateTaskId', () => {
	it.each([
		['172549793', '172549793'],
		[' 0172549793 ', '172549793'],
		[172549793, '172549793'],
		['9223372036854775807', '9223372036854775807'],
	] as const)('%p is accepted as %p', (raw, expected) => {
		expect(validateTaskId(raw)).toEqual({ value: expected });
	});

	it.each([
		[0, 'Task ID is out of range'],
		['0', 'Task ID is out of range'],
		[-3, 'Task ID must be a positive whole number, got "-3"'],
		['abc', 'Task ID must be a positive whole number, got "abc"'],
		['12.0', 'Task ID must be a positive whole number, got "12.0"'],
		[1.5, 'Task ID came as the number 1.5, not a whole number: give it as text'],
		['9223372036854775808', 'Task ID is out of range'],
		['   ', 'Task ID is empty'],
		[true, 'Expected a whole number'],
		[{ task_id: 1 }, 'Expected a whole number'],
	] as const)('%p is refused: %s', (raw, reason) => {
		expect(validateTaskId(raw)).toEqual({ error: { field: 'task_id', reason } });
	});

	it('an unsafe integer number is refused, asking for text', () => {
		expect(validateTaskId(2 ** 53 + 2).error?.reason).toMatch(/^Task ID came as the number 9007199254740994, past 2\^53 .*Give it as text/);
	});

	it.each([undefined, null, ''])('%p: no task_id, saying where it comes from', (raw) => {
		expect(validateTaskId(raw).error?.reason).toMatch(/^No task_id given: set Task ID, e\.g\. to \{\{ \$json\.data\.task_id \}\}/);
	});
});

const base: RawPushInput = {
	identifyBy: 'offerId',
	identifier: 'SKU-001',
	images: 'https://a.io/1.jpg, https://a.io/2.jpg',
	primaryImage: '',
	colorImage: '',
	images360: '',
	mode: 'replace',
	tooManyImages: 'truncate',
	apiVersion: 'v2',
};

describe('validatePushInput', () => {
	it('accepts a well-formed push', () => {
		const result = validatePushInput(base);
		expect(result).toEqual({
			ok: true,
			warnings: [],
			value: expect.objectContaining({ identifier: 'SKU-001', images: [{ url: 'https://a.io/1.jpg', index: 0 }, { url: 'https://a.io/2.jpg', index: 1 }] }),
		});
	});

	it('refuses an empty image set in replace mode, because it would wipe the product', () => {
		const result = validatePushInput({ ...base, images: '' });
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors[0].reason).toMatch(/^No image URLs to send\. Ozon replaces all photos/);
	});

	it('refuses a replace with only a colour image', () => {
		expect(validatePushInput({ ...base, images: [], colorImage: 'https://a.io/c.jpg' }).ok).toBe(false);
	});

	it('allows a colour image alone in append mode (the current photos stay)', () => {
		expect(validatePushInput({ ...base, images: [], colorImage: 'https://a.io/c.jpg', mode: 'append' }).ok).toBe(true);
	});

	it('still validates 360° URLs (a bad one fails the item), but 360° URLs alone are nothing to send', () => {
		const bad = validatePushInput({ ...base, images360: 'ftp://a.io/r1.jpg' });
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.errors[0]).toMatchObject({ field: 'images360', reason: 'URL must start with http:// or https:// (got ftp)' });
		const only360 = validatePushInput({ ...base, images: '', images360: 'https://a.io/r1.jpg', mode: 'append', apiVersion: 'v1' });
		expect(only360.ok).toBe(false);
		if (!only360.ok) expect(only360.errors[0].reason).toBe('Only 360° image URLs given, and Ozon no longer accepts 360° images (since 2026-07-10): nothing to append');
	});

	it('accepts a primary image alone', () => {
		expect(validatePushInput({ ...base, images: null, primaryImage: 'https://a.io/m.jpg' }).ok).toBe(true);
	});

	it('reports every problem of an item at once', () => {
		const result = validatePushInput({ ...base, identifier: '', images: ['https://a.io/1.jpg', 'ftp://x/2.jpg'], colorImage: 'nope' });
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.errors.map((e) => e.field)).toEqual(['offer_id', 'images', 'color_image']);
			expect(result.errors[1]).toMatchObject({ index: 1, url: 'ftp://x/2.jpg' });
		}
	});

	it('drops the primary image from the gallery with a warning', () => {
		const result = validatePushInput({ ...base, primaryImage: 'https://a.io/1.jpg' });
		expect(result.ok && result.value.images.map((u) => u.url)).toEqual(['https://a.io/2.jpg']);
		expect(result.warnings).toContainEqual({ field: 'images', message: 'Dropped a URL that is already the primary image', urls: ['https://a.io/1.jpg'] });
	});

	it('drops from the gallery the primary image written with %7E for ~', () => {
		const result = validatePushInput({ ...base, images: ['https://a.io/%7Eshop/1.jpg', 'https://a.io/2.jpg'], primaryImage: 'https://a.io/~shop/1.jpg' });
		expect(result.ok && result.value.images.map((u) => u.url)).toEqual(['https://a.io/2.jpg']);
		expect(result.warnings).toContainEqual({ field: 'images', message: 'Dropped a URL that is already the primary image', urls: ['https://a.io/%7Eshop/1.jpg'] });
	});

	it('a primary image URL with a semicolon inside is one URL', () => {
		const result = validatePushInput({ ...base, primaryImage: 'https://cdn.io/img;v=2/main.jpg' });
		expect(result.ok && result.value.primaryImage).toBe('https://cdn.io/img;v=2/main.jpg');
	});

	it('warns when the colour image is not a JPEG', () => {
		const result = validatePushInput({ ...base, colorImage: 'https://a.io/c.png' });
		expect(result.warnings).toContainEqual(expect.objectContaining({ field: 'color_image', urls: ['https://a.io/c.png'] }));
	});
});
