/**
 * Tests run TypeScript through SWC (type-checking is `npm run typecheck`). Some dependencies
 * (middy, jose) ship ESM only, so they are transformed too. Each project has only the setup it needs:
 * the tiers that run the system install Caffe and the Fashion-MNIST data into the private prefix when
 * they are missing (same installer as `npm start`); Jest runs a project's global setup only when one
 * of its tests runs, so the unit and infra tiers never wait for it.
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
// The unit tier is hermetic: a unit test that opens a socket or runs the installed Caffe fails.
const hermetic = { setupFilesAfterEnv: ['<rootDir>/test/support/hermetic.setup.ts'] };
// Integration, e2e and container tests run the system with real Caffe.
const runsCaffe = { globalSetup: '<rootDir>/test/support/system.global-setup.ts' };
const validatedResponses = { ...runsCaffe, setupFiles: ['<rootDir>/test/support/validate-responses.setup.ts'] };
// The local cloud records every AWS call of the suites it runs in, for `npm run check:iam` (scripts/check-iam.ts).
const recorded = {
  ...validatedResponses,
  setupFiles: [...validatedResponses.setupFiles, '<rootDir>/test/support/record-aws-calls.setup.ts'],
};
module.exports = {
  transform,
  transformIgnorePatterns,
  // Integration and e2e tests check every API answer against the OpenAPI document (test/support/validate-responses.ts).
  projects: [
    project('unit', hermetic),
    project('infra'),
    project('integration', recorded),
    project('e2e', recorded),
    // The console in Debian's Chromium (playwright-core) against the real local cloud, as e2e runs it.
    project('browser', recorded),
    // The worker image built with buildah and the local cloud running jobs inside it (needs root and buildah).
    project('container', validatedResponses),
  ],
};
