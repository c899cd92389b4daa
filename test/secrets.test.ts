/**
 * The Api-Key must never reach what n8n shows or stores: output items, the thrown error (message,
 * description, context, cause — n8n keeps it with the execution) or log lines. Every error path is
 * forced with a recognisable key, and everything the run produced is searched for it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';

import nock from 'nock';
import { LoggerProxy, type IDataObject, type INode } from 'n8n-workflow';

import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow, type TestCredentials } from './helpers/n8nEngine';
import { API_KEY, credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, ozon, product } from './helpers/ozonMock';
import { useFastTiming } from './helpers/timing';
import { useVirtualTime } from './helpers/virtualTime';

const logLines: string[] = [];
const capture = (level: string) => (message: string, meta?: object) => logLines.push(`${level} ${message} ${inspect(meta, { depth: 10 })}`);
LoggerProxy.init({ error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') } as never);
// n8n-core's own logger writes through the console (winston); test/setup/console.ts records it.
const consoleLines = () => (globalThis as unknown as { recordedConsole: () => string[] }).recordedConsole();

const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}' };
const items = [{ offer: 'SKU-001', urls: 'https://img.example/1.jpg' }];
const keySeen: string[] = [];
const consoleSeen: string[] = [];

async function runAndSearch(parameters: IDataObject, nodeOptions: Partial<INode> = {}, creds: TestCredentials = credentials) {
	logLines.length = 0;
	const consoleBefore = consoleLines().length;
	const result = await runWorkflow(ozonWorkflow(items, { ...PUSH, ...parameters } as INode['parameters'], nodeOptions), creds);
	const everything = [
		JSON.stringify(result.output(OZON_NODE_NAME) ?? null),
		JSON.stringify(result.error ?? null),
		inspect(result.error, { depth: Infinity, showHidden: true }),
		inspect(result.run.data, { depth: Infinity }),
		...logLines,
		...consoleLines().slice(consoleBefore),
	].join('\n');
	if (consoleLines().length > consoleBefore) logLines.push('console.');
	return { result, everything };
}

useFastTiming();

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's turns, polls and read-back waits pass in no real time. */
useVirtualTime();


const failing: Array<[string, () => void, IDataObject?, Partial<INode>?]> = [
	['401', () => ozon().post('/v3/product/info/list').reply(401, { code: 16, message: 'Client-Id and Api-Key headers are required' })],
	['403', () => ozon().post('/v3/product/info/list').reply(403, { code: 7, message: 'Invalid Api-Key, please contact support' })],
	['403 continue-on-fail', () => ozon().post('/v3/product/info/list').reply(403, { code: 7, message: 'Invalid Api-Key' }), {}, { onError: 'continueRegularOutput' }],
	['Ozon echoing the key in its message', () => ozon().post('/v3/product/info/list').reply(400, { code: 3, message: `bad key ${API_KEY} given` })],
	['Ozon echoing the key in a non-JSON body', () => ozon().post('/v3/product/info/list').times(3).reply(502, `<html>upstream said ${API_KEY}</html>`)],
	['5xx after retries', () => ozon().post('/v3/product/info/list').times(3).reply(500, { code: 13, message: 'internal' })],
	['5xx continue-on-fail', () => ozon().post('/v3/product/info/list').times(3).reply(500, { code: 13 }), {}, { onError: 'continueRegularOutput' }],
	['truncated body', () => ozon().post('/v3/product/info/list').times(3).reply(200, '{"items": [')],
	['timeout', () => ozon().post('/v3/product/info/list').times(2).delay(1500).reply(200, { items: [] }), { options: { timeout: 1, maxRetries: 1 } }],
	['429 past the cap', () => {
		mockInfoList([product(1)]);
		ozon().post('/v2/product/pictures/import').reply(429, { code: 'RESOURCE_EXHAUSTED', message: 'Retry after 900 seconds' });
	}],
	['400 on import', () => {
		mockInfoList([product(1)]);
		ozon().post('/v2/product/pictures/import').reply(400, { code: 3, message: 'invalid', details: [{ typeUrl: 't', value: API_KEY }] });
	}],
	['task failed', () => {
		mockInfoList([product(1)]);
		mockImportInfo(mockImportV2(), () => ({ status: 'failed', errors: [{ code: 'x', message: 'bad image' }] }));
	}],
	['v1 switched off', () => {
		mockInfoList([product(1)]);
		ozon().post('/v1/product/pictures/import').reply(404, { code: 5, message: 'not found' });
	}, { options: { apiVersion: 'v1' } }],
	// Ozon's text is cut for display: the key must be redacted before the cut, or a piece of it survives.
	['the key crossing the cut of a JSON message', () => ozon().post('/v3/product/info/list').reply(400, { code: 3, message: `${'x'.repeat(490)}${API_KEY} and more` })],
	['the key crossing the cut of a non-JSON body', () => ozon().post('/v3/product/info/list').times(3).reply(502, `${'y'.repeat(285)}${API_KEY} and more`)],
	// Ozon's per-item errors inside 200 answers reach the item's errors and warnings.
	['the key in import/info per-item errors', () => {
		mockInfoList([product(1)]);
		mockImportInfo(mockImportV2(), () => ({
			status: 'failed',
			errors: [{ code: 'x', field: `images ${API_KEY}`, message: `bad image, key ${API_KEY}`, description: `${'z'.repeat(495)}${API_KEY}`, attribute_name: API_KEY }],
		}));
	}],
	['the key in pictures/info per-item errors (push read-back)', () => {
		mockInfoList([product(1)]);
		mockImportInfo(mockImportV2());
		mockPicturesInfo(() => ({ photo: [`https://cdn.ozon.test/${API_KEY}.jpg`], errors: [{ url: 'https://img.example/1.jpg', message: `download failed for ${API_KEY}` }] }));
	}],
	['the key in pictures/info per-item errors (get)', () => {
		mockInfoList([product(1)]);
		mockPicturesInfo(() => ({ photo: [`https://cdn.ozon.test/${API_KEY}.jpg`], errors: [{ url: `https://img.example/${API_KEY}.jpg`, message: `download failed for ${API_KEY}` }] }));
	}, { operation: 'get' }],
	['invalid input', () => undefined, { images: 'ftp://nope' }],
	['checkUrls failure', () => nock('https://img.example').head('/1.jpg').reply(404, ''), { options: { checkUrls: true } }],
	['dry run', () => mockInfoList([product(1)]), { options: { dryRun: true } }],
	['success', () => {
		mockInfoList([product(1)]);
		mockImportInfo(mockImportV2());
		mockPicturesInfo(() => ({}));
	}],
];

