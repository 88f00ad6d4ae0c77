import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as path from 'node:path';
import type { Route } from '../../core/route';
import { Auth } from '../../lib/constructs/auth';
import { ServiceApi } from '../../lib/constructs/http-api';

describe('a public route (auth: none)', () => {
  let app: App;
  let template: Template;

  beforeAll(() => {
    // The route table has no public route today; this one stands in for a future health check.
    const publicRoute: Route = {
      method: 'GET',
      path: '/v1/health',
      handler: 'list-records',
      auth: 'none',
      summary: 'Health check',
      access: { table: 'read' },
    };
    app = new App();
    const stack = new Stack(app, 'Test');
    const api = new ServiceApi(stack, 'Api', {
      routeGroups: [{ file: 'health', routes: [publicRoute] }],
      // Not in the route table, so no entry module serves it: the handler file alone is enough to synthesize.
      entryOf: (route) => ({ file: path.join(__dirname, '..', '..', 'lambdas', 'http', `${route.handler}.ts`) }),
      auth: new Auth(stack, 'Auth', { selfSignUp: false, retain: false }),
      table: new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }),
      bucket: new s3.Bucket(stack, 'Bucket'),
      jobsQueue: new sqs.Queue(stack, 'Queue'),
      corsOrigins: ['*'],
      throttle: { rateLimit: 1, burstLimit: 1 },
    });
    // The route lives in its group's nested stack.
    template = Template.fromStack(api.routeStacks.get('health')!);
  });

  test('gets no authorizer', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /v1/health',
      AuthorizationType: 'NONE',
    });
  });

  test('is acknowledged for cdk-nag APIG4 on the route itself, with its reason', () => {
    const report = new AwsSolutionsChecks().validateScope(app);

    expect(report.violations.filter((violation) => violation.ruleName === 'AwsSolutions-APIG4')).toEqual([]);
    const routes = app.node.findAll().filter((c) => c.node.id === 'GET--v1--health');
    expect(routes).toHaveLength(1);
    const acknowledged = routes[0]!.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledged).toEqual([
      [expect.stringMatching(/AwsSolutions-APIG4$/), expect.stringContaining('public by design')],
    ]);
  });
});
