import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions, NodeParameterValueType } from 'n8n-workflow';

import type { ItemError, ItemWarning } from '../../domain/types';
import { DEFAULT_TRANSPORT_OPTIONS, MAX_REQUESTS_PER_SECOND, type TransportOptions } from '../../transport';

/** Whether a raw parameter value is, or holds, an expression (so it may differ between items). */
export function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/** `={{ $json.field }}`, `={{ $json["field"] }}` or `={{ $json['field'] }}`, nothing around it. */
const JSON_FIELD_EXPRESSION = /^=\{\{\s*\$json(?:\.([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\])\s*\}\}$/;

/** Field names n8n's expression engine refuses or resolves through the prototype: left to it. */
const ENGINE_ONLY_FIELDS = new Set(['constructor', '__proto__', 'prototype']);

/** The input field a parameter holds as its whole expression, if it is only that. */
function jsonFieldOf(raw: unknown): string | undefined {
	if (typeof raw !== 'string') return undefined;
	const match = JSON_FIELD_EXPRESSION.exec(raw);
	const field = match ? (match[1] ?? match[2] ?? match[3]) : undefined;
	return field !== undefined && !ENGINE_ONLY_FIELDS.has(field) ? field : undefined;
}

/**
 * A value n8n's expression engine hands back unchanged for `{{ $json.field }}`: text, a finite
 * number, a boolean, or a list of texts (copied, as the engine's is a copy).
 */
function plainValue(value: unknown): { value: unknown } | undefined {
	if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return { value };
	if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return { value: [...value] };
	return undefined;
}

/**
 * Options read once per execution, from the first item, by their displayed names: they govern what
 * many items share (requests, the wait, the output's shape).
 */
const ONCE_PER_EXECUTION: Record<string, string> = {
	output: 'Output',
	waitForResult: 'Wait for Result',
	watchOtherWriters: 'Watch for Other Writers',
	resultTimeout: 'Result Timeout',
	batchSize: 'Batch Size',
	timeout: 'Timeout',
	maxRetries: 'Max Retries',
	requestsPerSecond: 'Requests per Second',
	maxRateLimitWait: 'Max Rate Limit Wait',
};

function listed(names: string[]): string {
	return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Longest text compared as a number, a true/false or a choice: option values are short; a longer one is compared as it is. */
const SHORT_TEXT = 200;

/**
 * An option value as the node reads it: a number or numeric text as the number (60 and "60"), true
 * and false in any form, other short text trimmed and in lower case (a choice). Anything else as is.
 */
function optionValueAsRead(value: unknown): unknown {
	if (typeof value !== 'string' || value.length > SHORT_TEXT) return value;
	const text = value.trim().toLowerCase();
	if (text === 'true' || text === 'false') return text === 'true';
	const number = text === '' ? NaN : Number(text);
	return Number.isFinite(number) ? number : text;
}

/**
 * Whether two items' values of an option read once per execution come to the same for the node.
 * Cheap for the common case (one value, often one and the same text, on every item): a value may be
 * megabytes long, and this runs once per item and option.
 */
function sameOptionValue(mine: unknown, first: unknown): boolean {
	if (mine === first) return true;
	const a = optionValueAsRead(mine);
	const b = optionValueAsRead(first);
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	try {
		return JSON.stringify(a) === JSON.stringify(b);
	} catch {
		return false;
	}
}

/** The execution's first-item Options as read once (see keepFirstOptions). */
const executionFirstOptions = new WeakMap<IExecuteFunctions, { options: IDataObject; itemZeroIsFirst: boolean }>();

/**
 * Makes `options` (the first input item's, as read once) the once-per-execution options of `ctx`:
 * every later read of them gets these, as evaluating an expression again may give another value or
 * fail. `itemZeroIsFirst` is false for a context narrowed to later items (a Retry On Fail's open
 * items): its item 0 is another item, whose values were not the ones used (its Output, for one).
 */
export function keepFirstOptions(ctx: IExecuteFunctions, options: IDataObject, itemZeroIsFirst: boolean): void {
	executionFirstOptions.set(ctx, { options, itemZeroIsFirst });
}

/** Switch for tests that compare the shortcut below with n8n's own evaluation. */
export const fieldShortcut = { enabled: true };

/**
 * Reads node parameters for many items, evaluating a parameter per item only when it holds an
 * expression. A static value is the same for every item; resolving it 10,000 times costs seconds
 * of CPU and hundreds of megabytes of short-lived garbage in n8n's expression engine. So does the
 * commonest expression, `{{ $json.field }}` (a column of the input): each evaluation builds n8n's
 * whole expression context for one field read. Its value is read from the item's json directly
 * when it is one n8n would return unchanged (text, number, boolean, list of texts); anything else
 * goes through n8n.
 */
export class ItemParameters {
	private readonly constants = new Map<string, unknown>();

	private readonly fields = new Map<string, string | undefined>();

	private inputs: INodeExecutionData[] | undefined;

	private optionsVary: boolean | undefined;

	private first: IDataObject | undefined;

	constructor(private readonly ctx: IExecuteFunctions) {}

	get(name: string, index: number, fallback?: NodeParameterValueType): unknown {
		if (this.constants.has(name)) return this.constants.get(name);
		const raw = (this.ctx.getNode().parameters as Record<string, unknown>)[name];
		const shortcut = this.fromInput(name, raw, index);
		if (shortcut) return shortcut.value;
		const value = this.ctx.getNodeParameter(name, index, fallback);
		if (!holdsExpression(raw)) this.constants.set(name, value);
		return value;
	}

	/** The value of a `{{ $json.field }}` parameter read from item `index` itself, when n8n would return it unchanged. */
	private fromInput(name: string, raw: unknown, index: number): { value: unknown } | undefined {
		if (!fieldShortcut.enabled) return undefined;
		if (!this.fields.has(name)) this.fields.set(name, jsonFieldOf(raw));
		const field = this.fields.get(name);
		if (field === undefined) return undefined;
		this.inputs ??= this.ctx.getInputData();
		const json = this.inputs[index]?.json;
		return json && Object.prototype.hasOwnProperty.call(json, field) ? plainValue(json[field]) : undefined;
	}

	/** The Options collection of item `index`: the one way every operation reads it. */
	options(index: number): IDataObject {
		// The first item's, once read, are not evaluated again: a second evaluation may give another value, or fail.
		return index === 0 && this.itemZeroIsFirst() ? this.firstOptions() : this.evaluateOptions(index);
	}

	/** The first item's Options, which set the options read once per execution (see readFirstOptions). */
	firstOptions(): IDataObject {
		this.first ??= executionFirstOptions.get(this.ctx)?.options ?? this.evaluateOptions(0);
		return this.first;
	}

	private evaluateOptions(index: number): IDataObject {
		const options = this.get('options', index, {});
		return options && typeof options === 'object' ? (options as IDataObject) : {};
	}

	/**
	 * The first item's Options, or the reason its Options expression could not be evaluated: then
	 * no item can go (they set the whole execution's), and this is said before anything is sent.
	 */
	readFirstOptions(): IDataObject | ParameterError {
		try {
			return this.firstOptions();
		} catch (error) {
			return new ParameterError('options', `Options could not be read on the first item, which sets them for the whole execution: ${(error as Error).message}`);
		}
	}

	/** Whether this context's item 0 is the execution's first item: not in one narrowed to a retry's items. */
	private itemZeroIsFirst(): boolean {
		return executionFirstOptions.get(this.ctx)?.itemZeroIsFirst ?? true;
	}

	/**
	 * A warning for item `index` when an option read once per execution (set by an expression)
	 * has another value on it than on the first item: the first item's was used, and the user
	 * must not have to guess that from what happened. `own`: the item's options, if already read.
	 */
	ignoredOptions(index: number, own?: IDataObject): ItemWarning | undefined {
		this.optionsVary ??= holdsExpression((this.ctx.getNode().parameters as Record<string, unknown>).options);
		if (!this.optionsVary || (index === 0 && this.itemZeroIsFirst())) return undefined;
		const first = this.firstOptions();
		let mine: IDataObject;
		try {
			mine = own ?? this.options(index);
		} catch (error) {
			return { field: 'options', message: `Options could not be read on this item (${(error as Error).message}): the first item's were used, as they are for the whole execution` };
		}
		const ignored = Object.keys(ONCE_PER_EXECUTION).filter((name) => !sameOptionValue(mine[name], first[name]));
		if (ignored.length === 0) return undefined;
		return {
			field: 'options',
			message:
				`${listed(ignored.map((name) => ONCE_PER_EXECUTION[name]))} ${ignored.length === 1 ? 'is' : 'are'} read once per execution, from the first item: ` +
				"this item's value was not used, the first item's was. Give every item the same value, or send these items in an execution of their own",
		};
	}
}

/** A parameter value the node cannot use; it fails the item it was read for, naming the parameter. */
export class ParameterError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'ParameterError';
	}

	toItemError(): ItemError {
		return { field: this.field, reason: this.message };
	}
}

