/**
 * What `npm run bench:load` sends, and how it runs the load process; the load integration test
 * sends the same mix for a few seconds.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { LoadPlan, LoadRequest, LoadResult } from './load-client';

/**
 * The mix, in every 8 requests of a connection: 2 lists, 3 reads (one of an over-long id: 400) and
 * 3 refused writes.
 */
export function requestMix(token: string, ids: { dataset: string; solver: string }): LoadRequest[] {
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const rejected = [
    {
      path: '/v1/datasets',
      headers: json,
      body: JSON.stringify({ name: 'x', training: { datafileId: 'df_nope', splitPercentage: 2 } }),
      expectedStatus: 400,
    },
    {
      path: '/v1/datafiles',
      headers: { ...auth, 'content-type': 'multipart/form-data; boundary=b' },
      body: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n',
      expectedStatus: 415,
    },
    {
      path: '/v1/solvers',
      headers: json,
      body: JSON.stringify({
        name: 'broken',
        datasetId: ids.dataset,
        solver: 'base_lr: 0.01\nmax_iter: 10',
        net: 'layer { name: "x" type: ',
      }),
      expectedStatus: 400,
    },
  ];
  return [
    { kind: 'list', method: 'GET', path: '/v1/datasets?limit=20', headers: auth, expectedStatus: 200 },
    { kind: 'read', method: 'GET', path: `/v1/datasets/${ids.dataset}`, headers: auth, expectedStatus: 200 },
    { kind: 'rejected-write', method: 'POST', ...rejected[0]! },
    { kind: 'list', method: 'GET', path: '/v1/solvers?limit=20', headers: auth, expectedStatus: 200 },
    { kind: 'read', method: 'GET', path: `/v1/solvers/${ids.solver}`, headers: auth, expectedStatus: 200 },
    { kind: 'rejected-write', method: 'POST', ...rejected[1]! },
    { kind: 'rejected-write', method: 'POST', ...rejected[2]! },
    { kind: 'read', method: 'GET', path: `/v1/datasets/${'a'.repeat(2000)}`, headers: auth, expectedStatus: 400 },
  ];
}

/** Runs the load process once and returns its report. */
export async function runLoad(plan: LoadPlan, planFile: string): Promise<LoadResult> {
  await writeFile(planFile, JSON.stringify(plan));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'load-client.ts'), planFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the load process exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}
