/**
 * Hostile or broken input, as an AI agent or a messy sheet may send it, through the node in n8n's
 * engine: each case is answered with a clear error on its own item, none is sent to Ozon, and the
 * run completes (the valid item beside them is pushed).
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, product } from '../helpers/ozonMock';
import { MAX_HOST_TEXT_LENGTH } from '../../nodes/OzonSeller/domain/constants';
import { countStringWork, longestHostParsed } from '../helpers/stringWork';
import { useFastTiming } from '../helpers/timing';

type Result = { success: boolean; data: IDataObject; errors: Array<{ field: string; index?: number; reason: string }> };
type Case = [name: string, row: IDataObject, field: string, reason: RegExp];

const ok = 'https://img.example.com/ok.jpg';
const many = (count: number) => Array.from({ length: count }, (_, i) => `https://img.example.com/${i}.jpg`);

const offerCases: Case[] = [
	['ftp scheme', { images: ['ftp://img.example.com/1.jpg'] }, 'images', /^URL must start with http:\/\/ or https:\/\/ \(got ftp\)$/],
	['javascript scheme', { images: ['javascript:alert(1)'] }, 'images', /got javascript/],
	['data URI', { images: ['data:image/png;base64,iVBORw0KGgo='] }, 'images', /got data/],
	['file URL', { images: 'file:///etc/passwd' }, 'images', /got file/],
	['no scheme', { images: 'img.example.com/1.jpg' }, 'images', /^Invalid URL format$/],
	['no host', { images: 'https:///1.jpg' }, 'images', /^URL has no host$/],
	['user and password in URL', { images: ['https://user:secret@img.example.com/1.jpg'] }, 'images', /user name or password/],
	['space inside a URL', { images: ['https://img.example.com/a b.jpg'] }, 'images', /whitespace/],
	['NUL character', { images: ['https://img.example.com/a\u0000.jpg'] }, 'images', /control characters/],
	['URL over 2048 characters', { images: [`https://img.example.com/${'x'.repeat(3000)}.jpg`] }, 'images', /longer than 2048/],
	['zero-width space', { images: ['https://img.example.com/\u200bphoto.jpg'] }, 'images', /invisible formatting/],
	['right-to-left override', { images: ['https://img.example.com/\u202egpj.exe'] }, 'images', /invisible formatting/],
	['only separators', { images: ',,; ;,' }, 'images', /No image URLs to send/],
	['only spaces', { images: '    ' }, 'images', /No image URLs to send/],
	['empty list', { images: [] }, 'images', /No image URLs to send/],
	['list of nulls', { images: [null, null] }, 'images', /No image URLs to send/],
	['a number instead of URLs', { images: 42 }, 'images', /got a number/],
	['a boolean instead of URLs', { images: true }, 'images', /got a boolean/],
	['an object instead of URLs', { images: { url: ok } }, 'images', /got an object/],
	['nested list', { images: [[ok]] }, 'images', /^Expected a URL string, got a list$/],
	['object in the list', { images: [{ url: ok }] }, 'images', /got an object/],
	['number in the list', { images: [7] }, 'images', /got a number/],
	['huge text (2.1 MB)', { images: 'h'.repeat(2_100_000) }, 'images', /characters long; at most/],
	['10,000 URLs in one cell', { images: many(10_000).join(',') }, 'images', /^10000 entries given/],
	['1,001 URLs in a list', { images: many(1001) }, 'images', /^1001 entries given/],
	// Addresses Ozon, which fetches images from the internet, can never reach: refused with or without Check URLs First.
	['a self-hosted MinIO on a private address', { images: ['http://192.168.1.10:9000/photos/sku-1.jpg'] }, 'images', /^Ozon fetches images from the internet and cannot reach this address: 192\.168\.1\.10 is a private address/],
	['cloud metadata', { images: 'https://169.254.169.254/latest/meta-data' }, 'images', /cannot reach this address: 169\.254\.169\.254 is a link-local address/],
	['loopback', { images: ['http://127.0.0.1/1.jpg'] }, 'images', /cannot reach this address: 127\.0\.0\.1 is a loopback address/],
	['localhost', { images: ['http://localhost:9000/1.jpg'] }, 'images', /cannot reach this address: localhost is a local or internal name/],
	['a name without a dot', { images: ['http://nas/photos/1.jpg'] }, 'images', /cannot reach this address: nas is an intranet name/],
	['a wildcard-DNS name with a public address before a loopback one', { images: ['http://1.1.1.1.127.0.0.1.nip.io/1.jpg'] }, 'images', /cannot reach this address: 1\.1\.1\.1\.127\.0\.0\.1\.nip\.io names 127\.0\.0\.1, a loopback address/],
	['a private primary image', { images: [ok], primary: 'http://10.0.0.5/main.jpg' }, 'primary_image', /cannot reach this address: 10\.0\.0\.5 is a private address/],
	['two primary images', { images: [ok], primary: 'https://img.example.com/a.jpg https://img.example.com/b.jpg' }, 'primary_image', /Expected one URL, got several/],
	['bad primary image', { images: [ok], primary: 'not-a-url' }, 'primary_image', /Invalid URL format/],
	['ftp colour image', { images: [ok], color: 'ftp://img.example.com/c.jpg' }, 'color_image', /got ftp/],
	['object as colour image', { images: [ok], color: { url: ok } }, 'color_image', /got an object/],
	['bad 360° URL', { images: [ok], r360: ['https://img.example.com/r 1.jpg'] }, 'images360', /whitespace/],
	['offer id empty', { offer: '', images: [ok] }, 'offer_id', /^Offer ID is empty$/],
	['offer id whitespace', { offer: '   ', images: [ok] }, 'offer_id', /^Offer ID is empty$/],
	['offer id null from the expression', { offer: null, images: [ok] }, 'offer_id', /^No offer_id given/],
	['offer id missing (undefined)', { offer: undefined, images: [ok] }, 'offer_id', /^No offer_id given/],
	['offer id over 50 characters', { offer: 'A'.repeat(51), images: [ok] }, 'offer_id', /longer than 50/],
	['offer id an object', { offer: { id: 'SKU-001' }, images: [ok] }, 'offer_id', /Expected text or a number/],
	['offer id a list', { offer: ['SKU-001'], images: [ok] }, 'offer_id', /Expected text or a number/],
	['offer id with a control character', { offer: 'SKU\u0007001', images: [ok] }, 'offer_id', /control characters/],
	['offer id 1 MB long', { offer: 'S'.repeat(1_000_000), images: [ok] }, 'offer_id', /longer than 50/],
	['offer id a boolean', { offer: false, images: [ok] }, 'offer_id', /Expected text or a number/],
];

const productIdCases: Case[] = [
	['negative', { id: '-5' }, 'product_id', /positive whole number/],
	['fractional number', { id: 1.5 }, 'product_id', /whole number/],
	['fractional text', { id: '1.5' }, 'product_id', /positive whole number/],
	['letters', { id: 'abc' }, 'product_id', /positive whole number/],
	['beyond int64', { id: '99999999999999999999' }, 'product_id', /out of range/],
	['zero', { id: 0 }, 'product_id', /out of range/],
	['whitespace', { id: '   ' }, 'product_id', /is empty/],
	['full-width digits', { id: '１２３' }, 'product_id', /positive whole number/],
	['null from the expression', { id: null }, 'product_id', /^No product_id given/],
	['NaN', { id: Number.NaN }, 'product_id', /whole number|No product_id/],
];

async function run(identifyBy: 'offerId' | 'productId', rows: IDataObject[]) {
	const valid = product(1);
	mockInfoList([valid]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	mockPicturesInfo(() => ({}));
	const result = await runWorkflow(
		ozonWorkflow(rows, {
			resource: 'productImage',
			operation: 'push',
			identifyBy,
			offerId: '={{ $json.offer }}',
			productId: '={{ $json.id }}',
			images: '={{ $json.images }}',
			primaryImage: '={{ $json.primary }}',
			colorImage: '={{ $json.color }}',
			images360: '={{ $json.r360 }}',
		} as INode['parameters'], KEEP_FAILED_ITEMS),
		credentials,
	);
	return { error: result.error, items: result.output(OZON_NODE_NAME) ?? [], imports };
}

/**
 * `run`, its work counted (test/helpers/stringWork.ts): the characters the string and
 * regular-expression built-ins were handed, n8n's expressions included, and the regular
 * expressions the node ran over long texts (none may: one over a whole cell is what backtracked).
 * How long it takes is the bench's figure.
 */
