import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ORDER_CREATED_DETAIL_TYPE } from '../event-contract';
import { ResolvedProps } from '../resolved-props';

export interface OrderRoutingProps {
  readonly settings: ResolvedProps;
  readonly mainQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly eventBus?: events.IEventBus;
}

/** The custom bus and the rule that sends OrderCreated events from our source to the main queue. */
export class OrderRouting extends Construct {
  public readonly eventBus: events.IEventBus;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: OrderRoutingProps) {
    super(scope, id);
    const { settings } = props;
    this.eventBus = props.eventBus ?? new events.EventBus(this, 'EventBus', {
      eventBusName: settings.namePrefix && `${settings.namePrefix}-bus`,
      description: 'Order events (cdk-orders-workflow)',
    });

    this.rule = new events.Rule(this, 'OrderCreatedRule', {
      eventBus: this.eventBus,
      description: `Routes ${ORDER_CREATED_DETAIL_TYPE} events from ${settings.eventSource} to the orders queue`,
      eventPattern: { source: [settings.eventSource], detailType: [ORDER_CREATED_DETAIL_TYPE] },
    });
    // An event EventBridge cannot deliver (queue policy or key misconfigured, throttling past
    // its 24 h of retries) lands in the DLQ instead of being dropped: no order is lost silently.
    // Its body is the event itself, so the DLQ replay tool can send it on like any other.
    this.rule.addTarget(new targets.SqsQueue(props.mainQueue, { deadLetterQueue: props.deadLetterQueue }));
  }
}
