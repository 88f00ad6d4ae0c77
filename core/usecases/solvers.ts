/** Solvers: a Caffe solver and net (prototxt text), validated on submit and bound to a dataset. */
import type { z } from 'zod';
import { describeIssues, summarizeSolver, validateSolverAndNet } from '../caffe/validate';
import { ValidationError } from '../errors';
import { newId } from '../ids';
import * as records from '../records/store';
import type { Solver } from '../records/types';
import type { createSolverBody } from '../api/solvers';
import { createSolverFromUrls, textsOf, urlsOf } from './solver-import';

export async function createSolver(tenantId: string, body: z.infer<typeof createSolverBody>): Promise<Solver> {
  const urls = urlsOf(body);
  if (urls) return createSolverFromUrls(tenantId, urls);
  const input = { ...body, ...textsOf(body) };
  await records.get('datasets', tenantId, input.datasetId);
  const errors = validateSolverAndNet(input.solver, input.net);
  if (errors.length) {
    throw new ValidationError(`the prototxt is not valid: ${describeIssues(errors)}`, errors);
  }
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
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('solvers', solver);
  return solver;
}
