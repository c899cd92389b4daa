/**
 * `{{ $json.field }}` parameters are read from the item itself, not through n8n's expression engine
 * (which builds its whole context per evaluation: most of the CPU of a 10,000-item push). What an
 * item gets must be exactly what n8n would have given: both ways are run and compared.
 */
import nock from 'nock';
import { WorkflowExpression, type IDataObject, type INode } from 'n8n-workflow';

import { fieldShortcut } from '../../../../../nodes/OzonSeller/actions/common/parameters';
import { OzonSandbox } from '../../../../../sandbox/server';
import { seedProducts } from '../../../../../sandbox/store';
import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../../../../helpers/n8nEngine';

let sandbox: OzonSandbox;
beforeAll(async () => {
	nock.enableNetConnect('127.0.0.1');
	sandbox = new OzonSandbox({}, seedProducts(5));
	await sandbox.start();
});
afterAll(async () => {
	fieldShortcut.enabled = true;
	await sandbox.stop();
});

const url = (n: number) => `https://img.example.com/p/${n}.jpg`;
const ROWS: IDataObject[] = [
	{ offer: 'SKU-001', 'Image URLs': [url(1), url(2)] },
	{ offer: ' SKU-002 ', 'Image URLs': `${url(1)}, ${url(3)}` },
	{ offer: 3, 'Image URLs': [url(1), 4] },
	{ offer: null, 'Image URLs': { first: url(1) } },
	{ 'Image URLs': [] },
	{ offer: ['SKU-004'], 'Image URLs': url(5) },
	{ offer: true, 'Image URLs': [[url(1)]] },
	{ offer: 'SKU-005', 'Image URLs': ['', url(6), 'not a url'] },
	{ offer: 'SKU-404', constructor: 'x', 'Image URLs': [url(7)] },
];

async function dryRun(parameters: IDataObject): Promise<IDataObject[]> {
	const result = await runWorkflow(
		ozonWorkflow(ROWS, { resource: 'productImage', operation: 'push', identifyBy: 'offerId', options: { dryRun: true }, ...parameters } as INode['parameters'], KEEP_FAILED_ITEMS),
		{ clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: sandbox.url },
	);
	expect(result.error).toBeUndefined();
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json);
}

it.each([
	['dotted', { offerId: '={{ $json.offer }}', images: '={{ $json["Image URLs"] }}' }],
	['quoted', { offerId: "={{ $json['offer'] }}", images: "={{$json['Image URLs']}}" }],
	['constructor, left to n8n', { offerId: '={{ $json.constructor }}', images: '={{ $json["Image URLs"] }}' }],
])('%s: every item gets what n8n itself resolves', async (_, parameters) => {
	fieldShortcut.enabled = false;
	const byEngine = await dryRun(parameters);
	fieldShortcut.enabled = true;
	const byShortcut = await dryRun(parameters);
	expect(byShortcut).toEqual(byEngine);
	expect(byEngine).toHaveLength(ROWS.length);
});

it("n8n's expression engine is not run per item for a plain column", async () => {
	const evaluated = jest.spyOn(WorkflowExpression.prototype, 'getParameterValue');
	try {
		await dryRun({ offerId: '={{ $json.offer }}', images: '={{ $json["Image URLs"] }}' });
		const perItem = evaluated.mock.calls.filter(([value]) => typeof value === 'string' && value.includes('$json')).length;
		// Only the items whose value n8n would change (null, an object, nested lists, a list with a number) go through it.
		expect(perItem).toBeLessThanOrEqual(2 * 4);
	} finally {
		evaluated.mockRestore();
	}
});
