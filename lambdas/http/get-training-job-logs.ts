/**
 * GET /v1/training-jobs/{id}/logs — the job's Caffe log, a byte window at a time: `?offset=N` (200)
 * or `Range: bytes=N-` (206 with Content-Range), `?limit=`, and `?wait=S` to long-poll for more.
 * `X-Next-Offset` says where to continue; `X-Log-Complete: true` that nothing more will come.
 */
import { logQuery } from '../../core/api/training-jobs';
import { parseRangeHeader, readTrainingJobLog } from '../../core/usecases/training-job-logs';
import { httpHandler, text } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, query, headers, answerBy }) => {
  const { offset, limit, wait } = logQuery.parse(query);
  const rangeHeader = headers.range;
  const range = rangeHeader ? parseRangeHeader(rangeHeader) : { start: offset ?? 0 };
  const window = await readTrainingJobLog(tenantId, pathParameters.id ?? '', {
    range,
    limit,
    waitSeconds: wait,
    answerBy,
  });
  const cursor = {
    'accept-ranges': 'bytes',
    'x-next-offset': String(window.nextOffset),
    'x-log-complete': String(window.complete),
    'cache-control': 'no-store',
  };
  const body = window.bytes.toString('utf8');
  if (!rangeHeader) return text(200, body, cursor);
  const contentRange = window.bytes.length
    ? `bytes ${window.start}-${window.nextOffset - 1}/${window.size}`
    : `bytes */${window.size}`;
  return text(window.bytes.length ? 206 : 200, body, { ...cursor, 'content-range': contentRange });
});
