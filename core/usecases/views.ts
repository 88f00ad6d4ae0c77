/**
 * What the API shows of a record: exactly what its view schema (core/api/, the schema the route
 * documents for the answer) lists. An allow-list: zod's parse drops every key the schema does not
 * name, nested ones included (a model's S3 key), so a field added to a record stays inside until a
 * view names it — storage details (keys, Batch ids, the tenant, dispatch claims) never leak by default.
 */
import { z } from 'zod';

/** `record` as `view` shows it; a record the view cannot show is a bug, reported as such (a 500). */
export function toView<View extends z.ZodType>(view: View, record: unknown): z.output<View> {
  const parsed = view.safeParse(record);
  if (!parsed.success) throw new Error(`a record does not fit its view: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
