/**
 * The Lambda Runtime API of one execution environment, served on 127.0.0.1: what a function's
 * runtime (in the classify image, the AWS Lambda runtime interface client) talks to inside Lambda.
 * The runtime long-polls `GET /invocation/next` for an event, then posts its answer to
 * `/invocation/{id}/response` or `/invocation/{id}/error`; a runtime that cannot start its handler
 * posts `/init/error`. `invoke()` plays the Lambda service's side: one event at a time, in order,
 * each answered or timed out by its deadline.
 *
 * Not served (the classify function uses none of them): response streaming, the Extensions and
 * Telemetry APIs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const base = '/2018-06-01/runtime';
/** Lambda's limit on a synchronous invocation's response. */
const maxResponseBytes = 6 * 1024 * 1024;

/** The error document a runtime posts (and Lambda returns to the caller). */
export interface RuntimeError {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

/** How an invocation ended. */
export type InvocationResult =
  | { kind: 'response'; requestId: string; payload: string }
  | { kind: 'error'; requestId: string; error: RuntimeError }
  /** The runtime reported an init error (/init/error) before answering: Lambda fails the invocation with it. */
  | { kind: 'init-error'; requestId: string; error: RuntimeError };

export interface InvokeOptions {
  /** The function's timeout (default 29 s, the classify function's); its deadline goes to the runtime. */
  timeoutMs?: number;
}

/** What the runtime did, with the time (performance.now(), ms) it did it. */
export interface RuntimeApiEvent {
  at: number;
  what: 'next' | 'response' | 'error' | 'init-error';
  requestId?: string;
}

export interface RuntimeApi {
  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  endpoint: string;
  /** Sends `event` to the function; resolves with its answer (queued while another one runs). */
  invoke(event: unknown, options?: InvokeOptions): Promise<InvocationResult>;
  /** The runtime's init error, once it posted one. */
  readonly initError: RuntimeError | undefined;
  /** Everything the runtime did, in order. */
  readonly events: readonly RuntimeApiEvent[];
  /** Fails the invocations in flight and queued (the runtime's process died). */
  fail(error: RuntimeError): void;
  close(): Promise<void>;
}

interface Pending {
  requestId: string;
  event: string;
  timeoutMs: number;
  resolve: (result: InvocationResult) => void;
  timer?: NodeJS.Timeout;
}

export interface RuntimeApiOptions {
  /** The ARN the runtime is told it was invoked as. */
  functionArn: string;
}

/** Starts the endpoint on an ephemeral port of 127.0.0.1. */
export async function startRuntimeApi(options: RuntimeApiOptions): Promise<RuntimeApi> {
  const queue: Pending[] = [];
  let inFlight: Pending | undefined;
  let waitingNext: ServerResponse | undefined;
  let initError: RuntimeError | undefined;
  const events: RuntimeApiEvent[] = [];

  const finish = (pending: Pending, result: InvocationResult) => {
    clearTimeout(pending.timer);
    if (inFlight === pending) inFlight = undefined;
    pending.resolve(result);
    dispatch();
  };

  /** Hands the next queued event to a waiting `next`, as Lambda does once the runtime is idle. */
  const dispatch = () => {
    if (inFlight || !waitingNext || queue.length === 0) return;
    const pending = queue.shift()!;
    const response = waitingNext;
    waitingNext = undefined;
    inFlight = pending;
    const deadline = Date.now() + pending.timeoutMs;
    pending.timer = setTimeout(() => {
      const seconds = (pending.timeoutMs / 1000).toFixed(2);
      finish(pending, {
        kind: 'error',
        requestId: pending.requestId,
        error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` },
      });
    }, pending.timeoutMs);
    response.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': pending.requestId,
      'lambda-runtime-deadline-ms': String(deadline),
      'lambda-runtime-invoked-function-arn': options.functionArn,
      'lambda-runtime-trace-id': traceId(),
    });
    response.end(pending.event);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) =>
      reply(response, 500, { errorType: 'ServiceException', errorMessage: error.message }),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '';
    const body = await readBody(request);
    if (request.method === 'GET' && url === `${base}/invocation/next`) {
      events.push({ at: performance.now(), what: 'next' });
      waitingNext?.destroy(); // a runtime polls once at a time; a second poll replaces the first
      waitingNext = response;
      response.once('close', () => waitingNext === response && (waitingNext = undefined));
      return dispatch();
    }
    if (request.method === 'POST' && url === `${base}/init/error`) {
      initError = runtimeError(body, request.headers['lambda-runtime-function-error-type'], 'Runtime.Unknown');
      events.push({ at: performance.now(), what: 'init-error' });
      const failed = inFlight ?? queue.shift();
      if (failed) finish(failed, { kind: 'init-error', requestId: failed.requestId, error: initError });
      return reply(response, 202, { status: 'OK' });
    }
    const answer = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (request.method !== 'POST' || !answer)
      return reply(response, 404, {
        errorType: 'InvalidRequest',
        errorMessage: `no such path: ${request.method} ${url}`,
      });
    const requestId = decodeURIComponent(answer[1]!);
    if (!inFlight || inFlight.requestId !== requestId)
      return reply(response, 400, {
        errorType: 'InvalidRequestID',
        errorMessage: `no invocation ${requestId} is in flight`,
      });
    const pending = inFlight;
    if (answer[2] === 'error') {
      events.push({ at: performance.now(), what: 'error', requestId });
      finish(pending, {
        kind: 'error',
        requestId,
        error: runtimeError(body, request.headers['lambda-runtime-function-error-type'], 'Unhandled'),
      });
      return reply(response, 202, { status: 'OK' });
    }
    if (body.length > maxResponseBytes) {
      const errorMessage =
        `Response payload size (${body.length} bytes) ` +
        `exceeded maximum allowed payload size (${maxResponseBytes} bytes).`;
      finish(pending, {
        kind: 'error',
        requestId,
        error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage },
      });
      return reply(response, 413, { errorType: 'RequestEntityTooLarge', errorMessage });
    }
    events.push({ at: performance.now(), what: 'response', requestId });
    finish(pending, { kind: 'response', requestId, payload: body.toString('utf8') });
    return reply(response, 202, { status: 'OK' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const fail = (error: RuntimeError) => {
    for (const pending of [...(inFlight ? [inFlight] : []), ...queue.splice(0)])
      finish(pending, { kind: 'error', requestId: pending.requestId, error });
  };
  return {
    endpoint: `127.0.0.1:${port}`,
    invoke(event, invokeOptions = {}) {
      return new Promise((resolve) => {
        queue.push({
          requestId: randomUUID(),
          event: JSON.stringify(event),
          timeoutMs: invokeOptions.timeoutMs ?? 29_000,
          resolve,
        });
        dispatch();
      });
    },
    get initError() {
      return initError;
    },
    events,
    fail,
    async close() {
      fail({ errorType: 'Runtime.Closed', errorMessage: 'the runtime API was closed' });
      waitingNext?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** The runtime's error document; the header's error type wins, as in Lambda. */
function runtimeError(body: Buffer, headerType: string | string[] | undefined, fallbackType: string): RuntimeError {
  let parsed: Partial<RuntimeError> = {};
  try {
    parsed = JSON.parse(body.toString('utf8')) as Partial<RuntimeError>;
  } catch {
    parsed = { errorMessage: body.toString('utf8') };
  }
  const errorType = (typeof headerType === 'string' && headerType) || parsed.errorType || fallbackType;
  return { ...parsed, errorType, errorMessage: String(parsed.errorMessage ?? '') };
}

/** An X-Ray trace header as Lambda passes it, not sampled (no X-Ray daemon here). */
function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
