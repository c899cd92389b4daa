import { MAX_PICTURES_INFO_BATCH } from '../../domain/constants';
import { chunk, groupBy } from '../../domain/collections';
import type { ProductInfo } from '../../domain/types';
import type { OzonTransport } from '../../transport';
import { getPicturesInfo, type ProductPictures } from '../../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from './concurrency';
import type { Ledger } from './ledger';

/** What an operation does with the answer of a read-back, or with its failure. */
export interface ReadBackHandlers<T> {
	/** Ozon's pictures of one product, with the entries that named it. */
	answered(pictures: ProductPictures, entries: T[]): void;
	/** A `/v2/product/pictures/info` request failed for these entries. */
	failed(error: unknown, entries: T[]): void;
}

/**
 * Reads the current images of the entries' products, 1000 products a request (each product once,
 * however many entries name it), and hands each answer to the operation. `deadline`: when the
 * answer is no longer of use (see `getPicturesInfo`).
 */
export async function readPictures<T extends { index: number; product: ProductInfo }>(
	ledger: Ledger,
	transport: OzonTransport,
	entries: T[],
	handlers: ReadBackHandlers<T>,
	deadline?: number,
): Promise<void> {
	const byProduct = groupBy(entries, (entry) => entry.product.productId);
	await mapConcurrent(chunk([...byProduct.keys()], MAX_PICTURES_INFO_BATCH), REQUEST_CONCURRENCY, async (ids) => {
		if (ledger.stopped) return;
		try {
			for (const pictures of await getPicturesInfo(transport, ids, deadline)) {
				handlers.answered(pictures, byProduct.get(pictures.productId) ?? []);
			}
		} catch (error) {
			handlers.failed(error, ids.flatMap((id) => byProduct.get(id) ?? []));
		}
	});
}
