/** The command-line options of the scripts and the sandbox: `--name value` and bare `--flag`s. */

/** The value after `--name`, or undefined when the option is absent or followed by another option. */
export function optionText(name: string, argv: string[] = process.argv): string | undefined {
	const index = argv.indexOf(`--${name}`);
	const value = index >= 0 ? argv[index + 1] : undefined;
	return value === undefined || value.startsWith('--') ? undefined : value;
}

/** `--name N` as a number, or `fallback` when absent. */
export function optionNumber(name: string, fallback: number, argv: string[] = process.argv): number {
	const value = optionText(name, argv);
	return value === undefined ? fallback : Number(value);
}

/** `--name value` that must be given. */
export function requiredOption(name: string, argv: string[] = process.argv): string {
	const value = optionText(name, argv);
	if (value === undefined) throw new Error(`--${name} is required`);
	return value;
}

/** Whether the bare `--name` is given. */
export function hasFlag(name: string, argv: string[] = process.argv): boolean {
	return argv.includes(`--${name}`);
}

/**
 * Node options every bench scenario adds, from the environment of `npm run bench` (inherited by
 * the scenario processes): `OZON_BENCH_OPTIONS='{"watchOtherWriters":false}'` measures a setting.
 */
export function benchOptions(): Record<string, unknown> {
	const text = process.env.OZON_BENCH_OPTIONS;
	if (!text) return {};
	const parsed: unknown = JSON.parse(text);
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('OZON_BENCH_OPTIONS must be a JSON object');
	return parsed as Record<string, unknown>;
}
