import type { INodeProperties } from 'n8n-workflow';

import { ParameterError, booleanReader, choiceReader } from '../../../../../nodes/OzonSeller/actions/common/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'replace',
		options: [
			{ name: 'Replace', value: 'replace' },
			{ name: 'Append', value: 'append' },
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		default: {},
		options: [
			{ displayName: 'Dry Run', name: 'dryRun', type: 'boolean', default: false },
			{ displayName: 'Wait', name: 'wait', type: 'boolean', default: true },
			{ displayName: 'API Version', name: 'apiVersion', type: 'options', default: 'v2', options: [{ name: 'V2 (Current)', value: 'v2' }] },
		],
	},
];

describe('choiceReader', () => {
	const mode = choiceReader(properties, 'mode');

	it('takes the value or the displayed name, trimmed, in any case', () => {
		expect(['replace', 'Replace ', ' APPEND', 'append'].map(mode)).toEqual(['replace', 'replace', 'append', 'append']);
		expect(choiceReader(properties, 'apiVersion')(' v2 (current) ')).toBe('v2');
	});

	it('answers anything else with the choices by name and what it got', () => {
		for (const [raw, got] of [['upsert', '"upsert"'], [3, '3'], [undefined, 'nothing'], ['', '""']] as const) {
			const result = mode(raw);
			expect(result).toBeInstanceOf(ParameterError);
			expect((result as ParameterError).toItemError()).toEqual({ field: 'mode', reason: `Mode must be Replace or Append (got ${got})` });
		}
	});

	it('refuses a name the description does not have', () => {
		expect(() => choiceReader(properties, 'colour')).toThrow('No options parameter "colour"');
	});
});

describe('booleanReader', () => {
	it('takes booleans and true/false text; absent is the default', () => {
		const dryRun = booleanReader(properties, 'dryRun');
		expect([true, false, ' TRUE', 'False ', undefined, null].map(dryRun)).toEqual([true, false, true, false, false, false]);
		expect(booleanReader(properties, 'wait')(undefined)).toBe(true);
	});

	it('anything else is an error naming the option', () => {
		expect((booleanReader(properties, 'dryRun')('yes') as ParameterError).message).toBe('Dry Run must be true or false (got "yes")');
	});
});
