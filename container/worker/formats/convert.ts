/** Running Caffe's converters into an LMDB, turning their failures into messages about the data. */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { runCaffeTool } from '../../../core/caffe/tools';
import { PermanentFailure } from '../errors';
import { logStep } from './steps';

/**
 * Runs `tool` (convert_imageset, convert_mnist_data) writing the LMDB `db`; `imageRoot` names an image that failed to
 * decode.
 */
export async function convertToLmdb(
  tool: string,
  args: string[],
  db: string,
  caffePrefix: string | undefined,
  imageRoot?: string,
): Promise<void> {
  logStep(`${tool} ${path.basename(db)}`);
  const result = await runCaffeTool(tool, args, caffePrefix ? { prefix: caffePrefix } : {});
  const unreadable = /Could not open or find file (.+)/.exec(result.output);
  if (unreadable && imageRoot)
    throw new PermanentFailure(`image "${path.relative(imageRoot, unreadable[1]!.trim())}" could not be decoded`);
  if (result.code !== 0)
    throw new Error(`${tool} failed (${result.code ?? result.signal}): ${result.output.slice(-500)}`);
  await stat(path.join(db, 'data.mdb'));
}
