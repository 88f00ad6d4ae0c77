/**
 * The `import-solver` action: fetches a solver's and net's prototxt through the SSRF guard,
 * validates them exactly as a text submit is validated, and records the texts (the import's
 * result) — or each error, with field, line and column, before failing permanently.
 */
import { CaffeInputError, describeIssues, summarizeSolver, validateSolverAndNet } from '../../core/caffe/validate';
import { fetchText, FetchFailed } from '../../core/net/guarded-fetch';
import { urlPolicy } from '../../core/net/url-guard';
import * as records from '../../core/records/store';
import { describeFitErrors, netFit } from '../../core/usecases/net-fit';
import type { WorkerContext } from './context';
import { PermanentFailure } from './errors';

/** The same bound the API puts on submitted prototxt texts (they are stored in the record). */
const maxPrototxtBytes = 128 * 1024;
const fetchTimeoutMs = 60_000;

async function fetchPrototxt(ctx: WorkerContext, field: 'solverUrl' | 'netUrl', url: string): Promise<string> {
  try {
    return await fetchText(
      field,
      url,
      urlPolicy(),
      { maxBytes: maxPrototxtBytes, timeoutMs: fetchTimeoutMs },
      ctx.stopping,
    );
  } catch (error) {
    if (error instanceof FetchFailed && error.permanent) throw new PermanentFailure(error.message);
    throw error;
  }
}

export async function importSolver(ctx: WorkerContext, tenantId: string, solverId: string): Promise<void> {
  const record = await records.find('solvers', tenantId, solverId);
  if (record?.status !== 'pending' || !record.source) return; // deleted, finished, or never an import
  const solver = await fetchPrototxt(ctx, 'solverUrl', record.source.solverUrl);
  const net = await fetchPrototxt(ctx, 'netUrl', record.source.netUrl);
  const errors = validateSolverAndNet(solver, net);
  let summary: ReturnType<typeof summarizeSolver> | undefined;
  if (!errors.length) {
    try {
      summary = summarizeSolver(solver);
    } catch (error) {
      if (!(error instanceof CaffeInputError)) throw error;
      errors.push({ field: error.field, line: error.line, column: error.column, message: error.reason });
    }
  }
  if (errors.length || !summary) {
    await records.update('solvers', tenantId, solverId, { set: { errors } });
    throw new PermanentFailure(`the fetched prototxt is not valid: ${describeIssues(errors)}`);
  }
  const dataset = await records.find('datasets', tenantId, record.datasetId);
  const fit = dataset && netFit(solver, net, dataset);
  if (dataset && fit?.errors.length) {
    await records.update('solvers', tenantId, solverId, { set: { errors: fit.errors } });
    throw new PermanentFailure(describeFitErrors(dataset, fit.errors));
  }
  await records.update('solvers', tenantId, solverId, {
    set: {
      solver,
      net,
      solverType: summary.type,
      maxIterations: summary.maxIterations,
      importedAt: new Date().toISOString(),
      ...(fit?.warnings.length ? { warnings: fit.warnings } : {}),
    },
  });
}
