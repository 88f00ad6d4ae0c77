/**
 * What an operator watches: the service's event bus (every job state change, core/events.ts), the
 * job-metrics function on a one-minute schedule, a CloudWatch dashboard, and alarms for a
 * non-empty dead-letter queue, work stuck queued (RUNNABLE with no capacity) and a high failure
 * rate, notifying an SNS topic (optionally emailed).
 *
 * Idle cost (us-east-1 list prices): the bus, the rules and the topic cost nothing without
 * traffic. The job-metrics function runs every minute (~43,800 invocations and ~440,000 status
 * index reads a month: a few cents) and publishes metrics only while work is queued or running,
 * so idle it stores no custom metrics. The three alarms bill $0.10 per metric they read each
 * month ($0.50 in all: the dead-letter and failure-rate alarms read two each), and the dashboard is free for an
 * account's first three dashboards, $3/month beyond. So an idle deployment pays well under $1 a month here.
 */
import { Duration } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { envNames, eventFunctionName, serviceMetrics, serviceName } from '../../core/topology';
import type { AppConfig } from '../config';
import { ServiceFunction } from './service-function';

/** Props of the observability resources. */
export interface ObservabilityProps {
  /** The job-metrics handler (lambdas/events/job-metrics.ts). */
  readonly jobMetricsEntry: string;
  readonly table: dynamodb.ITable;
  /** The jobs queue's dead-letter queue: anything in it is work that will not run without help. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The dispatcher, whose errors the dashboard shows. */
  readonly dispatcher: lambda.IFunction;
  /** Alarm thresholds and the optional email address (lib/config.ts). */
  readonly config: Pick<
    AppConfig,
    'alarmEmail' | 'stuckQueuedMinutes' | 'failureRatePercent' | 'failureRateWindowMinutes' | 'failureRateMinJobs'
  >;
}

/** The bus, the job-metrics function, the dashboard, the alarms and their topic. */
export class Observability extends Construct {
  /** Job state change events (source `elastic-caffe`, detail type `Job State Change`). */
  readonly bus: events.EventBus;
  readonly jobMetrics: ServiceFunction;
  readonly alarmTopic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: {
    readonly deadLetters: cloudwatch.Alarm;
    readonly stuckQueued: cloudwatch.Alarm;
    readonly failureRate: cloudwatch.Alarm;
  };

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { config } = props;

    this.bus = new events.EventBus(this, 'JobEvents', {
      description: 'Elastic Caffe job state changes (source elastic-caffe, detail type "Job State Change")',
    });

