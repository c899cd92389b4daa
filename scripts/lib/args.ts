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
