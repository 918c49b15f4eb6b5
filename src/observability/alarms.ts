import { Annotations, Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BusinessMetrics, businessMetrics } from './business-metrics';
import { deadLetterArrivals } from './dead-letter-arrivals';
import { PROCESSING_FAILED_MSG } from './log-queries';
import { isUnresolved, redeliveryWindow, ResolvedProps } from '../resolved-props';

export interface OrderAlarmsProps {
  readonly settings: ResolvedProps;
  readonly api: apigateway.RestApi;
  /** AWS/Events dimensions of the rule's metrics. */
  readonly ruleMetricDimensions: Record<string, string>;
  readonly mainQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly workerFunction: lambda.IFunction;
  readonly workerLogGroup: logs.ILogGroup;
  readonly alarmActions: cloudwatch.IAlarmAction[];
}

/** Counters are summed per minute: one failed order is one datapoint, and it pages. */
const COUNT_PERIOD = Duration.minutes(1);
/** A rate needs a few orders behind it: over one minute a single failure of two orders is 50%. */
const FAILURE_RATE_PERIOD = Duration.minutes(5);

/**
 * The runbook alarms: every way an order can fail to arrive or to be processed raises one,
 * and the queue backing up raises one.
 */
export class OrderAlarms extends Construct {
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  public readonly deadLetterArrivalsAlarm: cloudwatch.Alarm;
  public readonly workerErrorsAlarm: cloudwatch.Alarm;
  public readonly queueAgeAlarm: cloudwatch.Alarm;
  public readonly ruleFailedInvocationsAlarm: cloudwatch.Alarm;
  public readonly ruleDeadLetterFailuresAlarm: cloudwatch.Alarm;
  public readonly apiServerErrorsAlarm: cloudwatch.Alarm;
  public readonly recordFailuresAlarm: cloudwatch.Alarm;
  public readonly failureRateAlarm: cloudwatch.Alarm;
  /** The handlers' business metrics (EMF), graphed on the dashboard. */
  public readonly business: BusinessMetrics;
  /** For the dashboard: the metrics behind the alarms that are not a resource's own. */
  public readonly deadLetterArrivals: cloudwatch.MathExpression;
  public readonly recordFailures: cloudwatch.Metric;
  public readonly ruleMetrics: Record<'invocations' | 'failedInvocations' | 'sentToDlq' | 'failedToBeSentToDlq', cloudwatch.Metric>;

  constructor(scope: Construct, id: string, props: OrderAlarmsProps) {
    super(scope, id);
    const { settings } = props;
    const name = (suffix: string) => settings.namePrefix && `${settings.namePrefix}-${suffix}`;
    // No data is an idle system, not a problem: EventBridge and metric filters publish only
    // non-zero counts, and SQS stops publishing for an idle, empty queue.
    const evaluation = { evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
    const atLeastOne = {
      ...evaluation,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    };
    const sum = { period: COUNT_PERIOD, statistic: cloudwatch.Stats.SUM };

    // The seed's alarm: in ALARM for as long as any order waits in the DLQ, so green means drained.
    this.deadLetterQueueAlarm = props.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: COUNT_PERIOD, statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, 'DeadLetterQueueVisible', {
        alarmName: name('dlq-visible-messages'),
        alarmDescription: 'The dead-letter queue holds orders (failed maxReceiveCount times, or undeliverable by ' +
          'EventBridge): inspect them, fix the cause, then replay. OK again only once the queue is empty.',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...evaluation,
      });

    // Beside it: the alarm above stays in ALARM while the queue is non-empty, so a second
    // arrival would notify no one; this one notifies for every arrival after a quiet spell.
    this.deadLetterArrivals = deadLetterArrivals(props.deadLetterQueue, COUNT_PERIOD);
    this.deadLetterArrivalsAlarm = this.deadLetterArrivals.createAlarm(this, 'DeadLetterQueueArrivals', {
      alarmName: name('dlq-new-messages'),
      alarmDescription: 'New orders arrived in the dead-letter queue (failed maxReceiveCount times, or undeliverable ' +
        'by EventBridge): inspect them, fix the cause, then replay. Notifies again for arrivals after a quiet spell.',
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      // DIFF needs the previous minute inside the evaluated range; one breaching minute of the
      // two is enough, so each arrival is seen once as the newer of two adjacent minutes.
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
    });

    this.workerErrorsAlarm = props.workerFunction
      .metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'WorkerErrors', {
        alarmName: name('worker-errors'),
        alarmDescription: 'The orders worker Lambda failed a whole invocation (crash, timeout, every record failed) at ' +
          'least once in 5 minutes.',
        ...atLeastOne,
      });

