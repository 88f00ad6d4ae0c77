import { Match, type Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { routes } from '../../core/routes';
import { routeKey } from '../../core/route';
import {
  batchStateChangePattern,
  datafileObjectName,
  envNames,
  intermediateSnapshotTag,
  jobsQueue,
  workerJobDefinition,
} from '../../core/topology';
import { classifyDockerfile, classifyImageFiles } from '../../packaging/classify-context';
import type { ServiceFunction } from '../../lib/constructs/service-function';
import type { ServiceImageFunction } from '../../lib/constructs/service-image-function';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acceptedMonthlyCharges, idleCostFindings } from './idle-cost';
import { logicalId, passedValue, type Synthesized, synth, templateOf } from './synth';

let synthesized: Synthesized;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  synthesized = synth();
  stateful = synthesized.statefulTemplate;
  stateless = synthesized.statelessTemplate;
});

type Resource = { Type: string; Properties: Record<string, unknown> };
type PolicyDocument = { Statement: Array<{ Effect: string; Action: string | string[] }> };

function resource(template: Template, id: string): Resource {
  const found = template.toJSON().Resources[id] as Resource | undefined;
  if (!found) throw new Error(`no resource ${id}`);
  return found;
}

/** Every action the role's policies allow (its policies are in its own stack's template). */
function allowedActions(role: iam.IRole): string[] {
  const roleId = logicalId(role as iam.Role);
  const policies = Object.values(templateOf(role).findResources('AWS::IAM::Policy')) as Resource[];
  return policies
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as PolicyDocument).Statement)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => [statement.Action].flat());
}

type RouteFunction = ServiceFunction | ServiceImageFunction;

function functionProps(fn: RouteFunction): Record<string, unknown> {
  return resource(templateOf(fn), logicalId(fn)).Properties;
}

/** The stateless stack's template and its nested stacks' (the route functions'). */
const statelessTemplates = (): Template[] => [stateless, ...synthesized.routeTemplates];

function routeFunctions(): Array<[(typeof routes)[number], RouteFunction]> {
  return routes.map((route) => {
    const fn = synthesized.stateless.api.functions.get(routeKey(route));
    if (!fn) throw new Error(`no function for ${routeKey(route)}`);
    return [route, fn];
  });
}

