/**
 * The local gateway's console files (local/console-files.ts): files by content type, hashed assets
 * cached for good, index.html for any page path, /config.json for local sign-in, and API paths left to
 * the route table. Requests and responses are stand-ins: no socket.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { consoleFilesRoute, ensureConsoleBuilt, localConsoleCsp } from '../../../local/console-files';

interface Answer {
  handled: boolean;
  status?: number;
  headers: Record<string, unknown>;
  body: string;
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'console-files-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(path.join(dir, 'assets', 'main-ABC.js'), 'console.log(1)');
  await writeFile(path.join(dir, '.console-build.json'), '{}');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function get(pathname: string, method = 'GET', csp?: string): Promise<Answer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const answer: Answer = { handled: false, headers: {}, body: '' };
  const res = Object.assign(stream, {
    writeHead(status: number, headers: Record<string, unknown>) {
      answer.status = status;
      answer.headers = headers;
      return res;
    },
  }) as unknown as ServerResponse;
  const finished = new Promise((resolve) => stream.on('finish', resolve));
  answer.handled = await consoleFilesRoute(dir, csp)({ method } as IncomingMessage, res, new URL(pathname, 'http://x'));
  if (answer.handled) await finished;
  answer.body = Buffer.concat(chunks).toString('utf8');
  return answer;
}

test('a page path answers index.html, checked again on every load', async () => {
  const answer = await get('/training-jobs/tj_123');
  expect(answer).toMatchObject({ handled: true, status: 200, body: '<!doctype html><title>app</title>' });
  expect(answer.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
});

test('pages carry the deployed Content-Security-Policy, for this origin and the local S3', async () => {
  const csp = localConsoleCsp('http://127.0.0.1:4569');
  expect(csp).toContain("connect-src 'self' http://127.0.0.1:4569;");
  expect(csp).toContain("script-src 'self';");
  expect((await get('/datasets/ds_1', 'GET', csp)).headers['content-security-policy']).toBe(csp);
  // Scripts and styles are governed by the policy of the page that loads them.
  expect((await get('/assets/main-ABC.js', 'GET', csp)).headers).not.toHaveProperty('content-security-policy');
});

test('a hashed asset is served with its type and cached for good', async () => {
  const answer = await get('/assets/main-ABC.js');
  expect(answer).toMatchObject({ status: 200, body: 'console.log(1)' });
  expect(answer.headers).toMatchObject({
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': 'public, max-age=31536000, immutable',
  });
});

test('/config.json says: this origin’s API, local sign-in', async () => {
  const answer = await get('/config.json');
  expect(JSON.parse(answer.body)).toEqual({ apiUrl: '', auth: { mode: 'local' } });
});

test('a missing file is a 404, not the app', async () => {
  expect(await get('/assets/gone-XYZ.js')).toMatchObject({ handled: true, status: 404 });
});

test('hidden files and paths outside the folder are never served', async () => {
  expect(await get('/.console-build.json')).toMatchObject({ status: 404 });
  expect((await get('/../../etc/passwd')).body).not.toContain('root:');
});

test('API paths and other methods are left to the gateway', async () => {
  expect((await get('/v1/datafiles')).handled).toBe(false);
  expect((await get('/local/token')).handled).toBe(false);
  expect((await get('/datafiles', 'POST')).handled).toBe(false);
});

test('HEAD answers the headers without a body', async () => {
  expect(await get('/', 'HEAD')).toMatchObject({ status: 200, body: '' });
});

test('the console is built when its folder holds no build of the current sources, and only then', async () => {
  const out = path.join(dir, 'built');
  const lines: string[] = [];
  ensureConsoleBuilt(out, (line) => lines.push(line));
  expect(lines[0]).toMatch(/^Building the console/);
  const count = lines.length;
  ensureConsoleBuilt(out, (line) => lines.push(line));
  expect(lines).toHaveLength(count);
});
