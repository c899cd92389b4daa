import { z } from 'zod';

import {
	ACCEPTED_IMAGE_EXTENSIONS,
	MAX_FIELD_LENGTH,
	MAX_URL_ENTRIES,
	MAX_URL_LENGTH,
	MAX_URLS_IN_WARNING,
} from './constants';
import type { IndexedUrl, ItemError, ItemWarning } from './types';

/** Separators between URLs in one text cell: whitespace and semicolons always. */
const LIST_SEPARATOR = /[\s;]+/;
/** A comma separates only where the next URL starts, so commas inside a URL (CDN transforms) survive. */
const COMMA_BEFORE_URL = /,+(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i;

/**
 * One image URL: http(s), a host, no spaces, control or invisible characters, no embedded login.
 * Parsed once; the result is the canonical form Ozon is sent (punycode host, percent-encoded path).
 */
export const imageUrlSchema = z
	.string()
	.max(MAX_URL_LENGTH, `URL is longer than ${MAX_URL_LENGTH} characters`)
	.transform((value, ctx) => {
		const refuse = (message: string) => {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message });
			return z.NEVER;
		};
		if (/[\s\u0000-\u001f\u007f]/.test(value)) return refuse('URL contains whitespace or control characters');
		// Zero-width spaces, direction overrides and the like: URL parsing would silently encode them.
		if (/\p{Cf}/u.test(value)) return refuse('URL contains invisible formatting characters (e.g. a zero-width space)');
		let parsed: URL;
		try {
			parsed = new URL(value);
		} catch {
			return refuse('Invalid URL format');
		}
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
			return refuse(`URL must start with http:// or https:// (got ${parsed.protocol.replace(/:$/, '')})`);
		}
		// WHATWG parsing would read "https:///a.jpg" as host "a.jpg": insist on a host in the text itself.
		if (!parsed.hostname || !/^[a-z]+:\/\/[^/?#\\]/i.test(value)) return refuse('URL has no host');
		if (parsed.username || parsed.password) {
			return refuse('URL must not contain a user name or password; use a public or signed URL');
		}
		return parsed.href;
	});

export interface ParsedUrlList {
	urls: IndexedUrl[];
	errors: ItemError[];
	warnings: ItemWarning[];
}

function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Splits one text cell into URL entries (see LIST_SEPARATOR / COMMA_BEFORE_URL). */
export function splitUrlText(text: string): string[] {
	return text
		.split(LIST_SEPARATOR)
		.flatMap((token) => token.split(COMMA_BEFORE_URL))
		.map((token) => token.replace(/^,+|,+$/g, '').trim())
		.filter((token) => token.length > 0);
}

export function listWarningUrls(urls: string[]): string[] {
	if (urls.length <= MAX_URLS_IN_WARNING) return urls;
	return [...urls.slice(0, MAX_URLS_IN_WARNING), `… and ${urls.length - MAX_URLS_IN_WARNING} more`];
}

/**
 * Reads a URL-list field (an array from an expression, or one text cell) into validated, deduplicated
 * URLs that remember their position in the user's list. Bad entries become errors on their index;
 * empty entries and duplicates are dropped with a warning.
 */
export function parseUrlList(field: string, raw: unknown): ParsedUrlList {
	const errors: ItemError[] = [];
	const warnings: ItemWarning[] = [];
	if (raw === undefined || raw === null) return { urls: [], errors, warnings };

	let entries: unknown[];
	if (typeof raw === 'string') {
		if (raw.length > MAX_FIELD_LENGTH) {
			errors.push({ field, reason: `Text is ${raw.length} characters long; at most ${MAX_FIELD_LENGTH} are accepted` });
			return { urls: [], errors, warnings };
		}
		entries = splitUrlText(raw);
	} else if (Array.isArray(raw)) {
		entries = raw;
	} else {
		errors.push({ field, reason: `Expected a list of URLs or text with URLs, got ${describeType(raw)}` });
		return { urls: [], errors, warnings };
	}
	if (entries.length > MAX_URL_ENTRIES) {
		errors.push({
			field,
			reason: `${entries.length} entries given; more than ${MAX_URL_ENTRIES} cannot be one product's photos (check that a whole column was not mapped into one field)`,
		});
		return { urls: [], errors, warnings };
	}

	const urls: IndexedUrl[] = [];
	const seen = new Set<string>();
	const emptyIndexes: number[] = [];
	const duplicates: string[] = [];
	entries.forEach((entry, index) => {
		if (entry === null || entry === undefined || (typeof entry === 'string' && entry.trim() === '')) {
			emptyIndexes.push(index);
			return;
		}
		if (typeof entry !== 'string') {
			errors.push({ field, index, reason: `Expected a URL string, got ${describeType(entry)}` });
			return;
		}
		const parsed = imageUrlSchema.safeParse(entry.trim());
		if (!parsed.success) {
			errors.push({ field, index, url: entry.slice(0, MAX_URL_LENGTH), reason: parsed.error.issues[0].message });
			return;
		}
		if (seen.has(parsed.data)) {
			duplicates.push(parsed.data);
			return;
		}
		seen.add(parsed.data);
		urls.push({ url: parsed.data, index });
	});

	if (emptyIndexes.length > 0) {
		warnings.push({ field, message: `Dropped ${emptyIndexes.length} empty entr${emptyIndexes.length === 1 ? 'y' : 'ies'} (positions ${emptyIndexes.join(', ')})` });
	}
	if (duplicates.length > 0) {
		warnings.push({ field, message: `Dropped ${duplicates.length} duplicate URL(s)`, urls: listWarningUrls(duplicates) });
	}
	return { urls, errors, warnings };
}

/** Reads a single-URL field: a string, or a one-element list from an expression. */
export function parseSingleUrl(field: string, raw: unknown): { url?: string; errors: ItemError[]; warnings: ItemWarning[] } {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return { errors: [], warnings: [] };
	if (Array.isArray(raw) && raw.length > 1) {
		return { errors: [{ field, reason: `Expected one URL, got a list of ${raw.length}` }], warnings: [] };
	}
	if (typeof raw === 'string' && splitUrlText(raw).length > 1) {
		return { errors: [{ field, reason: 'Expected one URL, got several' }], warnings: [] };
	}
	const list = parseUrlList(field, Array.isArray(raw) ? raw : [raw]);
	// A single field needs no index: the user gave one value.
	const errors = list.errors.map(({ index: _index, ...error }) => error);
	return { url: list.urls[0]?.url, errors, warnings: list.warnings };
}

/** The file ending of a (canonical) URL's path, lower-cased, if it has one. */
export function urlExtension(url: string): string | undefined {
	const match = /\.([a-z0-9]{1,5})$/i.exec(url.split(/[?#]/, 1)[0]);
	return match?.[1].toLowerCase();
}

/** Warns about URLs whose ending says they are not JPEG/PNG; Ozon would reject those on download. */
export function formatWarnings(field: string, urls: string[], accepted = ACCEPTED_IMAGE_EXTENSIONS): ItemWarning[] {
	const suspicious = urls.filter((url) => {
		const ext = urlExtension(url);
		return ext !== undefined && !accepted.includes(ext) && /^[a-z]+$/.test(ext);
	});
	if (suspicious.length === 0) return [];
	return [
		{
			field,
			message: `Ozon accepts only ${accepted.map((ext) => ext.toUpperCase()).join('/')} images; these URLs end in another format and may be rejected`,
			urls: listWarningUrls(suspicious),
		},
	];
}
