import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { errorsText, failedItemsError, finishOutput, warningsText } from '../../../../../nodes/OzonSeller/actions/common/output';

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
			expect(bad.error?.message).toBe('Failed on item 1 (SKU-003): images[1]: Ozon could not download the image (https://broken.example/SKU-003/back.jpg)');
			expect(Object.keys(bad)).toEqual(['json', 'pairedItem']);
			expect(JSON.stringify(bad)).not.toContain('"error"');
		}
	});
});

describe('failedItemsError (On Error → Stop Workflow)', () => {
	const ok = (status: string) => ({ json: { success: true, data: { offer_id: 'SKU-001', status }, errors: [], warnings: [] } });
	const bad = (offer: string | undefined, reason = 'Offer ID is empty') => ({ json: { success: false, data: { ...(offer ? { offer_id: offer } : {}), status: 'invalid' }, errors: [{ field: 'offer_id', reason }], warnings: [] } });
	const description = (error: ReturnType<typeof failedItemsError>) => error?.description?.split(' Set On Error')[0];

	it('no error when no item failed', () => {
		expect(failedItemsError(context(), 'push', [ok('imported'), ok('skipped')] as INodeExecutionData[])).toBeUndefined();
	});

	it('names the first failed item and its reasons, at its index; says what became of the others, in the operation\'s words', () => {
		const error = failedItemsError(context(), 'push', [ok('imported'), { json: structuredClone(failed) }, bad('SKU-404')] as INodeExecutionData[]);
		expect(error?.message).toBe('Failed on item 1 (SKU-003): images[1]: Ozon could not download the image (https://broken.example/SKU-003/back.jpg)');
		expect(error?.context.itemIndex).toBe(1);
		expect(description(error)).toBe('2 of 3 items failed; the other 1 was pushed. Failed items: 1 (SKU-003), 2 (SKU-404).');
		expect(description(failedItemsError(context(), 'get', [ok('ok'), ok('ok'), bad(undefined)] as INodeExecutionData[]))).toBe('1 of 3 items failed; the other 2 were read.');
		expect(description(failedItemsError(context(), 'push', [ok('dry_run'), bad('X')] as INodeExecutionData[]))).toBe('1 of 2 items failed; the other 1 was checked without sending anything (Dry Run).');
		expect(description(failedItemsError(context(), 'push', [ok('dry_run'), ok('imported'), bad('X')] as INodeExecutionData[]))).toBe(
			'1 of 3 items failed; the other 2 were pushed, or checked without sending (Dry Run).',
		);
	});

	it('one item, or all of them; at most ten failed items listed', () => {
		expect(description(failedItemsError(context(), 'push', [bad('X')] as INodeExecutionData[]))).toBe('The item failed.');
		const many = Array.from({ length: 12 }, (_, index) => bad(`SKU-${index}`)) as INodeExecutionData[];
		expect(description(failedItemsError(context(), 'push', many))).toBe(
			'All 12 items failed. Failed items: 0 (SKU-0), 1 (SKU-1), 2 (SKU-2), 3 (SKU-3), 4 (SKU-4), 5 (SKU-5), 6 (SKU-6), 7 (SKU-7), 8 (SKU-8), 9 (SKU-9) and 2 more.',
		);
		expect(failedItemsError(context(), 'push', many)?.description).toMatch(/Set On Error \(node settings\) to 'Continue \(using error output\)' to route failed items/);
	});
});
