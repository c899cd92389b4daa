import type { IDataObject } from 'n8n-workflow';

import { importRequest } from '../../../transport/ozonApi';
import type { ItemLedger } from '../../common/ledger';
import type { PushEntry } from './entries';

/**
 * Stage 5, dry run: items with Dry Run on succeed with the exact request they would send, and send
 * nothing. Returns the entries to write.
 */
export function answerDryRuns(ledger: ItemLedger, planned: PushEntry[]): PushEntry[] {
	for (const entry of planned.filter((candidate) => candidate.dryRun)) {
		ledger.setData(entry.index, { request: importRequest(entry) } as IDataObject);
		ledger.succeed(entry.index, 'dry_run');
	}
	return planned.filter((entry) => !entry.dryRun);
}
