/**
 * The fast import path writes the same databases as Caffe's own tools: the LMDBs hold identical
 * key/value pairs (read back with LMDB's mdb_dump) and the mean files are identical bytes
 * (compute_image_mean's float32 sums, see formats/datum.ts). Real Caffe, real mdb_load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { caffeToolCommand, lmdbToolsPrefix, runCaffeTool } from '../../core/caffe/tools';
import { writeIdxLmdb } from '../../container/worker/formats/build-idx';
import { MeanAccumulator } from '../../container/worker/formats/datum';
import { writeIdxSubset, type IdxData } from '../../container/worker/formats/idx';
import { seededRandom, shuffled } from '../../container/worker/split';
import { ensureCaffe, ensureFashionMnist } from '../../local/caffe/install';
import { idxPair } from '../support/format-fixtures';

jest.setTimeout(120_000);

let prefix: string;
let work: string;
beforeAll(async () => {
  prefix = await ensureCaffe();
  work = mkdtempSync(path.join(os.tmpdir(), 'import-identity-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every key/value pair of an LMDB, as mdb_dump prints them (hex), without the header (its map size differs). */
function pairs(db: string): string[] {
  const cmd = caffeToolCommand('mdb_dump', [db], { prefix: lmdbToolsPrefix(prefix) });
  const result = spawnSync(cmd.command, cmd.args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`mdb_dump ${db} failed: ${result.stderr}`);
  const lines = result.stdout.split('\n');
  return lines.slice(lines.indexOf('HEADER=END') + 1).filter((line) => line.startsWith(' '));
}

async function caffeTool(tool: string, args: string[]): Promise<void> {
  const result = await runCaffeTool(tool, args, { prefix });
  if (result.code !== 0) throw new Error(`${tool} failed: ${result.output.slice(-500)}`);
}

describe('IDX: Datums written directly vs convert_mnist_data', () => {
  it('gives the same key/value pairs and the same mean, in a shuffled subset order', async () => {
    const { images, labels } = await idxPair(await ensureFashionMnist(), 500);
    const idx: IdxData = { count: 500, height: 28, width: 28, pixels: images.subarray(16), labels: labels.subarray(8) };
    const order = shuffled([...Array(500).keys()], seededRandom(42)).slice(0, 400);

    const fastDb = path.join(work, 'idx-fast');
    const mean = new MeanAccumulator(1, 28, 28);
    await writeIdxLmdb(idx, order, fastDb, prefix, mean);
    writeFileSync(path.join(work, 'idx-fast-mean'), mean.blobProto());

    const caffeDb = path.join(work, 'idx-caffe');
    await writeIdxSubset(idx, order, path.join(work, 'sub-images'), path.join(work, 'sub-labels'));
    await caffeTool('convert_mnist_data', ['--backend=lmdb', path.join(work, 'sub-images'), path.join(work, 'sub-labels'), caffeDb]);
    await caffeTool('compute_image_mean', ['--backend=lmdb', caffeDb, path.join(work, 'idx-caffe-mean')]);

    const expected = pairs(caffeDb);
    expect(expected).toHaveLength(800); // 400 keys, 400 values
    expect(pairs(fastDb)).toEqual(expected);
    expect(readFileSync(path.join(work, 'idx-fast-mean')).equals(readFileSync(path.join(work, 'idx-caffe-mean')))).toBe(true);
  });
});
