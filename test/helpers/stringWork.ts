/**
 * Work counted, not timed: how many characters the string and regular-expression built-ins are
 * handed while `work` runs, a deterministic measure of how the work grows with its input (how long
 * it takes is the machine's figure: `npm run bench` prints it). Each call of a built-in counts what
 * it may scan: a character read (`charCodeAt`, `at`, …) 1; a slice its result's length; `startsWith`
 * / `endsWith` the text looked for; a search (`indexOf`, `includes`, a regular expression's `test`,
 * `split`, `replace`, `match`, …) the text searched from where it starts; a conversion (`toLowerCase`,
 * `trim`, `normalize`, …) the text. Only the outermost built-in call counts (one that calls another,
 * as `split` calls a regular expression's, is counted once). What a regular expression backtracks
 * inside one call is not seen, only how often and over how much text one is run: so every run of one
 * over more than LONG_TEXT characters is recorded with where it was called from (`longRegexRuns`).
 * A reader that runs its regular expressions on one URL or label at a time (bounded, so their
 * backtracking is too) and scans the rest character by character is linear; one that runs a
 * regular expression over a whole 2 MB cell may backtrack for minutes (the look-ahead split did).
 */

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const lengthOf = (value: unknown): number => (typeof value === 'string' ? value.length : value instanceof String ? value.length : 0);

/** The cost of one call, from the receiver, the arguments and the result. */
type Cost = (self: unknown, args: unknown[], result: unknown) => number;

const one: Cost = () => 1;
const whole: Cost = (self) => lengthOf(self);
const result: Cost = (_self, _args, value) => 1 + lengthOf(value);
const sought: Cost = (_self, args) => 1 + lengthOf(args[0]);
const fromPosition: Cost = (self, args) => {
	const from = typeof args[1] === 'number' ? Math.max(0, Math.floor(args[1])) : 0;
	return 1 + Math.max(0, lengthOf(self) - from);
};
const untilPosition: Cost = (self, args) => 1 + (typeof args[1] === 'number' ? Math.max(0, Math.min(lengthOf(self), Math.floor(args[1]) + 1)) : lengthOf(self));
/** A regular expression's method: the text it is run on (its first argument), from lastIndex for a global or sticky one. */
const input: Cost = (self, args) => {
	const regexp = self as RegExp;
	const from = regexp.global || regexp.sticky ? regexp.lastIndex : 0;
	return 1 + Math.max(0, lengthOf(args[0]) - from);
};

const STRING_COSTS: Record<string, Cost> = {
	charCodeAt: one,
	codePointAt: one,
	charAt: one,
	at: one,
	slice: result,
	substring: result,
	substr: result,
	startsWith: sought,
	endsWith: sought,
	indexOf: fromPosition,
	includes: fromPosition,
	lastIndexOf: untilPosition,
	search: whole,
	match: whole,
	matchAll: whole,
	replace: whole,
	replaceAll: whole,
	split: whole,
	toLowerCase: whole,
	toUpperCase: whole,
	toLocaleLowerCase: whole,
	toLocaleUpperCase: whole,
	trim: whole,
	trimStart: whole,
	trimEnd: whole,
	normalize: whole,
	localeCompare: whole,
	concat: result,
	padStart: result,
	padEnd: result,
	repeat: result,
};

const REGEXP_COSTS: Array<[string | symbol, Cost]> = [
	['test', input],
	['exec', input],
	[Symbol.split, input],
	[Symbol.replace, input],
	[Symbol.match, input],
	[Symbol.matchAll, input],
	[Symbol.search, input],
];

/** Longer than one URL (2,048 characters) and its separators: a regular expression run over more than this is recorded. */
export const LONG_TEXT = 4096;

/** A regular expression run over more than LONG_TEXT characters, and the first frame of its caller outside this file. */
export interface LongRegexRun {
	length: number;
	at: string;
}

let depth = 0;
let counting = false;
let steps = 0;
let longRegexRuns: LongRegexRun[] = [];

