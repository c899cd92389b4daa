/** checkUrls through the node: what is asked of image hosts, and what each answer means for the item. */
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, product } from '../../../helpers/ozonMock';
import { useFastTiming } from '../../../helpers/timing';

type Result = { success: boolean; data: IDataObject; errors: Array<{ field: string; index?: number; url?: string; reason: string }> };

const HOST = 'https://img.example.com';
const jpeg = { 'Content-Type': 'image/jpeg', 'Content-Length': '120000' };

async function pushChecked(urls: string[], options: IDataObject = { checkUrls: true }) {
	mockInfoList([product(1)]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	mockPicturesInfo(() => ({}));
	const result = await runWorkflow(
		ozonWorkflow([{ offer: 'SKU-001', urls }], {
			resource: 'productImage',
			operation: 'push',
			identifyBy: 'offerId',
			offerId: '={{ $json.offer }}',
			images: '={{ $json.urls }}',
			options,
		} as INode['parameters']),
		credentials,
	);
	return { result: (result.output(OZON_NODE_NAME) ?? [])[0]?.json as unknown as Result, imports };
}

useFastTiming();

describe('checkUrls', () => {
	it('good images pass and are sent', async () => {
		nock(HOST).head('/1.jpg').reply(200, '', jpeg);
		nock(HOST).head('/2.png').reply(200, '', { 'Content-Type': 'image/png; charset=binary' });
		const { result, imports } = await pushChecked([`${HOST}/1.jpg`, `${HOST}/2.png`]);
		expect(result.success).toBe(true);
		expect(imports).toHaveLength(1);
	});

	it('falls back to a one-byte ranged GET where HEAD is refused (presigned URLs)', async () => {
		nock(HOST).head('/signed.jpg').query(true).reply(403, '');
		nock(HOST, { reqheaders: { range: 'bytes=0-0' } }).get('/signed.jpg').query(true).reply(206, 'x', { 'Content-Type': 'image/jpeg', 'Content-Range': 'bytes 0-0/2048' });
		const { result } = await pushChecked([`${HOST}/signed.jpg?X-Amz-Signature=abc`]);
		expect(result.success).toBe(true);
	});

	it('follows up to 3 redirects', async () => {
		nock(HOST).head('/a.jpg').reply(301, '', { Location: '/b.jpg' });
		nock(HOST).head('/b.jpg').reply(302, '', { Location: 'https://cdn.example.com/c.jpg' });
		nock('https://cdn.example.com').head('/c.jpg').reply(200, '', jpeg);
		const { result } = await pushChecked([`${HOST}/a.jpg`]);
		expect(result.success).toBe(true);
	});

	it.each([
		['a 404', () => nock(HOST).head('/x.jpg').reply(404, ''), 'Answers HTTP 404'],
		['an HTML page', () => nock(HOST).head('/x.jpg').reply(200, '', { 'Content-Type': 'text/html' }), 'Not a JPEG or PNG image (Content-Type: text/html)'],
		['a WebP image', () => nock(HOST).head('/x.jpg').reply(200, '', { 'Content-Type': 'image/webp' }), 'Not a JPEG or PNG image (Content-Type: image/webp)'],
		['no content type', () => nock(HOST).head('/x.jpg').reply(200, ''), 'Not a JPEG or PNG image (Content-Type: none)'],
		['a 12 MB file', () => nock(HOST).head('/x.jpg').reply(200, '', { 'Content-Type': 'image/jpeg', 'Content-Length': String(12 * 1024 * 1024) }), 'Larger than 10 MB (12.0 MB)'],
		['a ranged answer saying 11 MB', () => {
			nock(HOST).head('/x.jpg').reply(405, '');
			nock(HOST).get('/x.jpg').reply(206, 'x', { 'Content-Type': 'image/jpeg', 'Content-Range': `bytes 0-0/${11 * 1024 * 1024}` });
		}, 'Larger than 10 MB (11.0 MB)'],
		['4 redirects', () => {
			for (const [from, to] of [['x', 'r1'], ['r1', 'r2'], ['r2', 'r3'], ['r3', 'r4']]) nock(HOST).head(`/${from}.jpg`).reply(302, '', { Location: `/${to}.jpg` });
		}, 'More than 3 redirects'],
		['a redirect to cloud metadata', () => nock(HOST).head('/x.jpg').reply(302, '', { Location: 'http://169.254.169.254/latest/meta-data/' }), 'Refused: redirects to 169.254.169.254 is a link-local address (cloud metadata lives there)'],
		['a timeout', () => nock(HOST).head('/x.jpg').delayConnection(11_000).reply(200, '', jpeg), 'Not reachable: no answer within 10 s'],
	])('%s fails the item on the URL\'s index, and nothing is sent', async (_name, arrange, reason) => {
		nock(HOST).head('/ok.jpg').reply(200, '', jpeg);
		arrange();
		const { result, imports } = await pushChecked([`${HOST}/ok.jpg`, `${HOST}/x.jpg`]);
		expect(result).toMatchObject({ success: false, data: { status: 'invalid' }, errors: [{ field: 'images', index: 1, url: `${HOST}/x.jpg`, reason }] });
		expect(imports).toHaveLength(0);
	}, 20_000);

	it.each([
		'http://127.0.0.1/a.jpg',
		'http://[::1]/a.jpg',
		'http://10.0.0.5/a.jpg',
		'http://localhost:8080/a.jpg',
		'http://metadata.google.internal/computeMetadata/v1/',
		'http://127.0.0.1.nip.io/a.jpg',
	])('never contacts %s', async (url) => {
		// No interceptor: a request would fail with "not reachable" instead of "refused".
		const { result } = await pushChecked([url]);
		expect(result.errors[0].reason).toMatch(/^Refused to check: /);
	});

	it('off by default: no request goes to the image host', async () => {
		const { result } = await pushChecked([`${HOST}/unchecked.jpg`], {});
		expect(result.success).toBe(true);
	});
});
