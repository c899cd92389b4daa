/**
 * Key Pattern: where a key names the product and the photo's place.
 *
 * Grammar: `{offer_id}`, `{product_id}` or `{sku}` (exactly one: the product), optionally
 * `{position}` (a whole number, 1 = main photo), `*` (any text within one path segment), `**` (any
 * text, slashes included); everything else is literal. The whole key must match. `{offer_id}` is
 * one or more characters within a segment, `{product_id}`, `{sku}` and `{position}` one or more
 * digits. Two variable parts may not touch (`{offer_id}{position}`, `***`): which one a character
 * belongs to would be a guess. Where a key still matches in several ways, each part takes as much
 * as it can, from the left.
 *
 * Matching runs a Pike VM (Thompson's construction, threads in priority order): every position of
 * the key is visited once, with at most one thread per instruction, so a match costs at most
 * (key length + 1) × (program length) steps whatever the key holds. No backtracking regular
 * expression is involved.
 */
import { hasControlCharacter } from '../characters';
import type { IdentifyBy } from '../types';
import { MAX_PATTERN_LENGTH } from './limits';

/** The identifier tokens and how the product is named by each. */
const ID_TOKENS: Record<string, IdentifyBy> = { offer_id: 'offerId', product_id: 'productId', sku: 'sku' };

type Token = { type: 'literal'; text: string } | { type: 'any'; slashes: boolean } | { type: 'id'; by: IdentifyBy } | { type: 'position' };

type Instruction =
	| { op: 'char'; char: string }
	| { op: 'any'; slashes: boolean }
	| { op: 'digit' }
	| { op: 'split'; first: number; second: number }
	| { op: 'jump'; to: number }
	| { op: 'save'; slot: number }
	| { op: 'match' };

/** Capture slots: the identifier's start and end, the position's start and end. */
const ID_START = 0;
const ID_END = 1;
const POSITION_START = 2;
const POSITION_END = 3;

/** Counts the matcher's steps, so tests can hold its work to the input's size. */
export interface StepMeter {
	steps: number;
}

/** What a key that matches says. */
export interface KeyMatch {
	identifyBy: IdentifyBy;
	identifier: string;
	/** The `{position}` number, when the pattern has one. */
	position?: number;
}

/** A Key Pattern the node cannot use, with the reason. */
export class PatternError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PatternError';
	}
}

function tokenize(pattern: string): Token[] | PatternError {
	const tokens: Token[] = [];
	let literal = '';
	const flush = () => {
		if (literal) tokens.push({ type: 'literal', text: literal });
		literal = '';
	};
	for (let at = 0; at < pattern.length; at++) {
		const char = pattern[at];
		if (char === '*') {
			flush();
			const slashes = pattern[at + 1] === '*';
			if (slashes) at++;
			tokens.push({ type: 'any', slashes });
		} else if (char === '{') {
			const end = pattern.indexOf('}', at);
			const name = end === -1 ? '' : pattern.slice(at + 1, end);
			if (name !== 'position' && !(name in ID_TOKENS)) {
				return new PatternError(`Unknown part "${pattern.slice(at, end === -1 ? at + 20 : end + 1)}": the parts are {offer_id}, {product_id}, {sku}, {position}, * and **`);
			}
			flush();
			tokens.push(name === 'position' ? { type: 'position' } : { type: 'id', by: ID_TOKENS[name] });
			at = end;
		} else if (char === '}') {
			return new PatternError('A "}" without its "{"');
		} else {
			literal += char;
		}
	}
	flush();
	return tokens;
}

function checkTokens(tokens: Token[]): PatternError | undefined {
	const ids = tokens.filter((token) => token.type === 'id');
	if (ids.length !== 1) return new PatternError(`Needs exactly one of {offer_id}, {product_id} or {sku} to name the product (found ${ids.length})`);
	if (tokens.filter((token) => token.type === 'position').length > 1) return new PatternError('Has {position} more than once');
	const touching = tokens.some((token, index) => index > 0 && token.type !== 'literal' && tokens[index - 1].type !== 'literal');
	if (touching) return new PatternError('Two variable parts touch (such as {offer_id}{position} or ***): put literal text between them, such as "_" or "/"');
	return undefined;
}

