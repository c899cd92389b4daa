import { sleep } from 'n8n-workflow';

import type { ItemError } from '../../../domain/types';
import { ID_FIELD, validatePushInput, type RawPushInput } from '../../../domain/validate';
import { identifierData } from '../../common/identify';
import type { ItemLedger } from '../../common/ledger';
import type { ValidEntry } from './entries';

/** Items read between two turns of the event loop. */
const YIELD_EVERY_ITEMS = 250;

/** One item's parameters, read by the operation's typed reader. */
export interface PushItemInput {
	input: RawPushInput;
	dryRun: boolean;
	checkUrls: boolean;
	/** Choice values the node cannot use: the item fails with them and sends nothing. */
	errors: ItemError[];
	/** False when Identify Product By itself was bad, so the identifier could not be read. */
	identified: boolean;
}

function echoIdentifier(raw: unknown): string | number | undefined {
	if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
	if (typeof raw === 'string' && raw.trim() !== '') return raw.trim().slice(0, 100);
	return undefined;
}

function validateEntry(ledger: ItemLedger, index: number, { input, dryRun, checkUrls, errors, identified }: PushItemInput): ValidEntry | undefined {
	const validated = errors.length > 0 ? undefined : validatePushInput(input);
	if (validated) ledger.warn(index, ...validated.warnings);
	if (!validated?.ok) {
		// Echo what the user gave, so a failure can be matched to its row even when the id itself was bad.
		const given = identified ? echoIdentifier(input.identifier) : undefined;
		if (given !== undefined) ledger.setData(index, { [ID_FIELD[input.identifyBy]]: given });
		ledger.fail(index, 'invalid', validated ? validated.errors : errors);
		return undefined;
	}
	const request = validated.value;
	ledger.setData(index, identifierData(input.identifyBy, request.identifier));
	return { index, identifyBy: input.identifyBy, identifier: request.identifier, request, dryRun, checkUrls };
}

/** Stage 1, read and validate: every item's parameters; a bad item is settled as `invalid` on its own. */
export async function readAndValidate(ledger: ItemLedger, itemCount: number, readItem: (index: number) => PushItemInput): Promise<ValidEntry[]> {
	const valid: ValidEntry[] = [];
	for (let index = 0; index < itemCount; index++) {
		// Reading thousands of items is seconds of synchronous expression work in n8n: give the
		// event loop (other executions, webhooks, the garbage collector's incremental steps) a turn.
		if (index > 0 && index % YIELD_EVERY_ITEMS === 0) await sleep(0);
		try {
			const entry = validateEntry(ledger, index, readItem(index));
			if (entry) valid.push(entry);
		} catch (error) {
			ledger.fail(index, 'invalid', [{ field: 'parameters', reason: (error as Error).message }]);
		}
	}
	return valid;
}
