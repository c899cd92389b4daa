// Lint for code that never ships: tests, scripts and the Ozon sandbox (scripts/ and sandbox/ re-export
// this file). `npm run lint` lets ESLint take the config nearest each file, so these folders get this one
// and the shipped sources (nodes/, credentials/) get node-cli's default from the root eslint.config.mjs.
// The JS and TypeScript recommended rules, the same base node-cli starts from; n8n's community-node rules
// are left out because they are about code running inside n8n (no Node built-ins, no setTimeout, no
// console), while this code is jest, Node CLIs and CI tooling that need exactly those.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config({
	files: ['**/*.ts'],
	extends: [js.configs.recommended, tseslint.configs.recommended],
});
