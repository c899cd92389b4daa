/**
 * Whether the text holds a C0 control character (U+0000–U+001F) or DEL (U+007F): invisible, and never
 * part of a URL or an article as a person typed it. A plain scan rather than a character class, because
 * a regular expression that names control characters reads as a typo to linters and reviewers alike.
 */
export function hasControlCharacter(text: string): boolean {
	for (let at = 0; at < text.length; at++) {
		const code = text.charCodeAt(at);
		if (code <= 0x1f || code === 0x7f) return true;
	}
	return false;
}