describe('functions', () => {
  test(
    'one function per route plus the event functions, all but ' +
      'container routes nodejs22.x on arm64 with active tracing',
    () => {
      const { stateless: stack } = synthesized;
      const nodeRoutes = routeFunctions().filter(([route]) => route.runtime !== 'container');
      const eventFunctions = [
        stack.dispatcher,
        stack.batchStateChange,
        stack.uploadReceived,
        stack.deadLetter,
        stack.reconciler,
        stack.observability.jobMetrics,
      ];
      const ours = [...nodeRoutes.map(([, fn]) => fn), ...eventFunctions];

      expect(new Set(routeFunctions().map(([, fn]) => logicalId(fn))).size).toBe(routes.length);
      for (const fn of ours) {
        expect(functionProps(fn)).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          MemorySize: 512,
          LoggingConfig: { LogFormat: 'JSON' },
          Environment: {
            Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'elastic-caffe' },
          },
        });
      }
      // Nothing else in the stack or its nested stacks is a bundled Node.js function (only CDK's own custom resource
      // handlers).
      const bundled = statelessTemplates().flatMap((template) =>
        Object.keys(
          template.findResources('AWS::Lambda::Function', {
            Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x' },
          }),
        ),
      );
      expect(bundled).toHaveLength(ours.length);
    },
  );

  test('the reconciler runs every minute and may list and stop Batch jobs, never submit one', () => {
    const reconciler = logicalId(synthesized.stateless.reconciler);
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [{ Arn: { 'Fn::GetAtt': [reconciler, 'Arn'] } }],
    });
    const statements = Object.values(stateless.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes('Reconciler'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>)
      .flatMap((statement) => [statement.Action].flat());
    expect(statements).toEqual(
      expect.arrayContaining(['batch:ListJobs', 'batch:DescribeJobs', 'batch:TerminateJob', 'sqs:SendMessage']),
    );
    expect(statements).not.toContain('batch:SubmitJob');
  });

  test('HTTP functions time out before API Gateway does (29 s)', () => {
    for (const [, fn] of routeFunctions()) expect(functionProps(fn).Timeout).toBe(29);
  });

  test("each route's function gets exactly the env vars its access declares", () => {
    for (const [route, fn] of routeFunctions()) {
      const variables = (functionProps(fn).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables[envNames.table]).toBeDefined();
      expect(variables[envNames.bucket] !== undefined).toBe(route.access.bucket !== undefined);
      expect(variables[envNames.jobsQueueUrl] !== undefined).toBe(route.access.queue === true);
      expect(variables[envNames.batchJobQueue]).toBeUndefined();
    }
  });

  test("each route's role may write only what its access declares", () => {
    for (const [route, fn] of routeFunctions()) {
      const actions = allowedActions(fn.role!);

      expect(actions).toContain('dynamodb:Query');
      expect(actions.includes('dynamodb:PutItem')).toBe(route.access.table === 'readWrite');
      expect(actions.includes('s3:GetObject')).toBe(route.access.bucket !== undefined);
      expect(actions.includes('s3:PutObject')).toBe(route.access.bucket === 'readWrite');
      expect(actions.includes('sqs:SendMessage')).toBe(route.access.queue === true);
      expect(actions.includes('s3:DeleteObject')).toBe(
        route.access.deleteObjects === true || route.access.tenantDeletion === true,
      );
      expect(actions.includes('s3:DeleteObjectVersion')).toBe(route.access.tenantDeletion === true);
      // Cancelling (and deleting a tenant) may stop Batch jobs; no route may submit one.
      const batchActions = route.access.tenantDeletion
        ? ['batch:DescribeJobs', 'batch:TerminateJob']
        : route.access.batch === 'terminate'
          ? ['batch:TerminateJob']
          : [];
      expect(actions.filter((action) => action.startsWith('batch:')).sort()).toEqual(batchActions);
    }
  });

  test(
    'cancelling a training job may terminate Batch jobs; ' + 'deleting one may delete objects under tenants/ only',
    () => {
      const cancel = synthesized.stateless.api.functions.get('POST /v1/training-jobs/{id}/cancel')!;
      const remove = synthesized.stateless.api.functions.get('DELETE /v1/training-jobs/{id}')!;
      expect(allowedActions(cancel.role!)).toContain('batch:TerminateJob');
      const roleId = logicalId(remove.role as iam.Role);
      const deletes = (Object.values(templateOf(remove.role!).findResources('AWS::IAM::Policy')) as Resource[])
        .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
        .flatMap(
          (policy) =>
            (policy.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> })
              .Statement,
        )
        .filter((statement) => [statement.Action].flat().includes('s3:DeleteObject'));
      expect(deletes).toHaveLength(1);
      expect(JSON.stringify(deletes[0]!.Resource)).toMatch(/\/tenants\/\*"\]\]\}$/);
    },
  );

  test('no function role carries an AWS managed policy', () => {
    for (const [, fn] of routeFunctions()) {
      const role = fn.role as iam.Role;
      expect(resource(templateOf(role), logicalId(role)).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('HTTP API', () => {
  test('every route of the table exists with its route key and the JWT authorizer where auth is jwt', () => {
    const authorizers = Object.keys(
      stateless.findResources('AWS::ApiGatewayV2::Authorizer', { Properties: { AuthorizerType: 'JWT' } }),
    );
    expect(authorizers).toHaveLength(1);

    const { api } = synthesized.stateless;
    for (const route of routes) {
      // The route is in its resource's nested stack, which gets the API and the authorizer as parameters.
      const apiRoute = api.apiRoutes.get(routeKey(route))!;
      const props = resource(templateOf(apiRoute), logicalId(apiRoute)).Properties;
      expect(props).toMatchObject({
        RouteKey: routeKey(route),
        AuthorizationType: route.auth === 'jwt' ? 'JWT' : 'NONE',
      });
      expect(passedValue(apiRoute, props.ApiId)).toEqual({ Ref: logicalId(api.api) });
      expect(passedValue(apiRoute, props.AuthorizerId)).toEqual(
        route.auth === 'jwt' ? { Ref: authorizers[0] } : undefined,
      );
    }
    const routeCount = statelessTemplates().map(
      (template) => Object.keys(template.findResources('AWS::ApiGatewayV2::Route')).length,
    );
    expect(routeCount.reduce((sum, count) => sum + count)).toBe(routes.length);
  });

  test("the JWT authorizer trusts the user pool as issuer, its clients (the CLI's, the console's) as audience", () => {
    // One pool in the stack, with two clients.
    const [poolId] = Object.keys(stateless.findResources('AWS::Cognito::UserPool'));
    const clientIds = Object.keys(stateless.findResources('AWS::Cognito::UserPoolClient'));
    expect(clientIds).toHaveLength(2);

    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: {
        Audience: clientIds.map((clientId) => ({ Ref: clientId })),
        Issuer: {
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^https://cognito-idp\\.'), { Ref: poolId }])],
        },
      },
    });
  });

  test('the default stage throttles and writes JSON access logs', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });

  test('the user pool is admin-only sign-up with email sign-in, a strong password policy and an admins group', () => {
    stateless.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
    stateless.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
    });
    stateless.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admins' });
  });
});

