/** checkUrls through the node: what is asked of image hosts, and what each answer means for the item. */
import nock from 'nock';
import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { NodeProcess } from '../../../../nodes/OzonSeller/runtime/nodeProcess';
import { egressFilterOf, probeImage, type EgressFilter } from '../../../../nodes/OzonSeller/transport/imageProbe';
import { resolveNames } from '../../../helpers/dns';
import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow, startWorkflow } from '../../../helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, product } from '../../../helpers/ozonMock';
import { tuneProcess } from '../../../helpers/nodeProcess';
import { useFastTiming } from '../../../helpers/timing';
import { virtualTimeForThisCase } from '../../../helpers/virtualTime';

type Result = { success: boolean; data: IDataObject; errors: Array<{ field: string; index?: number; url?: string; reason: string }> };

const HOST = 'https://img.example.com';
const jpeg = { 'Content-Type': 'image/jpeg', 'Content-Length': '120000' };

/** Pushes one item per URL list (SKU-001, SKU-002, …) with the given options. */
async function pushCheckedItems(urlLists: string[][], options: IDataObject = { checkUrls: true }, nodeOptions: Partial<INode> = KEEP_FAILED_ITEMS) {
	mockInfoList(urlLists.map((_, index) => product(index + 1)));
	const imports = mockImportV2();
	mockImportInfo(imports);
	mockPicturesInfo(() => ({}));
	const run = await runWorkflow(
		ozonWorkflow(
			urlLists.map((urls, index) => ({ offer: `SKU-00${index + 1}`, urls })),
			{
				resource: 'productImage',
				operation: 'push',
				identifyBy: 'offerId',
				offerId: '={{ $json.offer }}',
				images: '={{ $json.urls }}',
				options,
			} as INode['parameters'],
			nodeOptions,
		),
		credentials,
	);
	const items = (run.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Result);
	return { result: items[0], items, imports, error: run.error };
}

async function pushChecked(urls: string[], options: IDataObject = { checkUrls: true }) {
	const { result, imports } = await pushCheckedItems([urls], options);
	return { result, imports };
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
		// A real wait: the host's silence is real I/O. The process waits 1 s for an answer here, not 10 s (the default, below).
		['a timeout', () => nock(HOST).head('/x.jpg').delayConnection(1500).reply(200, '', jpeg), 'Not reachable: no answer within 1 s'],
	])('%s fails the item on the URL\'s index, and nothing is sent', async (_name, arrange, reason) => {
		tuneProcess({ transport: { probeTimeoutMs: 1000 } });
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
		'http://7f000001.nip.io/a.jpg',
		'http://1.1.1.1.127.0.0.1.nip.io/a.jpg',
		'http://8-8-8-8-10-0-0-1.nip.io/a.jpg',
		'http://[::ffff:0:7f00:1]/a.jpg',
	])('never contacts %s: refused before any check, as Ozon could not fetch it either', async (url) => {
		// No interceptor: a request would fail with "not reachable" instead of the refusal.
		const { result, imports } = await pushChecked([url]);
		expect(result.errors[0].reason).toMatch(/^Ozon fetches images from the internet and cannot reach this address: /);
		expect(imports).toHaveLength(0);
	});

	it.each([
		['an IPv6 literal cut short', 'http://[::1'],
		['a port out of range', 'http://img.example.com:99999/x.jpg'],
		['a host with a space', 'http://img example.com/x.jpg'],
	])('a redirect to %s fails that item with a reason; the run goes on', async (_name, location) => {
		nock(HOST).head('/ok.jpg').reply(200, '', jpeg);
		nock(HOST).head('/x.jpg').reply(302, '', { Location: location });
		const { result, imports, error, items } = await pushCheckedItems([[`${HOST}/x.jpg`], [`${HOST}/ok.jpg`]]);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
		expect(result).toMatchObject({ success: false, data: { status: 'invalid' }, errors: [{ field: 'images', index: 0, reason: 'Answers HTTP 302 with a redirect to an invalid address' }] });
		expect(items[1]).toMatchObject({ success: true });
		expect(imports.flatMap((call) => call.items as unknown[])).toHaveLength(1);
	});

	it('under continue-on-fail a bad redirect still gives the item its success and errors', async () => {
		nock(HOST).head('/x.jpg').reply(301, '', { Location: 'http://[::1' });
		const { items } = await pushCheckedItems([[`${HOST}/x.jpg`]], { checkUrls: true }, { onError: 'continueRegularOutput' });
		expect(items[0]).toMatchObject({ success: false, errors: [{ reason: 'Answers HTTP 301 with a redirect to an invalid address' }] });
	});

	it('waits 10 s for an image host by default', () => {
		expect(new NodeProcess().transport.settings.probeTimeoutMs).toBe(10_000);
	});

	it('off by default: no request goes to the image host', async () => {
		const { result } = await pushChecked([`${HOST}/unchecked.jpg`], {});
		expect(result.success).toBe(true);
	});
});

