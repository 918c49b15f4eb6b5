import { Annotations, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OrderQueueTarget } from './order-queue-target';

export interface QueueRuleProps {
  /** Always set: the key policy and the rule's metrics name the rule by it. */
  readonly ruleName: string;
  readonly description: string;
  readonly eventPattern: events.EventPattern;
  readonly eventBus: events.IEventBus;
  /**
   * The bus's name as the key policy spells the rule's ARN: a bus created by the workflow by
   * its physical name (never a Ref, see `OrderRouting`), an imported one by its name.
   */
  readonly keyPolicyBusName: string;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** The queues' customer-managed key, when they use one: EventBridge must be allowed on it. */
  readonly queueEncryptionKey?: kms.IKey;
  /**
   * Names the rule in the statement ids of the queue policies and of the key policy
   * (`Allow<ruleLabel>ToEncryptOrders`): unique per workflow, since every rule shares the key.
   */
  readonly ruleLabel: string;
}

/**
 * A rule on the workflow's bus that sends the events it matches to a queue, with the queue's
 * dead-letter queue for the events EventBridge cannot deliver (the main rule, and each stage's).
 */
export function queueRule(scope: Construct, id: string, props: QueueRuleProps): events.Rule {
  const rule = new events.Rule(scope, id, {
    ruleName: props.ruleName,
    eventBus: props.eventBus,
    description: props.description,
    eventPattern: props.eventPattern,
  });
  rule.addTarget(new OrderQueueTarget(props.queue, props.deadLetterQueue, props.ruleLabel));

  if (props.queueEncryptionKey) {
    // The key policy names the rule by an ARN spelt out from known names: a GetAtt on the
    // rule would be circular (rule -> queue, its target -> key -> rule), and a Ref to the bus
    // would be a cross-stack cycle when the key lives in another stack.
    allowRuleToUseKey(scope, props.queueEncryptionKey, ruleArn(scope, props.ruleName, props.keyPolicyBusName),
      props.ruleName, `Allow${props.ruleLabel}ToEncryptOrders`);
  }
  return rule;
}

/** The dimensions AWS/Events publishes a rule's metrics under (the bus name only for a custom bus). */
export function ruleMetricDimensions(eventBus: events.IEventBus, ruleName: string): Record<string, string> {
  return isDefaultEventBusName(eventBus.eventBusName)
    ? { RuleName: ruleName }
    : { EventBusName: eventBus.eventBusName, RuleName: ruleName };
}

/**
 * `default` is the account's own bus: its rules' ARNs and metrics carry no bus name. A name
 * known only at deploy time is taken for a custom bus.
 */
function isDefaultEventBusName(busName: string): boolean {
  return !Token.isUnresolved(busName) && busName === 'default';
}

/** `arn:<partition>:events:<region>:<account>:rule/[<bus>/]<name>`, without referencing the rule. */
function ruleArn(scope: Construct, ruleName: string, busName: string): string {
  return Stack.of(scope).formatArn({
    service: 'events',
    resource: 'rule',
    resourceName: isDefaultEventBusName(busName) ? ruleName : `${busName}/${ruleName}`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * EventBridge encrypts what it sends to a KMS-encrypted queue (main queue or DLQ) with the
 * queue's key, so the key policy must let events.amazonaws.com use it; without this nothing
 * errors, orders vanish. The condition keeps every other rule off the key.
 */
function allowRuleToUseKey(scope: Construct, key: kms.IKey, sourceArn: string, ruleName: string, sid: string): void {
  const { statementAdded } = key.addToResourcePolicy(new iam.PolicyStatement({
    sid,
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { ArnEquals: { 'aws:SourceArn': sourceArn } },
  }));
  if (!statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-orders-workflow:imported-queue-key',
      'queueEncryptionKey is imported, so its key policy cannot be changed here. Add a statement allowing ' +
      'events.amazonaws.com kms:GenerateDataKey and kms:Decrypt, conditioned on aws:SourceArn being the ARN of the ' +
      `rule ${ruleName} on the orders bus, or EventBridge cannot deliver orders to the queue.`);
  }
}
