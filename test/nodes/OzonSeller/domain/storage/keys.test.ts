import { decodeKey, KeyError, keysText } from '../../../../../nodes/OzonSeller/domain/storage/keys';

const reason = (value: string | KeyError) => (value instanceof KeyError ? value.message : `decoded to ${value}`);

describe('decodeKey', () => {
	it.each([
		['S3 form encoding: + is a space', 'SKU-001/2+b.jpg', 'form', 'SKU-001/2 b.jpg'],
		['MinIO: %2F is a slash', 'SKU-001%2F1+a.jpg', 'form', 'SKU-001/1 a.jpg'],
		['an encoded plus is a plus', 'SKU-001/1%2B1.jpg', 'form', 'SKU-001/1+1.jpg'],
		['UTF-8 bytes', '%D1%84%D0%BE%D1%82%D0%BE.jpg', 'form', 'фото.jpg'],
		['R2 and listings: as given, + included', 'SKU-001/2+b%20c.jpg', 'plain', 'SKU-001/2+b%20c.jpg'],
		['dots inside a name are fine', 'SKU-001/a..b.jpg', 'plain', 'SKU-001/a..b.jpg'],
	] as const)('%s', (_name, raw, encoding, expected) => {
		expect(decodeKey(raw, encoding)).toBe(expected);
	});

	it.each([
		['a ".." segment', 'SKU-001/../x.jpg', 'plain', /"\." or "\.\." segment/],
		['a "." segment', './x.jpg', 'plain', /"\." or "\.\." segment/],
		['a ".." segment once decoded', 'SKU-001%2F..%2Fx.jpg', 'form', /"\." or "\.\." segment/],
		['a control character', 'SKU-001/1\n.jpg', 'plain', /contains control characters/],
		['a control character once decoded', 'SKU-001/1%7F.jpg', 'form', /contains control characters/],
		['an empty key', '', 'plain', /^Key is empty$/],
		['a 2,000-character key', 'k'.repeat(2000), 'plain', /^Key is 2000 characters long; storage keys are at most 1024 bytes$/],
		['an encoded key longer than any 1,024-byte key', '%41'.repeat(1025), 'form', /^Key is 3075 characters long/],
		['an encoded key over 1,024 characters once decoded', 'k'.repeat(1025), 'form', /^Key is 1025 characters long once decoded/],
		['a stray %', 'SKU-001/100%.jpg', 'form', /not valid URL encoding/],
		['bytes that are not UTF-8', 'SKU-001/%FF.jpg', 'form', /not valid URL encoding/],
	] as const)('refuses %s', (_name, raw, encoding, expected) => {
		expect(reason(decodeKey(raw, encoding))).toMatch(expected);
	});
});

describe('keysText', () => {
	it('names twenty keys, counts the rest, and shortens a long one', () => {
		const keys = Array.from({ length: 22 }, (_, n) => `k${n}`);
		expect(keysText(keys)).toBe(`${keys.slice(0, 20).map((key) => `"${key}"`).join(', ')} and 2 more`);
		expect(keysText(['x'.repeat(500)])).toBe(`"${'x'.repeat(117)}…"`);
	});
});
