/** The generic read routes every collection has: list (newest first, paginated) and get one. */
import type { Collection, Route } from '../routes';

export const readRoutes = (collection: Collection, singular: string): Route[] => [
  {
    method: 'GET',
    path: `/v1/${collection}`,
    handler: 'list-records',
    auth: 'jwt',
    access: { table: 'read' },
    summary: `List your ${collection}, newest first`,
  },
  {
    method: 'GET',
    path: `/v1/${collection}/{id}`,
    handler: 'get-record',
    auth: 'jwt',
    access: { table: 'read', bucket: 'read' },
    summary: `Read one ${singular}`,
  },
];
