import { Annotations, Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BusinessMetrics, businessMetrics } from './business-metrics';
import { alarmBasics, createStepAlarms, StepAlarmWording } from './step-alarms';
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

/** A rate needs a few orders behind it: over one minute a single failure of two orders is 50%. */
const FAILURE_RATE_PERIOD = Duration.minutes(5);

/** The main step's alarms say what they always said: no prefix, `OrderCreated`, the main queue. */
const MAIN_STEP_WORDING: StepAlarmWording = {
  prefix: '',
  namePart: '',
  queueNamePart: 'main-queue',
  eventName: 'OrderCreated',
  queue: 'main queue',
  worker: 'orders worker',
  recordsFailedMetricName: 'RecordsFailed',
};

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
    const { evaluation, atLeastOne, sum } = alarmBasics();

    const step = createStepAlarms(this, {
      settings,
      wording: MAIN_STEP_WORDING,
      ruleMetricDimensions: props.ruleMetricDimensions,
      queue: props.mainQueue,
      deadLetterQueue: props.deadLetterQueue,
      workerFunction: props.workerFunction,
      workerLogGroup: props.workerLogGroup,
    });
    this.deadLetterQueueAlarm = step.deadLetterQueueAlarm;
    this.deadLetterArrivals = step.deadLetterArrivals;
    this.deadLetterArrivalsAlarm = step.deadLetterArrivalsAlarm;
    this.workerErrorsAlarm = step.workerErrorsAlarm;
    this.queueAgeAlarm = step.queueAgeAlarm;
    this.warnAboutQueueAgeThreshold(settings);
    this.ruleMetrics = step.ruleMetrics;
    this.ruleFailedInvocationsAlarm = step.ruleFailedInvocationsAlarm;
    this.ruleDeadLetterFailuresAlarm = step.ruleDeadLetterFailuresAlarm;
    this.recordFailures = step.recordFailures;
    this.recordFailuresAlarm = step.recordFailuresAlarm;

    this.apiServerErrorsAlarm = props.api.metricServerError(sum).createAlarm(this, 'ApiServerErrors', {
      alarmName: name('api-5xx'),
      alarmDescription: 'The orders API answered 5xx: clients were told the order may not have been accepted.',
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
