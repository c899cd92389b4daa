import { hasFlag, optionNumber, optionText, requiredOption } from '../../../scripts/lib/args';

describe('scripts/lib/args', () => {
	const argv = ['node', 'cli.js', '--port', '8787', '--v1-off', '--cdn', '--line', '1.x'];

	it('reads a value, a number and a flag', () => {
		expect(optionText('line', argv)).toBe('1.x');
		expect(optionNumber('port', 1, argv)).toBe(8787);
		expect(optionNumber('products', 20, argv)).toBe(20);
		expect(hasFlag('cdn', argv)).toBe(true);
		expect(hasFlag('quiet', argv)).toBe(false);
	});

	it('an option followed by another option has no value; a required one that is missing says so', () => {
		expect(optionText('v1-off', argv)).toBeUndefined();
		expect(() => requiredOption('url', argv)).toThrow('--url is required');
	});
});