/**
 * A community node cannot resolve names itself; on n8n ≥ 2.30 Check URLs First asks n8n's egress
 * filter, which resolves the name and refuses loopback, private, link-local and other blocked
 * ranges. The test resolver (test/setup/dns.ts) stands in for DNS; SSRF protection is not switched
 * on in these tests, as on most instances.
 */
describe('checkUrls on an n8n with the egress filter (2.x)', () => {
	it('a public-looking name that resolves to 127.0.0.1 is refused and never contacted', async () => {
		resolveNames({ 'images.rebind-a.example.net': '127.0.0.1' });
		const contacted = nock('http://images.rebind-a.example.net').head(/.*/).reply(200, '', jpeg);
		const { result, imports } = await pushChecked(['http://images.rebind-a.example.net/a.jpg']);
		expect(result).toMatchObject({
			success: false,
			data: { status: 'invalid' },
			errors: [{ field: 'images', index: 0, reason: "Refused to check: images.rebind-a.example.net resolves to 127.0.0.1, an address n8n's egress rules block" }],
		});
		expect(contacted.isDone()).toBe(false);
		expect(imports).toHaveLength(0);
	});

	it('a redirect to a name that resolves to a private address is refused at that hop', async () => {
		resolveNames({ 'cdn.rebind-b.example.net': '10.0.0.7' });
		nock(HOST).head('/x.jpg').reply(302, '', { Location: 'https://cdn.rebind-b.example.net/x.jpg' });
		const contacted = nock('https://cdn.rebind-b.example.net').head(/.*/).reply(200, '', jpeg);
		const { result } = await pushChecked([`${HOST}/x.jpg`]);
		expect(result.errors[0].reason).toBe("Refused: redirects to cdn.rebind-b.example.net resolves to 10.0.0.7, an address n8n's egress rules block");
		expect(contacted.isDone()).toBe(false);
	});

	it('a name that does not resolve is reported as not reachable', async () => {
		resolveNames({ 'gone.rebind-c.example.net': 'ENOTFOUND' });
		const { result } = await pushChecked(['https://gone.rebind-c.example.net/a.jpg']);
		expect(result.errors[0].reason).toBe('Not reachable: the host name was not found');
	});

	it('asks for the enforced policy, which screens even where SSRF protection is off', () => {
		const policies: unknown[] = [];
		const filter = {} as EgressFilter;
		const ctx = { helpers: { getSecureEgressFilter: (policy: unknown) => (policies.push(policy), filter) } } as unknown as IExecuteFunctions;
		expect(egressFilterOf(ctx)).toBe(filter);
		expect(policies).toEqual(['enforced']);
		expect(egressFilterOf({ helpers: {} } as unknown as IExecuteFunctions)).toBeUndefined();
	});
});

/**
 * n8n 1.x has no getSecureEgressFilter: the node falls back to screening the address as written.
 * Simulated by removing the helper from what n8n-core gives the node.
 */
describe('checkUrls on an n8n without the egress filter (1.x)', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- patching needs the live CommonJS exports object, which an import binding cannot be assigned through
	const factory = require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/factory') as {
		getRequestHelperFunctions: (...args: unknown[]) => Record<string, unknown>;
	};
	const original = factory.getRequestHelperFunctions;

	beforeAll(() => {
		factory.getRequestHelperFunctions = (...args: unknown[]) => {
			const helpers = original(...args);
			delete helpers.getSecureEgressFilter;
			return helpers;
		};
	});

	afterAll(() => {
		factory.getRequestHelperFunctions = original;
	});

	it('a public-looking name that resolves to 127.0.0.1 is probed: the fallback reads only the address as written', async () => {
		resolveNames({ 'images.rebind-d.example.net': '127.0.0.1' });
		const contacted = nock('http://images.rebind-d.example.net').head('/a.jpg').reply(404, '');
		const { result } = await pushChecked(['http://images.rebind-d.example.net/a.jpg']);
		// The fallback cannot see through DNS: the name is probed (here it answers 404). docs/security.md says so.
		expect(contacted.isDone()).toBe(true);
		expect(result.errors[0].reason).toBe('Answers HTTP 404');
	});

	it('addresses as written are still refused, at every hop', async () => {
		nock(HOST).head('/x.jpg').reply(302, '', { Location: 'http://[::ffff:a9fe:a9fe]/latest/meta-data/' });
		const { result } = await pushChecked([`${HOST}/x.jpg`]);
		expect(result.errors[0].reason).toBe('Refused: redirects to [::ffff:a9fe:a9fe] is a link-local address (cloud metadata lives there)');
	});

	it('good images still pass', async () => {
		nock(HOST).head('/1.jpg').reply(200, '', jpeg);
		const { result } = await pushChecked([`${HOST}/1.jpg`]);
		expect(result.success).toBe(true);
	});
});

