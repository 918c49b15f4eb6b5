import { Annotations, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OrderQueueTarget } from './order-queue-target';
import { ORDER_CREATED_DETAIL_TYPE } from '../event-contract';
import { ResolvedProps } from '../resolved-props';

export interface OrderRoutingProps {
  readonly settings: ResolvedProps;
  readonly mainQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly eventBus?: events.IEventBus;
  /** The queues' customer-managed key, when they use one: EventBridge must be allowed on it. */
  readonly queueEncryptionKey?: kms.IKey;
}

/** The custom bus and the rule that sends OrderCreated events from our source to the main queue. */
export class OrderRouting extends Construct {
  public readonly eventBus: events.IEventBus;
  public readonly rule: events.Rule;
  /** The rule's name as AWS/Events metrics and ARNs know it (the rule's Ref is `bus|name` on a custom bus). */
  public readonly ruleName: string;

  constructor(scope: Construct, id: string, props: OrderRoutingProps) {
    super(scope, id);
    const { settings, queueEncryptionKey } = props;
    this.eventBus = props.eventBus ?? new events.EventBus(this, 'EventBus', {
      eventBusName: settings.namePrefix && `${settings.namePrefix}-bus`,
      description: 'Order events (cdk-orders-workflow)',
    });

    this.ruleName = `${settings.functionNamePrefix}-order-created`;
    this.rule = new events.Rule(this, 'OrderCreatedRule', {
      ruleName: this.ruleName,
      eventBus: this.eventBus,
      description: `Routes ${ORDER_CREATED_DETAIL_TYPE} events from ${settings.eventSource} to the orders queue`,
      eventPattern: { source: [settings.eventSource], detailType: [ORDER_CREATED_DETAIL_TYPE] },
    });
    this.rule.addTarget(new OrderQueueTarget(props.mainQueue, props.deadLetterQueue));

    if (queueEncryptionKey) {
      // The key policy names the rule by an ARN spelt out from known names: a GetAtt on the
      // rule would be circular (rule -> main queue, its target -> key -> rule), and a Ref to
      // the bus would be a cross-stack cycle when the key lives in another stack.
      // A bus created here always has a physical name (CDK generates one when namePrefix is unset).
      const created = props.eventBus ? undefined : this.eventBus.node.defaultChild as events.CfnEventBus;
      const busName = created?.name ?? this.eventBus.eventBusName;
      allowRuleToUseKey(this, queueEncryptionKey, ruleArn(this, this.ruleName, busName), this.ruleName);
    }
  }

  /** The dimensions AWS/Events publishes the rule's metrics under (the bus name only for a custom bus). */
  public get metricDimensions(): Record<string, string> {
    return isDefaultEventBusName(this.eventBus.eventBusName)
      ? { RuleName: this.ruleName }
      : { EventBusName: this.eventBus.eventBusName, RuleName: this.ruleName };
  }
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
function allowRuleToUseKey(scope: Construct, key: kms.IKey, sourceArn: string, ruleName: string): void {
  const { statementAdded } = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowOrderCreatedRuleToEncryptOrders',
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
