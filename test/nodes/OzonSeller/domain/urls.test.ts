import { MAX_HOST_TEXT_LENGTH, MAX_URL_ENTRIES, MAX_URL_LENGTH } from '../../../../nodes/OzonSeller/domain/constants';
import { formatWarnings, parseSingleUrl, parseUrlList, sameFileKey, splitUrlText } from '../../../../nodes/OzonSeller/domain/urls';
import { countStringWork, longestHostParsed } from '../../../helpers/stringWork';

describe('splitUrlText', () => {
	it.each([
		['commas', 'https://a.io/1.jpg,https://a.io/2.jpg', ['https://a.io/1.jpg', 'https://a.io/2.jpg']],
		['comma and space', 'https://a.io/1.jpg, https://a.io/2.jpg', ['https://a.io/1.jpg', 'https://a.io/2.jpg']],
		['semicolons', 'https://a.io/1.jpg;https://a.io/2.jpg', ['https://a.io/1.jpg', 'https://a.io/2.jpg']],
		['new lines', 'https://a.io/1.jpg\r\nhttps://a.io/2.jpg\n', ['https://a.io/1.jpg', 'https://a.io/2.jpg']],
		['tabs and spaces', ' https://a.io/1.jpg \t https://a.io/2.jpg ', ['https://a.io/1.jpg', 'https://a.io/2.jpg']],
		['a comma inside a URL is kept', 'https://cdn.io/w_100,h_100/1.jpg, https://a.io/2.jpg', ['https://cdn.io/w_100,h_100/1.jpg', 'https://a.io/2.jpg']],
		['trailing separators', 'https://a.io/1.jpg,;,', ['https://a.io/1.jpg']],
		['empty text', '', []],
		['commas before a URL, several', 'https://a.io/1.jpg,,,https://a.io/2.jpg', ['https://a.io/1.jpg', 'https://a.io/2.jpg']],
		['a comma before something that is no URL', 'https://a.io/1.jpg,,x,https://a.io/2.jpg', ['https://a.io/1.jpg,,x', 'https://a.io/2.jpg']],
		['leading commas', ',,,https://a.io/1.jpg', ['https://a.io/1.jpg']],
		['a scheme in capitals', 'https://a.io/1.jpg,HTTPS://a.io/2.jpg', ['https://a.io/1.jpg', 'HTTPS://a.io/2.jpg']],
		['only separators', ', ;,\n,', []],
	])('%s', (_name, text, expected) => {
		expect(splitUrlText(text)).toEqual(expected);
	});

	it.each([
		['a semicolon inside a URL is kept (path parameters)', 'https://cdn.io/img;v=2/a.jpg', ['https://cdn.io/img;v=2/a.jpg']],
		['a semicolon inside a URL, then another URL', 'https://cdn.io/img;v=2/a.jpg;https://cdn.io/img;v=2/b.jpg', ['https://cdn.io/img;v=2/a.jpg', 'https://cdn.io/img;v=2/b.jpg']],
		['commas and semicolons inside URLs, spaces between', 'https://cdn.io/w_100,h_100;q=80/a.jpg https://cdn.io/b.jpg;x', ['https://cdn.io/w_100,h_100;q=80/a.jpg', 'https://cdn.io/b.jpg;x']],
		['a run of commas and semicolons before a URL', 'https://a.io/1.jpg;,;https://a.io/2.jpg', ['https://a.io/1.jpg', 'https://a.io/2.jpg']],
		['a semicolon before something that is no URL', 'https://a.io/1.jpg;x', ['https://a.io/1.jpg;x']],
		['leading semicolons', ';;https://a.io/1.jpg', ['https://a.io/1.jpg']],
	])('semicolons are treated as commas: %s', (_name, text, expected) => {
		expect(splitUrlText(text)).toEqual(expected);
	});

	it('splits short texts exactly as the same rules written as regular expressions', () => {
		// The rules, fine on short texts but quadratic on long runs of commas: split at whitespace, and at a
		// run of commas and semicolons where a URL starts; drop those around an entry.
		const former = (text: string) =>
			text
				.split(/\s+/)
				.flatMap((token) => token.split(/[,;]+(?=[a-z][a-z0-9+.-]*:\/\/)/i))
				.map((token) => token.replace(/^[,;]+|[,;]+$/g, ''))
				.filter((token) => token.length > 0);
		const pieces = [',', ',,', ';', ' ', '\n', '\u00a0', '\u3000', 'h', 'x', 'https://', 'HTTP://', 'a+b.c-d://', '1://', 'a.io/1.jpg', ':', '/'];
		let seed = 42;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		for (let sample = 0; sample < 5000; sample++) {
			const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
			expect([text, splitUrlText(text)]).toEqual([text, former(text)]);
		}
	});

	it.each([
		['commas', (n: number) => ','.repeat(n)],
		['commas before a non-URL', (n: number) => `${','.repeat(n - 1)}x`],
		['comma runs before almost-schemes', (n: number) => 'h,,,,,,,,,'.repeat(n / 10)],
		['a long almost-scheme after commas', (n: number) => `${','.repeat(n / 2)}${'h'.repeat(n / 2)}`],
		['semicolons', (n: number) => ';'.repeat(n)],
		['whitespace', (n: number) => ' \t\n'.repeat(n / 3)],
		['commas and spaces', (n: number) => ', '.repeat(n / 2)],
		['many short entries', (n: number) => 'h,'.repeat(n / 2)],
	])('%s take linear work, and no regular expression runs over the text', async (_name, text) => {
		// Counted, not timed (test/helpers/stringWork.ts): the characters the string built-ins are handed.
		// The old look-ahead split ran one regular expression over the whole cell and took tens of
		// seconds on 2 MB of commas, growing with the square (80,000 took 16 s); the bench times it.
		const small = await countStringWork(() => splitUrlText(text(60_000)));
		const large = await countStringWork(() => splitUrlText(text(240_000)));
		expect(large.steps).toBeLessThanOrEqual(4.2 * small.steps);
		expect(large.steps).toBeLessThanOrEqual(8 * 240_000);
		expect([...small.longRegexRuns, ...large.longRegexRuns]).toEqual([]);
	});
});

