/**
 * The host's BLAS and OpenMP tuning variables, which a Caffe job must see as the machine sets them.
 * Debian's OpenBLAS misdetects some CPUs; OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE correct that, and
 * without them the same solver trains 15–18% slower here (a wrong kernel can even compute wrong
 * results). Anything that starts Caffe with a fresh environment (the local Batch emulator, a job
 * definition) passes these names on and nothing else from the host.
 */

/** Variable names passed from the host to Caffe jobs: OpenBLAS's and OpenMP's own settings. */
export const tuningEnvPattern = /^(OPENBLAS|OMP)_[A-Z0-9_]+$/;

/** Whether a variable is a BLAS/OpenMP tuning setting that jobs inherit. */
export function isTuningVariable(name: string): boolean {
  return tuningEnvPattern.test(name);
}

/** The tuning variables of an environment (default: this process's), in name order. */
export function tuningEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value !== undefined && isTuningVariable(name)) picked[name] = value;
  }
  return picked;
}