    this.jobMetrics = new ServiceFunction(this, eventFunctionName('jobMetrics'), {
      entry: { file: props.jobMetricsEntry },
      description: 'Schedule → queued/running job counts as CloudWatch metrics',
      timeout: Duration.seconds(50),
    }).bindTable(props.table, 'read');
    new events.Rule(this, 'JobMetricsSchedule', {
      description: 'Counts queued and running work every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // A missed minute is replaced by the next one: no retries, no stale counts.
      targets: [new targets.LambdaFunction(this.jobMetrics, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    // Not KMS-encrypted: notifications carry only alarm names and states, CloudWatch cannot publish to
    // a topic under the AWS-managed SNS key, and a customer-managed key would bill $1/month idle.
    this.alarmTopic = new sns.Topic(this, 'Alarms', { displayName: 'Elastic Caffe alarms', enforceSSL: true });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    const notify = new cwActions.SnsAction(this.alarmTopic);

    const metric = (
      metricName: string,
      statistic: string,
      period: Duration,
      dimensionsMap: Record<string, string> = {},
    ) =>
      new cloudwatch.Metric({
        namespace: serviceMetrics.namespace,
        metricName,
        statistic,
        period,
        dimensionsMap: { service: serviceName, ...dimensionsMap },
      });
    const minute = Duration.minutes(1);
    // Nothing is published while idle: a gap means zero.
    const filled = (label: string, source: cloudwatch.IMetric) => {
      const id = label.toLowerCase().replace(/[^a-z0-9]+/g, '_'); // ids are unique per graph
      return new cloudwatch.MathExpression({
        expression: `FILL(${id}, 0)`,
        usingMetrics: { [id]: source },
        label,
        period: minute,
      });
    };
    const queued = metric(serviceMetrics.queued, 'Maximum', minute);
    const running = metric(serviceMetrics.running, 'Maximum', minute);
    const oldestQueued = metric(serviceMetrics.oldestQueuedAge, 'Maximum', minute);
    const finished = (outcome: string, period: Duration) => metric(serviceMetrics.finished, 'Sum', period, { outcome });
    const deadLetters = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: minute,
    });
    // A dead-letter handler that takes messages off the queue at once can keep it looking empty:
    // a message received from it counts as having been there.
    const deadLettersReceived = props.deadLetterQueue.metricNumberOfMessagesReceived({
      statistic: 'Sum',
      period: minute,
    });

    this.alarms = {
      deadLetters: new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
        alarmDescription:
          'Work messages reached the dead-letter queue: their records are failed; ' +
          'look at the messages and the dispatcher logs.',
        metric: new cloudwatch.MathExpression({
          expression: 'MAX([FILL(visible, 0), FILL(received, 0)])',
          usingMetrics: { visible: deadLetters, received: deadLettersReceived },
          label: 'dead letters',
          period: minute,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      stuckQueued: new cloudwatch.Alarm(this, 'StuckQueuedAlarm', {
        alarmDescription:
          `Work has waited more than ${config.stuckQueuedMinutes} minutes for a worker ` +
          `(Batch RUNNABLE without capacity, or capacity limits too low).`,
        metric: oldestQueued.with({ period: Duration.minutes(5) }),
        threshold: config.stuckQueuedMinutes * 60,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      failureRate: new cloudwatch.Alarm(this, 'FailureRateAlarm', {
        alarmDescription:
          `More than ${config.failureRatePercent}% of the work that finished in ` +
          `${config.failureRateWindowMinutes} minutes failed (at least ${config.failureRateMinJobs} finished).`,
        metric: new cloudwatch.MathExpression({
          expression:
            `IF(FILL(failed, 0) + FILL(succeeded, 0) >= ${config.failureRateMinJobs}, ` +
            `100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(succeeded, 0)), 0)`,
          usingMetrics: {
            failed: finished('failed', Duration.minutes(config.failureRateWindowMinutes)),
            succeeded: finished('succeeded', Duration.minutes(config.failureRateWindowMinutes)),
          },
          label: 'failed %',
          period: Duration.minutes(config.failureRateWindowMinutes),
        }),
        threshold: config.failureRatePercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    };
    for (const alarm of Object.values(this.alarms)) alarm.addAlarmAction(notify);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Work queued and running (all tenants)',
        left: [filled('queued', queued), filled('running', running)],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Running per tenant',
        left: [
          new cloudwatch.MathExpression({
            expression:
              `SEARCH('{${serviceMetrics.namespace},service,tenantId} ` +
              `MetricName="${serviceMetrics.tenantRunning}"', 'Maximum', 60)`,
            label: '',
            period: minute,
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Finished work by outcome (per 5 minutes)',
        left: ['succeeded', 'failed', 'cancelled'].map((outcome) =>
          filled(outcome, finished(outcome, Duration.minutes(5))),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Oldest queued work (seconds)',
        left: [filled('oldest queued', oldestQueued)],
        leftAnnotations: [{ value: config.stuckQueuedMinutes * 60, label: 'stuck alarm' }],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue: visible and received',
        left: [deadLetters, deadLettersReceived],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dispatcher invocations and errors',
        left: [
          props.dispatcher.metricInvocations({ period: minute }),
          props.dispatcher.metricErrors({ period: minute }),
        ],
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 8 }),
    );
  }

  /**
   * The worker's job role may publish on the bus, and its container gets EVENT_BUS_NAME (the
   * worker writes results, not statuses, today; a status it writes later is published like any other).
   */
  bindWorker(jobRole: iam.IGrantable, jobDefinition: batch.EcsJobDefinition): void {
    this.bus.grantPutEventsTo(jobRole);
    // The L2 job definition renders its container (environment included) when it is created, so the
    // variable is added to the CloudFormation resource's container properties.
    const cfn = jobDefinition.node.defaultChild as batch.CfnJobDefinition;
    const container = cfn.containerProperties as batch.CfnJobDefinition.ContainerPropertiesProperty;
    const environment = (container.environment ?? []) as batch.CfnJobDefinition.EnvironmentProperty[];
    cfn.containerProperties = {
      ...container,
      environment: [...environment, { name: envNames.eventBus, value: this.bus.eventBusName }],
    };
  }
}