describe('data', () => {
  test('the table is on-demand with pk/sk, the byStatus and byWaiting indexes and point-in-time recovery', () => {
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byStatus',
            KeySchema: [
              { AttributeName: 'statusKey', KeyType: 'HASH' },
              { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'byWaiting',
            KeySchema: [
              { AttributeName: 'waitingKey', KeyType: 'HASH' },
              { AttributeName: 'waitingSince', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
  });

  test(
    'the data bucket is private, versioned, encrypted, ' +
      'logged and takes browser PUT/GET/HEAD from the CORS origins',
    () => {
      const dataBucket = logicalId(synthesized.stateful.bucket);
      expect(resource(stateful, dataBucket).Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(synthesized.stateful.logsBucket) } },
        CorsConfiguration: {
          CorsRules: [
            {
              AllowedMethods: ['PUT', 'GET', 'HEAD'],
              AllowedOrigins: ['*'],
              ExposedHeaders: ['ETag'],
              AllowedHeaders: ['*'],
              MaxAge: 3600,
            },
          ],
        },
      });
      stateful.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } })]),
        },
      });
    },
  );

  test(
    "the API's CORS lets a browser send idempotency keys and " + 'correlation ids, and read what the API answers with',
    () => {
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({
          AllowHeaders: Match.arrayWith([
            'authorization',
            'content-type',
            'idempotency-key',
            'x-correlation-id',
            'range',
          ]),
          ExposeHeaders: Match.arrayWith(['location', 'retry-after', 'x-correlation-id', 'x-next-offset']),
        }),
      });
    },
  );

  test('both bucket policies deny requests without TLS', () => {
    for (const bucket of [synthesized.stateful.bucket, synthesized.stateful.logsBucket]) {
      stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  test('the jobs queue has the visibility timeout, retention and dead-letter policy of core/topology', () => {
    const dlq = logicalId(synthesized.stateful.jobsDeadLetterQueue);
    expect(resource(stateful, logicalId(synthesized.stateful.jobsQueue)).Properties).toMatchObject({
      VisibilityTimeout: jobsQueue.visibilityTimeoutSeconds,
      MessageRetentionPeriod: jobsQueue.retentionDays * 86400,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
        maxReceiveCount: jobsQueue.maxReceiveCount,
      },
    });
    stateful.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
  });
});

