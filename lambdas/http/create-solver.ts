/** POST /v1/solvers — store a solver and net; prototxt errors answer 400 with line and column. */
import { createSolverBody } from '../../core/api/solvers';
import { createSolver } from '../../core/usecases/solvers';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body, route }) => {
  const solver = await createSolver(tenantId, createSolverBody.parse(body));
  // A solver from URLs is pending until the worker fetched and checked it.
  return shown(route, solver.status === 'pending' ? 202 : 201, solver, { location: `/v1/solvers/${solver.id}` });
});
