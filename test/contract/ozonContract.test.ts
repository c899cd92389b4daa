/**
 * The contract itself: Ozon's documented examples of each method fit it, and what Ozon does
 * not accept or send does not: unknown request fields (Ozon's decoder), `images360` on v1, `url` in
 * import errors, `photo_360`, `is_360`, limits, error bodies and 429 headers.
 */
import { LIMITS, METHODS, PRIMARY_IMAGE_RULE, answerViolations, requestViolations } from './ozonContract';
import { checkRequest, takeViolations } from './violations';

const HEADERS = { 'client-id': '123456', 'api-key': 'key', 'content-type': 'application/json' };
const url = (n: number) => `https://img.example/${n}.jpg`;
const request = (path: string, body: unknown) => requestViolations('POST', path, HEADERS, JSON.stringify(body));
const answer = (path: string, body: unknown, status = 200, headers: Record<string, string> = {}) => answerViolations(path, status, headers, JSON.stringify(body));

describe("Ozon's documented examples fit", () => {
	it.each([
		['/v2/product/pictures/import', { items: [{ offer_id: 'SKU-001', primary_image: url(0), color_image: url(9), images: [url(1), url(2)] }] }],
		['/v1/product/import/info', { task_id: 172549793 }],
		// Get Push Result sends a task_id past a JSON number's exact range as text, as int64 may be.
		['/v1/product/import/info', { task_id: '9223372036854775807' }],
		['/v2/product/pictures/info', { product_id: ['137285792'] }],
		['/v3/product/info/list', { offer_id: ['SKU-001'] }],
		['/v3/product/info/list', { sku: ['1826453232'] }],
		['/v1/product/pictures/import', { product_id: 137285792, images: [url(1)], color_image: url(9) }],
		['/v1/roles', {}],
	])('request %s %j', (path, body) => {
		expect(request(path, body)).toEqual([]);
	});

	it('/v1/roles with no body at all', () => {
		expect(requestViolations('POST', '/v1/roles', { 'client-id': '1', 'api-key': 'k' }, '')).toEqual([]);
	});

	it.each([
		['/v2/product/pictures/import', { task_id: 172549793 }],
		['/v1/product/import/info', { result: { items: [{ offer_id: 'SKU-001', product_id: 137285792, status: 'imported', errors: [] }], total: 1 } }],
		[
			'/v1/product/import/info',
			{
				result: {
					items: [
						{
							offer_id: 'SKU-001',
							product_id: 137285792,
							status: 'failed',
							errors: [{ code: 'X', message: 'm', state: 's', level: 'error', description: 'd', field: 'images', attribute_id: 4194, attribute_name: 'Image' }],
						},
					],
					total: 1,
				},
			},
		],
		['/v2/product/pictures/info', { items: [{ product_id: 137285792, primary_photo: ['a'], photo: ['b', 'c'], color_photo: ['d'], errors: [{ url: url(2), message: 'm' }] }] }],
		['/v2/product/pictures/info', { items: [{ product_id: '137285792' }] }],
		['/v3/product/info/list', { items: [{ id: 1, offer_id: 'A', sku: '2', images: [], primary_image: [], color_image: [], statuses: {}, errors: [] }] }],
		['/v3/product/info/list', { items: [{ id: 1, offer_id: 'A', images: null }] }],
		['/v1/product/pictures/import', { result: { pictures: [{ product_id: 1, url: url(1), state: 'imported', is_primary: true, is_color: false }] } }],
		['/v1/roles', { expires_at: '2026-12-31T00:00:00Z', roles: [{ name: 'Product', methods: ['/v2/product/pictures/import'] }] }],
	])('answer %s %#', (path, body) => {
		expect(answer(path, body)).toEqual([]);
	});

	it.each([
		[400, { code: 3, message: 'invalid' }, {}],
		[400, { code: 9, message: 'obsolete method cannot be used' }, {}],
		[401, { code: 16, message: 'Client-Id and Api-Key headers are required' }, {}],
		[403, { code: 7, message: 'Invalid Api-Key, please contact support' }, {}],
		[429, { code: 'RESOURCE_EXHAUSTED', message: 'You have reached operation items limits. Retry after 120 seconds. Remaining 10 items' }, { 'Item-Retry-After': '2', 'Item-Rate-Limit-Remaining': '10' }],
		[429, { code: 8, message: 'You have reached request rate limit per second' }, {}],
		[429, { code: 8, message: 'You have reached request rate limit per second' }, { 'Retry-After': 'Fri, 27 Nov 2026 12:05:00 GMT' }],
		[500, { code: 13, message: 'internal', details: [{ typeUrl: 't', value: 'v' }] }, {}],
	])('error %s %j', (status, body, headers) => {
		expect(answer('/v2/product/pictures/import', body, status, headers)).toEqual([]);
	});
});

