import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getPushResult from './getPushResult.operation';
import * as push from './push.operation';

export { get, getPushResult, push };

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
			{
				name: 'Get Push Result',
				value: 'getPushResult',
				description: "Ask Ozon how a push's import task went, by its task_id, and read the finished products' photos back; sends no images",
				action: 'Get the result of a push',
			},
		],
		default: 'push',
	},
	...push.description,
	...get.description,
	...getPushResult.description,
];