function inWords(names: string[]): string {
	return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function shown(raw: unknown): string {
	const text = typeof raw === 'string' ? `"${raw}"` : raw === undefined ? 'nothing' : JSON.stringify(raw) ?? String(raw);
	return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** The parameter `name` of `type`, at the top level or inside a collection. */
function findProperty(properties: INodeProperties[], name: string, type: INodeProperties['type']): INodeProperties {
	const pending = [...properties];
	while (pending.length > 0) {
		const property = pending.shift() as INodeProperties;
		if (property.name === name && property.type === type) return property;
		pending.push(...(property.options ?? []).filter((option): option is INodeProperties => 'displayName' in option));
	}
	throw new Error(`No ${type} parameter "${name}" in the description`);
}

/**
 * A reader for the options-type parameter `name` of `properties` (top level or inside a
 * collection), so the choices are written once, in the description. Values from expressions are
 * normalised: spaces trimmed, the value or its displayed name accepted in any case. Anything else
 * is a ParameterError listing the choices by their displayed names.
 */
export function choiceReader<T extends string>(properties: INodeProperties[], name: string): (raw: unknown) => T | ParameterError {
	const property = findProperty(properties, name, 'options');
	const options = (property.options ?? []) as INodePropertyOptions[];
	const accepted = new Map<string, T>();
	for (const option of options) {
		accepted.set(String(option.value).toLowerCase(), option.value as T);
		accepted.set(option.name.toLowerCase(), option.value as T);
	}
	const message = `${property.displayName} must be ${inWords(options.map((option) => option.name))}`;
	return (raw) => {
		const value = typeof raw === 'string' ? accepted.get(raw.trim().toLowerCase()) : undefined;
		return value ?? new ParameterError(name, `${message} (got ${shown(raw)})`);
	};
}

/**
 * A reader for the boolean parameter `name` of `properties`: `true`/`false`, or the same words as
 * text in any case with spaces around (an expression from a spreadsheet). Absent gives the
 * description's default; anything else is a ParameterError.
 */
export function booleanReader(properties: INodeProperties[], name: string): (raw: unknown) => boolean | ParameterError {
	const property = findProperty(properties, name, 'boolean');
	const fallback = property.default === true;
	return (raw) => {
		if (raw === undefined || raw === null) return fallback;
		if (typeof raw === 'boolean') return raw;
		const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
		if (text === 'true') return true;
		if (text === 'false') return false;
		return new ParameterError(name, `${property.displayName} must be true or false (got ${shown(raw)})`);
	};
}

/** Collects the bad values among one item's reads, so the item names them all at once. */
export class ItemReads {
	readonly errors: ItemError[] = [];

	/** The value read, or `fallback` (the bad value noted) when it is a ParameterError. */
	take<T>(read: T | ParameterError, fallback: T): T {
		if (!(read instanceof ParameterError)) return read;
		this.errors.push(read.toItemError());
		return fallback;
	}
}

function clampNumber(value: unknown, fallback: number, min: number, max: number): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(number)) return fallback;
	return Math.min(max, Math.max(min, number));
}

/**
 * Transport settings for the whole execution. Requests are shared by many items (batches), so
 * they are read once, from the first item.
 */
export function readTransportOptions(params: ItemParameters): TransportOptions {
	const options = params.firstOptions();
	return {
		...DEFAULT_TRANSPORT_OPTIONS,
		timeoutMs: clampNumber(options.timeout, DEFAULT_TRANSPORT_OPTIONS.timeoutMs / 1000, 1, 600) * 1000,
		maxRetries: Math.round(clampNumber(options.maxRetries, DEFAULT_TRANSPORT_OPTIONS.maxRetries, 0, 10)),
		maxRateLimitWaitMs: clampNumber(options.maxRateLimitWait, DEFAULT_TRANSPORT_OPTIONS.maxRateLimitWaitMs / 1000, 0, 3600) * 1000,
		requestsPerSecond: clampNumber(options.requestsPerSecond, DEFAULT_TRANSPORT_OPTIONS.requestsPerSecond, 1, MAX_REQUESTS_PER_SECOND),
	};
}
