import { monotonicFactory } from 'ulid';
import { z } from 'zod';
import type { Collection } from './collections';

const prefixes: Record<Collection, string> = {
  datafiles: 'df',
  datasets: 'ds',
  solvers: 'sv',
  'training-jobs': 'tj',
  classifiers: 'cl',
  'classify-jobs': 'cj',
  models: 'md',
  sweeps: 'sw',
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

/**
 * The syntax every record id the API takes must have, in a path (`{id}`) or a body field
 * (`datafileId`, `solverId` …). Deliberately looser than the ids we mint (`ds_` + 26): any text of
 * this alphabet and length is an id that may or may not exist, and answers 404 when it does not,
 * exactly like another tenant's id. Anything else is a 400 before a key reaches DynamoDB
 * (which refuses keys over 1,024 bytes).
 */
export const recordIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id: 1-64 letters, digits, _ or - (ours look like ds_01jt…)')
  .meta({ description: 'a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e' });

/**
 * A tenant id as callers can have one: a Cognito subject (a UUID), an IAM unique id
 * (`AIDA…` for a user, `AROA…:session-name` for an assumed role, where a session name takes
 * `\w+=,.@-`), or a local token's name.
 */
export const tenantIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_+=,.@:-]{1,128}$/, 'a tenant id: 1-128 letters, digits and _ + = , . @ : -')
  .meta({ description: 'a tenant id: a Cognito subject, an IAM unique id (AROA…:session) or a local token name' });
