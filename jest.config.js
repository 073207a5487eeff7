/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/fixtures'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 60000,
  setupFiles: ['<rootDir>/jest.setup.js'],
  // A throwaway PostgreSQL for the run (src/test-support/postgres.ts); its tests skip without one.
  globalSetup: '<rootDir>/src/test-support/postgresGlobalSetup.ts',
  globalTeardown: '<rootDir>/src/test-support/postgresGlobalTeardown.ts',
};
