import type { IExecuteFunctions } from 'n8n-workflow';

import { resolveProducts } from '../../common/identify';
import type { ItemLedger } from '../../common/ledger';
import type { ExecutionWrites } from '../../../writes/execution';
import { checkUrls } from './checkUrls';
import { answerDryRuns, planDryRuns } from './dryRun';
import type { ValidEntry } from './entries';

/**
 * The stages after reading, for entries read whole first (Dry Run, Check URLs First, grouped storage
 * objects): URLs checked, dry runs looked up and planned on the product as it is now, the rest handed
 * to the write path. After a Stop, no URL is probed and nothing looked up. `writes.finish()` follows.
 * `probeTimeoutMs`: how long Check URLs First waits for an image host (the process's setting).
 */
export async function pushReadEntries(ctx: IExecuteFunctions, ledger: ItemLedger, writes: ExecutionWrites, valid: ValidEntry[], probeTimeoutMs: number): Promise<void> {
	if (writes.cancelled) return;
	const checked = await checkUrls(ctx, ledger, valid, probeTimeoutMs);
	if (checked.length === 0) return;
	const transport = await writes.connect();

	const dryRuns = checked.filter((entry) => entry.dryRun);
	if (dryRuns.length > 0) answerDryRuns(ledger, planDryRuns(ledger, await resolveProducts(ledger, transport, dryRuns)));

	const toWrite = checked.filter((entry) => !entry.dryRun && !ledger.isSettled(entry.index));
	if (toWrite.length > 0 && !ledger.stopped) await writes.take(toWrite, 0);
}
