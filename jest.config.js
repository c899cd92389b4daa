const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
	// Jest's default on 2 cores is one worker. The suites wait on virtual time, not the wall clock,
	// so what is left is CPU (n8n's engine over thousands of items, the 1,000 simulated schedules):
	// both cores halve it (docs/development.md, "Test suites").
	maxWorkers: Math.max(2, os.cpus().length - 1),
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// Type errors are caught by `npm run typecheck`; skipping them here keeps test runs fast.
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	setupFilesAfterEnv: ['<rootDir>/test/setup/console.ts', '<rootDir>/test/setup/nock.ts', '<rootDir>/test/setup/dns.ts', '<rootDir>/test/setup/contract.ts', '<rootDir>/test/setup/ozon.ts'],
	testTimeout: 30000,
};
