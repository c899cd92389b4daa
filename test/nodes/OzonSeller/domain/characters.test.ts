import { hasControlCharacter } from '../../../../nodes/OzonSeller/domain/characters';

describe('hasControlCharacter', () => {
	it.each([
		['NUL', 'a\u0000b'],
		['a bell', 'a\u0007b'],
		['a tab', 'a\tb'],
		['a line break', 'a\nb'],
		['the last C0 control', 'a\u001fb'],
		['DEL', 'a\u007fb'],
		['a control at the very start', '\u0001abc'],
		['a control at the very end', 'abc\u0002'],
	])('finds %s', (_name, text) => {
		expect(hasControlCharacter(text)).toBe(true);
	});

	it.each([
		['plain text', 'SKU-001'],
		['an empty string', ''],
		['a space', 'a b'],
		['a tilde, just below DEL', 'a~b'],
		['Cyrillic', 'Товар-1'],
		['an emoji', 'a😀b'],
	])('passes %s', (_name, text) => {
		expect(hasControlCharacter(text)).toBe(false);
	});
});
