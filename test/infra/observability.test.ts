/**
 * lib/constructs/observability.ts in the synthesized stateless stack: the event bus every status
 * writer (and the worker) may publish on, the job-metrics schedule, the alarms with their
 * thresholds from config, and the dashboard's widgets.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { routes } from '../../core/routes';
import { routeKey } from '../../core/route';
import { envNames, serviceMetrics } from '../../core/topology';
import type { IConstruct } from 'constructs';
import { logicalId, passedValue, type Synthesized, synth, templateOf } from './synth';

let synthesized: Synthesized;
let stateless: Template;

beforeAll(() => {
  synthesized = synth();
  stateless = synthesized.statelessTemplate;
});

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const resources = (template: Template, type: string) => template.findResources(type) as Record<string, Resource>;
const busId = () => logicalId(synthesized.stateless.observability.bus);

/** The function's environment variables, as the stateless stack passes them (a route function is in a nested stack). */
function environmentOf(fn: IConstruct): Record<string, unknown> {
  const found = resources(templateOf(fn), 'AWS::Lambda::Function')[logicalId(fn)];
  const variables = (found?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  return Object.fromEntries(Object.entries(variables ?? {}).map(([name, value]) => [name, passedValue(fn, value)]));
}

/** Statements of the policies attached to a role, their resources as the stateless stack passes them. */
function statementsOf(role: IConstruct): Statement[] {
  return Object.values(resources(templateOf(role), 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${logicalId(role)}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .map((statement) => ({ ...statement, Resource: passedValue(role, statement.Resource) }));
}

const putsEventsOnBus = (role: IConstruct) =>
  statementsOf(role).some(
    (statement) =>
      statement.Effect === 'Allow' &&
      [statement.Action].flat().includes('events:PutEvents') &&
      JSON.stringify(statement.Resource).includes(busId()),
  );

describe('the event bus', () => {
  test(
    'exists, and every function that writes records publishes ' + 'on it: PutEvents on the bus and EVENT_BUS_NAME',
    () => {
      stateless.resourceCountIs('AWS::Events::EventBus', 1);
      const { stateless: stack } = synthesized;
      const writers = [
        ...routes
          .filter((route) => route.access.table === 'readWrite')
          .map((route) => stack.api.functions.get(routeKey(route))!),
        stack.dispatcher,
        stack.batchStateChange,
        stack.uploadReceived,
      ];
      expect(writers.length).toBeGreaterThan(5);
      for (const fn of writers) {
        expect(environmentOf(fn)[envNames.eventBus]).toEqual({ Ref: busId() });
        expect(putsEventsOnBus(fn.executionRole)).toBe(true);
      }
    },
  );

  test('read-only routes get neither', () => {
    const readers = routes
      .filter((route) => route.access.table === 'read')
      .map((route) => synthesized.stateless.api.functions.get(routeKey(route))!);
    expect(readers.length).toBeGreaterThan(0);
    for (const fn of readers) {
      expect(environmentOf(fn)).not.toHaveProperty(envNames.eventBus);
      expect(putsEventsOnBus(fn.executionRole)).toBe(false);
    }
  });

  test("the worker's tenant role (its identity while it works) may publish, and its container knows the bus", () => {
    expect(putsEventsOnBus(synthesized.stateless.worker.tenantRole)).toBe(true);
    // The job role only trades itself for the tenant role.
    expect(putsEventsOnBus(synthesized.stateless.worker.jobRole)).toBe(false);
    stateless.hasResourceProperties('AWS::Batch::JobDefinition', {
      ContainerProperties: { Environment: Match.arrayWith([{ Name: envNames.eventBus, Value: { Ref: busId() } }]) },
    });
  });
});

describe('job metrics', () => {
  test('the job-metrics function reads the table every minute', () => {
    const fn = synthesized.stateless.observability.jobMetrics;
    expect(environmentOf(fn)).toHaveProperty(envNames.table);
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(fn), 'Arn'] } })],
    });
    const actions = statementsOf(fn.executionRole).flatMap((statement) => [statement.Action].flat());
    expect(actions).toContain('dynamodb:Query');
    expect(actions).not.toContain('dynamodb:PutItem');
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(resources(stateless, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
  const topicId = () => logicalId(synthesized.stateless.observability.alarmTopic);

  test('three alarms, each notifying the alarm topic', () => {
    expect(alarms()).toHaveLength(3);
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicId() }]);
  });

  test('the dead-letter queue alarms on a single message visible in it or received from it', () => {
    const alarm = alarms().find((a) => JSON.stringify(a.Metrics ?? []).includes('ApproximateNumberOfMessagesVisible'))!;
    expect(alarm).toMatchObject({
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    const metrics = alarm.Metrics as Array<{
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown }; Stat: string };
    }>;
    expect(metrics.find((m) => m.Expression)!.Expression).toBe('MAX([FILL(visible, 0), FILL(received, 0)])');
    expect(metrics.find((m) => m.Id === 'visible')!.MetricStat).toMatchObject({
      Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' },
      Stat: 'Maximum',
    });
    expect(metrics.find((m) => m.Id === 'received')!.MetricStat).toMatchObject({
      Metric: { Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesReceived' },
      Stat: 'Sum',
    });
    // The queue lives in the stateful stack: its name arrives as that stack's output.
    expect(JSON.stringify(metrics.find((m) => m.Id === 'visible')!.MetricStat!.Metric.Dimensions)).toMatch(
      /"StackName":"ElasticCaffeStateful".*JobsDeadLetter/,
    );
  });

  test('work queued for longer than stuckQueuedMinutes (default 60) alarms', () => {
    const alarm = alarms().find((a) => a.MetricName === serviceMetrics.oldestQueuedAge);
    expect(alarm).toMatchObject({
      Namespace: serviceMetrics.namespace,
      Threshold: 3600,
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'service', Value: 'elastic-caffe' }],
    });
  });

  test('the failure rate is failed / (failed + succeeded) over the window, once enough work finished', () => {
    const alarm = alarms().find((a) => JSON.stringify(a.Metrics ?? []).includes(serviceMetrics.finished))!;
    expect(alarm.Threshold).toBe(50);
    const metrics = alarm.Metrics as Array<{
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: unknown[] }; Period: number; Stat: string };
    }>;
    expect(metrics.find((m) => m.Expression)!.Expression).toBe(
      'IF(FILL(failed, 0) + FILL(succeeded, 0) >= 3, 100 * ' +
        'FILL(failed, 0) / (FILL(failed, 0) + FILL(succeeded, 0)), 0)',
    );
    for (const outcome of ['failed', 'succeeded']) {
      const stat = metrics.find((m) => m.Id === outcome)!.MetricStat!;
      expect(stat).toMatchObject({ Metric: { MetricName: serviceMetrics.finished }, Period: 3600, Stat: 'Sum' });
      expect(stat.Metric.Dimensions).toEqual(expect.arrayContaining([{ Name: 'outcome', Value: outcome }]));
    }
  });
});

