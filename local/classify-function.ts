/**
 * The classify route's function as the stack deploys it — its container image (container/
 * Dockerfile.classify), name, memory, timeout and environment (lib/constructs) — run as Lambda runs
 * it (local/lambda-container.ts) against the local cloud this process started: the function's
 * table and bucket are the local ones, reached through the emulators' endpoints.
 */
import { httpTimeout, functionEnvironment } from '../lib/constructs/function-bindings';
import { inferenceMemoryMb } from '../lib/constructs/service-image-function';
import { routes } from '../core/routes';
import { routeFunctionName, routeKey, type Route } from '../core/route';
import { envNames } from '../core/topology';
import { startLambdaContainer, type LambdaContainer } from './lambda-container';

/** The one route whose function is a container image. */
export const classifyRoute: Route = routes.find((route) => route.runtime === 'container')!;
export const classifyRouteKey = routeKey(classifyRoute);

/**
 * What the stack sets (functionEnvironment, bindTable, bindBucket) with the local cloud's names,
 * plus what a function on AWS gets from its role and region: here the emulators' endpoints and
 * credentials. Read from this process's environment, where startLocalCloud put them.
 */
export function classifyFunctionEnvironment(): Record<string, string> {
  const copied = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'AWS_ENDPOINT_URL_DYNAMODB',
    'AWS_ENDPOINT_URL_S3',
  ];
  return {
    ...functionEnvironment,
    ...Object.fromEntries([envNames.table, envNames.bucket, ...copied].map((name) => [name, setByLocalCloud(name)])),
  };
}

function setByLocalCloud(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set: start the local cloud first`);
  return value;
}

/** Starts one execution environment of the classify function from `image`; `environment` adds or overrides. */
export function startClassifyFunction(
  image: string,
  options: { environment?: Record<string, string>; onOutput?: (line: string) => void } = {},
): Promise<LambdaContainer> {
  return startLambdaContainer({
    image,
    functionName: routeFunctionName(classifyRoute),
    environment: { ...classifyFunctionEnvironment(), ...options.environment },
    memoryMb: inferenceMemoryMb,
    timeoutMs: httpTimeout.toMilliseconds(),
    ...(options.onOutput && { onOutput: options.onOutput }),
  });
}
