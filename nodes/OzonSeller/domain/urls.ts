import { z } from 'zod';

import { hasControlCharacter } from './characters';
import { refuse } from './refuse';

import {
	ACCEPTED_IMAGE_EXTENSIONS,
	MAX_FIELD_LENGTH,
	MAX_HOST_LENGTH,
	MAX_HOST_TEXT_LENGTH,
	MAX_URL_ENTRIES,
	MAX_URL_LENGTH,
	MAX_URL_TEXT_LENGTH,
	MAX_URLS_IN_WARNING,
} from './constants';
import { hostBlockReason } from './addresses';
import type { IndexedUrl, ItemError, ItemWarning } from './types';

const COMMA = 0x2c;
const SEMICOLON = 0x3b;

/** A comma or a semicolon: they separate URLs only where the next URL starts (see splitUrlText). */
const isSoftSeparator = (code: number) => code === COMMA || code === SEMICOLON;

const HOST_TOO_LONG = `URL host is longer than ${MAX_HOST_LENGTH} characters`;

const endsHostText = (character: string) => character === '/' || character === '?' || character === '#' || character === '\\';

/**
 * Length of the host (and port) as written, found without parsing: after the scheme's colon and
 * any slashes, up to the path, and after the last "@" (a login is refused with its own reason).
 */
function hostTextLength(value: string): number {
	const colon = value.indexOf(':');
	if (colon === -1) return 0;
	let start = colon + 1;
	while (start < value.length && (value[start] === '/' || value[start] === '\\')) start++;
	let end = start;
	while (end < value.length && !endsHostText(value[end])) end++;
	const login = value.lastIndexOf('@', end - 1);
	return end - Math.max(start, login + 1);
}

/**
 * One image URL: http(s), a host, no spaces, control or invisible characters, no embedded login.
 * Parsed once; the result is the canonical form Ozon is sent (punycode host, percent-encoded path),
 * and Ozon's length limit holds for that form: a Cyrillic path grows six-fold once percent-encoded.
 */
