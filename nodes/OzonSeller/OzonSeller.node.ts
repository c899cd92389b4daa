import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../../credentials/OzonSellerApi.credentials';
import * as productImage from './actions/productImage';
import { router } from './actions/router';

export class OzonSeller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Ozon Seller',
		name: 'ozonSeller',
		icon: { light: 'file:../../icons/ozon.svg', dark: 'file:../../icons/ozon.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Push product photos to Ozon and read them back (Ozon Seller API)',
		defaults: { name: 'Ozon Seller' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Product Image', value: 'productImage' }],
				default: 'productImage',
			},
			...productImage.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
