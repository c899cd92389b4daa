/**
 * A photo's public URL: the Public Base URL plus the key, each path segment percent-encoded
 * (`SKU-1/2 b.jpg` → `<base>/SKU-1/2%20b.jpg`), then validated like any image URL.
 */
import { imageUrlSchema } from '../urls';
import { shownKey } from './keys';

/** A Public Base URL the node cannot use, with the reason. */
export class BaseUrlError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BaseUrlError';
	}
}

/** A validated Public Base URL, without trailing slashes. */
export class PublicBase {
	private constructor(readonly url: string) {}

	/** Checks `raw` as an image URL would be checked (http/https, a public host, no login), without a query or fragment. */
	static read(raw: unknown): PublicBase | BaseUrlError {
		if (typeof raw !== 'string' || raw.trim() === '') {
			return new BaseUrlError('Public Base URL is empty: give the address the bucket is public at, such as https://pub-….r2.dev or https://cdn.example.com/photos');
		}
		const text = raw.trim();
		if (/[?#]/.test(text)) return new BaseUrlError('Public Base URL must not have a query or fragment (?…, #…): the key is added after it');
		const parsed = imageUrlSchema.safeParse(text);
		if (!parsed.success) return new BaseUrlError(`Public Base URL: ${parsed.error.issues[0].message}`);
		return new PublicBase(parsed.data.replace(/\/+$/, ''));
	}

	/** The URL of `key` (a decoded, checked key), canonical as Ozon is sent it; a BaseUrlError when it is no valid image URL (too long, say). */
	urlOf(key: string): string | BaseUrlError {
		let path: string | undefined;
		try {
			path = key.split('/').map(encodeURIComponent).join('/');
		} catch {
			// encodeURIComponent refuses a lone surrogate: text no storage key holds.
			path = undefined;
		}
		if (path === undefined) return new BaseUrlError(`Key "${shownKey(key)}" is not valid Unicode text`);
		const parsed = imageUrlSchema.safeParse(`${this.url}/${path}`);
		if (!parsed.success) return new BaseUrlError(`The URL of key "${shownKey(key)}": ${parsed.error.issues[0].message}`);
		return parsed.data;
	}
}