describe('background work', () => {
  test(
    'the dispatcher reads the jobs queue in batches, reports ' +
      'item failures and finishes within the visibility timeout',
    () => {
      const { dispatcher } = synthesized.stateless;
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(dispatcher) },
        BatchSize: jobsQueue.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(functionProps(dispatcher).Timeout).toBe(jobsQueue.dispatcherTimeoutSeconds);
      expect(jobsQueue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * jobsQueue.dispatcherTimeoutSeconds);
    },
  );

  test('the dead-letter function reads the jobs DLQ (poison messages) and reports item failures', () => {
    const { deadLetter } = synthesized.stateless;
    const mapping = stateless.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: { Ref: logicalId(deadLetter) } },
    });
    expect(Object.values(mapping)).toHaveLength(1);
    expect(JSON.stringify(Object.values(mapping)[0])).toContain(logicalId(synthesized.stateful.jobsDeadLetterQueue));
    expect(Object.values(mapping)[0]).toMatchObject({
      Properties: { FunctionResponseTypes: ['ReportBatchItemFailures'] },
    });
  });

  test('the dispatcher may submit to our job queue and definition, whose ARNs it gets in its env', () => {
    const { dispatcher, worker } = synthesized.stateless;
    const variables = (functionProps(dispatcher).Environment as { Variables: Record<string, unknown> }).Variables;

    expect(variables[envNames.batchJobQueue]).toEqual({ 'Fn::GetAtt': [logicalId(worker.jobQueue), 'JobQueueArn'] });
    expect(variables[envNames.batchJobDefinition]).toEqual({ Ref: logicalId(worker.jobDefinition) });
    stateless.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(dispatcher.role as iam.Role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'batch:SubmitJob',
            Resource: [
              { 'Fn::GetAtt': [logicalId(worker.jobQueue), 'JobQueueArn'] },
              { Ref: logicalId(worker.jobDefinition) },
            ],
          }),
        ]),
      },
    });
  });

  test('the job definition is core/topology workerJobDefinition', () => {
    const { jobDefinition } = synthesized.stateless.worker;
    const d = workerJobDefinition;
    expect(resource(stateless, logicalId(jobDefinition)).Properties).toMatchObject({
      Type: 'container',
      PlatformCapabilities: ['EC2'],
      Parameters: d.parameters,
      ContainerProperties: {
        Command: d.command,
        ResourceRequirements: expect.arrayContaining([
          { Type: 'VCPU', Value: String(d.vcpus) },
          { Type: 'MEMORY', Value: String(d.memoryMiB) },
          { Type: 'GPU', Value: String(d.gpus) },
        ]),
        Environment: expect.arrayContaining([
          expect.objectContaining({ Name: envNames.table }),
          expect.objectContaining({ Name: envNames.bucket }),
        ]),
      },
      RetryStrategy: {
        Attempts: d.retryAttempts,
        EvaluateOnExit: [
          { Action: 'RETRY', OnStatusReason: 'Host EC2*' },
          { Action: 'EXIT', OnExitCode: String(d.permanentFailureExitCode) },
          { Action: 'RETRY', OnReason: '*' },
        ],
      },
      Timeout: { AttemptDurationSeconds: d.attemptDurationSeconds },
    });
  });

  test(
    'the compute environment is spot GPU from 0 vCPUs, ' + 'only the configured instance types, on the NVIDIA AMI',
    () => {
      stateless.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
        Type: 'managed',
        ComputeResources: {
          Type: 'SPOT',
          AllocationStrategy: 'SPOT_PRICE_CAPACITY_OPTIMIZED',
          MinvCpus: 0,
          MaxvCpus: 16,
          InstanceTypes: ['g4dn.xlarge', 'g4dn.2xlarge'],
          Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }],
        },
      });
      stateless.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: {
          MetadataOptions: { HttpTokens: 'required' },
          BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
        },
      });
    },
  );

  test('batch state changes of our job queue, and only those, reach the status function', () => {
    const { worker, batchStateChange } = synthesized.stateless;
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: [...batchStateChangePattern.source],
        'detail-type': [...batchStateChangePattern.detailType],
        detail: { jobQueue: [{ 'Fn::GetAtt': [logicalId(worker.jobQueue), 'JobQueueArn'] }] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(batchStateChange), 'Arn'] } })],
    });
  });

  test('S3 notifies the upload function of datafile archives under tenants/', () => {
    const notifications = Object.values(stateless.findResources('Custom::S3BucketNotifications')) as Resource[];
    expect(notifications).toHaveLength(1);
    const config = notifications[0]?.Properties.NotificationConfiguration as {
      LambdaFunctionConfigurations: unknown[];
    };

    expect(config.LambdaFunctionConfigurations).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: expect.arrayContaining([
              { Name: 'prefix', Value: 'tenants/' },
              { Name: 'suffix', Value: `/${datafileObjectName}` },
            ]),
          },
        },
        LambdaFunctionArn: { 'Fn::GetAtt': [logicalId(synthesized.stateless.uploadReceived), 'Arn'] },
      },
    ]);
  });

  test(
    'the worker image is built for x86_64 from the GPU Dockerfile and a context of ' +
      'only the bundle, the inference server, the shared build steps and Dockerfiles',
    () => {
      const images = synthesized.dockerImages;
      expect(images).toHaveLength(2); // the worker's and the classify function's
      const image = images.find((candidate) => candidate.source.dockerFile !== classifyDockerfile);
      expect(image?.source).toMatchObject({ dockerFile: 'Dockerfile.gpu', platform: 'linux/amd64' });

      const context = path.join(synthesized.assembly.directory, image!.source.directory);
      const files = fs.readdirSync(context, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      expect(files.map((entry) => path.relative(context, path.join(entry.parentPath, entry.name))).sort()).toEqual(
        [
          ...[
            '.dockerignore',
            'Dockerfile',
            'Dockerfile.gpu',
            path.join('build', 'worker.js'),
            path.join('inference', 'server.py'),
          ],
          ...[path.join('steps', 'caffe-runtime.sh'), path.join('steps', 'check-runtime.sh')],
        ].sort(),
      );
      expect(fs.readFileSync(path.join(context, 'inference', 'server.py'), 'utf8')).toBe(
        fs.readFileSync(path.join(__dirname, '..', '..', 'container', 'inference', 'server.py'), 'utf8'),
      );
      // The job definition runs exactly this image.
      const { jobDefinition } = synthesized.stateless.worker;
      const container = resource(stateless, logicalId(jobDefinition)).Properties.ContainerProperties as {
        Image: unknown;
      };
      const imageUri = JSON.stringify(container.Image);
      expect(imageUri).toContain(`:${image!.hash}`);
    },
  );
});

