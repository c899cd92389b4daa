
import { ID_FIELD, type ItemError, type ItemWarning } from '../../../domain/types';
import { validatePushInput, type RawPushInput } from '../../../domain/validate';
import { ITEMS_PER_TURN } from '../../common/concurrency';
import { identifierData } from '../../common/identify';
import type { ItemLedger } from '../../common/ledger';
import type { ValidEntry } from './entries';


/** One item's parameters, read by the operation's typed reader. */
export interface PushItemInput {
	input: RawPushInput;
	dryRun: boolean;
	checkUrls: boolean;
	/** Choice values the node cannot use: the item fails with them and sends nothing. */
	errors: ItemError[];
	/** False when Identify Product By itself was bad, so the identifier could not be read. */
	identified: boolean;
	/** Said on the item whatever becomes of it (an option of its own that was not used). */
	warnings: ItemWarning[];
}

function echoIdentifier(raw: unknown): string | number | undefined {
	if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
	if (typeof raw === 'string' && raw.trim() !== '') return raw.trim().slice(0, 100);
	return undefined;
}

function validateEntry(ledger: ItemLedger, index: number, { input, dryRun, checkUrls, errors, identified, warnings }: PushItemInput): ValidEntry | undefined {
	ledger.warn(index, ...warnings);
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

/** The valid entries of one turn of reading, and how many items remain to be read after it. */
export interface ReadTurn {
	entries: ValidEntry[];
	unread: number;
}

/**
 * Stage 1, read and validate: every item's parameters, a turn of items at a time; a bad item is
 * settled as `invalid` on its own. Yields each turn's valid entries, so they can be on their way
 * while later items are still being read.
 */
export async function* readInTurns(ledger: ItemLedger, itemCount: number, readItem: (index: number) => PushItemInput, yieldTurn: () => Promise<void>): AsyncGenerator<ReadTurn> {
	for (let start = 0; start < itemCount; start += ITEMS_PER_TURN) {
		// Reading thousands of items is seconds of synchronous expression work in n8n: give the
		// event loop (requests under way, other executions, webhooks, the garbage collector's
		// incremental steps) a turn.
		if (start > 0) await yieldTurn();
		const end = Math.min(itemCount, start + ITEMS_PER_TURN);
		const entries: ValidEntry[] = [];
		for (let index = start; index < end; index++) {
			try {
				const entry = validateEntry(ledger, index, readItem(index));
				if (entry) entries.push(entry);
			} catch (error) {
				ledger.fail(index, 'invalid', [{ field: 'parameters', reason: (error as Error).message }]);
			}
		}
		yield { entries, unread: itemCount - end };
	}
}
