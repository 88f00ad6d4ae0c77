/** The collections of tenant records, named as their paths name them (`/v1/training-jobs`). */

/** Collections whose records share the generic read and list handlers. */
export const collections = [
  'datafiles',
  'datasets',
  'solvers',
  'training-jobs',
  'classifiers',
  'classify-jobs',
  'models',
  'sweeps',
] as const;
export type Collection = (typeof collections)[number];

/** The collection a route key addresses (`GET /v1/datasets/{id}` → `datasets`). */
export function collectionOf(key: string): Collection {
  const segment = key.split(' ')[1]?.split('/')[2];
  const found = collections.find((c) => c === segment);
  if (!found) throw new Error(`route ${key} addresses no known collection`);
  return found;
}
