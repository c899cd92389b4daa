/**
 * The shipped sources import one way: no file of nodes/ or credentials/ reaches itself through its
 * imports, type-only imports included (a reader must hold both files in mind either way). Imports
 * are read by TypeScript's own pre-processor, so comments and strings never count.
 */
import fs from 'node:fs';
import path from 'node:path';

import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

function sources(folder: string): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(full);
		}
	};
	walk(path.join(ROOT, folder));
	return found;
}

/** Each file's relative imports that resolve to another shipped file. */
export function importGraph(files: string[]): Map<string, string[]> {
	const known = new Set(files);
	const graph = new Map<string, string[]>();
	for (const file of files) {
		const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
		const targets = importedFiles
			.map(({ fileName }) => fileName)
			.filter((spec) => spec.startsWith('.'))
			.map((spec) => path.resolve(path.dirname(file), spec))
			.map((base) => [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => known.has(candidate)))
			.filter((target): target is string => target !== undefined && target !== file);
		graph.set(file, [...new Set(targets)]);
	}
	return graph;
}

/** The strongly connected components of more than one file (Tarjan): each is an import cycle. */
export function cycles(graph: Map<string, string[]>): string[][] {
	let counter = 0;
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (node: string) => {
		index.set(node, counter);
		low.set(node, counter);
		counter++;
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
			} else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
		}
		if (low.get(node) !== index.get(node)) return;
		const component: string[] = [];
		let member: string;
		do {
			member = stack.pop() as string;
			onStack.delete(member);
			component.push(member);
		} while (member !== node);
		if (component.length > 1) found.push(component.map((file) => path.relative(ROOT, file)).sort());
	};
	for (const node of graph.keys()) if (!index.has(node)) visit(node);
	return found;
}

it('no import cycle in nodes/ and credentials/, type-only imports included', () => {
	const files = [...sources('nodes'), ...sources('credentials')];
	expect(files.length).toBeGreaterThan(40);
	expect(cycles(importGraph(files))).toEqual([]);
});

it('the check finds a cycle, also one made of type-only imports', () => {
	const dir = fs.mkdtempSync(path.join(ROOT, '.tmp-cycle-'));
	try {
		const a = path.join(dir, 'a.ts');
		const b = path.join(dir, 'b.ts');
		const c = path.join(dir, 'c.ts');
		fs.writeFileSync(a, "import type { B } from './b';\nexport type A = B[];\n");
		fs.writeFileSync(b, "import type { C } from './c';\nexport type B = C;\n");
		fs.writeFileSync(c, "// import { A } from './a' in a comment does not count\nexport type { A } from './a';\nexport type C = string;\n");
		expect(cycles(importGraph([a, b, c]))).toEqual([[a, b, c].map((file) => path.relative(ROOT, file))]);
		fs.writeFileSync(c, "// import { A } from './a' in a comment does not count\nexport type C = string;\n");
		expect(cycles(importGraph([a, b, c]))).toEqual([]);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
