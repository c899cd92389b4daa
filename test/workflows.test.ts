/** Saved workflow JSON (as the n8n editor exports it) run through n8n-core's execution engine. */
import fs from 'node:fs';
import path from 'node:path';

import type { IDataObject, INode } from 'n8n-workflow';

import pushSheetRows from './fixtures/workflows/push-sheet-rows.json';
import { OZON_NODE_NAME, ozonWorkflow, runWorkflow, type WorkflowJson } from './helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, product } from './helpers/ozonMock';
import { useFastTiming } from './helpers/timing';
import { useVirtualTime } from './helpers/virtualTime';

useFastTiming();

/** Every case in virtual time (test/helpers/virtualTime.ts), `Date.now()` included: the limiter's turns, polls and read-back waits pass in no real time. */
useVirtualTime();

test('push-sheet-rows.json: rows become one import, each row one paired result', async () => {
	mockInfoList([product(1), product(2)]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	// Ozon's copies of the photos sent, one for one.
	mockPicturesInfo((id) => ({ primary_photo: [], photo: id === 1001 ? ['https://cdn1.ozone.ru/s3/multimedia-t/1a.jpg', 'https://cdn1.ozone.ru/s3/multimedia-t/1b.jpg'] : ['https://cdn1.ozone.ru/s3/multimedia-t/2m.jpg', 'https://cdn1.ozone.ru/s3/multimedia-t/2a.jpg', 'https://cdn1.ozone.ru/s3/multimedia-t/2b.jpg'] }));

	const result = await runWorkflow(pushSheetRows as unknown as WorkflowJson, credentials);
	const output = result.output('Push to Ozon') ?? [];

	expect(imports.map((call) => call.items)).toEqual([
		[
			{ offer_id: 'SKU-001', images: ['https://img.example/SKU-001/1.jpg', 'https://img.example/SKU-001/2.jpg'] },
			{ offer_id: 'SKU-002', primary_image: 'https://img.example/SKU-002/main.jpg', images: ['https://img.example/SKU-002/1.jpg', 'https://img.example/SKU-002/2.jpg'] },
		],
	]);
	expect(output.map((item) => [item.pairedItem, (item.json as IDataObject).success])).toEqual([
		[{ item: 0 }, true],
		[{ item: 1 }, true],
		[{ item: 2 }, false],
	]);
	expect((output[2].json.errors as IDataObject[])[0]).toEqual({ field: 'offer_id', reason: 'Offer ID is empty' });
});

/**
 * An example from examples/ as users import it: its Ozon node exactly as saved (parameters and node
 * settings), fed the rows of the Code node that stands in for its source. The examples run whole in
 * a real n8n in test/e2e/n8n.e2e.ts; this keeps their node settings under the offline suite too.
 */
function example(file: string, standIn: string, ozonNode: string): { workflow: WorkflowJson; rows: IDataObject[] } {
	const saved = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', file), 'utf8')) as WorkflowJson;
	const code = saved.nodes.find((node) => node.name === standIn)?.parameters.jsCode as string;
	// The stand-ins are plain data: their code needs nothing from n8n.
	const rows = (new Function(code)() as Array<{ json: IDataObject }>).map((row) => row.json);
	const node = saved.nodes.find((candidate) => candidate.name === ozonNode) as INode;
	return { workflow: ozonWorkflow(rows, node.parameters, { onError: node.onError }), rows };
}

test('bulk-sync-from-sheet.json: the push gives one flat row per sheet row, ready for Append or Update Row by offer_id', async () => {
	mockInfoList([1, 2, 3, 4, 5, 6].map((n) => product(n)));
	const imports = mockImportV2();
	mockImportInfo(imports);
	// Ozon reads back what the task set (the mocks keep each product's photos).
	mockPicturesInfo(() => ({}));

	const { workflow, rows } = example('bulk-sync-from-sheet.json', 'Sheet rows', 'Push images to Ozon');
	const output = (await runWorkflow(workflow, credentials)).output(OZON_NODE_NAME) ?? [];

	expect(output.map((item) => item.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
	for (const item of output) {
		expect(Object.keys(item.json)).toEqual(['offer_id', 'product_id', 'success', 'status', 'images_before', 'images_after', 'task_id', 'errors', 'warnings']);
	}
	expect(output.map((item) => [item.json.offer_id, item.json.success, item.json.status])).toEqual([
		['SKU-001', true, 'imported'],
		['SKU-002', true, 'imported'],
		['SKU-003', true, 'imported'],
		['SKU-004', true, 'imported'],
		['SKU-404', false, 'invalid'],
		['SKU-005', false, 'invalid'],
		['SKU-006', false, 'invalid'],
	]);
	expect(output[6].json.errors).toBe('images[1]: URL must start with http:// or https:// (got ftp) (ftp://img.example.com/SKU-006/2.jpg)');
});

test('push-with-error-output.json: confirmed products on Success, the four failed ones on Error, paired', async () => {
	mockInfoList([10, 11, 12, 13].map((n) => product(n)));
	const imports = mockImportV2();
	mockImportInfo(imports);
	// Ozon reads back what the task set (the mocks keep each product's photos).
	mockPicturesInfo(() => ({}));

	const { workflow } = example('push-with-error-output.json', 'Product rows', 'Push images to Ozon');
	const [success, failed] = (await runWorkflow(workflow, credentials)).outputs(OZON_NODE_NAME) ?? [];

	expect(success.map((item) => [item.pairedItem, (item.json.data as IDataObject).offer_id])).toEqual([[{ item: 0 }, 'SKU-010']]);
	expect(failed.map((item) => [item.pairedItem, item.json.success, (item.json.errors as IDataObject[])[0].field])).toEqual([
		[{ item: 1 }, false, 'offer_id'],
		[{ item: 2 }, false, 'images'],
		[{ item: 3 }, false, 'mode'],
		[{ item: 4 }, false, 'mode'],
	]);
	expect(imports.map((call) => (call.items as IDataObject[]).map((item) => item.offer_id))).toEqual([['SKU-010']]);
});

test('webhook-upload-push.json: a confirmed push takes the first output, a failed one the error output, each with its result', async () => {
	mockInfoList([product(7)]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	// Ozon reads back what the task set (the mocks keep each product's photos).
	mockPicturesInfo(() => ({}));

	const saved = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', 'webhook-upload-push.json'), 'utf8')) as WorkflowJson;
	const node = saved.nodes.find((candidate) => candidate.name === 'Push images to Ozon') as INode;
	// What the Webhook node gives the push: the request under `body`.
	const requests = [
		{ headers: { 'content-type': 'application/json' }, body: { offer_id: 'SKU-007', urls: ['https://r2.example.com/SKU-007/1.jpg'] } },
		{ headers: { 'content-type': 'application/json' }, body: { offer_id: 'SKU-008', urls: [] } },
	];
	const [pushed, failed] = (await runWorkflow(ozonWorkflow(requests, node.parameters, { onError: node.onError }), credentials)).outputs(OZON_NODE_NAME) ?? [];

	expect(pushed.map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).offer_id])).toEqual([[{ item: 0 }, true, 'SKU-007']]);
	expect(failed.map((item) => [item.pairedItem, item.json.success, (item.json.data as IDataObject).status])).toEqual([[{ item: 1 }, false, 'invalid']]);
	// Each branch ends in its own Respond to Webhook: 200 for the confirmed push, 422 for the failed one.
	const respond = (name: string) => saved.nodes.find((candidate) => candidate.name === name)?.parameters.options as IDataObject;
	expect(saved.connections['Push images to Ozon'].main.map((branch) => branch?.map((connection) => respond(connection.node).responseCode))).toEqual([[200], [422]]);
	expect(imports.map((call) => (call.items as IDataObject[]).map((item) => item.offer_id))).toEqual([['SKU-007']]);
});
