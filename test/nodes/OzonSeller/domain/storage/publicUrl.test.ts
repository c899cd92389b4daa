import { BaseUrlError, PublicBase } from '../../../../../nodes/OzonSeller/domain/storage/publicUrl';
import { valueOf } from '../../../../helpers/results';

const base = (raw: unknown) => valueOf(PublicBase.read(raw));

describe('PublicBase', () => {
	it.each([
		['https://pub-0123456789abcdef.r2.dev', 'SKU-1/2 b.jpg', 'https://pub-0123456789abcdef.r2.dev/SKU-1/2%20b.jpg'],
		['https://cdn.example.com/photos/', 'SKU-1/1.jpg', 'https://cdn.example.com/photos/SKU-1/1.jpg'],
		['  https://cdn.example.com//  ', 'SKU-1/1.jpg', 'https://cdn.example.com/SKU-1/1.jpg'],
		['https://photos.s3.eu-central-1.amazonaws.com', 'a+b/c?d#e%f.jpg', 'https://photos.s3.eu-central-1.amazonaws.com/a%2Bb/c%3Fd%23e%25f.jpg'],
		['https://cdn.example.com', 'фото/1.jpg', 'https://cdn.example.com/%D1%84%D0%BE%D1%82%D0%BE/1.jpg'],
	])('%s + %s', (raw, key, url) => {
		expect(base(raw).urlOf(key)).toBe(url);
	});

	it.each([
		['', /is empty/],
		[undefined, /is empty/],
		['ftp://cdn.example.com', /^Public Base URL: URL must start with http:\/\/ or https:\/\/ \(got ftp\)$/],
		['https://127.0.0.1/photos', /^Public Base URL: Ozon fetches images from the internet and cannot reach this address/],
		['https://user:pw@cdn.example.com', /must not contain a user name or password/],
		['https://cdn.example.com/?v=1', /must not have a query or fragment/],
		['cdn.example.com', /^Public Base URL: Invalid URL format$/],
	])('refuses %j', (raw, reason) => {
		const read = PublicBase.read(raw);
		expect(read).toBeInstanceOf(BaseUrlError);
		expect((read as BaseUrlError).message).toMatch(reason);
	});

	it('refuses a URL longer than an image URL may be, and text that is not Unicode', () => {
		expect((base('https://cdn.example.com').urlOf('%'.repeat(700)) as BaseUrlError).message).toMatch(/URL is longer than 2048 characters/);
		expect((base('https://cdn.example.com').urlOf('a\ud800.jpg') as BaseUrlError).message).toMatch(/not valid Unicode text/);
	});
});
