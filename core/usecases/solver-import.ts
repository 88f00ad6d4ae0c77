/**
 * Solvers from URLs: the API checks the URLs (SSRF guard) and stores a pending solver; the worker
 * fetches both texts through the same guard, validates them as a text submit would, and marks
 * the solver ready (with the texts) or failed (with each error).
 */
import { ValidationError } from '../errors';
import { newId } from '../ids';
import { checkUrl, urlPolicy } from '../net/url-guard';
import * as records from '../records/store';
import type { Solver } from '../records/types';
import { enqueueOrFail } from './work/dispatch';

export interface SolverUrls {
  name: string;
  datasetId: string;
  solverUrl: string;
  netUrl: string;
}

/** Stores a pending solver and queues its import. The dataset must exist; both URLs must pass the guard. */
export async function createSolverFromUrls(tenantId: string, input: SolverUrls): Promise<Solver> {
  const policy = urlPolicy();
  const solverUrl = checkUrl('solverUrl', input.solverUrl, policy).href;
  const netUrl = checkUrl('netUrl', input.netUrl, policy).href;
  await records.get('datasets', tenantId, input.datasetId);
  const now = new Date().toISOString();
  const solver: Solver = {
    id: newId('solvers'),
    tenantId,
    name: input.name,
    datasetId: input.datasetId,
    solver: '',
    net: '',
    solverType: '',
    maxIterations: 0,
    status: 'pending',
    source: { solverUrl, netUrl },
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('solvers', solver);
  await enqueueOrFail('solvers', solver, 'import-solver');
  return solver;
}

/** The request names URLs rather than texts (the schema allows only one of the two forms). */
export function urlsOf(input: {
  name: string;
  datasetId: string;
  solverUrl?: string | undefined;
  netUrl?: string | undefined;
}): SolverUrls | undefined {
  if (!input.solverUrl || !input.netUrl) return undefined;
  return { name: input.name, datasetId: input.datasetId, solverUrl: input.solverUrl, netUrl: input.netUrl };
}

/** Texts were given: both must be there (the schema guarantees it; this narrows the type). */
export function textsOf(input: { solver?: string | undefined; net?: string | undefined }): {
  solver: string;
  net: string;
} {
  if (input.solver === undefined || input.net === undefined)
    throw new ValidationError('give both solver and net', [{ field: 'solver', message: 'required with net' }]);
  return { solver: input.solver, net: input.net };
}