describe('what Ozon refuses or does not send does not fit', () => {
	it.each([
		['images360 on v1 (left the method on 2026-07-10)', '/v1/product/pictures/import', { product_id: 1, images: [url(1)], images360: [url(2)] }, /images360/],
		['images360 on v2 (never had it)', '/v2/product/pictures/import', { items: [{ offer_id: 'A', images: [url(1)], images360: [url(2)] }] }, /images360/],
		['an unknown top-level field', '/v1/product/import/info', { task_id: 1, verbose: true }, /verbose/],
		[`${LIMITS.importItems + 1} products`, '/v2/product/pictures/import', { items: Array.from({ length: 101 }, (_, i) => ({ offer_id: `A${i}`, images: [url(i)] })) }, /items/],
		[`${LIMITS.images + 1} images`, '/v2/product/pictures/import', { items: [{ offer_id: 'A', images: Array.from({ length: 31 }, (_, i) => url(i)) }] }, /images/],
		['a product twice', '/v2/product/pictures/import', { items: [{ offer_id: 'A' }, { offer_id: 'A' }] }, /twice/],
		['no offer_id', '/v2/product/pictures/import', { items: [{ images: [url(1)] }] }, /offer_id/],
		['an ftp image', '/v2/product/pictures/import', { items: [{ offer_id: 'A', images: ['ftp://x/1.jpg'] }] }, /http/],
		['two kinds of identifier', '/v3/product/info/list', { offer_id: ['A'], sku: ['1'] }, /exactly one/],
		['1001 identifiers', '/v3/product/info/list', { offer_id: Array.from({ length: 1001 }, (_, i) => `A${i}`) }, /1000/],
		['product_id as numbers where Ozon wants strings', '/v2/product/pictures/info', { product_id: [1] }, /string/],
		['a body for /v1/roles', '/v1/roles', { filter: {} }, /filter/],
		['a method not in the contract', '/v4/product/info/limit', {}, /not a method/],
	])('request: %s', (_name, path, body, pattern) => {
		expect(request(path, body).join('\n')).toMatch(pattern);
	});

	it('an import item without primary_image, in every import (Ozon\'s support advises naming the main photo)', () => {
		const named = { offer_id: 'A', primary_image: url(0), images: [url(1)] };
		expect(request('/v2/product/pictures/import', { items: [named] })).toEqual([]);
		expect(request('/v2/product/pictures/import', { items: [named, { offer_id: 'B', images: [url(2), url(3)] }, { offer_id: 'C', color_image: url(4) }] })).toEqual([
			`POST /v2/product/pictures/import: request items.1.primary_image: ${PRIMARY_IMAGE_RULE}; items.2.primary_image: ${PRIMARY_IMAGE_RULE}`,
		]);
	});

	it('requests without Ozon headers, or not as JSON', () => {
		expect(requestViolations('POST', '/v1/roles', {}, '{}').join('\n')).toMatch(/Client-Id header missing.*\n.*Api-Key header missing/);
		expect(requestViolations('POST', '/v1/product/import/info', { 'client-id': '1', 'api-key': 'k', 'content-type': 'text/plain' }, '{"task_id":1}').join('\n')).toMatch(/not sent as JSON/);
		expect(requestViolations('GET', '/v1/roles', HEADERS, '{}').join('\n')).toMatch(/POST/);
	});

	it.each([
		['url in an import error', '/v1/product/import/info', { result: { items: [{ offer_id: 'A', product_id: 1, status: 'failed', errors: [{ code: 'X', url: url(1), message: 'm' }] }], total: 1 } }, /url/],
		['an unknown task status', '/v1/product/import/info', { result: { items: [{ offer_id: 'A', product_id: 1, status: 'done', errors: [] }], total: 1 } }, /status/],
		['photo_360 in the read-back', '/v2/product/pictures/info', { items: [{ product_id: 1, photo: [], photo_360: [] }] }, /photo_360/],
		['is_360 in the v1 answer', '/v1/product/pictures/import', { result: { pictures: [{ product_id: 1, url: url(1), state: 'imported', is_primary: true, is_color: false, is_360: false }] } }, /is_360/],
		['a v1 state other than imported', '/v1/product/pictures/import', { result: { pictures: [{ product_id: 1, url: url(1), state: 'pending', is_primary: true, is_color: false }] } }, /state/],
		['a roles answer without expires_at', '/v1/roles', { roles: [] }, /expires_at/],
		['an invented field in product information', '/v3/product/info/list', { items: [{ id: 1, offer_id: 'A', images360: [] }] }, /images360/],
	])('answer: %s', (_name, path, body, pattern) => {
		expect(answer(path, body).join('\n')).toMatch(pattern);
	});

	it.each([
		['an error body of another shape', 400, { error: 'bad' }, {}, /code|message/],
		['code 9 without Ozon\'s words', 400, { code: 9, message: 'gone' }, {}, /obsolete method cannot be used/],
		['a quota 429 without Item-Retry-After', 429, { code: 'RESOURCE_EXHAUSTED', message: 'Retry after 60 seconds' }, {}, /Item-Retry-After/],
		['Item-Retry-After in seconds with a fraction', 429, { code: 'RESOURCE_EXHAUSTED', message: 'limit' }, { 'Item-Retry-After': '0.05' }, /whole number of minutes/],
		['a per-second 429 with other words', 429, { code: 8, message: 'Too many requests' }, {}, /request rate limit per second/],
		['a 401 with another code', 401, { code: 7, message: 'x' }, {}, /code 7/],
	])('error: %s', (_name, status, body, headers, pattern) => {
		expect(answer('/v2/product/pictures/import', body, status, headers).join('\n')).toMatch(pattern);
	});

	it('a quota 429 only on product updates', () => {
		expect(answer('/v3/product/info/list', { code: 'RESOURCE_EXHAUSTED', message: 'x' }, 429, { 'Item-Retry-After': '1' }).join('\n')).toMatch(/only product updates/);
	});
});

describe('the recorder that fails a test', () => {
	it('records what the checks find, until taken out', () => {
		checkRequest('POST', '/v1/product/pictures/import?x=1', HEADERS, JSON.stringify({ product_id: 1, images: [url(1)], images360: [url(2)] }));
		expect(takeViolations()).toEqual([expect.stringMatching(/^POST \/v1\/product\/pictures\/import: request body: Unrecognized key\(s\) in object: 'images360'/)]);
		expect(takeViolations()).toEqual([]);
	});

	it('covers every method the node calls', () => {
		expect(Object.keys(METHODS).sort()).toEqual([
			'/v1/product/import/info',
			'/v1/product/pictures/import',
			'/v1/roles',
			'/v2/product/pictures/import',
			'/v2/product/pictures/info',
			'/v3/product/info/list',
		]);
	});
});
