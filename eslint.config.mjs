// Lint with n8n's rules: eslint-plugin-n8n-nodes-base (community, credentials, nodes), with
// @n8n/eslint-plugin-community-nodes (what n8n's package scanner checks) stacked on it.
import n8nCommunityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const { configs: base } = n8nNodesBase;

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**', '.build/**'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tseslint.parser, parserOptions: { sourceType: 'module' } },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: base.community.rules,
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...base.credentials.rules,
			// The rule's own docs: "Only applicable to nodes in the main repository"; ours is a full URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...base.nodes.rules,
			// Superseded by @n8n/community-nodes/node-connection-type-literal, which asks for
			// NodeConnectionTypes.Main where these older rules ask for the 'main' literal.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		...n8nCommunityNodes.configs.recommended,
		files: ['credentials/**/*.ts', 'nodes/**/*.ts', 'package.json'],
	},
	{
		files: ['test/**/*.ts', 'scripts/**/*.ts', 'sandbox/**/*.ts'],
		plugins: { '@typescript-eslint': tseslint.plugin },
		rules: {},
	},
];
