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
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { functionFoundation, httpTimeout, withBindings } from './function-bindings';
import { acknowledge } from './nag';

export { httpTimeout };

/** Repository root: the bundler's project root (package-lock.json lives here). */
const projectRoot = path.resolve(__dirname, '..', '..');

/** Props of a service function. */
export interface ServiceFunctionProps {
  /** The handler module (a .ts file exporting `handler`). */
  readonly entry: string;
  /** One line shown in the console. */
  readonly description: string;
  /** @default 29 seconds (the HTTP API's limit) */
  readonly timeout?: Duration;
}

/** A Node.js 22 arm64 function, bundled with esbuild, traced, logging JSON to its own log group. */
export class ServiceFunction extends withBindings(NodejsFunction) {
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    if (!fs.existsSync(props.entry)) {
      throw new Error(`ServiceFunction ${id}: handler file ${path.relative(projectRoot, props.entry)} does not exist`);
    }
    const foundation = functionFoundation(scope, id);
    super(scope, id, {
      ...foundation.props,
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? httpTimeout,
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        // CommonJS like the package; esbuild folds the ESM-only dependencies (middy, jose) in.
        format: OutputFormat.CJS,
        // The SDK version we test against, not whatever the runtime ships.
        bundleAwsSDK: true,
        // Bundle sizes for every function on every synth and test run are noise; errors still show.
        logLevel: LogLevel.ERROR,
      },
    });
    this.executionRole = foundation.role;

    acknowledge(
      this,
      'L1',
      'Pinned to nodejs22.x (LTS, supported by Lambda into 2027) on purpose: the local cloud and the tests run these same ' +
        'handler modules on Node 20/22, and moving to the next runtime is a deliberate, tested upgrade.',
    );
  }
}
