/**
 * A job's Caffe log, a byte window at a time. An HTTP API Lambda cannot stream, so a client follows
 * a running job by asking for the bytes after the offset it has, with `wait` seconds of long
 * polling: the answer comes as soon as the log grows past that offset or the job finishes.
 * Only the window is read from S3 (a ranged GetObject), never the whole log.
 */
import { DomainError, ValidationError } from '../errors';
import { keys, objectSize, readRange } from '../objects';
import * as records from '../records/store';
import type { TrainingJob } from '../records/types';

/** The requested window is past the end of the log (416, as for any HTTP range). */
export class RangeNotSatisfiableError extends DomainError {
  readonly status = 416;
  readonly title = 'Range not satisfiable';
}

/** Which bytes a request asks for: from `start` (or the last `suffix` bytes) up to `end` if given. */
export type ByteRange = { start: number; end?: number } | { suffix: number };

/** Parses one `Range: bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else is a 400. */
export function parseRangeHeader(header: string): ByteRange {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  const [, from = '', to = ''] = match ?? [];
  if (!match || (from === '' && to === ''))
    throw new ValidationError(`Range "${header}" is not a single byte range (bytes=N-, bytes=N-M or bytes=-N)`, [
      { field: 'range', message: 'unsupported Range' },
    ]);
  if (from === '') return { suffix: Number(to) };
  const range = { start: Number(from), ...(to === '' ? {} : { end: Number(to) }) };
  if (range.end !== undefined && range.end < range.start)
    throw new ValidationError(`Range "${header}" ends before it starts`, [
      { field: 'range', message: 'end before start' },
    ]);
  return range;
}

export interface LogRequest {
  range: ByteRange;
  /** Most bytes to return when the range names no end. */
  limit: number;
  /** Seconds to wait for bytes past the start when there are none yet (0: answer at once). */
  waitSeconds: number;
  /** When the answer is due whatever the wait (epoch ms): the function's own time limit. */
  answerBy?: number;
}

export interface LogWindow {
  bytes: Buffer;
  /** First byte of the window; `bytes.length` bytes follow it. */
  start: number;
  /** Where to continue reading. */
  nextOffset: number;
  /** The log's size when it was read. */
  size: number;
  /** The job has finished and the window reaches the end of its log: nothing more will come. */
  complete: boolean;
}

const finished = (job: TrainingJob) => ['succeeded', 'failed', 'cancelled'].includes(job.status);
const pollEveryMs = 1000;

export async function readTrainingJobLog(tenantId: string, id: string, request: LogRequest): Promise<LogWindow> {
  let job = await records.get('training-jobs', tenantId, id);
  const key = keys.jobLog(tenantId, id);
  const deadline = Math.min(Date.now() + request.waitSeconds * 1000, request.answerBy ?? Number.POSITIVE_INFINITY);
  let size = (await objectSize(key)) ?? 0;
  const wanted = 'suffix' in request.range ? undefined : request.range.start;
  // Long poll: only a request for bytes past the current end has anything to wait for.
  while (wanted !== undefined && size <= wanted && !finished(job) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollEveryMs, Math.max(0, deadline - Date.now()))));
    [job, size] = await Promise.all([records.get('training-jobs', tenantId, id), objectSize(key).then((s) => s ?? 0)]);
  }
  const start = 'suffix' in request.range ? Math.max(0, size - request.range.suffix) : request.range.start;
  if (start > size)
    throw new RangeNotSatisfiableError(
      `the log of training job ${id} has ${size} bytes; offset ${start} is past its end`,
    );
  const explicitEnd = 'end' in request.range ? request.range.end : undefined;
  const end = Math.min(size - 1, explicitEnd ?? start + request.limit - 1);
  let bytes = end >= start ? await readRange(key, start, end) : Buffer.alloc(0);
  // A window cut short by the limit ends at a line break, so no line (or UTF-8 character) is split.
  if (explicitEnd === undefined && end < size - 1) {
    const lastNewline = bytes.lastIndexOf(0x0a);
    if (lastNewline >= 0) bytes = bytes.subarray(0, lastNewline + 1);
  }
  const nextOffset = start + bytes.length;
  return { bytes, start, nextOffset, size, complete: finished(job) && nextOffset >= size };
}