/** A host name of `length` different CJK characters (IDNA encoding of distinct characters is slowest). */
function idnHost(length: number, offset: number): string {
	let host = '';
	for (let i = 0; i < length; i++) host += String.fromCodePoint(0x4e00 + ((i * 7 + offset) % 20_000));
	return host;
}

describe('parseUrlList: every rule with its error', () => {
	it.each([
		['not http(s)', 'ftp://a.io/1.jpg', 'URL must start with http:// or https:// (got ftp)'],
		['javascript scheme', 'javascript:alert(1)', 'URL must start with http:// or https:// (got javascript)'],
		['no scheme', 'a.io/1.jpg', 'Invalid URL format'],
		['no host', 'https:///1.jpg', 'URL has no host'],
		['embedded login', 'https://user:pw@a.io/1.jpg', 'URL must not contain a user name or password; use a public or signed URL'],
		['control character', 'https://a.io/1\u0007.jpg', 'URL contains whitespace or control characters'],
		['DEL character', 'https://a.io/1\u007f.jpg', 'URL contains whitespace or control characters'],
		['a tab', 'https://a.io/1\t.jpg', 'URL contains whitespace or control characters'],
		['too long', `https://a.io/${'x'.repeat(MAX_URL_LENGTH)}.jpg`, `URL is longer than ${MAX_URL_LENGTH} characters`],
		// DNS names have at most 253 characters; Ozon could never look such a host up.
		['a host name over 253 characters', `https://${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(10)}.com/1.jpg`, 'URL host is longer than 253 characters'],
		['an IDN host over 253 characters once encoded', `https://${idnHost(200, 0)}.рф/1.jpg`, 'URL host is longer than 253 characters'],
		['an IDN host of 2,000 characters', `https://${idnHost(2000, 0)}.com/1.jpg`, 'URL host is longer than 253 characters'],
		['a long login before a short host keeps its own reason', `https://${'u'.repeat(400)}:pw@a.io/1.jpg`, 'URL must not contain a user name or password; use a public or signed URL'],
	])('%s is refused on its index', (_name, bad, reason) => {
		const result = parseUrlList('images', ['https://a.io/ok.jpg', bad]);
		expect(result.errors).toEqual([expect.objectContaining({ field: 'images', index: 1, reason })]);
		expect(result.urls.map((u) => u.url)).toEqual(['https://a.io/ok.jpg']);
	});

	it.each([
		['a self-hosted MinIO', 'http://192.168.1.10:9000/bucket/sku-1.jpg', '192.168.1.10 is a private address'],
		['cloud metadata', 'https://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local address (cloud metadata lives there)'],
		['loopback', 'http://127.0.0.1:8080/1.jpg', '127.0.0.1 is a loopback address'],
		['localhost', 'http://localhost/1.jpg', 'localhost is a local or internal name'],
		['a name without a dot', 'http://fileserver/1.jpg', 'fileserver is an intranet name (no domain)'],
		['an IPv6 unique local address', 'http://[fd12::5]/1.jpg', '[fd12::5] is a private (unique local) address'],
	])('refuses %s: Ozon fetches images from the internet', (_name, url, why) => {
		const result = parseUrlList('images', ['https://a.io/ok.jpg', url]);
		expect(result.errors).toEqual([
			{
				field: 'images',
				index: 1,
				url,
				reason: `Ozon fetches images from the internet and cannot reach this address: ${why}. Put the image where the internet can reach it (e.g. a public S3/R2 bucket or a CDN)`,
			},
		]);
		expect(parseSingleUrl('primary_image', url).errors[0].reason).toMatch(/^Ozon fetches images from the internet and cannot reach this address: /);
	});

	it('accepts a host name of 253 characters, and an IDN host that encodes to 253 or fewer', () => {
		const longest = `https://${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com/1.jpg`;
		expect(new URL(longest).hostname).toHaveLength(253);
		const idn = `https://${'ж'.repeat(50)}.рф/1.jpg`;
		expect(parseUrlList('images', [longest, idn]).errors).toEqual([]);
	});

	it('2 MB of URLs with 2,000-character IDN hosts, in a text cell and a list, are refused before any is parsed', async () => {
		const urls = Array.from({ length: MAX_URL_ENTRIES }, (_, n) => `http://${idnHost(2000, n)}.com/${n}.jpg`);
		// Encoding such a host is quadratic in its length (1,000 of them used to take 6 s per field): none
		// reaches the URL parser. Counted, not timed; the bench times it.
		const { value: [fromText, fromList], longestHost } = await longestHostParsed(() => [parseUrlList('images', urls.join(' ')), parseUrlList('images360', urls)]);
		expect(longestHost).toBeLessThanOrEqual(MAX_HOST_TEXT_LENGTH);
		for (const result of [fromText, fromList]) {
			expect(result.urls).toEqual([]);
			expect(result.errors).toHaveLength(MAX_URL_ENTRIES);
			expect(result.errors[0].reason).toBe('URL host is longer than 253 characters');
		}
	});

	it('refuses an array entry far longer than a URL before reading it', () => {
		const result = parseUrlList('images', [' '.repeat(2_000_000)]);
		expect(result.errors).toEqual([{ field: 'images', index: 0, url: ' '.repeat(MAX_URL_LENGTH), reason: `URL is longer than ${MAX_URL_LENGTH} characters` }]);
	});

	it('refuses a URL with a space inside an array entry', () => {
		const result = parseUrlList('images', ['https://a.io/my photo.jpg']);
		expect(result.errors[0]).toMatchObject({ index: 0, reason: 'URL contains whitespace or control characters' });
	});

	it('drops null and empty entries with a warning naming their positions', () => {
		const result = parseUrlList('images', [null, 'https://a.io/1.jpg', '', '  ', undefined]);
		expect(result.urls).toEqual([{ url: 'https://a.io/1.jpg', index: 1 }]);
		expect(result.errors).toEqual([]);
		expect(result.warnings).toEqual([{ field: 'images', message: 'Dropped 4 empty entries (positions 0, 2, 3, 4)' }]);
	});

	it('drops duplicates with a warning naming them, keeping the first position', () => {
		const result = parseUrlList('images', 'https://a.io/1.jpg https://a.io/2.jpg https://a.io/1.jpg');
		expect(result.urls).toEqual([
			{ url: 'https://a.io/1.jpg', index: 0 },
			{ url: 'https://a.io/2.jpg', index: 1 },
		]);
		expect(result.warnings).toEqual([{ field: 'images', message: 'Dropped 1 duplicate URL(s)', urls: ['https://a.io/1.jpg'] }]);
	});

	it('treats URLs that differ only in encoding as duplicates and sends the canonical form', () => {
		const result = parseUrlList('images', ['https://ПРИМЕР.рф/фото 1.jpg'.replace(' ', '%20'), 'https://xn--e1afmkfd.xn--p1ai/%D1%84%D0%BE%D1%82%D0%BE%201.jpg']);
		expect(result.urls).toHaveLength(1);
		expect(result.urls[0].url).toBe('https://xn--e1afmkfd.xn--p1ai/%D1%84%D0%BE%D1%82%D0%BE%201.jpg');
	});

	it.each([
		['%7E and ~', 'https://a.io/~user/1.jpg', 'https://a.io/%7Euser/1.jpg'],
		['lower-case %7e', 'https://a.io/~user/1.jpg', 'https://a.io/%7euser/1.jpg'],
		['an encoded letter and digit', 'https://a.io/A1.jpg', 'https://a.io/%411.jpg'],
		['%2d %2e %5f', 'https://a.io/a-b.c_d.jpg', 'https://a.io/a%2Db%2Ec%5Fd.jpg'],
		['a reserved escape in either case', 'https://a.io/a%2Fb.jpg', 'https://a.io/a%2fb.jpg'],
		['in the query', 'https://a.io/1.jpg?v=~2', 'https://a.io/1.jpg?v=%7E2'],
	])('drops a duplicate written with percent-encoded unreserved characters (%s), keeping the first as given', (_name, first, second) => {
		const result = parseUrlList('images', [first, second]);
		expect(result.urls).toEqual([{ url: first, index: 0 }]);
		expect(result.warnings).toEqual([{ field: 'images', message: 'Dropped 1 duplicate URL(s)', urls: [second] }]);
	});

	it('an encoded reserved character is another file: %2F is not /', () => {
		expect(parseUrlList('images', ['https://a.io/a/b.jpg', 'https://a.io/a%2Fb.jpg']).urls).toHaveLength(2);
	});

	it('sameFileKey: unreserved escapes decoded, other escapes upper-cased, the rest untouched', () => {
		expect(sameFileKey('https://a.io/%7e%41%2f%d0%b4%20~.jpg')).toBe('https://a.io/~A%2F%D0%B4%20~.jpg');
		expect(sameFileKey('https://a.io/plain.jpg')).toBe('https://a.io/plain.jpg');
	});

	it('checks the 2,048-character limit on the URL as it is sent: a Cyrillic path six times as long once percent-encoded', () => {
		// The case: 1,928 characters as written, 11,428 once encoded; one such URL made Ozon reject the whole request.
		const cyrillic = `https://img.example.com/${'д'.repeat(1900)}.jpg`;
		expect(cyrillic).toHaveLength(1928);
		expect(new URL(cyrillic).href).toHaveLength(11_428);
		const result = parseUrlList('images', ['https://a.io/ok.jpg', cyrillic]);
		expect(result.urls.map(({ url }) => url)).toEqual(['https://a.io/ok.jpg']);
		expect(result.errors).toEqual([
			{
				field: 'images',
				index: 1,
				url: cyrillic,
				reason: 'URL is 11428 characters long as it is sent (letters outside ASCII and some signs are percent-encoded: "д" becomes "%D0%B4"); Ozon takes at most 2048',
			},
		]);
		expect(parseSingleUrl('primary_image', cyrillic).errors).toEqual([expect.objectContaining({ field: 'primary_image', reason: expect.stringMatching(/^URL is 11428 characters long as it is sent/) })]);
	});

	it('accepts a URL of exactly 2,048 characters as sent, whatever it was as written', () => {
		const prefix = 'https://img.example/';
		// 335 Cyrillic letters are 2,010 characters encoded; 2048 in all with the ASCII around them.
		const encoded = `${prefix}${'д'.repeat(335)}${'x'.repeat(2048 - prefix.length - 335 * 6 - 4)}.jpg`;
		expect(new URL(encoded).href).toHaveLength(2048);
		expect(parseUrlList('images', [encoded]).errors).toEqual([]);
		expect(parseUrlList('images', [`${encoded.slice(0, -4)}x.jpg`]).errors[0].reason).toMatch(/^URL is 2049 characters long as it is sent/);
	});

	it.each([
		['a number', 42, 'Expected a list of URLs or text with URLs, got a number'],
		['an object', { url: 'https://a.io/1.jpg' }, 'Expected a list of URLs or text with URLs, got an object'],
		['a boolean', true, 'Expected a list of URLs or text with URLs, got a boolean'],
	])('refuses %s as the whole field', (_name, raw, reason) => {
		expect(parseUrlList('images', raw).errors).toEqual([{ field: 'images', reason }]);
	});

	it.each([
		['a nested list', [['https://a.io/1.jpg']], 'Expected a URL string, got a list'],
		['an object', [{ url: 'https://a.io/1.jpg' }], 'Expected a URL string, got an object'],
		['a number', [7], 'Expected a URL string, got a number'],
	])('refuses %s as an entry, on its index', (_name, raw, reason) => {
		expect(parseUrlList('images', raw).errors).toEqual([{ field: 'images', index: 0, reason }]);
	});

	it('refuses more entries than one product can have instead of truncating them', () => {
		const cell = Array.from({ length: MAX_URL_ENTRIES + 1 }, (_, i) => `https://a.io/${i}.jpg`).join(',');
		const result = parseUrlList('images', cell);
		expect(result.urls).toEqual([]);
		expect(result.errors[0].reason).toMatch(/^1001 entries given; more than 1000 cannot be one product's photos/);
	});

	it('returns nothing for an empty field', () => {
		expect(parseUrlList('images', undefined)).toEqual({ urls: [], errors: [], warnings: [] });
		expect(parseUrlList('images', '')).toEqual({ urls: [], errors: [], warnings: [] });
	});
});

describe('parseSingleUrl', () => {
	it('takes one URL, or nothing for an empty field', () => {
		expect(parseSingleUrl('primary_image', 'https://a.io/m.jpg').url).toBe('https://a.io/m.jpg');
		expect(parseSingleUrl('primary_image', '')).toEqual({ errors: [], warnings: [] });
		expect(parseSingleUrl('primary_image', ['https://a.io/m.jpg']).url).toBe('https://a.io/m.jpg');
	});

	it('refuses several URLs and bad ones without an index', () => {
		expect(parseSingleUrl('primary_image', 'https://a.io/1.jpg https://a.io/2.jpg').errors).toEqual([
			{ field: 'primary_image', reason: 'Expected one URL, got several' },
		]);
		expect(parseSingleUrl('color_image', 'not a url').errors).toEqual([{ field: 'color_image', reason: 'Expected one URL, got several' }]);
		expect(parseSingleUrl('color_image', 'nota-url').errors).toEqual([{ field: 'color_image', url: 'nota-url', reason: 'Invalid URL format' }]);
	});

	it('refuses text far longer than one URL before splitting it', () => {
		expect(parseSingleUrl('primary_image', ','.repeat(2_000_000)).errors).toEqual([
			{ field: 'primary_image', reason: `Text is 2000000 characters long; one URL takes at most ${MAX_URL_LENGTH}` },
		]);
	});

	it('takes the URL without the separators around it', () => {
		expect(parseSingleUrl('primary_image', ' https://a.io/m.jpg,\n').url).toBe('https://a.io/m.jpg');
		expect(parseSingleUrl('primary_image', ';,;')).toEqual({ errors: [], warnings: [] });
	});
});

describe('formatWarnings', () => {
	it('warns about endings Ozon does not accept, but not about URLs without an ending', () => {
		const warnings = formatWarnings('images', ['https://a.io/1.webp', 'https://a.io/2.JPG', 'https://a.io/signed?x=1', 'https://a.io/3.png']);
		expect(warnings).toEqual([expect.objectContaining({ field: 'images', urls: ['https://a.io/1.webp'] })]);
	});
});
