import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { MAX_PICTURES_INFO_BATCH } from '../../domain/constants';
import { chunk, groupBy } from '../../domain/collections';
import { OzonTransport } from '../../transport';
import { getPicturesInfo, issueText } from '../../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../common/concurrency';
import { identifyFields, readIdentifier, resolveProducts, type Identified } from '../common/identify';
import { readTransportOptions, requestOptionFields } from '../common/options';
import { ItemParameters } from '../common/parameters';
import { RunState } from '../common/run';

export const description: INodeProperties[] = [
	...identifyFields(['get']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['productImage'], operation: ['get'] } },
		options: [...requestOptionFields],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const run = new RunState(this, items.length);
	const identified: Identified[] = [];
	const params = new ItemParameters(this);
	for (let index = 0; index < items.length; index++) {
		const entry = readIdentifier(params, run, index);
		if (entry) identified.push(entry);
	}
	if (identified.length === 0) return run.toExecutionData();

	const transport = await OzonTransport.create(this, readTransportOptions(this));
	const resolved = await resolveProducts(run, transport, identified);
	const byProduct = groupBy(resolved, (entry) => entry.product.productId);

	await mapConcurrent(chunk([...byProduct.keys()], MAX_PICTURES_INFO_BATCH), REQUEST_CONCURRENCY, async (ids) => {
		if (run.stopped) return;
		try {
			for (const pictures of await getPicturesInfo(transport, ids)) {
				for (const { index, product } of byProduct.get(pictures.productId) ?? []) {
					run.setData(index, {
						sku: product.sku ?? null,
						primary_image: pictures.primaryPhoto[0] ?? null,
						images: pictures.photo,
						color_image: pictures.colorPhoto[0] ?? null,
						images360: pictures.photo360,
						image_errors: pictures.errors.map((issue) => ({ url: issue.url ?? null, message: issueText({ ...issue, url: undefined }) })),
					});
					run.succeed(index, 'ok');
				}
			}
		} catch (error) {
			run.requestFailed(error, ids.flatMap((id) => (byProduct.get(id) ?? []).map((entry) => entry.index)));
		}
	});

	for (const { index, product } of resolved) {
		if (!run.outcomes[index].final) {
			run.fail(index, 'failed', [{ field: 'product_id', reason: `Ozon returned no pictures for product ${product.productId}` }]);
		}
	}
	return run.toExecutionData();
}
