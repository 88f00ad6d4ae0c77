import { monotonicFactory } from 'ulid';
import type { Collection } from './routes';

const prefixes: Record<Collection, string> = {
  datafiles: 'df',
  datasets: 'ds',
  solvers: 'sv',
  'training-jobs': 'tj',
  classifiers: 'cl',
  'classify-jobs': 'cj',
};

const nextUlid = monotonicFactory();

/**
 * A new id for a record of the collection: a type prefix and a ULID, so ids sort by creation
 * time (lists are newest first without an index) and say what they name (`tj_01J…`).
 */
export function newId(collection: Collection): string {
  return `${prefixes[collection]}_${nextUlid().toLowerCase()}`;
}

/** The collection an id belongs to, or undefined for something that is not one of our ids. */
export function collectionOfId(id: string): Collection | undefined {
  const prefix = id.split('_')[0];
  return (Object.keys(prefixes) as Collection[]).find((c) => prefixes[c] === prefix);
}

/** True when the text has the shape of one of our ids (cheap check before touching the table). */
export function isWellFormedId(id: string, collection: Collection): boolean {
  return new RegExp(`^${prefixes[collection]}_[0-9a-hjkmnp-tv-z]{26}$`).test(id);
}