async function countedRun(identifyBy: 'offerId' | 'productId', rows: IDataObject[]) {
	const { value, steps, longRegexRuns } = await countStringWork(() => run(identifyBy, rows));
	return { ...value, steps, nodeRegexRunsOverLongText: longRegexRuns.filter((regexRun) => regexRun.at.includes('nodes/OzonSeller')) };
}

/** Work per character read: a few passes per field; the square of 2 MB would be a million times more. */
const STEPS_PER_CHARACTER = 50;

useFastTiming();

describe.each([
	['offerId', offerCases, { offer: 'SKU-001', images: [ok] }],
	['productId', productIdCases, { id: '1001', images: [ok] }],
] as const)('bad input by %s', (identifyBy, cases, validRow) => {
	let outcome: Awaited<ReturnType<typeof run>>;

	beforeAll(async () => {
		const rows = cases.map(([, row]) => ({ offer: 'SKU-001', images: [ok], ...row }));
		outcome = await run(identifyBy, [validRow, ...rows]);
	});

	it('the run completes: one paired item per input, the valid item pushed, nothing else sent', () => {
		expect(outcome.error).toBeUndefined();
		expect(outcome.items).toHaveLength(cases.length + 1);
		expect(outcome.items.map((item) => item.pairedItem)).toEqual(outcome.items.map((_, item) => ({ item })));
		expect((outcome.items[0].json as unknown as Result).success).toBe(true);
		expect(outcome.imports.flatMap((call) => call.items as unknown[])).toEqual([{ offer_id: 'SKU-001', primary_image: ok, images: [] }]);
	});

	it.each(cases.map((testCase, index) => [testCase[0], index, testCase] as const))('%s: a clear error on its own item', (_name, index, [, , field, reason]) => {
		const result = outcome.items[index + 1].json as unknown as Result;
		expect(result.success).toBe(false);
		expect(result.data.status).toBe('invalid');
		expect(result.errors.length).toBeGreaterThan(0);
		expect(result.errors[0].field).toBe(field);
		expect(result.errors[0].reason).toMatch(reason);
	});
});

