import type { INode } from 'n8n-workflow';

import { benchOptions } from '../lib/args';

/** The Ozon node of examples/webhook-upload-push.json, with the notification's fields as its input. */
export const WEBHOOK_PUSH: INode['parameters'] = {
	resource: 'productImage',
	operation: 'push',
	identifyBy: 'offerId',
	offerId: '={{ $json.offer_id }}',
	images: '={{ $json.urls }}',
	mode: "={{ $json.mode || 'replace' }}",
	options: { resultTimeout: 30, ...benchOptions() },
};
