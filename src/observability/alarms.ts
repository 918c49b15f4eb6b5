import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ResolvedProps } from '../resolved-props';

export interface OrderAlarmsProps {
  readonly settings: ResolvedProps;
  readonly mainQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly workerFunction: lambda.IFunction;
  readonly alarmActions: cloudwatch.IAlarmAction[];
}

/** The three runbook alarms: something is in the DLQ, the worker errors, the queue is backing up. */
export class OrderAlarms extends Construct {
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  public readonly workerErrorsAlarm: cloudwatch.Alarm;
  public readonly queueAgeAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OrderAlarmsProps) {
    super(scope, id);
    const { settings } = props;
    const name = (suffix: string) => settings.namePrefix && `${settings.namePrefix}-${suffix}`;
    // One breaching period is enough for all three; no data (an idle system) is not a problem.
    const evaluation = { evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };

    this.deadLetterQueueAlarm = props.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, 'DeadLetterQueueNotEmpty', {
        alarmName: name('dlq-not-empty'),
        alarmDescription: 'Orders are parked in the dead-letter queue: inspect them, fix the cause, then replay.',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...evaluation,
      });

    this.workerErrorsAlarm = props.workerFunction
      .metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'WorkerErrors', {
        alarmName: name('worker-errors'),
        alarmDescription: 'The orders worker Lambda failed at least once in 5 minutes.',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        ...evaluation,
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

    if (props.alarmActions.length > 0) {
      for (const alarm of this.all) alarm.addAlarmAction(...props.alarmActions);
    }
  }

  public get all(): cloudwatch.Alarm[] {
    return [this.deadLetterQueueAlarm, this.workerErrorsAlarm, this.queueAgeAlarm];
  }
}