describe('the classify function (a container image with Caffe)', () => {
  const classifyRoutes = routes.filter((route) => route.runtime === 'container');
  const classify = (): RouteFunction => synthesized.stateless.api.functions.get('POST /v1/classifiers/{id}/classify')!;

  test(
    'is the only container route, and its function is an x86_64 ' +
      'image with 2 GB, 29 s, tracing and JSON logs to its own group',
    () => {
      expect(classifyRoutes.map(routeKey)).toEqual(['POST /v1/classifiers/{id}/classify']);
      const props = functionProps(classify());

      expect(props).toMatchObject({
        PackageType: 'Image',
        Architectures: ['x86_64'],
        MemorySize: 2048,
        Timeout: 29,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: {
          LogFormat: 'JSON',
          LogGroup: { Ref: expect.stringMatching(/^PostClassifiersIdClassifyLogs/) },
        },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'elastic-caffe' } },
      });
      expect(props.Runtime).toBeUndefined();
      expect(props.Handler).toBeUndefined();
    },
  );

  test('may read the table and the objects under tenants/, and write neither', () => {
    const actions = allowedActions(classify().role!);
    const variables = (functionProps(classify()).Environment as { Variables: Record<string, unknown> }).Variables;

    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 's3:GetObject']));
    expect(
      actions.filter((action) => /^(dynamodb:(Put|Update|Delete)|s3:(Put|Delete)|sqs:|batch:)/.test(action)),
    ).toEqual([]);
    expect(variables[envNames.table]).toBeDefined();
    expect(variables[envNames.bucket]).toBeDefined();
  });

  test(
    'runs the classify image, built for linux/amd64 from Dockerfile.classify and ' +
      'a context of only the handler bundle, server.py and the shared build steps',
    () => {
      const image = synthesized.dockerImages.find((candidate) => candidate.source.dockerFile === classifyDockerfile);
      expect(image?.source.platform).toBe('linux/amd64');

      const context = path.join(synthesized.assembly.directory, image!.source.directory);
      const files = fs
        .readdirSync(context, { recursive: true, encoding: 'utf8' })
        .filter((file) => fs.statSync(path.join(context, file)).isFile());
      expect(files.sort()).toEqual([...classifyImageFiles].sort());
      const source = (file: string) => fs.readFileSync(path.join(__dirname, '..', '..', 'container', file), 'utf8');
      expect(fs.readFileSync(path.join(context, 'server.py'), 'utf8')).toBe(source('inference/server.py'));
      for (const step of ['steps/caffe-runtime.sh', 'steps/check-runtime.sh'])
        expect(fs.readFileSync(path.join(context, step), 'utf8')).toBe(source(step));
      expect(JSON.stringify((functionProps(classify()).Code as { ImageUri: unknown }).ImageUri)).toContain(
        `:${image!.hash}`,
      );
    },
  );
});

describe('network', () => {
  test('public subnets only: no NAT gateway, free gateway endpoints for S3 and DynamoDB, flow logs on', () => {
    stateless.resourceCountIs('AWS::EC2::NatGateway', 0);
    stateless.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    for (const service of ['s3', 'dynamodb']) {
      stateless.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`\\.${service}$`)])] },
      });
    }
    stateless.hasResourceProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true });
    stateless.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  test("the instances' security group lets nothing in", () => {
    const groups = Object.values(stateless.findResources('AWS::EC2::SecurityGroup')) as Resource[];
    expect(groups).toHaveLength(1);
    expect(groups[0]?.Properties.SecurityGroupIngress).toBeUndefined();
    stateless.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});

