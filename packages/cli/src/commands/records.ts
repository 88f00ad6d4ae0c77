/** `ls`, `get` and `rm` of every collection: the same three verbs, one table layout per kind. */
import type { Command } from 'commander';
import type { Cli } from '../cli';
import { bytes, table, when } from '../output';

type Row = Record<string, unknown> & { id: string; name?: string; status?: string; createdAt: string };

const columns: Record<string, { headers: string[]; row: (r: Row) => string[] }> = {
  datafiles: {
    headers: ['ID', 'NAME', 'STATUS', 'FORMAT', 'SIZE', 'CREATED'],
    row: (r) => [
      r.id,
      r.name ?? '',
      r.status ?? '',
      String(r.format ?? ''),
      bytes(r.sizeBytes as number | undefined),
      when(r.createdAt),
    ],
  },
  datasets: {
    headers: ['ID', 'NAME', 'STATUS', 'LABELS', 'CREATED'],
    row: (r) => [
      r.id,
      r.name ?? '',
      r.status ?? '',
      String((r.labels as string[] | undefined)?.length ?? ''),
      when(r.createdAt),
    ],
  },
  solvers: {
    headers: ['ID', 'NAME', 'TYPE', 'MAX ITER', 'DATASET', 'CREATED'],
    row: (r) => [
      r.id,
      r.name ?? '',
      String(r.solverType ?? ''),
      String(r.maxIterations ?? ''),
      String(r.datasetId ?? ''),
      when(r.createdAt),
    ],
  },
  jobs: {
    headers: ['ID', 'NAME', 'STATUS', 'ITERATION', 'ACCURACY', 'CREATED'],
    row: (r) => {
      const p = r.progress as { iteration: number; maxIterations: number; testOutputs: Record<string, number> };
      return [
        r.id,
        r.name ?? '',
        r.status ?? '',
        `${p.iteration}/${p.maxIterations}`,
        p.testOutputs.accuracy !== undefined ? p.testOutputs.accuracy.toFixed(3) : '',
        when(r.createdAt),
      ];
    },
  },
  classifiers: {
    headers: ['ID', 'NAME', 'JOB', 'ITERATION', 'LABELS', 'CREATED'],
    row: (r) => [
      r.id,
      r.name ?? '',
      String(r.trainingJobId ?? r.modelId ?? ''),
      String(r.iteration ?? ''),
      String((r.labels as string[]).length),
      when(r.createdAt),
    ],
  },
  models: {
    headers: ['ID', 'NAME', 'STATUS', 'SOURCE', 'SIZE', 'CREATED'],
    row: (r) => [
      r.id,
      r.name ?? '',
      r.status ?? '',
      String(r.source ?? ''),
      bytes(r.sizeBytes as number | undefined),
      when(r.createdAt),
    ],
  },
  sweeps: {
    headers: ['ID', 'NAME', 'STATUS', 'STRATEGY', 'TRIALS', 'BEST', 'CREATED'],
    row: (r) => {
      const trials = r.trials as Array<{ status: string }>;
      const ended = trials.filter((t) => !['pending', 'running', 'waiting'].includes(t.status)).length;
      const best = r.best as { objective: number } | undefined;
      const objective = r.objective as { output: string };
      return [
        r.id,
        r.name ?? '',
        r.status ?? '',
        String(r.strategy ?? ''),
        `${ended}/${trials.length}`,
        best ? `${objective.output} ${Number(best.objective.toPrecision(4))}` : '',
        when(r.createdAt),
      ];
    },
  },
};

/** The SDK resource of the command's group (`ecaffe jobs ls` → trainingJobs). */
function resource(cli: Cli, command: Command) {
  const group = command.parent!.name();
  const client = cli.client;
  const byGroup = {
    datafiles: client.datafiles,
    datasets: client.datasets,
    solvers: client.solvers,
    jobs: client.trainingJobs,
    classifiers: client.classifiers,
    models: client.models,
    sweeps: client.sweeps,
  };
  return { group, api: byGroup[group as keyof typeof byGroup] };
}

export async function list(
  cli: Cli,
  _args: string[],
  options: { status?: string; limit?: number },
  command: Command,
): Promise<void> {
  const { group, api } = resource(cli, command);
  const items: Row[] = [];
  let cursor: string | undefined;
  const limit = options.limit ?? 50;
  do {
    const page = await api.list({
      limit: Math.min(100, limit - items.length),
      ...(cursor ? { cursor } : {}),
      ...(options.status ? { status: options.status } : {}),
    });
    items.push(...(page.items as unknown as Row[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < limit);
  if (cli.json) return cli.emit({ items });
  const layout = columns[group]!;
  cli.print(items.length ? table(layout.headers, items.map(layout.row)) : `no ${group} yet`);
}

export async function get(cli: Cli, [id]: string[], _options: unknown, command: Command): Promise<void> {
  const record = await resource(cli, command).api.get(id!);
  if (cli.json) return cli.emit(record);
  cli.print(JSON.stringify(record, null, 2));
}

export async function remove(cli: Cli, [id]: string[], _options: unknown, command: Command): Promise<void> {
  await resource(cli, command).api.delete(id!);
  if (cli.json) return cli.emit({ id, deleted: true });
  cli.say(`deleted ${id}`);
}
