/**
 * The `check-model` action: fetches an imported model's URL through the SSRF guard (an uploaded
 * one is downloaded from S3 instead) and checks the weights with Caffe itself, so a model is ready
 * only if Caffe can use it:
 * - `upgrade_net_proto_binary` reads the file as a NetParameter (what `caffe train --weights=` and
 *   every other reader do first; it also accepts the old V0/V1 formats Caffe upgrades on load), and
 *   the upgraded file must hold at least one layer with blobs;
 * - with a deploy net, `caffe test -model deploy -weights file -iterations 1` builds the net and
 *   copies the trained layers into it (Net::CopyTrainedLayersFrom: layers by name, shapes must
 *   match), then runs one forward pass on the Input layer's zero-filled blob.
 * Chosen over pycaffe because the worker image has Caffe's tools but not Python. Anything Caffe
 * refuses fails the model with Caffe's own message; an import's object is written only after the
 * check passed, so a refused import leaves nothing in S3.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseCaffeLine } from '../../core/caffe/log';
import { runCaffeTool } from '../../core/caffe/tools';
import { datafileLimits } from '../../core/limits';
import { downloadUrl, FetchFailed } from '../../core/net/guarded-fetch';
import { urlPolicy } from '../../core/net/url-guard';
import * as records from '../../core/records/store';
import type { Model } from '../../core/records/types';
import type { WorkerContext } from './context';
import { PermanentFailure } from './errors';
import { download, upload } from './transfer';
import { layersWithBlobs } from './weights-layers';

/** Fetches the model's URL to `file`; refusals, 4xx and oversize are permanent, the rest retried. */
async function fetchSource(ctx: WorkerContext, url: string, file: string): Promise<number> {
  const limits = datafileLimits();
  try {
    return await downloadUrl(
      'url',
      url,
      file,
      urlPolicy(),
      { maxBytes: limits.maxSizeBytes, timeoutMs: limits.importTimeoutSeconds * 1000 },
      ctx.stopping,
    );
  } catch (error) {
    if (error instanceof FetchFailed && error.permanent) throw new PermanentFailure(error.message);
    throw error;
  }
}

/**
 * Caffe's reason in a tool's output: its fatal (F) line, else its last error (E) line; the scratch
 * path is replaced by the file's role, so the message says nothing about the worker's disk.
 */
export function caffeReason(output: string, paths: Record<string, string>): string | undefined {
  const lines = output.split('\n');
  let reason: string | undefined;
  for (const line of lines) {
    const event = parseCaffeLine(line);
    if (event?.type === 'fatal') {
      reason = event.message;
      break;
    }
    const error = /^E\d{4} [\d:.]+\s+\d+ [^\]]+\] (.*)$/.exec(line);
    if (error) reason = error[1]!.trim();
  }
  if (reason === undefined) return undefined;
  for (const [file, role] of Object.entries(paths)) reason = reason.split(file).join(role);
  return reason;
}

/** Throws a PermanentFailure with Caffe's message unless Caffe reads the weights (and loads them into `deploy`). */
export async function checkWeights(ctx: WorkerContext, weights: string, deploy: string | undefined): Promise<void> {
  const tool = ctx.caffePrefix ? { prefix: ctx.caffePrefix, threads: 1 } : { threads: 1 };
  const roles = { [weights]: 'the weights' };
  const upgraded = path.join(ctx.workDir, 'upgraded.caffemodel');
  const parsed = await runCaffeTool('upgrade_net_proto_binary', [weights, upgraded], tool);
  if (parsed.code !== 0)
    throw new PermanentFailure(
      `Caffe cannot read the weights: ${caffeReason(parsed.output, roles) ?? `exit code ${parsed.code}`}`,
    );
  // Bytes can happen to parse as an empty NetParameter; weights hold at least one trained layer.
  if (layersWithBlobs(await readFile(upgraded)).length === 0)
    throw new PermanentFailure('Caffe reads the file as a NetParameter, but it holds no trained layer (no blobs)');
  if (!deploy) return;
  const deployFile = path.join(ctx.workDir, 'deploy.prototxt');
  await writeFile(deployFile, deploy);
  const loaded = await runCaffeTool(
    'caffe',
    ['test', `--model=${deployFile}`, `--weights=${weights}`, '--iterations=1'],
    { ...tool, cwd: ctx.workDir },
  );
  if (loaded.code !== 0)
    throw new PermanentFailure(
      `the weights do not load into the deploy net: ${
        caffeReason(loaded.output, { ...roles, [deployFile]: 'the deploy net' }) ?? `exit code ${loaded.code}`
      }`,
    );
}

export async function checkModel(ctx: WorkerContext, tenantId: string, modelId: string): Promise<void> {
  const model: Model | undefined = await records.find('models', tenantId, modelId);
  if (model?.status !== 'checking') return; // deleted, or finished by an earlier attempt
  const file = path.join(ctx.workDir, 'weights.caffemodel');
  let sizeBytes = model.sizeBytes;
  if (model.sourceUrl) sizeBytes = await fetchSource(ctx, model.sourceUrl, file);
  else await download(model.weightsKey, file);
  await checkWeights(ctx, file, model.deploy);
  if (model.sourceUrl) await upload(file, model.weightsKey);
  await records.update('models', tenantId, modelId, {
    set: { ...(sizeBytes !== undefined ? { sizeBytes } : {}), checkedAt: new Date().toISOString() },
  });
}
