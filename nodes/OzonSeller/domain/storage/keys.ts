/**
 * Object keys as storage events carry them: decoding, and what the node refuses in a key.
 */
import { hasControlCharacter } from '../characters';
import { MAX_ENCODED_KEY_LENGTH, MAX_KEY_LENGTH, MAX_KEYS_IN_WARNING } from './limits';

/**
 * How a key arrives. `form`: URL-encoded as in an HTML form, `+` a space and `%2F` a slash (S3's
 * and MinIO's event records). `plain`: as stored (R2's notifications, listings, keys given by hand).
 */
export type KeyEncoding = 'form' | 'plain';

/** A key the node cannot use, with the reason; `key` is the text as given. */
export class KeyError extends Error {
	constructor(
		readonly key: string,
		message: string,
	) {
		super(message);
		this.name = 'KeyError';
	}
}

/** A key shortened for a message: a hostile one may be megabytes long. */
export function shownKey(key: string): string {
	return key.length > 120 ? `${key.slice(0, 117)}…` : key;
}

/** `"a", "b" and 3 more`: the keys a warning names. */
export function keysText(keys: string[]): string {
	const named = keys.slice(0, MAX_KEYS_IN_WARNING).map((key) => `"${shownKey(key)}"`);
	const more = keys.length - named.length;
	return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}

/**
 * The key as stored: form-decoded when it arrives `form`-encoded, and checked either way. A KeyError
 * for a key too long, not valid percent-encoding, with control characters, or with a `.` or `..`
 * segment (a URL built from it would point elsewhere). Linear in the key's length.
 */
export function decodeKey(raw: string, encoding: KeyEncoding): string | KeyError {
	if (raw.length > (encoding === 'form' ? MAX_ENCODED_KEY_LENGTH : MAX_KEY_LENGTH)) {
		return new KeyError(raw, `Key is ${raw.length} characters long; storage keys are at most ${MAX_KEY_LENGTH} bytes`);
	}
	let key: string | undefined = raw;
	if (encoding === 'form') {
		try {
			key = decodeURIComponent(raw.replace(/\+/g, ' '));
		} catch {
			key = undefined;
		}
		if (key === undefined) return new KeyError(raw, `Key "${shownKey(raw)}" is not valid URL encoding (a "%" not followed by two hex digits, or bytes that are not UTF-8)`);
		if (key.length > MAX_KEY_LENGTH) return new KeyError(raw, `Key is ${key.length} characters long once decoded; storage keys are at most ${MAX_KEY_LENGTH} bytes`);
	}
	if (key.length === 0) return new KeyError(raw, 'Key is empty');
	if (hasControlCharacter(key)) return new KeyError(raw, `Key ${shownKey(JSON.stringify(key))} contains control characters`);
	if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
		return new KeyError(raw, `Key "${shownKey(key)}" has a "." or ".." segment: a URL built from it would point to another folder`);
	}
	return key;
}