/**
 * One spreadsheet cell must not freeze n8n: 2 MB of separators in every text field at once is
 * answered with clear errors, with work linear in the text (splitting runs of commas used to block
 * the event loop for tens of seconds: 80,000 commas took 16 s, and it grew with the square).
 */
describe('2 MB of separators in every text field', () => {
	const fillers: Array<[string, string]> = [
		['commas', ','.repeat(2_000_000)],
		['semicolons', ';'.repeat(2_000_000)],
		['whitespace', ' \n\t '.repeat(500_000)],
		['commas and spaces', ', '.repeat(1_000_000)],
		['commas before a letter', `${','.repeat(1_999_999)}h`],
	];
	const cases = fillers.flatMap(([name, text]) => (['offerId', 'productId'] as const).map((by) => [name, by, text] as const));

	it.each(cases)('%s, by %s: the item fails with clear errors, the valid one is pushed, the work linear in the text', async (_name, identifyBy, text) => {
		const validRow = identifyBy === 'offerId' ? { offer: 'SKU-001', images: [ok] } : { id: '1001', images: [ok] };
		const outcome = await countedRun(identifyBy, [validRow, { offer: text, id: text, images: text, primary: text, color: text, r360: text }]);
		expect(outcome.error).toBeUndefined();
		expect(outcome.items).toHaveLength(2);
		expect((outcome.items[0].json as unknown as Result).success).toBe(true);
		expect(outcome.imports.flatMap((call) => call.items as unknown[])).toHaveLength(1);
		const result = outcome.items[1].json as unknown as Result;
		expect(result).toMatchObject({ success: false, data: { status: 'invalid' } });
		expect(result.errors).toEqual(
			expect.arrayContaining([
				identifyBy === 'offerId'
					? { field: 'offer_id', reason: 'Offer ID is longer than 50 characters (2000000 given)' }
					: { field: 'product_id', reason: 'Product ID is longer than 19 digits (2000000 characters given)' },
				{ field: 'primary_image', reason: 'Text is 2000000 characters long; one URL takes at most 2048' },
				{ field: 'color_image', reason: 'Text is 2000000 characters long; one URL takes at most 2048' },
			]),
		);
		expect(outcome.steps).toBeLessThanOrEqual(STEPS_PER_CHARACTER * text.length);
		expect(outcome.nodeRegexRunsOverLongText).toEqual([]);
	});
});

/**
 * Text fields within the size limits can still be costly to read: encoding an internationalised host
 * name is quadratic in its length. A 2 MB cell of 1,000 URLs with 2,000-character IDN hosts used to
 * block the event loop for 6 s per field: no host longer than a host can be is handed to the parser.
 */
describe('2 MB of URLs with long internationalised host names', () => {
	const idnUrl = (n: number) => {
		let host = '';
		for (let i = 0; i < 2000; i++) host += String.fromCodePoint(0x4e00 + ((i * 7 + n) % 20_000));
		return `http://${host}.com/${n}.jpg`;
	};
	const cell = Array.from({ length: 1000 }, (_, n) => idnUrl(n)).join(' ');

	it('in Images and 360° Images: the item fails with a clear reason, the valid one is pushed, no such host is ever encoded', async () => {
		expect(cell.length).toBeGreaterThan(2_000_000);
		const { value: outcome, longestHost } = await longestHostParsed(() => countedRun('offerId', [{ offer: 'SKU-001', images: [ok] }, { offer: 'SKU-001', images: cell, r360: cell, primary: idnUrl(0) }]));
		expect(outcome.error).toBeUndefined();
		expect((outcome.items[0].json as unknown as Result).success).toBe(true);
		const result = outcome.items[1].json as unknown as Result;
		expect(result).toMatchObject({ success: false, data: { status: 'invalid' } });
		expect(result.errors).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ field: 'images', index: 0, reason: 'URL host is longer than 253 characters' }),
				expect.objectContaining({ field: 'images360', index: 999, reason: 'URL host is longer than 253 characters' }),
				expect.objectContaining({ field: 'primary_image', reason: 'URL host is longer than 253 characters' }),
			]),
		);
		// Neither host reached the URL parser, whose encoding of it is quadratic in its length.
		expect(longestHost).toBeLessThanOrEqual(MAX_HOST_TEXT_LENGTH);
		expect(outcome.steps).toBeLessThanOrEqual(STEPS_PER_CHARACTER * 2 * cell.length);
		expect(outcome.nodeRegexRunsOverLongText).toEqual([]);
	});
});

test('the matrix has at least 40 cases', () => {
	expect(offerCases.length + productIdCases.length).toBeGreaterThanOrEqual(40);
});
