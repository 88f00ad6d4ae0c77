/** A Lambda `Context` for invoking handlers in-process, as the Lambda runtime would. */
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { invokedAs } from '../core/aws/call-log';

export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Any Lambda handler in its async form. */
export type AsyncHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Loads a handler module by its entry path (the same file the CDK stack bundles). */
export function loadHandler(entry: string): AsyncHandler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- handlers are loaded by path, like Lambda does
  const module = require(entry) as { handler?: AsyncHandler };
  const { handler } = module;
  if (typeof handler !== 'function') throw new Error(`${entry} exports no handler`);
  // Every AWS call the invocation makes is the function's (the call log, core/aws/call-log.ts).
  return (event, context) => invokedAs(context.functionName, () => handler(event, context));
}
