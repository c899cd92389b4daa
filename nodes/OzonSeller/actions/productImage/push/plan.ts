import type { IDataObject } from 'n8n-workflow';

import { photosOf, planImageSet, productAfter } from '../../../domain/plan';
import type { ProductInfo } from '../../../domain/types';
import { toV1Request, toV2Item } from '../../../transport/ozonApi';
import type { ItemLedger } from '../../common/ledger';
import type { PushEntry, ResolvedEntry } from './entries';

function updatedCounts(entry: PushEntry): IDataObject {
	const { set } = entry.planned;
	return {
		images: set.images.length,
		// Never sent: Ozon accepts 360° images on no method since 2026-07-10.
		images360: 0,
		color_image: set.colorImage !== undefined,
		primary_image: set.primaryImage !== undefined,
	};
}

/**
 * Stage 4, plan: the complete image set each item leaves on its product, and the request body that
 * sets it. In input order: a product pushed twice builds on the set its earlier push leaves.
 */
export function planPushes(ledger: ItemLedger, resolved: ResolvedEntry[]): PushEntry[] {
	const after = new Map<number, ProductInfo>();
	const planned: PushEntry[] = [];
	for (const { index, request, dryRun, product } of resolved) {
		const base = after.get(product.productId) ?? product;
		const plan = planImageSet(request, base);
		ledger.warn(index, ...plan.warnings);
		ledger.setData(index, { previous_images: photosOf(base) });
		if (plan.errors.length > 0) {
			ledger.fail(index, 'invalid', plan.errors);
			continue;
		}
		after.set(product.productId, productAfter(base, plan.set));
		const entry: PushEntry = { index, request, dryRun, product, planned: plan };
		if (request.apiVersion === 'v1') entry.v1Request = toV1Request(product.productId, plan.set);
		else entry.v2Item = toV2Item(product.offerId, plan.set);
		ledger.setData(index, { updated: updatedCounts(entry) });
		planned.push(entry);
	}
	return planned;
}
