/**
 * Records every console line (n8n-core's logger binds console methods when it loads, so this must
 * run before a test file's imports). Tests that search logs read `recordedConsole()`.
 */
import { inspect } from 'node:util';

const lines: string[] = [];
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
	const original = console[method].bind(console);
	console[method] = (...args: unknown[]) => {
		lines.push(`console.${method} ${args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 10 }))).join(' ')}`);
		original(...args);
	};
}

// winston writes straight to the console's stream when it has one.
const streams = console as unknown as { _stdout?: NodeJS.WritableStream; _stderr?: NodeJS.WritableStream };
for (const stream of new Set([streams._stdout, streams._stderr, process.stdout, process.stderr])) {
	if (!stream) continue;
	const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
	stream.write = ((chunk: unknown, ...rest: unknown[]) => {
		lines.push(`stream ${String(chunk)}`);
		return write(chunk, ...rest);
	}) as typeof stream.write;
}

(globalThis as { recordedConsole?: () => string[] }).recordedConsole = () => lines;
