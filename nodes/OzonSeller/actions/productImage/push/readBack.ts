import { originOf, photosOf } from '../../../domain/plan';
import type { ItemError, ItemWarning } from '../../../domain/types';
import type { OzonTransport } from '../../../transport';
import { pictureIssueText, pictureIssueUrl, type PictureIssue } from '../../../transport/ozonApi';
import { readPictures } from '../../common/readBack';
import type { ItemLedger } from '../../common/ledger';
import type { PushEntry } from './entries';

/**
 * Ozon's per-URL read-back errors: an error about one of the user's URLs fails the item, named by
 * field and position. Any other URL may be Ozon's own copy of an image or an older image: reported
 * as it is, as a warning.
 */
function readBackIssues(entry: PushEntry, issues: PictureIssue[], redact: (text: string) => string): { errors: ItemError[]; warnings: ItemWarning[] } {
	const errors: ItemError[] = [];
	const others: string[] = [];
	for (const issue of issues) {
		const url = issue.url?.trim();
		const origin = url ? originOf(entry.request, url) : undefined;
		const reason = pictureIssueText(issue, redact);
		if (url && origin) errors.push({ field: origin.field, ...(origin.index !== undefined ? { index: origin.index } : {}), url, reason });
		else others.push(url ? `${pictureIssueUrl(issue, redact)}: ${reason}` : reason);
	}
	const warnings: ItemWarning[] = others.length
		? [{ field: 'current_images', message: `Ozon reports image errors for URLs that are not among the ones sent (perhaps Ozon's copies of them, or older images): ${others.join('; ')}` }]
		: [];
	return { errors, warnings };
}

/**
 * Stage 8, read back: reads the images of every imported or skipped item and settles it on Ozon's
 * status and per-URL errors. A failed read-back only warns: the task status already confirmed the write.
 */
export async function readBack(ledger: ItemLedger, transport: OzonTransport, entries: PushEntry[]): Promise<void> {
	const redact = (text: string) => transport.redact(text);
	const toRead = entries.filter((entry) => !ledger.isSettled(entry.index) && (entry.status === 'imported' || entry.status === 'skipped'));

	await readPictures(ledger, transport, toRead, {
		answered(pictures, written) {
			for (const entry of written) {
				const current = photosOf({ primaryImage: pictures.primaryPhoto, images: pictures.photo });
				ledger.setData(entry.index, { current_images: current });
				if (current === null) {
					ledger.warn(entry.index, { field: 'current_images', message: "Ozon's read-back left out the product's photo lists: its current images are unknown (null)" });
				}
				const { errors, warnings } = readBackIssues(entry, pictures.errors, redact);
				ledger.warn(entry.index, ...warnings);
				if (errors.length > 0) ledger.fail(entry.index, entry.status as string, errors);
			}
		},
		failed(error, unread) {
			const message = error instanceof Error ? error.message : String(error);
			for (const entry of unread) ledger.warn(entry.index, { field: 'current_images', message: `Could not read the images back: ${message}` });
		},
	});

	for (const entry of toRead) {
		if (ledger.isSettled(entry.index)) continue;
		if (entry.status === 'skipped') {
			ledger.warn(entry.index, {
				field: 'images',
				message:
					'Ozon skipped this product: the URLs are the same as it already has, so nothing was fetched again. To make Ozon fetch a changed file, give it a new URL (for example add ?v=2)',
			});
		}
		ledger.succeed(entry.index, entry.status as string);
	}
}
