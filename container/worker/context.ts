/** What every worker action gets: its scratch directory and where Caffe and the cache live. */
export interface WorkerContext {
  /** A fresh directory for this attempt; removed when the attempt ends. */
  workDir: string;
  /** Shared across jobs on one host (immutable downloads such as dataset LMDBs). */
  cacheDir?: string;
  /** Caffe installed in a private prefix (local mode); unset in the container, where Caffe is on PATH. */
  caffePrefix?: string;
  /** The GPU image (NVIDIA Caffe): train in GPU mode and write models BVLC Caffe can read. */
  gpu: boolean;
  /** Batch attempt number (1-based). */
  attempt: number;
  /** Aborted when the worker is asked to stop (SIGTERM from Batch: terminate, timeout, spot reclaim). */
  stopping: AbortSignal;
}
