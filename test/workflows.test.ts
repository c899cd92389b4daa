/** Saved workflow JSON (as the n8n editor exports it) run through n8n-core's execution engine. */
import type { IDataObject } from 'n8n-workflow';

import pushSheetRows from './fixtures/workflows/push-sheet-rows.json';
import { runWorkflow, type WorkflowJson } from './helpers/n8nEngine';
import { credentials, mockImportInfo, mockImportV2, mockInfoList, mockPicturesInfo, product } from './helpers/ozonMock';
import { useFastTiming } from './helpers/timing';

useFastTiming();

test('push-sheet-rows.json: rows become one import, each row one paired result', async () => {
	mockInfoList([product(1), product(2)]);
	const imports = mockImportV2();
	mockImportInfo(imports);
	// Ozon's copies of the photos sent, one for one.
	mockPicturesInfo((id) => ({ primary_photo: [], photo: id === 1001 ? ['https://cdn.ozon.test/1a.jpg', 'https://cdn.ozon.test/1b.jpg'] : ['https://cdn.ozon.test/2m.jpg', 'https://cdn.ozon.test/2a.jpg', 'https://cdn.ozon.test/2b.jpg'] }));

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
