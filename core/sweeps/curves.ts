/**
 * A trial's curve across its jobs (pure): GET /v1/sweeps/{id}/trials/{trialId} answers it. Each
 * later job resumes the one before at a rung, so from its first iteration on its points replace the
 * earlier job's (which may have gone past the rung, or logged the rung itself); a later job with no
 * points yet leaves the earlier curve whole.
 */
export function concatenate<T>(runs: ReadonlyArray<ReadonlyArray<T>>, iterationOf: (point: T) => number): T[] {
  let out: T[] = [];
  for (const run of runs) {
    const first = run[0];
    if (first === undefined) continue;
    const from = iterationOf(first);
    out = [...out.filter((point) => iterationOf(point) < from), ...run];
  }
  return out;
}
