import type { IDataObject } from 'n8n-workflow';

import { importRequest } from '../../../transport/ozonApi';
import type { ItemLedger } from '../../common/ledger';
import type { PushEntry } from './entries';

/** Dry run: the items succeed with the exact request they would send, and send nothing. */
export function answerDryRuns(ledger: ItemLedger, planned: PushEntry[]): void {
	for (const entry of planned) {
		ledger.setData(entry.index, { request: importRequest(entry) } as IDataObject);
		ledger.succeed(entry.index, 'dry_run');
	}
}
