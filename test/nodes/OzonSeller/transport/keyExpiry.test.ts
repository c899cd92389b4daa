/**
 * API keys expire; `/v1/roles` says when. Every item of a run is warned when the key expires within
 * 14 days, and the date is read at most once an hour per key for the whole process.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { OZON_NODE_NAME, ozonWorkflow, runWorkflow, type TestCredentials } from '../../../helpers/n8nEngine';
import { credentials, keyRoles, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, ozon, product } from '../../../helpers/ozonMock';
import { useFastTiming } from '../../../helpers/timing';
import { useVirtualTime } from '../../../helpers/virtualTime';

type Output = { success: boolean; data: IDataObject; warnings: Array<{ field: string; message: string }> };

const DAY_MS = 86_400_000;
const PUSH = { resource: 'productImage', operation: 'push', identifyBy: 'offerId', offerId: '={{ $json.offer }}', images: '={{ $json.urls }}' };
const GET = { resource: 'productImage', operation: 'get', identifyBy: 'offerId', offerId: '={{ $json.offer }}' };
const rows = [
	{ offer: 'SKU-001', urls: 'https://img.example/1.jpg' },
	{ offer: 'SKU-002', urls: 'https://img.example/2.jpg' },
];

async function run(parameters: IDataObject, items: IDataObject[], creds: TestCredentials = credentials) {
	const result = await runWorkflow(ozonWorkflow(items, parameters as INode['parameters']), creds);
	return (result.output(OZON_NODE_NAME) ?? []).map((item) => item.json as unknown as Output);
}

function ozonAnswers() {
	mockInfoList([product(1), product(2)]);
	mockImportInfo(mockImportV2());
	mockPicturesInfo(() => ({}));
}

const expiryWarnings = (json: Output[]) => json.map((item) => item.warnings.filter((warning) => warning.field === 'credentials'));

useFastTiming();

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: an hour passes in no real time. */
const clock = useVirtualTime();

describe('API key expiry', () => {
	it('a key expiring within 14 days: every item of a push and of a get carries a warning with the date and how to renew', async () => {
		ozonAnswers();
		const expiresAt = new Date(clock().now() + 5 * DAY_MS + 3600_000);
		keyRoles.expiresAt = expiresAt.toISOString();
		const pushed = await run(PUSH, rows);
		expect(pushed.map((item) => item.success)).toEqual([true, true]);
		const when = expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
		for (const warnings of expiryWarnings(pushed)) {
			expect(warnings).toEqual([
				{
					field: 'credentials',
					message: `The Ozon API key of this credential expires on ${when} (in 5 days). Create a new key in Ozon Seller: Settings → Seller API (Product role, or Admin) and paste it into the Ozon Seller API credential before then; requests with an expired key are refused`,
				},
			]);
		}
		const read = await run(GET, rows);
		expect(expiryWarnings(read).map((warnings) => warnings.length)).toEqual([1, 1]);
	});

	it('a key valid for longer than 14 days: no warning', async () => {
		ozonAnswers();
		keyRoles.expiresAt = new Date(clock().now() + 15 * DAY_MS).toISOString();
		expect(expiryWarnings(await run(PUSH, rows))).toEqual([[], []]);
	});

	it('is read at most once an hour per key, for the whole process', async () => {
		ozonAnswers();
		keyRoles.expiresAt = new Date(clock().now() + 2 * DAY_MS).toISOString();
		await run(PUSH, rows);
		const second = await run(GET, rows);
		expect(keyRoles.calls).toBe(1);
		// The cached date still warns.
		expect(expiryWarnings(second).map((warnings) => warnings.length)).toEqual([1, 1]);

		// Another key of the same account is another key: read on its own.
		const otherKey = 'OTHER-KEY-0a1b2c3d';
		let otherCalls = 0;
		// Through the helper, so these requests are held to Ozon's contract like every other.
		const other = ozon(otherKey);
		other.post('/v1/roles').reply(() => {
			otherCalls++;
			return [200, { expires_at: new Date(clock().now() + 60 * DAY_MS).toISOString(), roles: [] }];
		});
		other.post('/v3/product/info/list').reply(200, { items: [product(1)] });
		other.post('/v2/product/pictures/info').reply(200, { items: [{ product_id: 1001, primary_photo: [], photo: [], color_photo: [], errors: [] }] });
		const withOtherKey = await run(GET, [rows[0]], { ...credentials, apiKey: otherKey });
		expect(otherCalls).toBe(1);
		expect(expiryWarnings(withOtherKey)).toEqual([[]]);

		// An hour later the first key is read again.
		await clock().sleep(3601_000);
		await run(GET, rows);
		expect(keyRoles.calls).toBe(2);
	});

	it('when Ozon does not answer /v1/roles, the run goes on without a warning, and the read is not retried', async () => {
		ozonAnswers();
		keyRoles.status = 500;
		const json = await run({ ...PUSH, options: { maxRetries: 3 } }, rows);
		expect(json.map((item) => item.success)).toEqual([true, true]);
		expect(expiryWarnings(json)).toEqual([[], []]);
		expect(keyRoles.calls).toBe(1);
	});
});
