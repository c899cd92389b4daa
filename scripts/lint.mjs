/**
 * `npm run lint`: n8n's `n8n-node lint`. With "n8n": { "strict": true } in package.json it first checks
 * that eslint.config.mjs is still node-cli's default config (what n8n Cloud verification expects), then
 * runs ESLint on the project. ESLint is told to take the config nearest each file, so test/, scripts/ and
 * sandbox/ get their own rules (test/eslint.config.mjs) and the shipped nodes/ and credentials/ the default.
 * Arguments pass through (`npm run lint -- --fix`).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'node_modules', '@n8n', 'node-cli', 'bin', 'n8n-node.mjs');
const flags = [process.env.ESLINT_FLAGS, 'unstable_config_lookup_from_file'].filter(Boolean).join(',');

const result = spawnSync(process.execPath, [cli, 'lint', ...process.argv.slice(2)], {
	cwd: root,
	stdio: 'inherit',
	env: { ...process.env, ESLINT_FLAGS: flags },
});
process.exit(result.status ?? 1);
