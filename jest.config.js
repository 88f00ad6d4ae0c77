/**
 * Tests run TypeScript through SWC (type-checking is `npm run typecheck`). Some dependencies
 * (middy, jose) ship ESM only, so they are transformed too. The global setup installs Caffe and
 * the Fashion-MNIST data into the private prefix when they are missing (same installer as `npm start`).
 */
const transform = { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] };
const transformIgnorePatterns = ['node_modules/(?!(@middy|jose)/)'];
// The workspace packages run from source in tests (as in tsconfig.json's paths), never from a stale dist/.
const moduleNameMapper = {
  '^@elastic-caffe/sdk$': '<rootDir>/packages/sdk/src/index.ts',
  '^@elastic-caffe/sdk/(.*)$': '<rootDir>/packages/sdk/src/$1',
};
const project = (name, extra = {}) => ({
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper,
  ...extra,
});
const validatedResponses = { setupFiles: ['<rootDir>/test/support/validate-responses.setup.ts'] };
// The local cloud records every AWS call of the suites it runs in, for `npm run check:iam` (scripts/check-iam.ts).
const recorded = {
  setupFiles: [...validatedResponses.setupFiles, '<rootDir>/test/support/record-aws-calls.setup.ts'],
};
module.exports = {
  transform,
  transformIgnorePatterns,
  globalSetup: '<rootDir>/test/global-setup.ts',
  // Integration and e2e tests check every API answer against the OpenAPI document (test/support/validate-responses.ts).
  projects: [
    project('unit'),
    project('infra'),
    project('integration', recorded),
    project('e2e', recorded),
    // The worker image built with buildah and the local cloud running jobs inside it (needs root and buildah).
    project('container', validatedResponses),
  ],
};
