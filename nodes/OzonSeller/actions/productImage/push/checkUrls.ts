import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemError } from '../../../domain/types';
import { probeImage, type ProbeResult } from '../../../transport/imageProbe';
import { REQUEST_CONCURRENCY, mapConcurrent } from '../../common/concurrency';
import type { ItemLedger } from '../../common/ledger';
import type { ValidEntry } from './entries';

/** The URLs of an entry that would be sent, with the field and position to report a failure on. */
function urlsToCheck({ request }: ValidEntry): Array<{ url: string; field: string; index?: number }> {
	return [
		...(request.primaryImage ? [{ url: request.primaryImage, field: 'primary_image' }] : []),
		...request.images.map(({ url, index }) => ({ url, field: 'images', index })),
		...(request.colorImage ? [{ url: request.colorImage, field: 'color_image' }] : []),
	];
}

/**
 * Stage 2, check URLs (items with Check URLs First): probes every URL once, shared across items,
 * and settles the items with a bad URL (a host silent for `timeoutMs` is not reachable). Returns the
 * entries still in play.
 */
export async function checkUrls(ctx: IExecuteFunctions, ledger: ItemLedger, entries: ValidEntry[], timeoutMs: number): Promise<ValidEntry[]> {
	const checked = entries.filter((entry) => entry.checkUrls);
	if (checked.length === 0) return entries;
	const unique = [...new Set(checked.flatMap((entry) => urlsToCheck(entry).map(({ url }) => url)))];
	const results = new Map<string, ProbeResult>();
	await mapConcurrent(unique, REQUEST_CONCURRENCY, async (url) => results.set(url, await probeImage(ctx, url, timeoutMs)));
	for (const entry of checked) {
		const errors: ItemError[] = [];
		for (const { url, field, index } of urlsToCheck(entry)) {
			const result = results.get(url);
			if (result && !result.ok) errors.push({ field, ...(index !== undefined ? { index } : {}), url, reason: result.reason });
		}
		if (errors.length > 0) ledger.fail(entry.index, 'invalid', errors);
	}
	return entries.filter((entry) => !ledger.isSettled(entry.index));
}
