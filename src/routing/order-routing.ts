import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queueRule, ruleMetricDimensions } from './queue-rule';
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
  /**
   * The bus's name for rule ARNs spelt out in key policies: a bus created here always has a
   * physical name (CDK generates one when namePrefix is unset), used instead of its Ref.
   */
  public readonly keyPolicyBusName: string;

  constructor(scope: Construct, id: string, props: OrderRoutingProps) {
    super(scope, id);
    const { settings } = props;
    this.eventBus = props.eventBus ?? new events.EventBus(this, 'EventBus', {
      eventBusName: settings.namePrefix && `${settings.namePrefix}-bus`,
      description: 'Order events (cdk-orders-workflow)',
    });
    const created = props.eventBus ? undefined : this.eventBus.node.defaultChild as events.CfnEventBus;
    this.keyPolicyBusName = created?.name ?? this.eventBus.eventBusName;

    this.ruleName = `${settings.functionNamePrefix}-order-created`;
    this.rule = queueRule(this, 'OrderCreatedRule', {
      ruleName: this.ruleName,
      eventBus: this.eventBus,
      description: `Routes ${ORDER_CREATED_DETAIL_TYPE} events from ${settings.eventSource} to the orders queue`,
      eventPattern: { source: [settings.eventSource], detailType: [ORDER_CREATED_DETAIL_TYPE] },
      keyPolicyBusName: this.keyPolicyBusName,
      queue: props.mainQueue,
      deadLetterQueue: props.deadLetterQueue,
      queueEncryptionKey: props.queueEncryptionKey,
      ruleLabel: 'OrderCreatedRule',
    });
  }

  /** The dimensions AWS/Events publishes the rule's metrics under (the bus name only for a custom bus). */
  public get metricDimensions(): Record<string, string> {
    return ruleMetricDimensions(this.eventBus, this.ruleName);
  }
}
