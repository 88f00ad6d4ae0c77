/**
 * A failure that retrying cannot fix (a bad archive, a net Caffe rejects). The worker records the
 * message on the record and exits with the permanent-failure code, which the job definition's
 * retry strategy maps to EXIT instead of RETRY.
 */
export class PermanentFailure extends Error {
  override name = 'PermanentFailure';
}
