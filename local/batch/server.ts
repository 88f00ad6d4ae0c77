/**
 * HTTP front of the Batch emulator: the REST-JSON protocol @aws-sdk/client-batch speaks
 * (`POST /v1/<action>` with a JSON body), and errors in the shape the SDK turns into typed
 * exceptions (`x-amzn-errortype` header plus `{"message"}`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { JobsApi } from './jobs-api';
import type { Registry } from './registry';
import { ClientError } from './types';

/**
 * An action handler. `any`: bodies are untrusted JSON typed as the SDK's request shapes; each
 * handler checks the members it relies on.
 */
// biome-ignore lint/suspicious/noExplicitAny: the reason is the comment above
type Handler = (body: any) => unknown;

/** Builds the action table: path → handler. */
export function routes(registry: Registry, jobs: JobsApi, afterChange: () => void): Map<string, Handler> {
  /** Actions that can add capacity or runnable work must let the scheduler look again. */
  const changing =
    (handler: Handler): Handler =>
    (body) => {
      const result = handler(body);
      afterChange();
      return result;
    };
  return new Map<string, Handler>([
    ['/v1/createcomputeenvironment', (b) => registry.createComputeEnvironment(b)],
    ['/v1/describecomputeenvironments', (b) => registry.describeComputeEnvironments(b)],
    ['/v1/updatecomputeenvironment', changing((b) => registry.updateComputeEnvironment(b))],
    ['/v1/createjobqueue', (b) => registry.createJobQueue(b)],
    ['/v1/describejobqueues', (b) => registry.describeJobQueues(b)],
    ['/v1/registerjobdefinition', (b) => registry.registerJobDefinition(b)],
    ['/v1/deregisterjobdefinition', (b) => registry.deregisterJobDefinition(b)],
    ['/v1/describejobdefinitions', (b) => registry.describeJobDefinitions(b)],
    ['/v1/submitjob', (b) => jobs.submitJob(b)],
    ['/v1/describejobs', (b) => jobs.describeJobs(b)],
    ['/v1/listjobs', (b) => jobs.listJobs(b)],
    ['/v1/terminatejob', (b) => jobs.terminateJob(b)],
    ['/v1/canceljob', (b) => jobs.cancelJob(b)],
  ]);
}

/** Starts listening; resolves once the port is bound. */
export async function listen(table: Map<string, Handler>, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    handle(table, req, res).catch((err: unknown) => {
      console.error('[batch emulator] request failed:', err);
      if (!res.headersSent) send(res, 500, { message: 'Internal error' }, 'ServerException');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

async function handle(table: Map<string, Handler>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  const path = new URL(req.url ?? '/', 'http://localhost').pathname.toLowerCase().replace(/\/+$/, '');
  const handler = req.method === 'POST' ? table.get(path) : undefined;
  if (handler === undefined) {
    send(
      res,
      400,
      { message: `${req.method} ${path} is not an action the local Batch emulator supports` },
      'ClientException',
    );
    return;
  }
  let body: unknown;
  try {
    body = raw.length === 0 ? {} : JSON.parse(raw);
  } catch {
    send(res, 400, { message: 'Request body is not valid JSON' }, 'ClientException');
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    send(res, 400, { message: 'Request body must be a JSON object' }, 'ClientException');
    return;
  }
  try {
    send(res, 200, handler(body) ?? {});
  } catch (err) {
    if (!(err instanceof ClientError)) throw err;
    send(res, 400, { message: err.message }, 'ClientException');
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, payload: unknown, errorType?: string): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  res.end(body);
}
