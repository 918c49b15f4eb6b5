import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface OrderNotificationsProps {
  /** Keep the queues (and undelivered notifications) when the stack is deleted. */
  readonly retain: boolean;
}

/**
 * A second consumer of the workflow's outcome events: a queue that a notification sender (mail,
 * chat, a customer's webhook) reads. Publication is at least once, so that reader deduplicates
 * on `detail.outcomeId`. Undeliverable events and messages the reader keeps failing on land in
 * one dead-letter queue.
 */
export class OrderNotifications extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OrderNotificationsProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    // SQS-managed keys: EventBridge can send to them without a key policy of ours.
    const common = { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED, removalPolicy };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', { ...common, retentionPeriod: Duration.days(14) });
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [{
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is the notifications\' dead-letter queue: an operator inspects what landed here and sends it again by hand; ' +
        'redriving it to yet another queue would only move the problem.',
    }]);
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
  }

  /** The target of an outcome rule: into the queue, or into the dead-letter queue when EventBridge cannot deliver. */
  public target(): events.IRuleTarget {
    return new targets.SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 10, maxEventAge: Duration.hours(24) });
  }
}
