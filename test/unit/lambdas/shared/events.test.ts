/** The event function wrapper (lambdas/shared/events.ts): every event function uses it; it reports and rethrows. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { eventHandler } from '../../../../lambdas/shared/events';
import { logger, metrics } from '../../../../lambdas/shared/powertools';
import { lambdaContext } from '../../../../local/lambda-context';

beforeAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
afterEach(() => jest.restoreAllMocks());

it('every event function is wrapped by eventHandler', () => {
  const folder = path.join(__dirname, '../../../../lambdas/events');
  const files = readdirSync(folder).filter((file) => file.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files)
    expect({ file, source: readFileSync(path.join(folder, file), 'utf8') }).toEqual({
      file,
      source: expect.stringMatching(/export const handler = eventHandler\('[a-z-]+', \w+\);/),
    });
});

it("returns the function's result and flushes the metrics it stored", async () => {
  const publish = jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  const handler = eventHandler('test-fn', async (event: { n: number }) => {
    metrics.addMetric('Things', MetricUnit.Count, event.n);
    return event.n + 1;
  });
  await expect(handler({ n: 1 }, lambdaContext('test-fn'))).resolves.toBe(2);
  expect(publish).toHaveBeenCalledTimes(1);
  metrics.clearMetrics();
});

it('stores no metrics, publishes nothing', async () => {
  const publish = jest.spyOn(metrics, 'publishStoredMetrics');
  await eventHandler('test-fn', async () => 'done')({}, lambdaContext('test-fn'));
  expect(publish).not.toHaveBeenCalled();
});

it('reports an error with the function name, then rethrows it so Lambda retries the event', async () => {
  const reported = jest.spyOn(logger, 'error');
  const failure = new Error('table throttled');
  const handler = eventHandler('test-fn', async () => {
    throw failure;
  });
  await expect(handler({}, lambdaContext('test-fn'))).rejects.toBe(failure);
  expect(reported).toHaveBeenCalledWith(expect.stringContaining('test-fn failed'), { error: failure });
});
