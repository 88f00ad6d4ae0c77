/** The generic read routes every collection has: list (newest first, paginated) and get one. */
import { z } from 'zod';
import { listableStatuses } from '../records/types';
import { pascalCase, type Route } from '../route';
import type { Collection } from '../collections';
import { listQuery, pageOf } from './common';

export interface ListQuery {
  limit: number;
  cursor?: string | undefined;
  status?: string | undefined;
}

/**
 * The query a collection's list takes: a page (`limit`, `cursor`) and, where its records have a
 * status, `status` to filter by. Anything else is refused, so a typo is not silently ignored.
 */
export function listQueryOf(collection: Collection): z.ZodType<ListQuery> {
  const statuses = listableStatuses[collection];
  if (!statuses?.length) return listQuery.strict();
  const status = z
    .enum(statuses as [string, ...string[]], {
      error: (issue) =>
        `status "${String(issue.input)}" is not a status of ${collection}; use one of ${statuses.join(', ')}`,
    })
    .describe(`only ${collection} with this status`);
  return listQuery.extend({ status: status.optional() }).strict();
}

/**
 * `view` is the schema of what `toView` shows of the collection's records (core/usecases/views.ts);
 * it documents both answers. Its OpenAPI name is its `.meta({ id })`.
 */
export const readRoutes = (collection: Collection, singular: string, view?: z.ZodType): Route[] => [
  {
    method: 'GET',
    path: `/v1/${collection}`,
    handler: 'list-records',
    auth: 'jwt',
    access: { table: 'read' },
    summary: `List your ${collection}, newest first`,
    request: { query: listQueryOf(collection) },
    ...(view
      ? {
          responses: {
            200: { description: `a page of your ${collection}`, schema: pageOf(view, `${pascalCase(collection)}Page`) },
          },
        }
      : {}),
  },
  {
    method: 'GET',
    path: `/v1/${collection}/{id}`,
    handler: 'get-record',
    auth: 'jwt',
    access: { table: 'read', bucket: 'read' },
    summary: `Read one ${singular}`,
    ...(view ? { responses: { 200: { description: `the ${singular}`, schema: view } } } : {}),
  },
];