/** The text a call runs a regular expression over: a RegExp method's argument, or a String method's receiver given a RegExp. */
function regexInput(self: unknown, args: unknown[], onRegExp: boolean): number {
	if (onRegExp) return lengthOf(args[0]);
	return args[0] instanceof RegExp ? lengthOf(self) : 0;
}

function callerOutside(): string {
	const frames = (new Error().stack ?? '').split('\n').slice(1);
	return (frames.find((frame) => !frame.includes('stringWork')) ?? '').trim();
}

/** A character read: called millions of times, so counted without an arguments array. */
function instrumentRead(key: string): () => void {
	const original = (String.prototype as unknown as Record<string, (this: string, index?: number) => unknown>)[key];
	const counted = function (this: string, index?: number): unknown {
		if (counting && depth === 0) steps++;
		return original.call(this, index);
	};
	Object.defineProperty(String.prototype, key, { value: counted, writable: true, configurable: true, enumerable: false });
	return () => Object.defineProperty(String.prototype, key, { value: original, writable: true, configurable: true, enumerable: false });
}

function instrument(target: object, key: string | symbol, cost: Cost): () => void {
	if (cost === one) return instrumentRead(key as string);
	const original = (target as Record<string | symbol, AnyFunction>)[key];
	if (typeof original !== 'function') return () => {};
	const onRegExp = target === RegExp.prototype;
	const counted = function (this: unknown, ...args: unknown[]): unknown {
		if (!counting || depth > 0) return original.apply(this, args);
		depth++;
		let value: unknown;
		try {
			value = original.apply(this, args);
			steps += cost(this, args, value);
			const over = regexInput(this, args, onRegExp);
			if (over > LONG_TEXT && longRegexRuns.length < 50) longRegexRuns.push({ length: over, at: callerOutside() });
		} finally {
			depth--;
		}
		return value;
	};
	Object.defineProperty(target, key, { value: counted, writable: true, configurable: true, enumerable: false });
	return () => Object.defineProperty(target, key, { value: original, writable: true, configurable: true, enumerable: false });
}

/**
 * Runs `work` and returns what it returned with the characters the string and regular-expression
 * built-ins were handed meanwhile (see above), and the regular expressions run over long texts.
 * `work` may be async: what runs until it settles is counted, so count alone (nothing else of the
 * test's running at once).
 */
export async function countStringWork<T>(work: () => T | Promise<T>): Promise<{ value: T; steps: number; longRegexRuns: LongRegexRun[] }> {
	if (counting) throw new Error('countStringWork: already counting');
	const restore = [
		...Object.entries(STRING_COSTS).map(([key, cost]) => instrument(String.prototype, key, cost)),
		...REGEXP_COSTS.map(([key, cost]) => instrument(RegExp.prototype, key, cost)),
	];
	counting = true;
	steps = 0;
	longRegexRuns = [];
	try {
		const value = await work();
		return { value, steps, longRegexRuns };
	} finally {
		counting = false;
		for (const undo of restore.reverse()) undo();
	}
}

/**
 * The longest host (with port) handed to the WHATWG URL parser while `work` runs: encoding an
 * internationalised host name is quadratic in its length, so a linear reader never hands it one
 * longer than a host can be.
 */
export async function longestHostParsed<T>(work: () => T | Promise<T>): Promise<{ value: T; longestHost: number }> {
	const Original = globalThis.URL;
	let longestHost = 0;
	class Watched extends Original {
		constructor(url: string | URL, base?: string | URL) {
			const text = String(url);
			const afterScheme = text.replace(/^[a-z][a-z0-9+.-]*:[/\\]*/i, '');
			const host = afterScheme.split(/[/?#\\]/)[0].replace(/^.*@/, '');
			longestHost = Math.max(longestHost, host.length);
			super(url, base);
		}
	}
	globalThis.URL = Watched as typeof URL;
	try {
		const value = await work();
		return { value, longestHost };
	} finally {
		globalThis.URL = Original;
	}
}
