import type { IDataObject } from 'n8n-workflow';

import type { ItemLedger } from '../../common/ledger';
import type { PushEntry } from './entries';

/**
 * Stage 5, dry run: items with Dry Run on succeed with the exact request they would send, and send
 * nothing. Returns the entries to write.
 */
export function answerDryRuns(ledger: ItemLedger, planned: PushEntry[]): PushEntry[] {
	for (const entry of planned.filter((candidate) => candidate.dryRun)) {
		const request = entry.v2Item
			? { method: 'POST', endpoint: '/v2/product/pictures/import', body: { items: [entry.v2Item] } }
			: { method: 'POST', endpoint: '/v1/product/pictures/import', body: entry.v1Request };
		ledger.setData(entry.index, { request } as IDataObject);
		ledger.succeed(entry.index, 'dry_run');
	}
	return planned.filter((entry) => !entry.dryRun);
}
