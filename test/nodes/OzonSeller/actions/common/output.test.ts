import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { errorsText, finishOutput, warningsText } from '../../../../../nodes/OzonSeller/actions/common/output';

const context = (onError?: INode['onError']) => ({ getNode: () => ({ name: 'Ozon Seller', type: 'n8n-nodes-ozon-seller.ozonSeller', typeVersion: 1, onError }) }) as unknown as IExecuteFunctions;

const failed = {
	success: false,
	data: { offer_id: 'SKU-003', product_id: 1003, task_id: 9001, status: 'imported', previous_images: ['a', 'b'], current_images: ['a', 'b', 'c'] },
	errors: [{ field: 'images', index: 1, url: 'https://broken.example/SKU-003/back.jpg', reason: 'Ozon could not download the image' }],
	warnings: [{ field: 'images', message: 'Dropped 1 duplicate URL', urls: ['https://img.example/1.jpg'] }],
};
const items = (): INodeExecutionData[] => [
	{ json: { success: true, data: { offer_id: 'SKU-001', status: 'pending', task_id: 9000 }, errors: [], warnings: [] }, pairedItem: { item: 0 } },
	{ json: structuredClone(failed), pairedItem: { item: 1 } },
];

describe('errorsText / warningsText', () => {
	it('one line per entry, naming field and position, the URL unless the reason already names it', () => {
		expect(
			errorsText([
				{ field: 'images', index: 2, url: 'https://x.example/2.jpg', reason: 'Answers HTTP 404' },
				{ field: 'primary_image', url: 'https://x.example/m.jpg', reason: 'Ozon says https://x.example/m.jpg is too small' },
				{ field: 'offer_id', reason: 'Offer ID is empty' },
			]),
		).toBe('images[2]: Answers HTTP 404 (https://x.example/2.jpg)\nprimary_image: Ozon says https://x.example/m.jpg is too small\noffer_id: Offer ID is empty');
		expect(errorsText([])).toBe('');
	});

	it('warnings list the URLs they concern', () => {
		expect(warningsText([{ field: 'images', message: 'Kept the first 30 of 31 images', urls: ['https://x.example/31.jpg'] }, { field: 'credentials', message: 'The API key expires on 2026-12-01' }])).toBe(
			'images: Kept the first 30 of 31 images (https://x.example/31.jpg)\ncredentials: The API key expires on 2026-12-01',
		);
	});
});

describe('finishOutput', () => {
	it('Full Result leaves the items as they are; Flat Row gives push rows with the same columns for every item, paired', () => {
		expect(finishOutput(context(), 'push', items(), 'full').map((item) => item.json)).toEqual(items().map((item) => item.json));
		const rows = finishOutput(context(), 'push', items(), 'flatRow');
		expect(rows).toEqual([
			{
				json: { offer_id: 'SKU-001', product_id: null, success: true, status: 'pending', images_before: null, images_after: null, task_id: 9000, errors: '', warnings: '' },
				pairedItem: { item: 0 },
			},
			{
				json: {
					offer_id: 'SKU-003',
					product_id: 1003,
					success: false,
					status: 'imported',
					images_before: 2,
					images_after: 3,
					task_id: 9001,
					errors: 'images[1]: Ozon could not download the image (https://broken.example/SKU-003/back.jpg)',
					warnings: 'images: Dropped 1 duplicate URL (https://img.example/1.jpg)',
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	it('marks only the failed items for the error output, and only under Continue (using error output); the mark never shows in the json', () => {
		for (const onError of [undefined, 'stopWorkflow', 'continueRegularOutput'] as const) {
			expect(finishOutput(context(onError), 'push', items(), 'full').map((item) => item.error)).toEqual([undefined, undefined]);
		}
		for (const format of ['full', 'flatRow'] as const) {
			const [ok, bad] = finishOutput(context('continueErrorOutput'), 'push', items(), format);
			expect(ok.error).toBeUndefined();
			expect(bad.error?.message).toBe('Item 1 (SKU-003) failed: images[1]: Ozon could not download the image (https://broken.example/SKU-003/back.jpg)');
			expect(Object.keys(bad)).toEqual(['json', 'pairedItem']);
			expect(JSON.stringify(bad)).not.toContain('"error"');
		}
	});
});
