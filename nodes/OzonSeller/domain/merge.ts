/**
 * Pushes of one product that meet in time, turned into one write, and the read-back that decides
 * whether each push's photos are on Ozon. Pure: no I/O.
 */
import { OZON_IMAGE_DOMAINS } from './constants';
import { photosOf, planImageSet, productAfter, type ImageSet, type PlannedImages } from './plan';
import type { ProductInfo } from './types';
import type { PushRequest } from './validate';

/** One push of a merged write: what it built on, and its own plan. */
export interface MergedPush {
	/** The product as this push found it: the state the earlier pushes of the write leave. */
	before: ProductInfo;
	plan: PlannedImages;
}

export interface MergedWrite {
	/** The complete set sent: every push without errors, applied in order. */
	set: ImageSet;
	pushes: MergedPush[];
}

/**
 * How many of `requests` (pushes of one product, oldest first) can travel in one write: a
 * replace starts a new write, so every push of a write keeps the photos of those before it.
 */
export function mergeableCount(requests: Array<Pick<PushRequest, 'mode' | 'apiVersion'>>): number {
	let count = 1;
	while (count < requests.length && requests[count].mode !== 'replace' && requests[count].apiVersion === requests[0].apiVersion) count++;
	return count;
}

/**
 * Applies `requests` one after another to `base`, as if each had been written and confirmed before
 * the next. A push whose plan fails (e.g. too many images) is left out; the next builds on the
 * state before it. `set` is undefined when no push is left to send.
 */
export function mergePushes(base: ProductInfo, requests: PushRequest[]): { set?: ImageSet; pushes: MergedPush[] } {
	let state = base;
	let set: ImageSet | undefined;
	const pushes = requests.map((request) => {
		const plan = planImageSet(request, state);
		const pushed: MergedPush = { before: state, plan };
		if (plan.errors.length === 0) {
			set = plan.set;
			state = productAfter(state, plan.set);
		}
		return pushed;
	});
	return { set, pushes };
}

/** What the read-back says about one push's photos. */
export type Verdict =
	| { kind: 'present' }
	/** Ozon serves its own copies: the photos sent are there in number and place, some under URLs on Ozon's image hosts. */
	| { kind: 'copies' }
	/** The read-back left the photo lists out: only the task status speaks for the write. */
	| { kind: 'unknown' }
	/** Photos of this push are not on the product: another writer replaced them, or a later push did. */
	| { kind: 'missing'; urls: string[] };

/** The URLs a push contributes to the set sent (after limits), main and colour included. */
export function ownUrls(request: PushRequest, set: ImageSet): string[] {
	const sent = new Set([...(set.primaryImage ? [set.primaryImage] : []), ...set.images]);
	const own = [...(request.primaryImage ? [request.primaryImage] : []), ...request.images.map(({ url }) => url)].filter((url) => sent.has(url));
	if (request.colorImage && set.colorImage === request.colorImage) own.push(request.colorImage);
	return own;
}

/** Whether `url` is on one of Ozon's image hosts (see OZON_IMAGE_DOMAINS), so may be Ozon's copy of a photo. */
export function onOzonImageHost(url: string): boolean {
	let host: string;
	try {
		const parsed = new URL(url);
		if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
		host = parsed.hostname.toLowerCase().replace(/\.$/, '');
	} catch {
		return false;
	}
	return OZON_IMAGE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/**
 * Whether the photos a push sent are on the product now. By URL where Ozon reports the URLs sent;
 * otherwise by place and count: Ozon may serve its own copy of any photo sent, and copy again the
 * copy URLs an append re-sends, so each place must hold the URL sent there or a URL on Ozon's image
 * hosts. Any other URL (the host ours came from included) is another writer's photo. Another
 * writer's photo that Ozon copied too cannot be told from Ozon's copy of ours: it passes. A
 * read-back error about a URL fails the push separately.
 */
export function verifyPush(
	request: PushRequest,
	sentSet: ImageSet,
	readBack: { primaryPhoto: string[] | null; photo: string[] | null; colorPhoto: string[] | null },
): Verdict {
	const current = photosOf({ primaryImage: readBack.primaryPhoto, images: readBack.photo });
	if (current === null) return { kind: 'unknown' };
	const colours = readBack.colorPhoto ?? [];
	const onOzon = new Set([...current, ...colours]);
	const own = ownUrls(request, sentSet);
	const missing = own.filter((url) => !onOzon.has(url));
	if (missing.length === 0) return { kind: 'present' };

	const sentPhotos = photosOf({ primaryImage: sentSet.primaryImage ? [sentSet.primaryImage] : [], images: sentSet.images }) ?? [];
	// A URL sent for another place is not a copy of this one's photo: the photos were moved.
	const mayBeOurs = (url: string, sent: string | undefined) => url === sent || (onOzonImageHost(url) && !sentPhotos.includes(url));
	const sameShape = current.length === sentPhotos.length && current.every((url, place) => mayBeOurs(url, sentPhotos[place]));
	const colourKept = !sentSet.colorImage || colours.some((url) => mayBeOurs(url, sentSet.colorImage));
	if (sameShape && colourKept) return { kind: 'copies' };
	return { kind: 'missing', urls: missing };
}
