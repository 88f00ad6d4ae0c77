/**
 * The stack with its options turned the other way from the defaults: IAM auth with admin
 * principals, a CPU queue, no on-demand fallback, other timeouts and retention — and on-demand
 * only. Each variant must still pass cdk-nag and cost nothing while idle.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { routes } from '../../core/routes';
import { routeKey } from '../../core/route';
import { envNames, workerJobDefinition } from '../../core/topology';
import { acceptedMonthlyCharges, idleCostFindings } from './idle-cost';
import { logicalId, type Synthesized, synth, templateOf } from './synth';

type Resource = { Type: string; Properties: Record<string, unknown> };

const adminArn = 'arn:aws:iam::123456789012:user/ops';

let synthesized: Synthesized;
let stateless: Template;

beforeAll(() => {
  synthesized = synth({
    authMode: 'iam',
    adminPrincipalArns: `${adminArn},arn:aws:sts::123456789012:assumed-role/Ops/alice`,
    cpuQueue: 'true',
    onDemandFallback: 'false',
    containerStopTimeoutSeconds: '110',
    logRetentionDays: '90',
    snapshotExpirationDays: '3',
    maxGpusPerJob: '4',
    maxvCpus: '48',
  });
  stateless = synthesized.statelessTemplate;
});

const resource = (template: Template, id: string): Resource => template.toJSON().Resources[id] as Resource;
const variablesOf = (construct: IConstruct): Record<string, unknown> =>
  (
    resource(templateOf(construct), logicalId(construct)).Properties.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

describe('authMode iam', () => {
  test('has no user pool, and every tenant route uses the IAM authorizer', () => {
    stateless.resourceCountIs('AWS::Cognito::UserPool', 0);
    for (const route of routes) {
      const apiRoute = synthesized.stateless.api.apiRoutes.get(routeKey(route))!;
      expect(resource(templateOf(apiRoute), logicalId(apiRoute)).Properties).toMatchObject({
        RouteKey: routeKey(route),
        AuthorizationType: route.auth === 'jwt' ? 'AWS_IAM' : 'NONE',
      });
    }
    for (const template of synthesized.templates) template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    const outputs = Object.keys(stateless.toJSON().Outputs as object);
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'Region', 'AuthMode', 'BucketName']));
    expect(outputs).not.toContain('UserPoolId');
  });

  test('hands the admin principals to every route function', () => {
    for (const fn of synthesized.stateless.api.functions.values()) {
      expect(variablesOf(fn)[envNames.adminPrincipalArns]).toBe(
        `${adminArn},arn:aws:sts::123456789012:assumed-role/Ops/alice`,
      );
    }
  });
});

describe('jobs of up to 4 GPUs', () => {
  test('the GPU environment can launch a 4-GPU instance, and job creation knows the limit', () => {
    const { worker, api } = synthesized.stateless;
    expect(
      resource(stateless, logicalId(worker.gpu.computeEnvironments[0]!)).Properties.ComputeResources,
    ).toMatchObject({ MaxvCpus: 48, InstanceTypes: ['g4dn.xlarge', 'g4dn.2xlarge', 'g4dn.12xlarge'] });
    const createJob = api.functions.get(routeKey({ method: 'POST', path: '/v1/training-jobs' }))!;
    expect(variablesOf(createJob)[envNames.maxGpusPerJob]).toBe('4');
    // Batch job ends are priced with every type the environments may launch (the CPU queue's too).
    for (const writer of [synthesized.stateless.batchStateChange, synthesized.stateless.reconciler]) {
      const pricing = JSON.parse(variablesOf(writer)[envNames.pricing] as string) as { instances: object };
      expect(Object.keys(pricing.instances)).toEqual([
        'g4dn.xlarge',
        'g4dn.2xlarge',
        'g4dn.12xlarge',
        'm6i.xlarge',
        'm6i.2xlarge',
      ]);
    }
    // Only job creation reads it.
    const readers = [...api.functions.values()].filter((fn) => envNames.maxGpusPerJob in variablesOf(fn));
    expect(readers).toEqual([createJob]);
  });
});

describe('a CPU queue, without on-demand fallback', () => {
  test('each queue has one spot environment from 0 vCPUs; the CPU one runs CPU instances on the plain ECS AMI', () => {
    const { worker } = synthesized.stateless;
    expect(worker.gpu.computeEnvironments).toHaveLength(1);
    expect(worker.cpu?.computeEnvironments).toHaveLength(1);
    expect(
      resource(stateless, logicalId(worker.cpu!.computeEnvironments[0]!)).Properties.ComputeResources,
    ).toMatchObject({
      Type: 'SPOT',
      MinvCpus: 0,
      MaxvCpus: 16,
      InstanceTypes: ['m6i.xlarge', 'm6i.2xlarge'],
      Ec2Configuration: [{ ImageType: 'ECS_AL2023' }],
    });
    // Both queues share the fair-share policy.
    const policy = { 'Fn::GetAtt': [logicalId(worker.schedulingPolicy), 'Arn'] };
    for (const queue of worker.jobQueues)
      expect(resource(stateless, logicalId(queue)).Properties.SchedulingPolicyArn).toEqual(policy);
  });

  test('the CPU job definition asks for no GPU and runs the CPU image', () => {
    const { worker } = synthesized.stateless;
    const container = resource(stateless, logicalId(worker.cpu!.jobDefinition)).Properties.ContainerProperties as {
      ResourceRequirements: Array<{ Type: string }>;
      Command: string[];
      Image: unknown;
    };
    expect(container.ResourceRequirements.map((requirement) => requirement.Type).sort()).toEqual(['MEMORY', 'VCPU']);
    expect(container.Command).toEqual(workerJobDefinition.command);
    const cpuImage = synthesized.dockerImages.find((image) => image.source.dockerFile === 'Dockerfile');
    expect(JSON.stringify(container.Image)).toContain(`:${cpuImage!.hash}`);
  });

  test('the dispatcher may submit to the CPU queue, whose queue and definition it gets in its env', () => {
    const { dispatcher, worker } = synthesized.stateless;
    const cpuQueueArn = { 'Fn::GetAtt': [logicalId(worker.cpu!.jobQueue), 'JobQueueArn'] };
    expect(variablesOf(dispatcher)).toMatchObject({
      [envNames.batchCpuJobQueue]: cpuQueueArn,
      [envNames.batchCpuJobDefinition]: { Ref: logicalId(worker.cpu!.jobDefinition) },
    });
    const statements = (Object.values(stateless.findResources('AWS::IAM::Policy')) as Resource[])
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${logicalId(dispatcher.role as never)}"`))
      .flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement,
      );
    // One statement for both queues and definitions (CDK merges statements of the same action).
    const submit = statements.filter((statement) => statement.Action === 'batch:SubmitJob');
    expect(submit).toHaveLength(1);
    expect(submit[0]!.Resource).toEqual(
      expect.arrayContaining([
        cpuQueueArn,
        { Ref: logicalId(worker.cpu!.jobDefinition) },
        { 'Fn::GetAtt': [logicalId(worker.jobQueue), 'JobQueueArn'] },
        { Ref: logicalId(worker.jobDefinition) },
      ]),
    );
    expect(submit[0]!.Resource).toHaveLength(4);
  });

  test("both queues' job state changes reach the status function", () => {
    const { worker } = synthesized.stateless;
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: { jobQueue: worker.jobQueues.map((queue) => ({ 'Fn::GetAtt': [logicalId(queue), 'JobQueueArn'] })) },
      },
    });
  });
});

describe('timeouts and retention from config', () => {
  test('stop timeout, log retention and snapshot expiry follow the context', () => {
    expect(JSON.stringify(stateless.findResources('AWS::EC2::LaunchTemplate'))).toContain(
      'ECS_CONTAINER_STOP_TIMEOUT=110s',
    );
    for (const group of Object.values(stateless.findResources('AWS::Logs::LogGroup')) as Resource[]) {
      expect(group.Properties.RetentionInDays).toBe(90);
    }
    const bucket = resource(synthesized.statefulTemplate, logicalId(synthesized.stateful.bucket));
    expect(JSON.stringify(bucket.Properties.LifecycleConfiguration)).toContain('"ExpirationInDays":3');
  });
});

describe('every variant (one also without the console)', () => {
  let onDemandOnly: Synthesized;
  beforeAll(() => {
    onDemandOnly = synth({ spot: 'false', console: 'false' });
  });

  test('without the console: no site, no hosted UI, no console client (the CLI keeps its own)', () => {
    const template = onDemandOnly.statelessTemplate;
    expect(onDemandOnly.stateless.console).toBeUndefined();
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    expect(Object.keys(template.toJSON().Outputs as object)).not.toContain('ConsoleUrl');
  });

  test('on-demand only: one on-demand environment per queue', () => {
    const environments = Object.values(
      onDemandOnly.statelessTemplate.findResources('AWS::Batch::ComputeEnvironment'),
    ) as Resource[];
    expect(
      environments.map((environment) => (environment.Properties.ComputeResources as { Type: string }).Type),
    ).toEqual(['EC2']);
  });

  test('passes cdk-nag and bills nothing by the hour while idle', () => {
    for (const variant of [synthesized, onDemandOnly]) {
      expect(
        new AwsSolutionsChecks().validateScope(variant.app).violations.map((violation) => violation.ruleName),
      ).toEqual([]);
      for (const template of variant.templates) {
        const findings = idleCostFindings(template.toJSON());
        expect(
          findings.filter((finding) => finding.kind === 'hourly' || !(finding.type in acceptedMonthlyCharges)),
        ).toEqual([]);
      }
    }
  });
});
