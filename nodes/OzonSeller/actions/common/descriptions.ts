/**
 * Fields more than one operation shows. Each operation places them among its own properties and
 * scopes them with updateDisplayOptions.
 */
import type { INodeProperties } from 'n8n-workflow';

/** "How is the product named" plus the matching identifier field. */
export const identifyProductFields: INodeProperties[] = [
	{
		displayName: 'Identify Product By',
		name: 'identifyBy',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Offer ID (Article)', value: 'offerId', description: "The seller's own article code, offer_id" },
			{ name: 'Product ID', value: 'productId', description: "Ozon's numeric product_id" },
			{ name: 'SKU', value: 'sku', description: "Ozon's SKU shown on the product page" },
		],
		default: 'offerId',
	},
	{
		displayName: 'Offer ID',
		name: 'offerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'SKU-001',
		description: "The product's article (offer_id) in your Ozon catalogue",
		displayOptions: { show: { identifyBy: ['offerId'] } },
	},
	{
		displayName: 'Product ID',
		name: 'productId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '137285792',
		description: "Ozon's numeric product_id",
		displayOptions: { show: { identifyBy: ['productId'] } },
	},
	{
		displayName: 'SKU',
		name: 'sku',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1826453232',
		description: "Ozon's SKU of the product",
		displayOptions: { show: { identifyBy: ['sku'] } },
	},
];

/** Request options every operation offers, inside its Options collection. */
export const requestOptionFields: INodeProperties[] = [
	{
		displayName: 'Max Rate Limit Wait (Seconds)',
		name: 'maxRateLimitWait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 3600 },
		default: 120,
		description:
			'When Ozon answers "too many requests" and asks to retry after a while, wait up to this long; a longer wait fails the items with the time to retry after. Ozon\'s per-second limit is waited out and retried for up to this long per request (polls and read-backs: until Result Timeout).',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 600 },
		default: 30,
		description: 'How long to wait for each answer from Ozon before retrying',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 2,
		description:
			'How many times to repeat a request after a timeout, dropped connection, Ozon server error or product-update limit answer. Ozon\'s per-second limit does not count here (see Max Rate Limit Wait). Other rejections are never repeated.',
	},
	{
		displayName: 'Requests per Second',
		name: 'requestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 40,
		description:
			'Most requests to start per second for this Client ID, shared by all executions in this n8n process. Ozon allows 50 per Client ID over every process and tool; when Ozon says they are used up, this process slows down by itself and speeds up again to this value.',
	},
];
