import type { IDataObject } from 'n8n-workflow';

import { photosOf, planImageSet, updatedCounts } from '../../../domain/plan';
import { importRequest, toV1Request, toV2Item } from '../../../transport/ozonApi';
import type { ItemLedger } from '../../common/ledger';
import type { PushEntry, ResolvedEntry } from './entries';

/** Dry run: the items succeed with the exact request they would send, and send nothing. */
export function answerDryRuns(ledger: ItemLedger, planned: PushEntry[]): void {
	for (const entry of planned) {
		ledger.setData(entry.index, { request: importRequest(entry) } as IDataObject);
		ledger.succeed(entry.index, 'dry_run');
	}
}

/**
 * Plans dry-run items: the complete image set each would leave on its product, built on the
 * product as Ozon has it now (never on another dry run: nothing of it was sent).
 */
export function planDryRuns(ledger: ItemLedger, resolved: ResolvedEntry[]): PushEntry[] {
	const planned: PushEntry[] = [];
	for (const { index, request, product } of resolved) {
		const plan = planImageSet(request, product);
		ledger.warn(index, ...plan.warnings);
		ledger.setData(index, { previous_images: photosOf(product) });
		if (plan.errors.length > 0) {
			ledger.fail(index, 'invalid', plan.errors);
			continue;
		}
		const entry: PushEntry = { index, request, product, planned: plan };
		if (request.apiVersion === 'v1') entry.v1Request = toV1Request(product.productId, plan.set);
		else entry.v2Item = toV2Item(product.offerId, plan.set);
		ledger.setData(index, { updated: updatedCounts(plan.set) });
		planned.push(entry);
	}
	return planned;
}
