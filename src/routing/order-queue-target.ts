import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * The rule's target: the main queue, with the DLQ for events EventBridge cannot deliver.
 *
 * Used instead of `aws-events-targets.SqsQueue`, which drops the `aws:SourceArn` condition
 * from the main queue's policy when the queue is KMS-encrypted (any rule in any account
 * could then send to it) and grants EventBridge on the key with no condition. Here both
 * queue policies always allow `sqs:SendMessage` (the one action EventBridge calls) from this
 * rule only; the key policy is handled by `allowRuleToUseKey`.
 */
export class OrderQueueTarget implements events.IRuleTarget {
  /**
   * @param mainQueue where the rule sends its events (a stage's queue for a stage's rule)
   * @param deadLetterQueue where EventBridge parks the events it cannot deliver
   * @param ruleLabel names the rule in the queue policies' statement ids (`Allow<ruleLabel>ToSendOrders`)
   */
  constructor(
    private readonly mainQueue: sqs.IQueue,
    private readonly deadLetterQueue: sqs.IQueue,
    private readonly ruleLabel = 'OrderCreatedRule',
  ) {}

  public bind(rule: events.IRule, _id?: string): events.RuleTargetConfig {
    this.mainQueue.addToResourcePolicy(sendFrom(rule, this.mainQueue, `Allow${this.ruleLabel}ToSendOrders`));
    this.deadLetterQueue.addToResourcePolicy(sendFrom(rule, this.deadLetterQueue, `Allow${this.ruleLabel}ToParkUndeliverable`));
    return {
      arn: this.mainQueue.queueArn,
      targetResource: this.mainQueue,
      // An event EventBridge cannot deliver (queue policy or key misconfigured, throttling past
      // its 24 h of retries) lands in the DLQ instead of being dropped. Its body is the event
      // itself, so the DLQ replay tool can send it on like any other.
      deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
    };
  }
}

function sendFrom(rule: events.IRule, queue: sqs.IQueue, sid: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['sqs:SendMessage'],
    resources: [queue.queueArn],
    conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
  });
}
