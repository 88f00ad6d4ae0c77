/**
 * What a route says about itself for the OpenAPI document: the request it parses and every answer
 * it can give. Declared next to the route in core/api/<resource>.ts; the generator
 * (core/openapi/document.ts) adds the answers every route shares (401, 400, 404, 500 …).
 */
import type { z } from 'zod';

export interface RouteRequest {
  /** The JSON body the handler parses (its `.parse()` schema). */
  body?: z.ZodType;
  /** The fields of a multipart/form-data body the handler also accepts (files are listed by the route's own text). */
  form?: z.ZodType;
  /** The query string the handler parses. */
  query?: z.ZodType;
}

export interface ResponseDoc {
  description: string;
  /** The body's schema; absent for an empty body or for free text. */
  schema?: z.ZodType;
  /** Defaults to application/json (application/problem+json for 4xx/5xx). */
  contentType?: string;
  /** Response headers the answer carries, name → description. */
  headers?: Record<string, string>;
}

/** Answers by HTTP status. */
export type ResponseDocs = Partial<Record<number, ResponseDoc>>;
