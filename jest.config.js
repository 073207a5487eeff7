const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  // Two test files at once even on two cores (jest's default there is one): the slow suites spend
  // most of their time waiting on the processes they start and on PostgreSQL, and none shares a
  // store, a folder or a port with another (each has its temp folder, database and port 0).
  maxWorkers: Math.max(2, availableParallelism() - 1),
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
