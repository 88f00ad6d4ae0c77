/**
 * The event function wrapper: every function that is not an HTTP route (SQS, EventBridge, S3,
 * schedules) is `eventHandler('name', async (event) => result)`, and gets what `httpHandler` gives
 * a route: the Lambda context on every log line, a trace, the metrics it stored flushed, and one
 * place that reports an error before Lambda sees it (and retries or dead-letters the event).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './powertools';

/** Flushes what the handler stored; nothing stored writes nothing (no "no metrics" warning every run). */
const flushMetrics = () => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};

export function eventHandler<E, R>(name: string, fn: (event: E, context: Context) => Promise<R>) {
  return middy(fn)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      after: async () => flushMetrics(),
      onError: async (request) => {
        flushMetrics();
        logger.error(`${name} failed; the event will be retried or dead-lettered`, { error: request.error as Error });
        // Rethrown by middy: Lambda must see the failure to retry the event.
      },
    });
}
