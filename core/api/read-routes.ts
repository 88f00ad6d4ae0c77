/** The generic read routes every collection has: list (newest first, paginated) and get one. */
import type { z } from 'zod';
import type { Collection, Route } from '../routes';
import { listQuery, pageOf } from './common';

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
    request: { query: listQuery },
    ...(view ? { responses: { 200: { description: `a page of your ${collection}`, schema: pageOf(view, `${pascal(collection)}Page`) } } } : {}),
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

const pascal = (words: string) => words.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