/**
 * Stopping an execution must stop the node's traffic: n8n fires the execution's abort signal and
 * leaves the node running, so a probe that ignores the signal goes on checking every URL.
 */
describe('checkUrls in a cancelled execution', () => {
	it('no URL is checked after the execution is cancelled, and nothing is sent to Ozon', async () => {
		const clock = virtualTimeForThisCase();
		const urls = Array.from({ length: 40 }, (_, n) => `${HOST}/c${n}.jpg`);
		const infoCalls = mockInfoList([product(1)]);
		const imports = mockImportV2();
		let checked = 0;
		let cancelled = false;
		let cancel: () => void = () => undefined;
		nock(HOST)
			.persist()
			.head(/^\/c\d+\.jpg$/)
			.delay(100)
			.reply(() => {
				checked++;
				if (!cancelled) {
					cancelled = true;
					cancel();
				}
				return [200, '', jpeg];
			});
		const started = startWorkflow(
			ozonWorkflow([{ offer: 'SKU-001', urls }], {
				resource: 'productImage',
				operation: 'push',
				identifyBy: 'offerId',
				offerId: '={{ $json.offer }}',
				images: '={{ $json.urls }}',
				options: { checkUrls: true },
			} as INode['parameters']),
			credentials,
		);
		cancel = started.cancel;
		await started.result;
		// The node goes on in the background after the engine reports the cancellation: give it time
		// to. A second of virtual time passes only once no check is on the wire any more.
		await clock.sleep(1000);
		expect(cancelled).toBe(true);
		// Only the checks already in flight when it was cancelled (8 run at once), none started after.
		expect(checked).toBeLessThanOrEqual(8);
		expect(infoCalls).toEqual([]);
		expect(imports).toEqual([]);
	});
});

/**
 * A request that fails below HTTP is described in the same words the transport uses for Ozon
 * (transport/errors.ts). nock cannot fail a connection under n8n's HTTP client, so n8n's request
 * helper is stood in for by one that throws as it does: the code on the error or on its cause.
 */
describe('checkUrls when the image host cannot be reached', () => {
	const failing = (error: Error) =>
		({ helpers: { httpRequest: async () => Promise.reject(error) }, getExecutionCancelSignal: () => undefined }) as unknown as IExecuteFunctions;
	const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

	it.each([
		['a refused connection', coded('connect ECONNREFUSED 203.0.113.5:443', 'ECONNREFUSED'), 'Not reachable: the connection was refused'],
		['a name that does not exist', coded('getaddrinfo ENOTFOUND img.example.com', 'ENOTFOUND'), 'Not reachable: the host name was not found'],
		['a reset, wrapped by the HTTP client', new Error('request failed', { cause: coded('socket hang up', 'ECONNRESET') }), 'Not reachable: the connection was reset'],
		['an unreachable host', coded('connect EHOSTUNREACH 203.0.113.5:443', 'EHOSTUNREACH'), 'Not reachable: the host is unreachable'],
		['a timeout', coded('timeout of 10000ms exceeded', 'ECONNABORTED'), 'Not reachable: no answer within 10 s'],
		['a certificate that is not accepted', coded('certificate has expired', 'CERT_HAS_EXPIRED'), 'Not reachable: its TLS certificate was not accepted'],
		['a failure it has no words for', coded('something odd', 'ESOMETHING'), 'Not reachable: the connection failed'],
	])('%s', async (_name, error, reason) => {
		expect(await probeImage(failing(error), `${HOST}/x.jpg`)).toEqual({ ok: false, reason });
	});
});