export const imageUrlSchema = z
	.string()
	// Only a bound on the work of parsing: the limit itself is checked on the URL as it is sent.
	.max(MAX_URL_TEXT_LENGTH, `URL is longer than ${MAX_URL_LENGTH} characters`)
	.transform((value, ctx) => {
		if (/\s/.test(value) || hasControlCharacter(value)) return refuse(ctx, 'URL contains whitespace or control characters');
		// Zero-width spaces, direction overrides and the like: URL parsing would silently encode them.
		if (/\p{Cf}/u.test(value)) return refuse(ctx, 'URL contains invisible formatting characters (e.g. a zero-width space)');
		if (hostTextLength(value) > MAX_HOST_TEXT_LENGTH) return refuse(ctx, HOST_TOO_LONG);
		let parsed: URL;
		try {
			parsed = new URL(value);
		} catch {
			return refuse(ctx, 'Invalid URL format');
		}
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
			return refuse(ctx, `URL must start with http:// or https:// (got ${parsed.protocol.replace(/:$/, '')})`);
		}
		// WHATWG parsing would read "https:///a.jpg" as host "a.jpg": insist on a host in the text itself.
		if (!parsed.hostname || !/^[a-z]+:\/\/[^/?#\\]/i.test(value)) return refuse(ctx, 'URL has no host');
		if (parsed.hostname.length > MAX_HOST_LENGTH) return refuse(ctx, HOST_TOO_LONG);
		if (parsed.username || parsed.password) {
			return refuse(ctx, 'URL must not contain a user name or password; use a public or signed URL');
		}
		const notPublic = hostBlockReason(parsed.hostname);
		if (notPublic) {
			return refuse(ctx,
				`Ozon fetches images from the internet and cannot reach this address: ${notPublic}. Put the image where the internet can reach it (e.g. a public S3/R2 bucket or a CDN)`,
			);
		}
		if (parsed.href.length > MAX_URL_LENGTH) {
			return refuse(ctx,
				parsed.href === value
					? `URL is longer than ${MAX_URL_LENGTH} characters`
					: `URL is ${parsed.href.length} characters long as it is sent (letters outside ASCII and some signs are percent-encoded: "д" becomes "%D0%B4"); Ozon takes at most ${MAX_URL_LENGTH}`,
			);
		}
		return parsed.href;
	});

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The form two URLs are compared in, to tell the same file written twice: percent-encoded unreserved
 * characters decoded (`%7E` is `~`, `%41` is `A`) and other escapes in upper case (`%2f` is `%2F`),
 * as RFC 3986 (6.2.2) makes them equivalent. Only for comparing: the URL is sent as it was given.
 */
export function sameFileKey(url: string): string {
	if (!url.includes('%')) return url;
	return url.replace(/%([0-9A-Fa-f]{2})/g, (escape: string, hex: string) => {
		const character = String.fromCharCode(parseInt(hex, 16));
		return UNRESERVED.test(character) ? character : escape.toUpperCase();
	});
}

/** `urls` without the ones that name a file already listed (see sameFileKey), first kept, in order. */
export function uniqueFiles(urls: string[]): string[] {
	const seen = new Set<string>();
	return urls.filter((url) => {
		const key = sameFileKey(url);
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

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

/** Whitespace as JavaScript's `\s` knows it: it always separates URLs. */
function isListSeparator(code: number): boolean {
	return (
		code === 0x20 ||
		(code >= 0x09 && code <= 0x0d) ||
		code === 0xa0 ||
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200a) ||
		code === 0x2028 ||
		code === 0x2029 ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000 ||
		code === 0xfeff
	);
}

const isLetter = (code: number) => (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
const isSchemeCharacter = (code: number) => isLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2d || code === 0x2e;

/** Whether a URL scheme and "://" start at `at` (a letter, then letters, digits, "+", "-" or "."). */
function schemeStartsAt(text: string, at: number): boolean {
	if (at >= text.length || !isLetter(text.charCodeAt(at))) return false;
	let end = at + 1;
	while (end < text.length && isSchemeCharacter(text.charCodeAt(end))) end++;
	return text.startsWith('://', end);
}

/**
 * Splits one text cell into URL entries: at whitespace, and at a run of commas and semicolons only
 * where the next URL starts, so commas and semicolons inside a URL (CDN transforms such as
 * w_100,h_100; path parameters such as /img;v=2/) survive; those around an entry are dropped. One
 * pass without regular expressions: linear in the text's length whatever it holds (a scheme check
 * stops at the next comma or semicolon, so no character is read more than twice), and no garbage
 * for runs of separators.
 */
export function splitUrlText(text: string): string[] {
	const entries: string[] = [];
	const add = (from: number, to: number) => {
		let end = to;
		while (end > from && isSoftSeparator(text.charCodeAt(end - 1))) end--;
		if (end > from) entries.push(text.slice(from, end));
	};
	let entryStart = -1;
	let at = 0;
	while (at < text.length) {
		const code = text.charCodeAt(at);
		if (isListSeparator(code)) {
			if (entryStart !== -1) add(entryStart, at);
			entryStart = -1;
			at++;
		} else if (isSoftSeparator(code)) {
			let runEnd = at;
			while (runEnd < text.length && isSoftSeparator(text.charCodeAt(runEnd))) runEnd++;
			if (entryStart !== -1 && schemeStartsAt(text, runEnd)) {
				add(entryStart, at);
				entryStart = -1;
			}
			at = runEnd;
		} else {
			if (entryStart === -1) entryStart = at;
			at++;
		}
	}
	if (entryStart !== -1) add(entryStart, text.length);
	return entries;
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
		if (entry === null || entry === undefined || (typeof entry === 'string' && entry.length <= MAX_URL_TEXT_LENGTH && entry.trim() === '')) {
			emptyIndexes.push(index);
			return;
		}
		if (typeof entry !== 'string') {
			errors.push({ field, index, reason: `Expected a URL string, got ${describeType(entry)}` });
			return;
		}
		if (entry.length > MAX_URL_TEXT_LENGTH) {
			errors.push({ field, index, url: entry.slice(0, MAX_URL_LENGTH), reason: `URL is longer than ${MAX_URL_LENGTH} characters` });
			return;
		}
		const parsed = imageUrlSchema.safeParse(entry.trim());
		if (!parsed.success) {
			errors.push({ field, index, url: entry.slice(0, MAX_URL_LENGTH), reason: parsed.error.issues[0].message });
			return;
		}
		const key = sameFileKey(parsed.data);
		if (seen.has(key)) {
			duplicates.push(parsed.data);
			return;
		}
		seen.add(key);
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
	if (raw === undefined || raw === null) return { errors: [], warnings: [] };
	if (Array.isArray(raw) && raw.length > 1) {
		return { errors: [{ field, reason: `Expected one URL, got a list of ${raw.length}` }], warnings: [] };
	}
	let entries: unknown[] = Array.isArray(raw) ? raw : [raw];
	if (typeof raw === 'string') {
		// Checked before any parsing: one URL with some spaces around it never needs more.
		if (raw.length > MAX_URL_TEXT_LENGTH) {
			return { errors: [{ field, reason: `Text is ${raw.length} characters long; one URL takes at most ${MAX_URL_LENGTH}` }], warnings: [] };
		}
		entries = splitUrlText(raw);
		if (entries.length === 0) return { errors: [], warnings: [] };
		if (entries.length > 1) return { errors: [{ field, reason: 'Expected one URL, got several' }], warnings: [] };
	}
	const list = parseUrlList(field, entries);
	const errors = list.errors.map(withoutIndex);
	return { url: list.urls[0]?.url, errors, warnings: list.warnings };
}

/** A single field needs no index on its errors: the user gave one value. */
function withoutIndex(error: ItemError): ItemError {
	const copy = { ...error };
	delete copy.index;
	return copy;
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
