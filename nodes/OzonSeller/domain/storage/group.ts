/**
 * The photos of one execution's storage objects, grouped per product: one push each, its photos
 * ordered by `{position}`, then by key in natural order (`2.jpg` before `10.jpg`). A key named
 * twice under one Public Base URL (storage delivers events at least once) is kept once.
 */
import type { IdentifyBy } from '../types';
import type { NamedPhoto } from './item';

/** The photos one item names. */
export interface ItemPhotos {
	item: number;
	photos: NamedPhoto[];
}

/** A photo in a product's group, with the item that named it first. */
export type GroupedPhoto = NamedPhoto & { item: number };

/** One product's push: its photos in the order sent, and the items that name it. */
export interface ProductGroup {
	identifyBy: IdentifyBy;
	identifier: string;
	photos: GroupedPhoto[];
	/** The items naming this product, in their order. */
	items: number[];
	/** Keys named again, by the item that named them again. */
	repeated: Array<{ item: number; key: string }>;
}

const isDigitCode = (code: number) => code >= 0x30 && code <= 0x39;

/** The end of the run of digits (or of non-digits) that starts at `from`. */
function runEnd(text: string, from: number): number {
	const digits = isDigitCode(text.charCodeAt(from));
	let end = from + 1;
	while (end < text.length && isDigitCode(text.charCodeAt(end)) === digits) end++;
	return end;
}

/**
 * Natural order: runs of digits compare as numbers (`2` < `10`; without converting them, so any
 * length works), other text by code unit. Linear in the shorter text's length.
 */
export function naturalCompare(a: string, b: string): number {
	let i = 0;
	let j = 0;
	while (i < a.length && j < b.length) {
		const endA = runEnd(a, i);
		const endB = runEnd(b, j);
		const digitsA = isDigitCode(a.charCodeAt(i));
		const digitsB = isDigitCode(b.charCodeAt(j));
		if (digitsA && digitsB) {
			// Leading zeros aside, the longer run is the larger number; equal lengths compare as text.
			let startA = i;
			let startB = j;
			while (startA < endA - 1 && a.charCodeAt(startA) === 0x30) startA++;
			while (startB < endB - 1 && b.charCodeAt(startB) === 0x30) startB++;
			const lengthDifference = endA - startA - (endB - startB);
			if (lengthDifference !== 0) return lengthDifference;
			const runA = a.slice(startA, endA);
			const runB = b.slice(startB, endB);
			if (runA !== runB) return runA < runB ? -1 : 1;
		} else {
			const runA = a.slice(i, endA);
			const runB = b.slice(j, endB);
			if (runA !== runB) {
				// Character by character; where one run is the other's start, the characters after it
				// decide (`a.jpg` before `a2.jpg`, as "." < "2"), and the end of a key comes first.
				const common = Math.min(runA.length, runB.length);
				for (let at = 0; at < common; at++) {
					const difference = runA.charCodeAt(at) - runB.charCodeAt(at);
					if (difference !== 0) return difference;
				}
				const after = (text: string, at: number) => (at < text.length ? text.charCodeAt(at) : -1);
				return after(a, i + common) - after(b, j + common);
			}
		}
		i = endA;
		j = endB;
	}
	return a.length - i - (b.length - j);
}

/** Position first (a photo without one after those with), then the key in natural order, then the plain key. */
function photoOrder(a: GroupedPhoto, b: GroupedPhoto): number {
	if (a.position !== b.position) {
		if (a.position === undefined) return 1;
		if (b.position === undefined) return -1;
		return a.position - b.position;
	}
	return naturalCompare(a.key, b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Groups the items' photos per product, in the order the products are first named. */
export function groupByProduct(items: ItemPhotos[]): ProductGroup[] {
	const groups = new Map<string, ProductGroup>();
	const urlsOf = new Map<ProductGroup, Set<string>>();
	for (const { item, photos } of items) {
		for (const photo of photos) {
			const id = `${photo.identifyBy}:${photo.identifier}`;
			let group = groups.get(id);
			if (!group) {
				group = { identifyBy: photo.identifyBy, identifier: photo.identifier, photos: [], items: [], repeated: [] };
				groups.set(id, group);
				urlsOf.set(group, new Set());
			}
			if (group.items[group.items.length - 1] !== item) group.items.push(item);
			// A repeat is the same photo: one key under two Public Base URLs (two buckets) is two photos.
			const urls = urlsOf.get(group) as Set<string>;
			if (urls.has(photo.url)) {
				group.repeated.push({ item, key: photo.key });
				continue;
			}
			urls.add(photo.url);
			group.photos.push({ ...photo, item });
		}
	}
	for (const group of groups.values()) group.photos.sort(photoOrder);
	return [...groups.values()];
}
