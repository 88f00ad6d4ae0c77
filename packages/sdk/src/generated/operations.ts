/**
 * Run-time facts about the operations (the types cannot carry them).
 * Generated from docs/api/openapi.json by `npm run docs:openapi` (scripts/gen-sdk-types.ts): do not edit.
 */
export const idempotentOperations: readonly string[] = [
  "POST /v1/datafiles",
  "POST /v1/datasets",
  "POST /v1/solvers",
  "POST /v1/training-jobs",
  "POST /v1/classifiers",
  "POST /v1/classifiers/{id}/classify-jobs",
  "POST /v1/models",
  "POST /v1/sweeps"
];