describe('the dashboard', () => {
  test(
    'shows queued, running, per-tenant running (SEARCH), finished ' +
      'by outcome, the dead-letter queue and dispatcher errors',
    () => {
      const [dashboard] = Object.values(resources(stateless, 'AWS::CloudWatch::Dashboard'));
      const body = JSON.stringify(dashboard!.Properties.DashboardBody);
      for (const name of [
        serviceMetrics.queued,
        serviceMetrics.running,
        serviceMetrics.finished,
        serviceMetrics.oldestQueuedAge,
        'ApproximateNumberOfMessagesVisible',
        'Errors',
      ])
        expect(body).toContain(name);
      expect(body).toContain(
        `SEARCH('{${serviceMetrics.namespace},service,tenantId} ` +
          `MetricName=\\\\\\"${serviceMetrics.tenantRunning}\\\\\\"'`,
      );
    },
  );
});

describe('configuration', () => {
  test('alarmEmail subscribes the address; thresholds come from context', () => {
    const configured = synth({
      alarmEmail: 'ops@example.com',
      stuckQueuedMinutes: '30',
      failureRatePercent: '20',
      failureRateWindowMinutes: '15',
    }).statelessTemplate;
    configured.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const alarms = Object.values(resources(configured, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    expect(alarms.find((a) => a.MetricName === serviceMetrics.oldestQueuedAge)!.Threshold).toBe(1800);
    const failureRate = alarms.find((a) => JSON.stringify(a.Metrics ?? []).includes(serviceMetrics.finished))!;
    expect(failureRate.Threshold).toBe(20);
    expect(JSON.stringify(failureRate.Metrics)).toContain('"Period":900');
  });

  test('without alarmEmail the topic has no subscriber', () => {
    stateless.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
