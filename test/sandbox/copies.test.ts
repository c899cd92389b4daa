/**
 * Pushes through n8n's engine against the sandbox in its `--cdn` mode, where Ozon serves its own
 * copies of every photo (`cdn1.ozone.ru/s3/multimedia-…`) and copies again the copy URLs an append
 * sends back: the read-back must confirm such a push without applying it again.
 */
import nock from 'nock';
import type { IDataObject, INode } from 'n8n-workflow';

import { OzonSandbox } from '../../sandbox/server';
import { seedProducts } from '../../sandbox/store';
import { KEEP_FAILED_ITEMS, OZON_NODE_NAME, ozonWorkflow, runWorkflow } from '../helpers/n8nEngine';
import { useFastTiming } from '../helpers/timing';
import { useVirtualTime } from '../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; errors: Array<{ field: string; reason: string }>; warnings: Array<{ field: string; message: string }> };

const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}' };
const photo = (name: string) => `https://img.example.com/SKU-001/${name}.jpg`;

let sandbox: OzonSandbox;

async function push(mode: 'append' | 'replace', ...names: string[]): Promise<Output> {
	const items = [{ offer: 'SKU-001', urls: names.map(photo).join('\n') }];
	const result = await runWorkflow(ozonWorkflow(items, { ...PUSH, mode } as INode['parameters'], KEEP_FAILED_ITEMS), { clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: sandbox.url });
	expect(result.error).toBeUndefined();
	const output = (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output);
	expect(output).toHaveLength(1);
	return output[0];
}

const imports = () => sandbox.store.log.filter((entry) => entry.path === '/v2/product/pictures/import').length;
const photos = () => {
	const product = sandbox.store.byOffer('SKU-001');
	return [...(product?.primary_image ?? []), ...(product?.images ?? [])];
};
const reapplied = (item: Output) => item.warnings.filter((warning) => /Applied again/.test(warning.message));

beforeAll(() => nock.enableNetConnect('127.0.0.1'));
beforeEach(async () => {
	sandbox = new OzonSandbox({ processingMs: 50 }, seedProducts(2));
	await sandbox.start();
	sandbox.store.configure({ cdnRewrite: true });
});
afterEach(async () => sandbox?.stop());
useFastTiming();

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's turns, Ozon's processing, polls and read-back waits pass in no real time. */
useVirtualTime();

describe("pushes where Ozon serves its own copies (sandbox --cdn)", () => {
	it('an append of one photo adds exactly one photo, confirmed by its copies, with one import and no re-apply', async () => {
		expect(photos()).toHaveLength(2);
		const item = await push('append', 'a');
		expect(item).toMatchObject({ success: true, data: { status: 'imported' } });
		expect(reapplied(item)).toEqual([]);
		expect(imports()).toBe(1);
		expect(photos()).toHaveLength(3);
		for (const url of photos()) expect(url).toMatch(/^https:\/\/cdn1\.ozone\.ru\/s3\/multimedia-/);
		expect(item.data.current_images).toEqual(photos());
	});

	it('a second append, built on the copies the first one left, adds one more photo', async () => {
		await push('append', 'a');
		const item = await push('append', 'b');
		expect(item).toMatchObject({ success: true, data: { status: 'imported' } });
		expect(reapplied(item)).toEqual([]);
		expect(imports()).toBe(2);
		expect(photos()).toHaveLength(4);
	});

	it('a replace is confirmed by the copies of the photos sent', async () => {
		const item = await push('replace', 'r1', 'r2');
		expect(item).toMatchObject({ success: true, data: { status: 'imported' } });
		expect(imports()).toBe(1);
		expect(photos()).toHaveLength(2);
		expect(photos()).not.toContain(photo('r1'));
	});
});
