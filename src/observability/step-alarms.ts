import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterArrivals } from './dead-letter-arrivals';
import { PROCESSING_FAILED_MSG } from './log-queries';
import { ResolvedProps } from '../resolved-props';

/** How one step's alarms name and describe what they watch, so that an operator can tell the steps apart. */
export interface StepAlarmWording {
  /** Before every description, e.g. `Stage 'payment': ` (empty for the main step). */
  readonly prefix: string;
  /** After `<namePrefix>-` in every alarm name, e.g. `payment-` (empty for the main step). */
  readonly namePart: string;
  /** The queue's name in the queue-age alarm's name: `main-queue` or `queue`. */
  readonly queueNamePart: string;
  /** The detail type the rule routes. */
  readonly eventName: string;
  /** The queue, e.g. `main queue`. */
  readonly queue: string;
  /** The worker, e.g. `orders worker`. */
  readonly worker: string;
  /** The metric the record-failures filter publishes. */
  readonly recordsFailedMetricName: string;
}

export interface StepAlarmsProps {
  /** The step's settings (its own worker timeout decides its queue-age threshold). */
  readonly settings: ResolvedProps;
  readonly wording: StepAlarmWording;
  /** AWS/Events dimensions of the step's rule's metrics. */
  readonly ruleMetricDimensions: Record<string, string>;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly workerFunction: lambda.IFunction;
  readonly workerLogGroup: logs.ILogGroup;
}

/** One step's alarms, and the metrics behind them that are not a resource's own (for the dashboard). */
export interface StepAlarms {
  readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  readonly deadLetterArrivalsAlarm: cloudwatch.Alarm;
  readonly workerErrorsAlarm: cloudwatch.Alarm;
  readonly queueAgeAlarm: cloudwatch.Alarm;
  readonly ruleFailedInvocationsAlarm: cloudwatch.Alarm;
  readonly ruleDeadLetterFailuresAlarm: cloudwatch.Alarm;
  readonly recordFailuresAlarm: cloudwatch.Alarm;
  readonly deadLetterArrivals: cloudwatch.MathExpression;
  readonly recordFailures: cloudwatch.Metric;
  readonly ruleMetrics: Record<'invocations' | 'failedInvocations' | 'sentToDlq' | 'failedToBeSentToDlq', cloudwatch.Metric>;
  /** The seven alarms, in the order above. */
  readonly all: cloudwatch.Alarm[];
}

/** Counters are summed per minute: one failed order is one datapoint, and it pages. */
export const COUNT_PERIOD = Duration.minutes(1);

/**
 * The alarms every step has, whether the main step (OrderAlarms) or a stage: its dead-letter
 * queue filling, its worker failing invocations or records, its queue backing up, its rule
 * failing to deliver. Created in `scope` with fixed ids.
 */
/**
 * What every alarm of the workflow shares. No data is an idle system, not a problem:
 * EventBridge and metric filters publish only non-zero counts, and SQS stops publishing for an
 * idle, empty queue.
 */
