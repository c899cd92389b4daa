/**
 * `node scripts/check-workflows.mjs [file…]`: validates GitHub Actions workflows offline with GitHub's
 * own workflow parser (@actions/workflow-parser, the schema behind the Actions editor support):
 * YAML, keys and values against the workflow schema, expressions, job graph. A local reusable workflow
 * (`uses: ./.github/workflows/…`) is read and checked against its caller. Without arguments it checks
 * every file in .github/workflows. Prints each error and exits 1 if there is any.
 */
import fs from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The parser's build imports its schema JSON as bundlers allow, without `with { type: 'json' }`, which
// Node refuses; this load hook adds the attribute to such imports.
const addJsonType = `export async function load(url, context, next) {
	const attributes = context.importAttributes ?? {};
	if (url.endsWith('.json') && !attributes.type) return next(url, { ...context, importAttributes: { ...attributes, type: 'json' } });
	return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(addJsonType)}`);
const { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } = await import('@actions/workflow-parser');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workflowsDir = path.join(root, '.github', 'workflows');

const files = process.argv.length > 2
	? process.argv.slice(2).map((file) => path.resolve(file))
	: fs.readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name)).map((name) => path.join(workflowsDir, name));

// Local references resolve from the repository root, as GitHub resolves them.
const localFiles = {
	async getFileContent(reference) {
		if ('repository' in reference) throw new Error(`not a local workflow: ${reference.owner}/${reference.repository}`);
		const file = path.join(root, reference.path);
		return { name: reference.path, content: fs.readFileSync(file, 'utf8') };
	},
};

let failures = 0;
for (const file of files) {
	const name = path.relative(root, file);
	const parsed = parseWorkflow({ name, content: fs.readFileSync(file, 'utf8') }, new NoOperationTraceWriter());
	if (parsed.value) {
		await convertWorkflowTemplate(parsed.context, parsed.value, localFiles, { fetchReusableWorkflowDepth: 1 });
	}
	const errors = parsed.context.errors.getErrors();
	if (!parsed.value && errors.length === 0) errors.push({ message: `${name}: empty or not YAML` });
	for (const error of errors) console.log(`✗ ${error.message}`);
	if (errors.length === 0) console.log(`✓ ${name}`);
	failures += errors.length;
}
process.exit(failures === 0 ? 0 : 1);
