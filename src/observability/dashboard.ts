import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OrderAlarms } from './alarms';
import { StepAlarms } from './step-alarms';
import { ResolvedProps } from '../resolved-props';

export interface OrdersDashboardProps {
  readonly settings: ResolvedProps;
  readonly api: apigateway.RestApi;
  readonly apiFunction: lambda.IFunction;
  readonly readsFunction: lambda.IFunction;
  readonly operationsFunction: lambda.IFunction;
  readonly workerFunction: lambda.IFunction;
  readonly mainQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Graphed: the metrics behind the alarms. */
  readonly alarms: OrderAlarms;
  /**
   * Shown in the status widget when the dashboard is rendered (at synth): the workflow's
   * alarms, to which each stage adds its own.
   */
  readonly statusAlarms: cloudwatch.Alarm[];
}

const WIDTH = 8;

/** One page for the on-call: the alarms, the orders themselves, API, rule, every function and both queues. */
export class OrdersDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OrdersDashboardProps) {
    super(scope, id);
    const { api, alarms } = props;
    const graph = (title: string, left: cloudwatch.IMetric[], right?: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, left, right, width: WIDTH });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.settings.namePrefix && `${props.settings.namePrefix}-dashboard`,
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.statusAlarms, width: 3 * WIDTH, height: 3 }),
    );
    const business = alarms.business;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Orders: accepted / processed / failed attempts / duplicates ignored (failure rate, right)',
        left: [business.accepted, business.processed, business.failed, business.duplicates],
        right: [business.failureRate],
        rightYAxis: { min: 0, max: 1, showUnits: false },
        rightAnnotations: [{ value: props.settings.failureRateAlarmThreshold, label: 'Failure-rate alarm' }],
        width: WIDTH,
      }),
      graph('Orders rejected by reason', Object.values(business.rejected)),
      graph('Processing latency, createdAt to processed (p50 / p99)', [business.latencyP50, business.latencyP99]),
    );
    this.dashboard.addWidgets(
      graph('API requests', [api.metricCount()]),
      graph('API errors (4xx / 5xx)', [api.metricClientError(), api.metricServerError()]),
      graph('API latency (p50 / p99)', [api.metricLatency({ statistic: 'p50' }), api.metricLatency({ statistic: 'p99' })]),
    );
    this.dashboard.addWidgets(
      graph('Rule: invocations / failed', [alarms.ruleMetrics.invocations, alarms.ruleMetrics.failedInvocations]),
      graph('Rule: undeliverable events (to DLQ / failed to reach the DLQ)', [
        alarms.ruleMetrics.sentToDlq, alarms.ruleMetrics.failedToBeSentToDlq,
      ]),
      graph('Failures: records failed / new DLQ messages', [alarms.recordFailures, alarms.deadLetterArrivals]),
    );
    const functions = [
      ['API function', props.apiFunction], ['Worker function', props.workerFunction],
      ['Reads function', props.readsFunction], ['Operations function', props.operationsFunction],
    ] as const;
    for (const [name, fn] of functions) {
      this.dashboard.addWidgets(
        graph(`${name}: invocations / errors`, [fn.metricInvocations(), fn.metricErrors()]),
        graph(`${name}: duration (p50 / p99)`, [fn.metricDuration({ statistic: 'p50' }), fn.metricDuration({ statistic: 'p99' })]),
        graph(`${name}: throttles`, [fn.metricThrottles()]),
      );
    }
    for (const [name, queue] of [['Main queue', props.mainQueue], ['Dead-letter queue', props.deadLetterQueue]] as const) {
      this.dashboard.addWidgets(
        graph(`${name}: depth (visible / in flight)`, [
          queue.metricApproximateNumberOfMessagesVisible(), queue.metricApproximateNumberOfMessagesNotVisible(),
        ]),
        graph(`${name}: age of oldest message`, [queue.metricApproximateAgeOfOldestMessage()]),
        graph(`${name}: throughput (sent / received / deleted)`, [
          queue.metricNumberOfMessagesSent(), queue.metricNumberOfMessagesReceived(), queue.metricNumberOfMessagesDeleted(),
        ]),
      );
    }
  }
}

/** What one stage's row graphs: its rule, worker, queue and dead-letter queue. */
export interface StepDashboardParts {
  readonly workerFunction: lambda.IFunction;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly alarms: StepAlarms;
}

/** One row of four graphs for a stage's step (or its compensation), each titled with `label`. */
export function stepDashboardRow(label: string, parts: StepDashboardParts): cloudwatch.IWidget[] {
  const width = (3 * WIDTH) / 4;
  const { ruleMetrics, recordFailures, deadLetterArrivals } = parts.alarms;
  const fn = parts.workerFunction;
  return [
    new cloudwatch.GraphWidget({
      title: `${label}: rule invocations / failed / to DLQ / failed to reach the DLQ`,
      left: [ruleMetrics.invocations, ruleMetrics.failedInvocations, ruleMetrics.sentToDlq, ruleMetrics.failedToBeSentToDlq],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: `${label}: worker invocations / errors / records failed`,
      left: [fn.metricInvocations(), fn.metricErrors(), recordFailures],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: `${label}: queue depth (visible / in flight; age of oldest, right)`,
      left: [parts.queue.metricApproximateNumberOfMessagesVisible(), parts.queue.metricApproximateNumberOfMessagesNotVisible()],
      right: [parts.queue.metricApproximateAgeOfOldestMessage()],
      width,
    }),
    new cloudwatch.GraphWidget({
      title: `${label}: dead-letter queue (visible / new messages)`,
      left: [parts.deadLetterQueue.metricApproximateNumberOfMessagesVisible(), deadLetterArrivals],
      width,
    }),
  ];
}
