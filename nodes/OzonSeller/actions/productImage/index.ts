import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as push from './push.operation';

export { get, push };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['productImage'] } },
		options: [
			{
				name: 'Push Images',
				value: 'push',
				description: "Set a product's photos on Ozon and confirm the result",
				action: 'Push images to a product',
			},
			{
				name: 'Get Images',
				value: 'get',
				description: "Read a product's current main, gallery and colour images",
				action: 'Get images of a product',
			},
		],
		default: 'push',
	},
	...push.description,
	...get.description,
];
