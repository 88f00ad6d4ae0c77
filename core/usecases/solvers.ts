/** Solvers: a Caffe solver and net (prototxt text), validated on submit and bound to a dataset. */
import type { z } from 'zod';
import { describeIssues, summarizeSolver, validateSolverAndNet } from '../caffe/validate';
import { ValidationError } from '../errors';
import { newId } from '../ids';
import * as records from '../records/store';
import type { Solver } from '../records/types';
import type { createSolverBody } from '../api/solvers';
import { describeFitErrors, netFit } from './net-fit';
import { createSolverFromUrls, textsOf, urlsOf } from './solver-import';

export async function createSolver(tenantId: string, body: z.infer<typeof createSolverBody>): Promise<Solver> {
  const urls = urlsOf(body);
  if (urls) return createSolverFromUrls(tenantId, urls);
  const input = { ...body, ...textsOf(body) };
  const dataset = await records.get('datasets', tenantId, input.datasetId);
  const errors = validateSolverAndNet(input.solver, input.net);
  if (errors.length) {
    throw new ValidationError(`the prototxt is not valid: ${describeIssues(errors)}`, errors);
  }
  // A dataset still being built is checked when a job is queued, and by the worker.
  const fit = netFit(input.solver, input.net, dataset);
  if (fit?.errors.length) throw new ValidationError(describeFitErrors(dataset, fit.errors), fit.errors);
  const summary = summarizeSolver(input.solver);
  const now = new Date().toISOString();
  const solver: Solver = {
    id: newId('solvers'),
    tenantId,
    name: input.name,
    datasetId: input.datasetId,
    solver: input.solver,
    net: input.net,
    solverType: summary.type,
    maxIterations: summary.maxIterations,
    status: 'ready',
    ...(fit?.warnings.length ? { warnings: fit.warnings } : {}),
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('solvers', solver);
  return solver;
}
