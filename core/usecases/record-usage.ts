/**
 * Deleting datasets and solvers, which other records refer to.
 *
 * The rule: a record is deleted only while nothing refers to it — a solver refers to its dataset,
 * a training job (in any status, until it is deleted itself) to its solver and dataset. The check
 * reads the tenant's records and then deletes; it is not atomic, so a solver or job created in the
 * same instant as the delete of what it uses can end up referring to a deleted record. That is
 * tolerated rather than locked against: such a job fails with "dataset … was deleted" when the
 * worker reaches it (it never trains on missing data), and nothing is left orphaned, because
 * objects are deleted before the record and a failed delete can simply be repeated.
 */
import { ConflictError } from '../errors';
import { deleteRecordObjects } from '../objects';
import * as records from '../records/store';
import type { Collection } from '../collections';
import type { RecordsByCollection } from '../records/types';

/** Every record of the tenant in a collection (newest first), read a page at a time. */
export async function allRecords<C extends Collection>(
  collection: C,
  tenantId: string,
): Promise<RecordsByCollection[C][]> {
  const all: RecordsByCollection[C][] = [];
  let cursor: string | undefined;
  do {
    const page = await records.list(collection, tenantId, { limit: 100, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** "solver sv_1, sv_2 and 3 more" — enough to find them, short enough to read. */
function naming(what: string, ids: string[]): string {
  const shown = ids.slice(0, 3).join(', ');
  return `${what} ${shown}${ids.length > 3 ? ` and ${ids.length - 3} more` : ''}`;
}

/** Deletes a ready or failed dataset and its LMDBs; 409 while it is being built or anything uses it. */
export async function deleteDataset(tenantId: string, id: string): Promise<void> {
  const dataset = await records.get('datasets', tenantId, id);
  if (dataset.status === 'pending' || dataset.status === 'processing')
    throw new ConflictError(
      `dataset ${id} is ${dataset.status}: its LMDBs are being built; delete it once it is ready or failed`,
    );
  const users = [
    ...(await allRecords('solvers', tenantId)).filter((s) => s.datasetId === id).map((s) => `solver ${s.id}`),
    ...(await allRecords('training-jobs', tenantId))
      .filter((j) => j.datasetId === id)
      .map((j) => `training job ${j.id}`),
  ];
  if (users.length) throw new ConflictError(`dataset ${id} is used by ${naming('', users).trim()}; delete those first`);
  await deleteRecordObjects(tenantId, 'datasets', id);
  await records.remove('datasets', tenantId, id, {
    condition: '#status IN (:ready, :failed)',
    names: { '#status': 'status' },
    values: { ':ready': 'ready', ':failed': 'failed' },
  });
}

/** Deletes a solver; 409 while a training job (in any status) refers to it. */
export async function deleteSolver(tenantId: string, id: string): Promise<void> {
  await records.get('solvers', tenantId, id);
  const jobs = (await allRecords('training-jobs', tenantId)).filter((j) => j.solverId === id).map((j) => j.id);
  if (jobs.length)
    throw new ConflictError(`solver ${id} is used by ${naming('training job', jobs)}; delete those jobs first`);
  await records.remove('solvers', tenantId, id);
}
