/** Schemas shared by every resource's API. */
import { z } from 'zod';
import { recordIdSchema, tenantIdSchema } from '../ids';
import type { ResponseDoc } from '../openapi/route-docs';

/**
 * The syntax of every path parameter, by name: the HTTP wrapper checks it (400 before any lookup)
 * and the OpenAPI document shows it. A route with a parameter not named here fails its unit test.
 */
/** A sweep's trial, numbered in the order its points were drawn: t1, t2 … */
const trialIdSchema = z.string().regex(/^t[1-9][0-9]{0,3}$/, 'a trial id is t1, t2 …');

export const pathParameterSchemas = { id: recordIdSchema, tenantId: tenantIdSchema, trialId: trialIdSchema } as const;

export const name = z.string().trim().min(1).max(200);

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(1024).optional(),
});

// ---- Response schemas shared by every resource (OpenAPI; see core/openapi/) ----

/** One precise complaint about the request (core/errors.ts FieldError). */
export const fieldErrorSchema = z.object({
  field: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

/** RFC 9457 problem details: the body of every 4xx/5xx answer (lambdas/shared/problem.ts). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** A problem+json answer, for a route's `responses`. */
export const problem = (description: string, headers?: Record<string, string>): ResponseDoc => ({
  description,
  schema: problemSchema,
  contentType: 'application/problem+json',
  ...(headers ? { headers } : {}),
});

/** The 429 of a route that checks the tenant's quotas (core/quotas.ts). */
export const quotaExceeded = problem('a quota of yours is used up; retry after Retry-After seconds', {
  'retry-after': 'seconds until retrying may succeed',
});

/** Fields every record view has. */
export const recordViewFields = {
  id: z.string(),
  name: z.string().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};

/** A page of a list answer: `{items, nextCursor}`. */
export const pageOf = (item: z.ZodType, id: string) =>
  z
    .object({ items: z.array(item), nextCursor: z.string().nullable() })
    .meta({ id, description: 'one page, newest first; pass nextCursor as cursor for the next' });

/** A presigned download. */
export const downloadSchema = z.object({ url: z.url(), bytes: z.number().int().min(0) });
