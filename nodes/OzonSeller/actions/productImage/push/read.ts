import { sleep, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { ID_FIELD, validatePushInput, type PushRequest } from '../../../domain/validate';
import { identifierData } from '../../common/identify';
import { ItemParameters } from '../../common/parameters';
import type { RunState } from '../../common/run';
import type { ValidEntry } from './entries';

/** Items read between two turns of the event loop. */
const YIELD_EVERY_ITEMS = 250;

function echoIdentifier(raw: unknown): string | number | undefined {
	if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
	if (typeof raw === 'string' && raw.trim() !== '') return raw.trim().slice(0, 100);
	return undefined;
}

function readEntry(params: ItemParameters, run: RunState, index: number): ValidEntry | undefined {
	const options = params.get('options', index, {}) as IDataObject;
	const identifyBy = params.get('identifyBy', index) as PushRequest['identifyBy'];
	const identifier = params.get(identifyBy, index, undefined);
	const validated = validatePushInput({
		identifyBy,
		identifier,
		images: params.get('images', index, ''),
		primaryImage: params.get('primaryImage', index, ''),
		colorImage: params.get('colorImage', index, ''),
		images360: params.get('images360', index, ''),
		mode: params.get('mode', index, 'replace') as PushRequest['mode'],
		tooManyImages: options.tooManyImages === 'error' ? 'error' : 'truncate',
		apiVersion: options.apiVersion === 'v1' ? 'v1' : 'v2',
	});
	run.warn(index, ...validated.warnings);
	if (!validated.ok) {
		// Echo what the user gave, so a failure can be matched to its row even when the id itself was bad.
		const given = echoIdentifier(identifier);
		if (given !== undefined) run.setData(index, { [ID_FIELD[identifyBy]]: given });
		run.fail(index, 'invalid', validated.errors);
		return undefined;
	}
	const request = validated.value;
	run.setData(index, identifierData(identifyBy, request.identifier));
	return {
		index,
		identifyBy,
		identifier: request.identifier,
		request,
		dryRun: options.dryRun === true,
		checkUrls: options.checkUrls === true,
	};
}

/** Stage 1, read and validate: every item's parameters; a bad item is settled as `invalid` on its own. */
export async function readAndValidate(ctx: IExecuteFunctions, run: RunState, itemCount: number): Promise<ValidEntry[]> {
	const valid: ValidEntry[] = [];
	const params = new ItemParameters(ctx);
	for (let index = 0; index < itemCount; index++) {
		// Reading thousands of items is seconds of synchronous expression work in n8n: give the
		// event loop (other executions, webhooks, the garbage collector's incremental steps) a turn.
		if (index > 0 && index % YIELD_EVERY_ITEMS === 0) await sleep(0);
		try {
			const entry = readEntry(params, run, index);
			if (entry) valid.push(entry);
		} catch (error) {
			run.fail(index, 'invalid', [{ field: 'parameters', reason: (error as Error).message }]);
		}
	}
	return valid;
}
