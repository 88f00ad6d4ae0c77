/**
 * The worker: the entrypoint of the Caffe container that AWS Batch runs (and that the local Batch
 * emulator runs as a child process). `worker <action> <tenantId> <recordId>`.
 *
 * Exit codes drive the job definition's retry strategy: 0 done; the permanent-failure code when
 * retrying cannot help (bad data, bad net: the reason is on the record); anything else is retried.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { config } from '../../core/config';
import * as records from '../../core/records/store';
import { workerActionCollections, workerActions, workerJobDefinition, type WorkerAction } from '../../core/topology';
import { actionRunners } from './actions';
import type { WorkerContext } from './context';
import { PermanentFailure } from './errors';
import { useTenantCredentials } from './tenant-credentials';

async function main(argv: string[]): Promise<number> {
  const [action, tenantId, recordId] = argv;
  if (!workerActions.includes(action as WorkerAction) || !tenantId || !recordId) {
    console.error(`usage: worker <${workerActions.join('|')}> <tenantId> <recordId>`);
    return workerJobDefinition.permanentFailureExitCode;
  }
  const stopping = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => {
      console.error(`[worker] ${signal}: stopping gracefully`);
      stopping.abort();
    });
  const scratch = config.workerScratchDir() ?? os.tmpdir();
  const cacheDir = config.workerCacheDir();
  const caffePrefix = config.caffePrefix();
  const ctx: WorkerContext = {
    workDir: await mkdtemp(path.join(scratch, `${recordId}-`)),
    gpu: config.gpu(),
    attempt: config.batchJobAttempt(),
    stopping: stopping.signal,
    ...(cacheDir ? { cacheDir } : {}),
    ...(caffePrefix ? { caffePrefix } : {}),
  };
  // The API request that started the work (a log-only read: its failure must not fail the job).
  const record = await records
    .find(workerActionCollections[action as WorkerAction], tenantId, recordId)
    .catch(() => undefined);
  const correlation = record?.correlationId ? ` correlationId=${record.correlationId}` : '';
  console.error(`[worker] ${action} ${tenantId}/${recordId} attempt ${ctx.attempt} in ${ctx.workDir}${correlation}`);
  try {
    await useTenantCredentials(tenantId, recordId); // AWS: only this tenant's data from here on; locally a no-op
    await actionRunners[action as WorkerAction](ctx, tenantId, recordId);
    console.error(`[worker] done${correlation}`);
    return 0;
  } catch (error) {
    const message = (error as Error).message;
    console.error(
      `[worker] ${error instanceof PermanentFailure ? 'failed' : 'error (will be retried)'}${correlation}: ${message}`,
    );
    if (!(error instanceof PermanentFailure)) return 1;
    await records.update(workerActionCollections[action as WorkerAction], tenantId, recordId, {
      set: { error: message },
    });
    return workerJobDefinition.permanentFailureExitCode;
  } finally {
    if (!config.workerKeepScratch()) await rm(ctx.workDir, { recursive: true, force: true });
  }
}

// The bundle also starts the PNG decoder threads (formats/png-decoders.ts): they run no job.
if (isMainThread)
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error('[worker] crashed:', error);
      process.exit(1);
    },
  );
