/** End-to-end tests: the packed package in a real n8n (both lines) against the Ozon sandbox. */
/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	// The contract check watches the sandbox here too: real n8n's requests must fit Ozon's contract.
	setupFilesAfterEnv: ['<rootDir>/test/setup/console.ts', '<rootDir>/test/setup/contract.ts'],
	// First run installs n8n (minutes); later runs use the cache.
	testTimeout: 20 * 60 * 1000,
};
