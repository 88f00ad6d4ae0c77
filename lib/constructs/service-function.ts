/**
 * The Lambda construct of the service's Node.js functions: every one gets the same runtime,
 * architecture, bundling and the shared foundation (log group, least-privilege role, tracing, JSON
 * logs) from here, and gains access to a resource only through a `bind*` helper
 * (function-bindings.ts), which grants the access and sets the env var in one call. Handlers that
 * need Caffe run as container images instead (service-image-function.ts), with the same helpers.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleFunction, type FunctionEntry, withBuildLock } from '../../packaging/bundle';
import { functionFoundation, httpTimeout, withBindings } from './function-bindings';
import { acknowledge } from './nag';

export { httpTimeout };

/** Repository root. */
const projectRoot = path.resolve(__dirname, '..', '..');
/** The functions' bundles, one folder per construct id (ignored by git, rebuilt on every synth). */
export const functionBuildDir = path.join(projectRoot, '.build', 'functions');

/** Props of a service function. */
export interface ServiceFunctionProps {
  /** The handler module (a .ts file exporting `handler`), or a generated entry (packaging/route-entry.ts). */
  readonly entry: FunctionEntry;
  /** One line shown in the console. */
  readonly description: string;
  /** @default 29 seconds (the HTTP API's limit) */
  readonly timeout?: Duration;
}

/** A Node.js 22 arm64 function, bundled with esbuild, traced, logging JSON to its own log group. */
export class ServiceFunction extends withBindings(lambda.Function) {
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    if ('file' in props.entry && !fs.existsSync(props.entry.file)) {
      const relative = path.relative(projectRoot, props.entry.file);
      throw new Error(`ServiceFunction ${id}: handler file ${relative} does not exist`);
    }
    const foundation = functionFoundation(scope, id);
    super(scope, id, {
      ...foundation.props,
      code: bundledCode(scope, `${id}Code`, props.entry),
      handler: 'index.handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? httpTimeout,
    });
    this.executionRole = foundation.role;

    acknowledge(
      this,
      'L1',
      'Pinned to nodejs22.x (LTS, supported by Lambda into 2027) on purpose: ' +
        'the local cloud and the tests run these same ' +
        'handler modules on Node 20/22, and moving to the next runtime is a deliberate, tested upgrade.',
    );
  }
}

/**
 * Bundles the function (packaging/bundle.ts: the SDK version we test against is bundled, not the
 * runtime's) and makes its asset under the build lock: parallel synths (jest workers) rebuild the
 * same folders, and the asset is hashed and staged here, before the lock is released.
 */
function bundledCode(scope: Construct, id: string, entry: FunctionEntry): lambda.Code {
  return withBuildLock(functionBuildDir, () => {
    const code = lambda.Code.fromAsset(bundleFunction(entry, path.join(functionBuildDir, id)));
    // Binding makes the asset (hashing and staging the folder) now; the function's own bind reuses it.
    code.bind(new Construct(scope, id));
    return code;
  });
}