describe('Batch workers', () => {
  test('the GPU queue tries spot first, then the on-demand fallback, both from 0 vCPUs up to maxvCpus', () => {
    const { worker } = synthesized.stateless;
    const [spot, onDemand] = worker.gpu.computeEnvironments;
    expect(worker.gpu.computeEnvironments).toHaveLength(2);
    expect(resource(stateless, logicalId(spot!)).Properties.ComputeResources).toMatchObject({
      Type: 'SPOT',
      AllocationStrategy: 'SPOT_PRICE_CAPACITY_OPTIMIZED',
      MinvCpus: 0,
      MaxvCpus: 16,
    });
    expect(resource(stateless, logicalId(onDemand!)).Properties.ComputeResources).toMatchObject({
      Type: 'EC2',
      MinvCpus: 0,
      MaxvCpus: 16,
      InstanceTypes: ['g4dn.xlarge', 'g4dn.2xlarge'],
      Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }],
    });
    expect(resource(stateless, logicalId(worker.jobQueue)).Properties.ComputeEnvironmentOrder).toEqual([
      { ComputeEnvironment: { 'Fn::GetAtt': [logicalId(spot!), 'ComputeEnvironmentArn'] }, Order: 1 },
      { ComputeEnvironment: { 'Fn::GetAtt': [logicalId(onDemand!), 'ComputeEnvironmentArn'] }, Order: 2 },
    ]);
    // No CPU queue unless configured; its env vars stay unset, so CPU jobs use the GPU queue.
    expect(worker.cpu).toBeUndefined();
    stateless.resourceCountIs('AWS::Batch::JobQueue', 1);
    const variables = (
      functionProps(synthesized.stateless.dispatcher).Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(variables[envNames.batchCpuJobQueue]).toBeUndefined();
  });

  test('the queue shares capacity fairly between tenants (a fair-share scheduling policy, equal weights)', () => {
    const { worker } = synthesized.stateless;
    stateless.resourceCountIs('AWS::Batch::SchedulingPolicy', 1);
    const policyId = logicalId(worker.schedulingPolicy);
    expect(resource(stateless, policyId).Properties).toMatchObject({
      FairsharePolicy: { ShareDecaySeconds: 600, ShareDistribution: [] },
    });
    expect(resource(stateless, logicalId(worker.jobQueue)).Properties.SchedulingPolicyArn).toEqual({
      'Fn::GetAtt': [policyId, 'Arn'],
    });
  });

  test(
    "the instances' ECS agent waits 120 s between SIGTERM and SIGKILL and " +
      'drains on a spot interruption notice (MIME multi-part user data)',
    () => {
      const templates = Object.values(stateless.findResources('AWS::EC2::LaunchTemplate')) as Resource[];
      expect(templates).toHaveLength(1);
      const userData = JSON.stringify((templates[0]!.Properties.LaunchTemplateData as { UserData: unknown }).UserData);
      expect(userData).toMatch(/^\{"Fn::Base64":\{"Fn::Join":\["",\["Content-Type: multipart\/mixed; boundary=/);
      expect(userData).toContain('echo ECS_CONTAINER_STOP_TIMEOUT=120s >> /etc/ecs/ecs.config');
      expect(userData).toContain('echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config');
      // Every compute environment launches with it.
      const launchTemplateId = { Ref: Object.keys(stateless.findResources('AWS::EC2::LaunchTemplate'))[0] };
      for (const environment of synthesized.stateless.worker.gpu.computeEnvironments) {
        expect(resource(stateless, logicalId(environment)).Properties.ComputeResources).toMatchObject({
          LaunchTemplate: { LaunchTemplateId: launchTemplateId },
        });
      }
    },
  );

  test('the worker logs to its own CloudWatch log group, kept for the configured days', () => {
    const { worker } = synthesized.stateless;
    const container = resource(stateless, logicalId(worker.jobDefinition)).Properties.ContainerProperties as Record<
      string,
      unknown
    >;
    expect(container.LogConfiguration).toMatchObject({
      LogDriver: 'awslogs',
      Options: { 'awslogs-group': { Ref: logicalId(worker.logGroup) }, 'awslogs-stream-prefix': 'worker' },
    });
    expect(resource(stateless, logicalId(worker.logGroup)).Properties.RetentionInDays).toBe(30);
  });
});

describe('the worker identity', () => {
  test('the job role may do nothing but assume the tenant role', () => {
    const { jobRole, tenantRole } = synthesized.stateless.worker;
    expect(allowedActions(jobRole)).toEqual(['sts:AssumeRole']);
    stateless.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(jobRole) }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::GetAtt': [logicalId(tenantRole), 'Arn'] } },
        ],
      },
    });
    expect(resource(stateless, logicalId(jobRole)).Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('only the job role may assume the tenant role, for at most an hour', () => {
    const { jobRole, tenantRole } = synthesized.stateless.worker;
    expect(resource(stateless, logicalId(tenantRole)).Properties).toMatchObject({
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: { 'Fn::GetAtt': [logicalId(jobRole), 'Arn'] } },
          },
        ],
      },
    });
  });

  test(
    "the tenant role reaches only the table's items and the objects " +
      'under tenants/ (the session policy narrows it to one tenant)',
    () => {
      const { tenantRole } = synthesized.stateless.worker;
      const actions = allowedActions(tenantRole);
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:UpdateItem',
          's3:GetObject',
          's3:PutObject',
          's3:PutObjectTagging',
        ]),
      );
      // Publishing job state events (on the stack's one bus) is the only other thing it may do.
      expect(actions.filter((action) => /^(sqs|batch|sts|iam|events):|^s3:Delete|^\*$/.test(action))).toEqual([
        'events:PutEvents',
      ]);
    },
  );

  test('the job definition tells the worker which role to assume, and its region', () => {
    const { jobDefinition, tenantRole } = synthesized.stateless.worker;
    const container = resource(stateless, logicalId(jobDefinition)).Properties.ContainerProperties as {
      Environment: unknown[];
    };
    expect(container.Environment).toEqual(
      expect.arrayContaining([
        { Name: envNames.workerTenantRoleArn, Value: { 'Fn::GetAtt': [logicalId(tenantRole), 'Arn'] } },
        { Name: 'AWS_REGION', Value: { Ref: 'AWS::Region' } },
      ]),
    );
  });
});

