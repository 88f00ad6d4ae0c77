/**
 * Runs a function's container image the way Lambda runs it, against a Runtime API this process
 * serves (local/lambda-runtime-api.ts), so the image's own entry point — for the classify image, the
 * AWS Lambda runtime interface client — fetches events, runs the handler and posts its answers:
 *
 * - a fresh container per execution environment (packaging/images/container.ts), its ENTRYPOINT
 *   started with `buildah run --isolation chroot --network host`, Lambda's reserved variables
 *   (AWS_LAMBDA_RUNTIME_API, the function's name, memory, log group …) added to the image's ENV
 *   with the function's own environment;
 * - as an unprivileged uid that is in neither the image's passwd nor group (Lambda ignores the
 *   image's USER), with `/tmp` the only writable path: buildah 1.28 has no read-only root, so the
 *   image's root-owned files are what the uid cannot write, a fresh host folder owned by the uid is
 *   mounted at /tmp (what Lambda keeps between warm invocations, and tests can look into), and the
 *   other world-writable folders of a Debian image (/var/tmp, /run/lock) are covered by root-owned
 *   tmpfs mounts;
 * - a runtime that exits fails the invocation in flight with Runtime.ExitError, and one that times
 *   out is stopped, as Lambda resets an execution environment.
 */
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { createContainer, inspectImage, startContainer, type RunningContainer } from '../packaging/images/container';
import { startRuntimeApi, type InvocationResult, type RuntimeApi } from './lambda-runtime-api';

/** The uid and gid Lambda runs functions as (sbx_user1051); any unprivileged pair not in the image would do. */
export const lambdaUser = { uid: 993, gid: 990 } as const;

export interface LambdaContainerOptions {
  image: string;
  functionName: string;
  /** The function's own variables (the stack's; locally also the emulators' endpoints and credentials). */
  environment: Record<string, string>;
  /** The function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE). */
  memoryMb: number;
  /** The function's timeout: each invocation's deadline. */
  timeoutMs: number;
  /** Each line the runtime writes (stdout and stderr: what CloudWatch Logs would get). */
  onOutput?: (line: string) => void;
}

export interface LambdaContainer {
  /** The container's name (`buildah containers`). */
  name: string;
  /** The host folder mounted at /tmp. */
  tmpDir: string;
  runtimeApi: RuntimeApi;
  /** performance.now() when `buildah run` was started (after the container was created). */
  startedAt: number;
  /** Everything the runtime wrote, line by line. */
  output: string[];
  /** CPU time (s) the function's processes (the runtime, the inference server) used so far. */
  cpuSeconds(): number;
  /** Sends one event; resolves with the runtime's answer. */
  invoke(event: unknown): Promise<InvocationResult>;
  /** The runtime's exit code, once it exited. */
  exited: Promise<number>;
  /** Stops the runtime and removes the container and its /tmp. */
  close(): Promise<void>;
}

/** Lambda's reserved variables for one execution environment of the function. */
export function lambdaEnvironment(
  functionName: string,
  runtimeApi: string,
  memoryMb: number,
  region: string,
): Record<string, string> {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return {
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    // The stack's loggingFormat JSON and applicationLogLevelV2 INFO (lib/constructs/function-bindings.ts).
    AWS_LAMBDA_LOG_FORMAT: 'JSON',
    AWS_LAMBDA_LOG_LEVEL: 'INFO',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // Active tracing: the X-Ray SDK sends segments here (UDP, loopback; the trace header says "not sampled").
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    TZ: ':UTC',
  };
}

/** `buildah run` options that make the container's file system Lambda's: only /tmp writable, by the Lambda uid. */
export function lambdaRunOptions(tmpDir: string): string[] {
  const rootOwned = (dir: string) => ['--mount', `type=tmpfs,destination=${dir},tmpfs-mode=0755`];
  return [
    '--user',
    `${lambdaUser.uid}:${lambdaUser.gid}`,
    '--mount',
    `type=bind,source=${tmpDir},destination=/tmp,rw=true`,
    ...rootOwned('/var/tmp'),
    ...rootOwned('/run/lock'),
  ];
}

/** A fresh /tmp for one execution environment, owned by the Lambda uid. */
export async function lambdaTmpDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'elastic-caffe-lambda-tmp-'));
  await chown(dir, lambdaUser.uid, lambdaUser.gid);
  return dir;
}

/** Starts one execution environment of the function; its runtime's init begins at once. */
export async function startLambdaContainer(options: LambdaContainerOptions): Promise<LambdaContainer> {
  const region = options.environment.AWS_REGION ?? 'us-east-1';
  const functionArn = `arn:aws:lambda:${region}:000000000000:function:${options.functionName}`;
  const runtimeApi = await startRuntimeApi({ functionArn });
  const name = `elastic-caffe-fn-${options.functionName}-${randomBytes(4).toString('hex')}`;
  const tmpDir = await lambdaTmpDir();
  let container: RunningContainer;
  try {
    const { config } = await inspectImage(options.image);
    await createContainer(options.image, name, {
      ...options.environment,
      ...lambdaEnvironment(options.functionName, runtimeApi.endpoint, options.memoryMb, region),
    });
    const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
    container = startContainer(name, argv, { runOptions: lambdaRunOptions(tmpDir), stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    await runtimeApi.close();
    await rm(tmpDir, { recursive: true, force: true });
    throw error;
  }
  const startedAt = performance.now();
  const output: string[] = [];
  for (const stream of [container.process.stdout, container.process.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      options.onOutput?.(line);
    });
  }
  void container.exited.then((code) =>
    runtimeApi.fail({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: exit status ${code}` }),
  );
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await container.remove();
      await runtimeApi.close();
      await rm(tmpDir, { recursive: true, force: true });
    })());
  return {
    name,
    tmpDir,
    runtimeApi,
    startedAt,
    output,
    cpuSeconds: () => container.cpuSeconds(),
    exited: container.exited,
    async invoke(event) {
      const result = await runtimeApi.invoke(event, { timeoutMs: options.timeoutMs });
      if (result.kind === 'error' && result.error.errorType === 'Sandbox.Timedout') await close();
      return result;
    },
    close,
  };
}