export function alarmBasics() {
  const evaluation = { evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
  return {
    evaluation,
    atLeastOne: { ...evaluation, threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD },
    sum: { period: COUNT_PERIOD, statistic: cloudwatch.Stats.SUM },
  };
}

export function createStepAlarms(scope: Construct, props: StepAlarmsProps): StepAlarms {
  const { settings, wording: w } = props;
  const name = (suffix: string) => settings.namePrefix && `${settings.namePrefix}-${w.namePart}${suffix}`;
  const { evaluation, atLeastOne, sum } = alarmBasics();

  // The seed's alarm: in ALARM for as long as any order waits in the DLQ, so green means drained.
  const deadLetterQueueAlarm = props.deadLetterQueue
    .metricApproximateNumberOfMessagesVisible({ period: COUNT_PERIOD, statistic: cloudwatch.Stats.MAXIMUM })
    .createAlarm(scope, 'DeadLetterQueueVisible', {
      alarmName: name('dlq-visible-messages'),
      alarmDescription: `${w.prefix}The dead-letter queue holds orders (failed maxReceiveCount times, or undeliverable by ` +
        'EventBridge): inspect them, fix the cause, then replay. OK again only once the queue is empty.',
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...evaluation,
    });

  // Beside it: the alarm above stays in ALARM while the queue is non-empty, so a second
  // arrival would notify no one; this one notifies for every arrival after a quiet spell.
  const arrivals = deadLetterArrivals(props.deadLetterQueue, COUNT_PERIOD);
  const deadLetterArrivalsAlarm = arrivals.createAlarm(scope, 'DeadLetterQueueArrivals', {
    alarmName: name('dlq-new-messages'),
    alarmDescription: `${w.prefix}New orders arrived in the dead-letter queue (failed maxReceiveCount times, or undeliverable ` +
      'by EventBridge): inspect them, fix the cause, then replay. Notifies again for arrivals after a quiet spell.',
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    // DIFF needs the previous minute inside the evaluated range; one breaching minute of the
    // two is enough, so each arrival is seen once as the newer of two adjacent minutes.
    evaluationPeriods: 2,
    datapointsToAlarm: 1,
  });

  const workerErrorsAlarm = props.workerFunction
    .metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
    .createAlarm(scope, 'WorkerErrors', {
      alarmName: name('worker-errors'),
      alarmDescription: `${w.prefix}The ${w.worker} Lambda failed a whole invocation (crash, timeout, every record failed) at ` +
        'least once in 5 minutes.',
      ...atLeastOne,
    });

  const queueAgeAlarm = props.queue
    .metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
    .createAlarm(scope, 'MainQueueBacklog', {
      alarmName: name(`${w.queueNamePart}-backlog`),
      alarmDescription: `${w.prefix}The oldest order in the ${w.queue} is older than ${settings.queueAgeAlarmThreshold.toSeconds()} seconds.`,
      threshold: settings.queueAgeAlarmThreshold.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...evaluation,
    });

  const ruleMetric = (metricName: string) => new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap: props.ruleMetricDimensions,
    ...sum,
  });
  const ruleMetrics = {
    invocations: ruleMetric('Invocations'),
    failedInvocations: ruleMetric('FailedInvocations'),
    sentToDlq: ruleMetric('InvocationsSentToDlq'),
    failedToBeSentToDlq: ruleMetric('InvocationsFailedToBeSentToDlq'),
  };
  const ruleFailedInvocationsAlarm = ruleMetrics.failedInvocations.createAlarm(scope, 'RuleFailedInvocations', {
    alarmName: name('rule-failed-invocations'),
    alarmDescription: `${w.prefix}EventBridge failed to deliver ${w.eventName} events to the ${w.queue} for good: check the queue ` +
      'policy and key policy, then the dead-letter queue.',
    ...atLeastOne,
  });
  const ruleDeadLetterFailuresAlarm = ruleMetrics.failedToBeSentToDlq.createAlarm(scope, 'RuleDeadLetterFailures', {
    alarmName: name('rule-dlq-send-failures'),
    alarmDescription: `${w.prefix}EventBridge could deliver ${w.eventName} events neither to the ${w.queue} nor to the dead-letter ` +
      'queue: those orders are lost. Check both queue policies and the key policy.',
    ...atLeastOne,
  });

  // The worker reports failed records to SQS and returns normally, so a record that fails
  // next to records that succeed shows in no Lambda metric: count the line it logs instead.
  const recordFailuresFilter = new logs.MetricFilter(scope, 'RecordFailuresFilter', {
    logGroup: props.workerLogGroup,
    filterPattern: logs.FilterPattern.stringValue('$.msg', '=', PROCESSING_FAILED_MSG),
    // A custom metric has no dimensions of its own here, so the namespace keeps two
    // workflows in one account apart (and the metric's name the steps of one workflow).
    metricNamespace: `cdk-orders-workflow/${settings.functionNamePrefix}`,
    metricName: w.recordsFailedMetricName,
    metricValue: '1',
  });
  const recordFailures = recordFailuresFilter.metric({ ...sum, label: 'Records failed (processing_failed)' });
  const recordFailuresAlarm = recordFailures.createAlarm(scope, 'WorkerRecordFailures', {
    alarmName: name('worker-record-failures'),
    alarmDescription: `${w.prefix}The ${w.worker} failed at least one record (it will be retried, then parked in the ` +
      'dead-letter queue); run the saved failures query.',
    ...atLeastOne,
  });

  return {
    deadLetterQueueAlarm,
    deadLetterArrivalsAlarm,
    workerErrorsAlarm,
    queueAgeAlarm,
    ruleFailedInvocationsAlarm,
    ruleDeadLetterFailuresAlarm,
    recordFailuresAlarm,
    deadLetterArrivals: arrivals,
    recordFailures,
    ruleMetrics,
    all: [
      deadLetterQueueAlarm, deadLetterArrivalsAlarm, workerErrorsAlarm, queueAgeAlarm,
      ruleFailedInvocationsAlarm, ruleDeadLetterFailuresAlarm, recordFailuresAlarm,
    ],
  };
}
