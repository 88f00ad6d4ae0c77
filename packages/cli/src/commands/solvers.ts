/** `ecaffe solvers create`: a solver and net checked against Caffe's schema; mistakes print as file:line:column. */
import type { Cli } from '../cli';
import { readPrototxt } from './shared';

export async function create(
  cli: Cli,
  _args: string[],
  options: { dataset: string; net: string; solver: string; name?: string },
): Promise<void> {
  const net = await readPrototxt(cli, 'net', options.net);
  const solverText = await readPrototxt(cli, 'solver', options.solver);
  const solver = await cli.client.solvers.create({
    name: options.name ?? 'solver',
    datasetId: options.dataset,
    net,
    solver: solverText,
  });
  if (cli.json) return cli.emit(solver);
  cli.print(solver.id);
  cli.say(`solver ${solver.id}: ${solver.solverType}, ${solver.maxIterations} iterations`);
}
