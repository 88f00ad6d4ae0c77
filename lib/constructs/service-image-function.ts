/**
 * A service function packaged as a container image: for handlers that run Caffe themselves (the
 * synchronous classify route: a forward pass in pycaffe), which a Node.js runtime cannot host.
 * Same foundation and `bind*` helpers as ServiceFunction; the image is container/Dockerfile.classify.
 */
import { type Duration, Size } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { functionFoundation, httpTimeout, withBindings } from './function-bindings';

/** Props of a container-image service function. */
export interface ServiceImageFunctionProps {
  /** The image; its entry point runs the handler (see container/Dockerfile.classify). */
  readonly code: lambda.DockerImageCode;
  /** One line shown in the console. */
  readonly description: string;
  /** @default 29 seconds (the HTTP API's limit) */
  readonly timeout?: Duration;
}

/**
 * Memory of the inference functions. Lambda's CPU share grows with memory (a full vCPU at
 * 1769 MB), the forward pass is CPU-bound, and the server keeps up to 8 nets loaded.
 */
export const inferenceMemoryMb = 2048;

/**
 * An x86_64 container-image function (Debian's Caffe is built for amd64), traced, logging JSON to its own log group.
 */
export class ServiceImageFunction extends withBindings(lambda.DockerImageFunction) {
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: ServiceImageFunctionProps) {
    const foundation = functionFoundation(scope, id);
    super(scope, id, {
      ...foundation.props,
      code: props.code,
      description: props.description,
      architecture: lambda.Architecture.X86_64,
      memorySize: inferenceMemoryMb,
      // Downloaded weights are cached in /tmp between warm invocations (container/inference/model-cache.ts).
      ephemeralStorageSize: Size.gibibytes(2),
      timeout: props.timeout ?? httpTimeout,
    });
    this.executionRole = foundation.role;
  }
}
