import type { IDataObject } from 'n8n-workflow';

import { MAX_INFO_LIST_BATCH } from '../../domain/constants';
import { chunk, groupBy } from '../../domain/collections';
import { ID_FIELD, type IdentifyBy, type ProductInfo } from '../../domain/types';
import { validateIdentifier } from '../../domain/validate';
import type { OzonTransport } from '../../transport';
import { listProducts } from '../../transport/ozonApi';
import { REQUEST_CONCURRENCY, mapConcurrent } from './concurrency';
import { identifyProductFields } from './descriptions';
import { ParameterError, choiceReader, type ItemParameters } from './parameters';
import type { ItemLedger, Ledger } from './ledger';

/** How the product is named, from the value or the displayed name of Identify Product By. */
export const readIdentifyBy = choiceReader<IdentifyBy>(identifyProductFields, 'identifyBy');

export interface Identified {
	index: number;
	identifyBy: IdentifyBy;
	identifier: string;
}

/** Reads and validates the identifier of item `index`; a bad one settles the item as invalid. */
export function readIdentifier(params: ItemParameters, ledger: ItemLedger, index: number): Identified | undefined {
	let identifyBy: IdentifyBy = 'offerId';
	try {
		const chosen = readIdentifyBy(params.get('identifyBy', index));
		if (chosen instanceof ParameterError) {
			ledger.fail(index, 'invalid', [chosen.toItemError()]);
			return undefined;
		}
		identifyBy = chosen;
		const raw = params.get(identifyBy, index, undefined);
		const { value, error } = validateIdentifier(identifyBy, raw);
		if (error) {
			ledger.fail(index, 'invalid', [error]);
			return undefined;
		}
		ledger.setData(index, identifierData(identifyBy, value as string));
		return { index, identifyBy, identifier: value as string };
	} catch (error) {
		ledger.fail(index, 'invalid', [{ field: ID_FIELD[identifyBy], reason: (error as Error).message }]);
		return undefined;
	}
}

/** Ozon's ids as JSON numbers where that is exact, else as text. */
export function asJsonId(digits: string): number | string {
	const number = Number(digits);
	return Number.isSafeInteger(number) ? number : digits;
}

/** The validated identifier as the output's data shows it: offer_id as text, numeric ids as numbers. */
export function identifierData(identifyBy: IdentifyBy, value: string): IDataObject {
	return { [ID_FIELD[identifyBy]]: identifyBy === 'offerId' ? value : asJsonId(value) };
}

/** The identifiers of `by`'s kind that name this product: by SKU, its current one and those under `sources[].sku`. */
function keysOf(product: ProductInfo, by: IdentifyBy): string[] {
	if (by === 'offerId') return [product.offerId];
	if (by === 'productId') return [String(product.productId)];
	return [...(product.sku === undefined ? [] : [product.sku]), ...(product.sourceSkus ?? [])].map(String);
}

/**
 * Looks up every identified product with as few `/v3/product/info/list` calls as possible
 * (one per 1000 identifiers of a kind). Unknown products settle their items; the rest are returned.
 */
export async function resolveProducts<T extends Identified>(
	ledger: Ledger,
	transport: OzonTransport,
	entries: T[],
): Promise<Array<T & { product: ProductInfo }>> {
	const found = new Map<string, ProductInfo>();
	const twice = new Map<string, ProductInfo[]>();
	const byKind = groupBy(entries, (entry) => entry.identifyBy);

	const lookups = [...byKind].flatMap(([by, group]) =>
		chunk([...new Set(group.map((entry) => entry.identifier))], MAX_INFO_LIST_BATCH).map((ids) => ({ by, ids, group })),
	);
	await mapConcurrent(lookups, REQUEST_CONCURRENCY, async ({ by, ids, group }) => {
		if (ledger.stopped) return;
		const wanted = new Set(ids);
		try {
			for (const product of await listProducts(transport, by, ids)) {
				// A product Ozon found by a SKU it names only under sources is the product asked for.
				for (const key of keysOf(product, by)) {
					if (!wanted.has(key)) continue;
					const earlier = found.get(`${by}:${key}`);
					// One SKU, two products (one's current SKU, another's older one): neither is taken, as a push would
					// replace the photos of whichever came first in Ozon's answer.
					if (earlier && earlier.productId !== product.productId) twice.set(`${by}:${key}`, [...(twice.get(`${by}:${key}`) ?? [earlier]), product]);
					else found.set(`${by}:${key}`, product);
				}
			}
		} catch (error) {
			ledger.requestFailed(
				error,
				group.filter((entry) => wanted.has(entry.identifier)).map((entry) => entry.index),
			);
		}
	});

	const resolved: Array<T & { product: ProductInfo }> = [];
	for (const entry of entries) {
		if (ledger.isSettled(entry.index)) continue;
		const product = found.get(`${entry.identifyBy}:${entry.identifier}`);
		const several = twice.get(`${entry.identifyBy}:${entry.identifier}`);
		if (several) {
			const field = ID_FIELD[entry.identifyBy];
			const named = several.map((candidate) => `offer_id "${candidate.offerId}" (product_id ${candidate.productId}, current sku ${candidate.sku ?? 'unknown'})`).join(', ');
			ledger.fail(entry.index, 'invalid', [
				{ field, reason: `${field} "${entry.identifier}" names ${several.length} products in this Ozon account, as a current SKU of one and an older SKU of another: ${named}. Nothing was done; identify the product by offer_id or product_id` },
			]);
			continue;
		}
		if (!product) {
			const field = ID_FIELD[entry.identifyBy];
			ledger.fail(entry.index, 'invalid', [
				{ field, reason: `No product with ${field} "${entry.identifier}" in this Ozon account` },
			]);
			continue;
		}
		ledger.setData(entry.index, { offer_id: product.offerId, product_id: product.productId });
		resolved.push({ ...entry, product });
	}
	return resolved;
}
