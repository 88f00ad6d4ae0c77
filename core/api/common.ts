/** Schemas shared by every resource's API. */
import { z } from 'zod';

export const name = z.string().trim().min(1).max(200);

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).optional(),
});
