/**
 * The house's import boundaries (npm run lint). Each rule says which folder may not import which,
 * and why; a wrong import fails the build instead of a review.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-the-domain',
      comment:
        'core/ is the domain: it owns ports (core/ports/) and never reaches into the adapters, ' +
        'the stacks or the tooling around it',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(lambdas|container|lib|local|scripts|packaging|bench|test|packages)/' },
    },
    {
      name: 'deployed-code-never-imports-the-local-cloud',
      comment: 'what runs on AWS (Lambda handlers, the worker) must not depend on the local stand-ins',
      severity: 'error',
      from: { path: '^(lambdas|container)/' },
      to: { path: '^local/' },
    },
    {
      name: 'the-worker-is-not-a-lambda',
      comment: 'container/ runs in Batch and in the classify image; Lambda wiring stays in lambdas/',
      severity: 'error',
      from: { path: '^container/' },
      to: { path: '^lambdas/' },
    },
    {
      name: 'local-never-imports-scripts',
      comment: 'scripts/ are entry points (generators, checks); what local/ needs belongs in a module both may use',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'benchmarks-never-import-tests',
      comment: 'shared helpers live where both may use them (local/fixtures/)',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'runtime-code-never-imports-tests',
      comment: 'test helpers are for tests (and dev scripts) only',
      severity: 'error',
      from: { path: '^(core|lambdas|container|lib|local|packaging|packages)/' },
      to: { path: '^test/' },
    },
    {
      name: 'the-console-uses-the-public-api-only',
      comment:
        'console/ runs in browsers on the public API: it may use the SDK (packages/sdk/src), the prototxt parser ' +
        '(core/prototxt) and the example nets it offers as templates, never the service, the local cloud or Node code',
      severity: 'error',
      from: { path: '^console/src/' },
      to: {
        path: '^(core|lambdas|container|lib|local|scripts|packaging|bench|test|packages|examples)/',
        pathNot: ['^packages/sdk/src/', '^core/prototxt/', '^examples/'],
      },
    },
    {
      name: 'only-builders-import-the-console',
      comment:
        'the console is a bundle, not a library: only its build script (console/build.ts) is imported, ' +
        'by what serves or deploys it (local/, lib/, packaging/) and by benchmarks; tests may test its modules. ' +
        'Its contracts (types only: the config.json the stack writes) are shared too',
      severity: 'error',
      from: { path: '^(core|lambdas|container|lib|local|scripts|packaging|bench|packages)/' },
      to: { path: '^console/', pathNot: '^console/(build|src/contracts)\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'an import cycle between files makes load order matter and the structure unreadable',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|dist|\\.local)/|^container/build/|/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
