import type { Config } from 'jest';

// Nest 12 ships ES modules only, so Jest runs in its native ESM mode (node --experimental-vm-modules).
const config: Config = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@gateway/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    // The package root, for specs that reuse examples/ code (the examples themselves run against the packed package).
    '^@mcp-gateway/gateway$': '<rootDir>/apps/gateway/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
    '/node_modules/(@nestjs/throttler|@willsoto/nestjs-prometheus)/.+\\.js$':
      '<rootDir>/test/support/cjs-esm-bridge.transform.cjs',
  },
  // Those CommonJS plugins are transformed (above); everything else in node_modules is not.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs/throttler|@willsoto/nestjs-prometheus)/)'],
  setupFiles: ['<rootDir>/test/support/esm-bridge.setup.ts'],
};

export default config;
