/** Small helpers the Batch emulator's request handlers share. */
import { ClientError } from './types';

/** Batch's `maxResults` default for list and describe calls. */
const defaultPageSize = 100;

/**
 * One page of `items`. The token is the offset, opaque to clients: lists only ever grow at the
 * end (records are kept in creation order), so an offset stays valid between pages.
 */
export function paginate<T>(
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
): { page: T[]; nextToken?: string } {
  const size = maxResults ?? defaultPageSize;
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    throw new ClientError('maxResults must be between 1 and 1000');
  let start = 0;
  if (nextToken !== undefined) {
    start = Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new ClientError('Invalid nextToken');
  }
  const end = start + size;
  const page = items.slice(start, end);
  return end < items.length ? { page, nextToken: Buffer.from(String(end), 'utf8').toString('base64url') } : { page };
}

/**
 * Batch's pattern syntax (evaluateOnExit, ListJobs filters): exact text, or a prefix when the
 * pattern ends with `*`.
 */
export function globMatches(pattern: string, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  return p.endsWith('*') ? v.startsWith(p.slice(0, -1)) : v === p;
}

/** A required string member, or the ClientException AWS sends when it is missing. */
export function requireString(value: unknown, member: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ClientError(`${member} is required`);
  return value;
}

/** `[{name, value}]` → record; later entries win, as a container's environment does. */
export function pairsToRecord(pairs: { name?: string; value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of pairs ?? []) if (name !== undefined) out[name] = value ?? '';
  return out;
}

/** Record → `[{name, value}]`, the wire form of environments. */
export function recordToPairs(record: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}
