/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// Type errors are caught by `npm run typecheck`; skipping them here keeps test runs fast.
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	setupFilesAfterEnv: ['<rootDir>/test/setup/console.ts', '<rootDir>/test/setup/nock.ts', '<rootDir>/test/setup/dns.ts', '<rootDir>/test/setup/contract.ts', '<rootDir>/test/setup/ozon.ts'],
	testTimeout: 30000,
};
