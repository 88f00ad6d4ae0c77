/**
 * Tests run TypeScript through SWC (type-checking is `npm run typecheck`). Some dependencies
 * (middy, jose) ship ESM only, so they are transformed too. The global setup installs Caffe and
 * the Fashion-MNIST data into the private prefix when they are missing (same installer as `npm start`).
 */
const transform = { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] };
const transformIgnorePatterns = ['node_modules/(?!(@middy|jose)/)'];
const project = (name, extra = {}) => ({
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  ...extra,
});
module.exports = {
  transform,
  transformIgnorePatterns,
  globalSetup: '<rootDir>/test/global-setup.ts',
  projects: [project('unit'), project('infra'), project('integration'), project('e2e')],
};