describe('storage hygiene and logs', () => {
  test(
    'intermediate snapshots (tagged) expire after 14 days and their ' +
      'old versions a day later; nothing else is matched by the tag rule',
    () => {
      const rules = (
        resource(stateful, logicalId(synthesized.stateful.bucket)).Properties.LifecycleConfiguration as {
          Rules: unknown[];
        }
      ).Rules;
      expect(rules).toEqual(
        expect.arrayContaining([
          {
            Id: 'ExpireIntermediateSnapshots',
            Status: 'Enabled',
            TagFilters: [{ Key: intermediateSnapshotTag.key, Value: intermediateSnapshotTag.value }],
            ExpirationInDays: 14,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          },
          expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
        ]),
      );
    },
  );

  test('every log group of the stateless stack and its nested stacks keeps its logs for the configured 30 days', () => {
    const groups = statelessTemplates().flatMap(
      (template) => Object.values(template.findResources('AWS::Logs::LogGroup')) as Resource[],
    );
    expect(groups.length).toBeGreaterThan(routes.length);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  test('every function of ours traces with X-Ray and logs to its own group', () => {
    const { stateless: stack } = synthesized;
    for (const fn of [
      ...stack.api.functions.values(),
      stack.dispatcher,
      stack.batchStateChange,
      stack.uploadReceived,
    ]) {
      expect(functionProps(fn)).toMatchObject({
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
  });
});

describe('outputs', () => {
  test('the API and console URLs, region, user pool and client ids, bucket and job queue', () => {
    const outputs = stateless.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'ConsoleUrl',
        'Region',
        'AuthMode',
        'UserPoolId',
        'UserPoolClientId',
        'BucketName',
        'JobQueueArn',
        'WorkerLogGroup',
      ]),
    );
    expect(outputs.Region!.Value).toEqual({ Ref: 'AWS::Region' });
    expect(outputs.AuthMode!.Value).toBe('cognito');
  });
});

describe('idle cost', () => {
  test(
    'nothing in any template bills by the hour while ' + 'idle; the only fixed monthly fees are the accepted ones',
    () => {
      for (const template of [stateful, ...statelessTemplates()]) {
        const findings = idleCostFindings(template.toJSON());
        expect(findings.filter((finding) => finding.kind === 'hourly')).toEqual([]);
        expect(findings.filter((finding) => !(finding.type in acceptedMonthlyCharges))).toEqual([]);
      }
    },
  );
});