/** Compiles the tokens into a Pike VM program; quantifiers are greedy (the first branch loops). */
function compile(tokens: Token[]): Instruction[] {
	const program: Instruction[] = [];
	const oneOrMore = (unit: Instruction) => {
		const start = program.length;
		program.push(unit, { op: 'split', first: start, second: start + 2 });
	};
	for (const token of tokens) {
		if (token.type === 'literal') {
			// By UTF-16 unit, as the key is read.
			for (let at = 0; at < token.text.length; at++) program.push({ op: 'char', char: token.text[at] });
		} else if (token.type === 'any') {
			const start = program.length;
			program.push({ op: 'split', first: start + 1, second: start + 3 }, { op: 'any', slashes: token.slashes }, { op: 'jump', to: start });
		} else {
			const [open, close] = token.type === 'id' ? [ID_START, ID_END] : [POSITION_START, POSITION_END];
			program.push({ op: 'save', slot: open });
			oneOrMore(token.type === 'id' && token.by === 'offerId' ? { op: 'any', slashes: false } : { op: 'digit' });
			program.push({ op: 'save', slot: close });
		}
	}
	program.push({ op: 'match' });
	return program;
}

interface Thread {
	pc: number;
	captures: number[];
}

const isDigit = (char: string) => char >= '0' && char <= '9';

/** A compiled Key Pattern. */
export class KeyPattern {
	private readonly program: Instruction[];

	readonly identifyBy: IdentifyBy;

	readonly hasPosition: boolean;

	private constructor(
		readonly text: string,
		tokens: Token[],
	) {
		this.program = compile(tokens);
		this.identifyBy = (tokens.find((token) => token.type === 'id') as { by: IdentifyBy }).by;
		this.hasPosition = tokens.some((token) => token.type === 'position');
	}

	/** Compiles `text`, or says what is wrong with it. */
	static compile(text: string): KeyPattern | PatternError {
		if (text.length === 0) return new PatternError('Key Pattern is empty');
		if (text.length > MAX_PATTERN_LENGTH) return new PatternError(`Key Pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
		if (hasControlCharacter(text)) return new PatternError('Key Pattern contains control characters');
		if (text.startsWith('/')) return new PatternError('Key Pattern starts with "/": keys do not (write "products/{offer_id}/*", not "/products/…")');
		const tokens = tokenize(text);
		const problem = tokens instanceof PatternError ? tokens : checkTokens(tokens);
		return problem ?? new KeyPattern(text, tokens as Token[]);
	}

	/** Instructions of the compiled program: the factor a match's work is bounded by. */
	get size(): number {
		return this.program.length;
	}

	/** What `key` says, or undefined when it does not match the pattern. */
	match(key: string, meter?: StepMeter): KeyMatch | undefined {
		const seen = new Int32Array(this.program.length).fill(-1);
		let current: Thread[] = [];
		this.follow(current, 0, [-1, -1, -1, -1], 0, seen, meter);
		for (let at = 0; at <= key.length && current.length > 0; at++) {
			const char = key[at];
			const next: Thread[] = [];
			for (const { pc, captures } of current) {
				if (meter) meter.steps++;
				const instruction = this.program[pc];
				if (instruction.op === 'match') {
					// The highest-priority thread that has read the whole key wins; those behind it are dropped.
					if (at === key.length) return this.result(key, captures);
					continue;
				}
				if (at === key.length) continue;
				const takes =
					(instruction.op === 'char' && instruction.char === char) ||
					(instruction.op === 'any' && (instruction.slashes || char !== '/')) ||
					(instruction.op === 'digit' && isDigit(char));
				if (takes) this.follow(next, pc + 1, captures, at + 1, seen, meter);
			}
			current = next;
		}
		return undefined;
	}

	/** Adds the thread at `pc` to `list`, following jumps, splits (first branch first) and saves. */
	private follow(list: Thread[], pc: number, captures: number[], at: number, seen: Int32Array, meter?: StepMeter): void {
		if (meter) meter.steps++;
		if (seen[pc] === at) return;
		seen[pc] = at;
		const instruction = this.program[pc];
		if (instruction.op === 'jump') return this.follow(list, instruction.to, captures, at, seen, meter);
		if (instruction.op === 'split') {
			this.follow(list, instruction.first, captures, at, seen, meter);
			return this.follow(list, instruction.second, captures, at, seen, meter);
		}
		if (instruction.op === 'save') {
			const saved = [...captures];
			saved[instruction.slot] = at;
			return this.follow(list, pc + 1, saved, at, seen, meter);
		}
		list.push({ pc, captures });
	}

	private result(key: string, captures: number[]): KeyMatch {
		const identifier = key.slice(captures[ID_START], captures[ID_END]);
		if (!this.hasPosition) return { identifyBy: this.identifyBy, identifier };
		return { identifyBy: this.identifyBy, identifier, position: Number(key.slice(captures[POSITION_START], captures[POSITION_END])) };
	}
}