/** Every piece of the key at least 6 characters long that appears in the text (none may). */
function keyFragments(text: string): string[] {
	const found = new Set<string>();
	for (let start = 0; start + 6 <= API_KEY.length; start++) {
		const piece = API_KEY.slice(start, start + 6);
		if (text.includes(piece)) found.add(piece);
	}
	return [...found];
}

// Under Stop Workflow a failed item becomes the node's error; under Continue every item is output.
const SETTINGS: Array<[string, Partial<INode>]> = [
	['Stop Workflow', {}],
	['Continue', KEEP_FAILED_ITEMS],
];

describe.each(failing)('%s', (_name, arrange, parameters = {}, nodeOptions) => {
	it.each(nodeOptions ? [['as set', nodeOptions] as [string, Partial<INode>]] : SETTINGS)('%s: leaves no trace of the Api-Key, not even a piece of it', async (_setting, options) => {
		arrange();
		const { everything } = await runAndSearch(parameters, options);
		expect(everything).not.toContain(API_KEY);
		expect(keyFragments(everything)).toEqual([]);
		if (everything.includes('[redacted]')) keySeen.push(_name);
		if (logLines.some((line) => line.startsWith('console.'))) consoleSeen.push(_name);
	});
});

it('the echo cases were really redacted, and the console log was really searched', () => {
	expect(keySeen).toEqual(
		expect.arrayContaining([
			'Ozon echoing the key in its message',
			'Ozon echoing the key in a non-JSON body',
			'the key crossing the cut of a JSON message',
			'the key crossing the cut of a non-JSON body',
			'the key in import/info per-item errors',
			'the key in pictures/info per-item errors (push read-back)',
			'the key in pictures/info per-item errors (get)',
		]),
	);
	expect(consoleSeen).toEqual(expect.arrayContaining(['401', 'Ozon echoing the key in a non-JSON body']));
});

it('a connection reset leaves no trace of the Api-Key', async () => {
	const server = http.createServer((req) => req.socket.destroy());
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	nock.enableNetConnect('127.0.0.1');
	try {
		const { port } = server.address() as AddressInfo;
		const { result, everything } = await runAndSearch({}, {}, { ...credentials, baseUrl: `http://127.0.0.1:${port}` });
		expect(result.error?.message).toMatch(/^Could not reach Ozon at http:\/\/127\.0\.0\.1:\d+: the connection was reset \(after 3 attempts\)$/);
		expect(everything).not.toContain(API_KEY);
	} finally {
		nock.disableNetConnect();
		server.close();
	}
});
