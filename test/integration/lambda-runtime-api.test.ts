/**
 * The local Lambda Runtime API, driven the way a runtime drives it: long-poll `next`, answer with
 * `response` or `error`, or report an init failure.
 */
import { startRuntimeApi, type RuntimeApi } from '../../local/lambda-runtime-api';

const functionArn = 'arn:aws:lambda:us-east-1:000000000000:function:Classify';
let api: RuntimeApi;
const url = (path: string) => `http://${api.endpoint}/2018-06-01/runtime${path}`;
const next = () => fetch(url('/invocation/next'));
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url(path), { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });

beforeEach(async () => {
  api = await startRuntimeApi({ functionArn });
});
afterEach(async () => api.close());

it(
  'hands an invocation to the runtime waiting on next, with ' +
    'its id, deadline, ARN and trace, and returns its response',
  async () => {
    const polled = next();
    const before = Date.now();
    const result = api.invoke({ hello: 'world' }, { timeoutMs: 5000 });

    const event = await polled;
    const requestId = event.headers.get('lambda-runtime-aws-request-id')!;
    expect(await event.json()).toEqual({ hello: 'world' });
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(event.headers.get('lambda-runtime-deadline-ms'))).toBeGreaterThanOrEqual(before + 5000);
    expect(event.headers.get('lambda-runtime-invoked-function-arn')).toBe(functionArn);
    expect(event.headers.get('lambda-runtime-trace-id')).toMatch(
      /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
    );

    expect((await post(`/invocation/${requestId}/response`, { statusCode: 200 })).status).toBe(202);
    expect(await result).toEqual({ kind: 'response', requestId, payload: '{"statusCode":200}' });
    expect(api.events.map((e) => e.what)).toEqual(['next', 'response']);
  },
);

it('queues invocations and hands out the next one only when the runtime asks again', async () => {
  const first = api.invoke(1);
  const second = api.invoke(2);
  const one = await next();
  const oneId = one.headers.get('lambda-runtime-aws-request-id')!;
  expect(await one.json()).toBe(1);
  const polledTwo = next();
  await post(`/invocation/${oneId}/response`, 'one');
  const two = await polledTwo;
  expect(await two.json()).toBe(2);
  await post(`/invocation/${two.headers.get('lambda-runtime-aws-request-id')}/response`, 'two');
  expect(await first).toMatchObject({ kind: 'response', payload: 'one' });
  expect(await second).toMatchObject({ kind: 'response', payload: 'two' });
});

it("returns the function's error with the type from its header", async () => {
  const result = api.invoke({});
  const requestId = (await next()).headers.get('lambda-runtime-aws-request-id')!;
  const error = { errorType: 'TypeError', errorMessage: 'x is not a function', stackTrace: ['at handler'] };
  expect(
    (
      await post(`/invocation/${requestId}/error`, error, {
        'lambda-runtime-function-error-type': 'Runtime.UserCodeSyntaxError',
      })
    ).status,
  ).toBe(202);
  expect(await result).toEqual({
    kind: 'error',
    requestId,
    error: { ...error, errorType: 'Runtime.UserCodeSyntaxError' },
  });
});

it('an init error fails the invocation waiting for the runtime and is kept', async () => {
  const result = api.invoke({});
  const error = { errorType: 'Runtime.HandlerNotFound', errorMessage: 'handler.nope is undefined or not exported' };
  expect(
    (await post('/init/error', error, { 'lambda-runtime-function-error-type': 'Runtime.HandlerNotFound' })).status,
  ).toBe(202);
  expect(await result).toMatchObject({ kind: 'init-error', error });
  expect(api.initError).toEqual(error);
  expect(api.events.map((e) => e.what)).toEqual(['init-error']);
});

it(
  'refuses an answer for an invocation that is not in ' + 'flight, and times the real one out by its deadline',
  async () => {
    const result = api.invoke({}, { timeoutMs: 200 });
    const requestId = (await next()).headers.get('lambda-runtime-aws-request-id')!;
    const wrong = await post('/invocation/not-this-one/response', {});
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ errorType: 'InvalidRequestID' });

    expect(await result).toEqual({
      kind: 'error',
      requestId,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.20 seconds' },
    });
    expect((await post(`/invocation/${requestId}/response`, {})).status).toBe(400);
  },
);

it('refuses a response over 6 MB as Lambda does', async () => {
  const result = api.invoke({});
  const requestId = (await next()).headers.get('lambda-runtime-aws-request-id')!;
  expect((await post(`/invocation/${requestId}/response`, 'x'.repeat(6 * 1024 * 1024 + 1))).status).toBe(413);
  expect(await result).toMatchObject({ kind: 'error', error: { errorType: 'Function.ResponseSizeTooLarge' } });
});

it('answers 404 to paths the Runtime API does not have', async () => {
  expect((await fetch(url('/invocation/next'), { method: 'POST' })).status).toBe(404);
  expect((await fetch(`http://${api.endpoint}/2020-01-01/extension/register`, { method: 'POST' })).status).toBe(404);
});

it('fails what is in flight and queued when the runtime dies', async () => {
  const first = api.invoke({});
  const second = api.invoke({});
  await next();
  api.fail({ errorType: 'Runtime.ExitError', errorMessage: 'exited with code 1' });
  for (const result of [await first, await second])
    expect(result).toMatchObject({ kind: 'error', error: { errorType: 'Runtime.ExitError' } });
});
