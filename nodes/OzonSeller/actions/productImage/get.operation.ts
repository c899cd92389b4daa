import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { NodeProcess } from '../../runtime/nodeProcess';
import { OzonTransport } from '../../transport';
import { keyExpiryWarning } from '../../transport/keyExpiry';
import { pictureIssueText, pictureIssueUrl, type ProductPictures } from '../../transport/ozonApi';
import { identifyProductFields, requestOptionFields } from '../common/descriptions';
import { readIdentifier, resolveProducts, type Identified } from '../common/identify';
import { ITEMS_PER_TURN } from '../common/concurrency';
import { ItemParameters, readTransportOptions } from '../common/parameters';
import { readPictures } from '../common/readPictures';
import { ItemLedger } from '../common/ledger';
import { outputOption } from '../common/output';

const properties: INodeProperties[] = [
	...identifyProductFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			outputOption('offer_id, product_id, sku, success, status, primary_image, images and color_image (URL lists as text separated by commas), image_errors'),
			...requestOptionFields,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['productImage'], operation: ['get'] } }, properties);

const READ_BACK_FIELDS = { primaryPhoto: 'primary_image', photo: 'images', colorPhoto: 'color_image' } as const;

/**
 * The images of one product for the output. A list Ozon left out is `null` (unknown, not empty),
 * named in `unknown`. 360° images appear only if Ozon still sends them (they left its schema).
 */
function imageData(pictures: ProductPictures, redact: (text: string) => string): { data: IDataObject; unknown: string[] } {
	const unknown = (Object.keys(READ_BACK_FIELDS) as Array<keyof typeof READ_BACK_FIELDS>)
		.filter((key) => pictures[key] === null)
		.map((key) => READ_BACK_FIELDS[key]);
	const data: IDataObject = {
		primary_image: pictures.primaryPhoto?.[0] ?? null,
		images: pictures.photo,
		color_image: pictures.colorPhoto?.[0] ?? null,
		...(pictures.photo360 ? { images360: pictures.photo360 } : {}),
		image_errors: pictures.errors.map((issue) => ({ url: pictureIssueUrl(issue, redact) ?? null, message: pictureIssueText(issue, redact) })),
	};
	return { data, unknown };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], process: NodeProcess): Promise<INodeExecutionData[]> {
	const ledger = new ItemLedger(this, items.length);
	const identified: Identified[] = [];
	const params = new ItemParameters(this);
	for (let index = 0; index < items.length; index++) {
		// Options by expression are one n8n evaluation an item (for the warning below): thousands of
		// items are seconds of it, so the event loop gets a turn now and then.
		if (index > 0 && index % ITEMS_PER_TURN === 0) await process.clock.sleep(0);
		const ignored = params.ignoredOptions(index);
		if (ignored) ledger.warn(index, ignored);
		const entry = readIdentifier(params, ledger, index);
		if (entry) identified.push(entry);
	}
	if (identified.length === 0) return ledger.toExecutionData();

	const transport = await OzonTransport.create(this, readTransportOptions(params), process.transport);
	const keyWarning = await keyExpiryWarning(transport);
	const redact = (text: string) => transport.redact(text);
	const resolved = await resolveProducts(ledger, transport, identified);
	for (const { index, identifyBy, identifier, product } of resolved) {
		if (identifyBy === 'sku' && product.sku !== undefined && String(product.sku) !== identifier) {
			ledger.warn(index, { field: 'sku', message: `Found by an older SKU of the product, ${identifier}: Ozon's current SKU for it is ${product.sku} (shown in sku)` });
		}
	}

	await readPictures(ledger, transport, resolved, {
		answered(pictures, entries) {
			const { data, unknown } = imageData(pictures, redact);
			for (const { index, product } of entries) {
				ledger.setData(index, { sku: product.sku ?? null, ...data });
				if (unknown.length > 0) {
					ledger.warn(index, {
						field: unknown[0],
						message: `Ozon's answer left out ${unknown.map((field) => `"${field}"`).join(', ')}: shown as null because the current images are unknown, not absent. Try again later`,
					});
				}
				ledger.succeed(index, 'ok');
			}
		},
		failed(error, entries) {
			ledger.requestFailed(error, entries.map((entry) => entry.index));
		},
	});

	for (const { index, product } of resolved) {
		if (!ledger.isSettled(index)) {
			ledger.fail(index, 'failed', [{ field: 'product_id', reason: `Ozon returned no pictures for product ${product.productId}` }]);
		}
	}
	if (keyWarning) ledger.warnEvery(keyWarning);
	return ledger.toExecutionData();
}
