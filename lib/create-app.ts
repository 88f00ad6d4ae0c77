/**
 * Builds the CDK app: the stateful stack (data) and the stateless stack (code), checked by cdk-nag's
 * AwsSolutions rules during synthesis. `lib/app.ts` runs it for the CLI; tests call it directly.
 */
import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from './config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

/** The app and its two stacks. */
export interface ElasticCaffeApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/** Creates the app from its context (cdk.json, `-c key=value`, or `props.context` in tests). */
export function createApp(props: AppProps = {}): ElasticCaffeApp {
  const app = new App(props);
  const config = loadConfig(app.node);

  // Environment-agnostic unless an existing VPC must be looked up, which needs a concrete
  // account and region (and credentials, at synth).
  const env: Environment | undefined = config.vpcId
    ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
    : undefined;

  const stateful = new StatefulStack(app, 'ElasticCaffeStateful', {
    env,
    config,
    description: 'Elastic Caffe: records table, data bucket, jobs queue',
  });
  const stateless = new StatelessStack(app, 'ElasticCaffeStateless', {
    env,
    config,
    resources: stateful,
    description: 'Elastic Caffe: REST API, functions, Batch GPU workers',
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stateful, stateless };
}