    this.queueAgeAlarm = props.mainQueue
      .metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, 'MainQueueBacklog', {
        alarmName: name('main-queue-backlog'),
        alarmDescription: `The oldest order in the main queue is older than ${settings.queueAgeAlarmThreshold.toSeconds()} seconds.`,
        threshold: settings.queueAgeAlarmThreshold.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...evaluation,
      });
    this.warnAboutQueueAgeThreshold(settings);

    const ruleMetric = (metricName: string) => new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName,
      dimensionsMap: props.ruleMetricDimensions,
      ...sum,
    });
    this.ruleMetrics = {
      invocations: ruleMetric('Invocations'),
      failedInvocations: ruleMetric('FailedInvocations'),
      sentToDlq: ruleMetric('InvocationsSentToDlq'),
      failedToBeSentToDlq: ruleMetric('InvocationsFailedToBeSentToDlq'),
    };
    this.ruleFailedInvocationsAlarm = this.ruleMetrics.failedInvocations.createAlarm(this, 'RuleFailedInvocations', {
      alarmName: name('rule-failed-invocations'),
      alarmDescription: 'EventBridge failed to deliver OrderCreated events to the main queue for good: check the queue ' +
        'policy and key policy, then the dead-letter queue.',
      ...atLeastOne,
    });
    this.ruleDeadLetterFailuresAlarm = this.ruleMetrics.failedToBeSentToDlq.createAlarm(this, 'RuleDeadLetterFailures', {
      alarmName: name('rule-dlq-send-failures'),
      alarmDescription: 'EventBridge could deliver OrderCreated events neither to the main queue nor to the dead-letter ' +
        'queue: those orders are lost. Check both queue policies and the key policy.',
      ...atLeastOne,
    });

    this.apiServerErrorsAlarm = props.api.metricServerError(sum).createAlarm(this, 'ApiServerErrors', {
      alarmName: name('api-5xx'),
      alarmDescription: 'The orders API answered 5xx: clients were told the order may not have been accepted.',
      ...atLeastOne,
    });

    // The worker reports failed records to SQS and returns normally, so a record that fails
    // next to records that succeed shows in no Lambda metric: count the line it logs instead.
    const recordFailuresFilter = new logs.MetricFilter(this, 'RecordFailuresFilter', {
      logGroup: props.workerLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.msg', '=', PROCESSING_FAILED_MSG),
      // A custom metric has no dimensions of its own here, so the namespace keeps two
      // workflows in one account apart.
      metricNamespace: `cdk-orders-workflow/${settings.functionNamePrefix}`,
      metricName: 'RecordsFailed',
      metricValue: '1',
    });
    this.recordFailures = recordFailuresFilter.metric({ ...sum, label: 'Records failed (processing_failed)' });
    this.recordFailuresAlarm = this.recordFailures.createAlarm(this, 'WorkerRecordFailures', {
      alarmName: name('worker-record-failures'),
      alarmDescription: 'The orders worker failed at least one record (it will be retried, then parked in the ' +
        'dead-letter queue); run the saved failures query.',
      ...atLeastOne,
    });

    this.business = businessMetrics(settings.metricsNamespace, FAILURE_RATE_PERIOD);
    const threshold = settings.failureRateAlarmThreshold;
    this.failureRateAlarm = this.business.failureRate.createAlarm(this, 'OrderFailureRate', {
      alarmName: name('order-failure-rate'),
      alarmDescription: `More than ${isUnresolved(threshold) ? 'the threshold' : `${Math.round(threshold * 10_000) / 100}%`} of the worker's ` +
        'processing attempts failed in 5 minutes (OrdersFailed / (OrdersProcessed + OrdersFailed)): run the saved failures query.',
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...evaluation,
    });

    if (props.alarmActions.length > 0) {
      for (const alarm of this.all) alarm.addAlarmAction(...props.alarmActions);
    }
  }

  public get all(): cloudwatch.Alarm[] {
    return [
      this.deadLetterQueueAlarm,
      this.deadLetterArrivalsAlarm,
      this.workerErrorsAlarm,
      this.queueAgeAlarm,
      this.ruleFailedInvocationsAlarm,
      this.ruleDeadLetterFailuresAlarm,
      this.apiServerErrorsAlarm,
      this.recordFailuresAlarm,
      this.failureRateAlarm,
    ];
  }

  private warnAboutQueueAgeThreshold(settings: ResolvedProps): void {
    const inputs = [settings.queueAgeAlarmThreshold, settings.retentionPeriod, settings.maxReceiveCount, settings.visibilityTimeout];
    if (inputs.some(isUnresolved)) return;
    const window = redeliveryWindow(settings.maxReceiveCount, settings.visibilityTimeout);
    const threshold = settings.queueAgeAlarmThreshold.toSeconds();
    if (threshold <= window.toSeconds()) {
      Annotations.of(this).addWarningV2('cdk-orders-workflow:queue-age-below-redelivery',
        `queueAgeAlarmThreshold (${threshold} s) is not above maxReceiveCount x visibilityTimeout (${window.toSeconds()} s): ` +
        'one order that keeps failing will page through the queue-age alarm as well as the DLQ alarm.');
    }
    if (threshold >= settings.retentionPeriod.toSeconds()) {
      Annotations.of(this).addWarningV2('cdk-orders-workflow:queue-age-above-retention',
        `queueAgeAlarmThreshold (${threshold} s) is not below mainQueueRetentionPeriod (${settings.retentionPeriod.toSeconds()} s): ` +
        'messages expire before they are that old, so the queue-age alarm can never fire.');
    }
  }
}
