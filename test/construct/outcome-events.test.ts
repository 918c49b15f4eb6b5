/**
 * Outcome events: the worker may publish them (events:PutEvents on the workflow's bus alone, and
 * the bus's name in its environment) only when they are turned on, and the onXxx rules match
 * exactly one detail type from the workflow's source.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { synthWorkflow, Synthesized } from './synth';
import { logicalIdOf, propsOf, roleStatementsOf, synthUsing } from './worker-template';
import type { OrderRecord } from '../../lambda/shared/order-state';
import { outcomeEvent } from '../../lambda/worker/outcome-events';
import { OrderDetailType, OrdersWorkflow, OrdersWorkflowProps } from '../../src';

type Subscribe = 'onOrderCreated' | 'onOrderProcessed' | 'onOrderRejected' | 'onOrderFailed';
const OUTCOME_METHODS: Array<[Exclude<Subscribe, 'onOrderCreated'>, string]> = [
  ['onOrderProcessed', 'OrderProcessed'], ['onOrderRejected', 'OrderRejected'], ['onOrderFailed', 'OrderFailed'],
];
const ALL_METHODS: Array<[Subscribe, string]> = [['onOrderCreated', 'OrderCreated'], ...OUTCOME_METHODS];

const putEventsStatements = (synth: Synthesized) => roleStatementsOf(synth, synth.workflow.workerFunction)
  .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('events:')));
const workerEnvironment = (synth: Synthesized) => propsOf(synth, synth.workflow.workerFunction).Environment.Variables;
const busRef = (synth: Synthesized) => ({ Ref: logicalIdOf(synth.workflow.eventBus) });

/** The one PutEvents statement and the environment variable that outcome publication needs, on the workflow's own bus. */
function expectPublicationOnTheWorkflowsBus(synth: Synthesized): void {
  expect(putEventsStatements(synth)).toEqual([
    { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [logicalIdOf(synth.workflow.eventBus), 'Arn'] } },
  ]);
  expect(workerEnvironment(synth).OUTCOME_EVENT_BUS_NAME).toEqual(busRef(synth));
}

function expectNoPublication(synth: Synthesized): void {
  expect(putEventsStatements(synth)).toEqual([]);
  expect(workerEnvironment(synth).OUTCOME_EVENT_BUS_NAME).toBeUndefined();
  // The source is always there: the runtime names it in its logs.
  expect(workerEnvironment(synth).EVENT_SOURCE).toBe('myapp.orders');
}

describe('outcome publication is off unless asked for', () => {
  test('by default: no PutEvents permission, no bus name', () => {
    expectNoPublication(synthWorkflow());
  });

  test('outcomeEvents: false: the same', () => {
    expectNoPublication(synthWorkflow({ outcomeEvents: false }));
  });

  test('onOrderCreated does not turn it on (OrderCreated is the API\'s event)', () => {
    expectNoPublication(synthUsing({}, (workflow) => workflow.onOrderCreated('Created')));
  });

  test('outcomeEvents: true turns it on', () => {
    expectPublicationOnTheWorkflowsBus(synthWorkflow({ outcomeEvents: true }));
  });

  test.each(OUTCOME_METHODS)('%s turns it on', (method) => {
    expectPublicationOnTheWorkflowsBus(synthUsing({}, (workflow) => workflow[method]('Subscriber')));
  });

  test('several subscriptions with outcomeEvents: true still grant once', () => {
    expectPublicationOnTheWorkflowsBus(synthUsing({ outcomeEvents: true }, (workflow) => {
      for (const [method] of OUTCOME_METHODS) workflow[method](`${method}Rule`);
      workflow.onOrderProcessed('Second');
    }));
  });

  test.each(OUTCOME_METHODS)('%s with outcomeEvents: false throws, naming the prop', (method) => {
    const stack = new Stack();
    const workflow = new OrdersWorkflow(stack, 'Orders', { outcomeEvents: false });
    expect(() => workflow[method]('Subscriber'))
      .toThrow(`${method}() subscribes to an outcome event, but this workflow has outcomeEvents: false`);
  });

  test('onOrderCreated with outcomeEvents: false is fine', () => {
    const stack = new Stack();
    const workflow = new OrdersWorkflow(stack, 'Orders', { outcomeEvents: false });
    expect(workflow.onOrderCreated('Created')).toBeInstanceOf(events.Rule);
  });
});

describe.each(ALL_METHODS)('%s', (method, detailType) => {
  test('returns an events.Rule on the workflow\'s bus matching exactly that detail type from the workflow\'s source', () => {
    let rule!: events.Rule;
    const synth = synthUsing({ eventSource: 'shop.orders' }, (workflow) => {
      rule = workflow[method]('Subscriber');
    });
    expect(rule).toBeInstanceOf(events.Rule);
    const props = propsOf(synth, rule);
    expect(props.EventBusName).toEqual(busRef(synth));
    expect(props.EventPattern).toEqual({ 'source': ['shop.orders'], 'detail-type': [detailType] });
    expect(props.State).toBe('ENABLED');
    expect(props.Description).toBe(`${detailType} events of TestStack/Orders`);
    expect(props.Targets).toBeUndefined();
  });

  test('honours the options: extra pattern merged, target, rule name, description', () => {
    let rule!: events.Rule;
    let queue!: sqs.Queue;
    const synth = synthUsing({}, (workflow, stack) => {
      queue = new sqs.Queue(stack, 'Notifications');
      rule = workflow[method]('Subscriber', {
        eventPattern: { detail: { customerId: ['c-1'] } },
        target: new targets.SqsQueue(queue),
        ruleName: 'notify-c1',
        description: 'Orders of c-1',
      });
    });
    const props = propsOf(synth, rule);
    expect(props.EventPattern).toEqual({ 'source': ['myapp.orders'], 'detail-type': [detailType], 'detail': { customerId: ['c-1'] } });
    expect(props.Name).toBe('notify-c1');
    expect(props.Description).toBe('Orders of c-1');
    expect(props.Targets).toEqual([{ Id: 'Target0', Arn: { 'Fn::GetAtt': [logicalIdOf(queue), 'Arn'] } }]);
  });

  test('a source or detail type in the options\' pattern, which would widen the rule, fails at synth naming them', () => {
    // addEventPattern merges lists by union: ['OrderProcessed', 'X'] would match more than the method says.
    expect(() => synthUsing({}, (workflow) => workflow[method]('Other', { eventPattern: { detailType: ['Other'] } })))
      .toThrow(`The rule 'Other' matches ${detailType} events of source 'myapp.orders' exactly: its options' eventPattern may not set detailType.`);
    expect(() => synthUsing({}, (workflow) => workflow[method]('Both', { eventPattern: { source: ['x'], detailType: [detailType] } })))
      .toThrow('may not set source or detailType');
  });

  test('with a bring-your-own bus, the rule (and any grant) is on that bus', () => {
    const busArn = 'arn:aws:events:us-east-1:111111111111:event-bus/shared';
    let rule!: events.Rule;
    const byo = synthUsingBus(busArn, (workflow) => {
      rule = workflow[method]('Subscriber');
    });
    expect(propsOf(byo, rule).EventBusName).toBe('shared');
    if (method === 'onOrderCreated') {
      expect(putEventsStatements(byo)).toEqual([]);
    } else {
      expect(putEventsStatements(byo)).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }]);
      expect(workerEnvironment(byo).OUTCOME_EVENT_BUS_NAME).toBe('shared');
    }
  });
});

test('outcomeEvents: true with a bring-your-own bus grants PutEvents on that bus alone', () => {
  const busArn = 'arn:aws:events:us-east-1:111111111111:event-bus/shared';
  const byo = synthUsingBus(busArn, () => undefined, { outcomeEvents: true });
  expect(putEventsStatements(byo)).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }]);
});

function synthUsingBus(busArn: string, use: (workflow: OrdersWorkflow) => void, props: OrdersWorkflowProps = {}): Synthesized {
  const app = new App();
  const stack = new Stack(app, 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
  const eventBus = events.EventBus.fromEventBusArn(stack, 'Shared', busArn);
  const workflow = new OrdersWorkflow(stack, 'Orders', { ...props, eventBus });
  use(workflow);
  return { stack, workflow, template: Template.fromStack(stack) };
}

describe('OrderDetailType: the detail types the handlers publish', () => {
  const record = (status: OrderRecord['status']): OrderRecord => ({
    id: 'order#public#o-1',
    scope: 'public',
    status,
    eventId: 'e-1',
    orderId: 'o-1',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:01.000Z',
    items: [{ sku: 'A', qty: 1 }],
    attempts: 1,
    version: 2,
    history: [],
  });

  test('the constants are the public contract\'s names', () => {
    expect({ ...OrderDetailType }).toEqual({
      ORDER_CREATED: 'OrderCreated',
      ORDER_PROCESSED: 'OrderProcessed',
      ORDER_REJECTED: 'OrderRejected',
      ORDER_FAILED: 'OrderFailed',
      ORDER_COMPENSATION_REQUESTED: 'OrderCompensationRequested',
    });
  });

  test.each<[OrderRecord['status'], string]>([
    ['PROCESSED', OrderDetailType.ORDER_PROCESSED], ['REJECTED', OrderDetailType.ORDER_REJECTED], ['FAILED', OrderDetailType.ORDER_FAILED],
  ])('the worker publishes a %s order as %s', (status, detailType) => {
    expect(outcomeEvent(record(status))?.detailType).toBe(detailType);
  });

  test('the API publishes OrderCreated as ORDER_CREATED (its EVENT_DETAIL_TYPE)', () => {
    const synth = synthWorkflow();
    expect(propsOf(synth, synth.workflow.apiFunction).Environment.Variables.EVENT_DETAIL_TYPE).toBe(OrderDetailType.ORDER_CREATED);
    // And the routing rule to the queue matches it.
    expect(propsOf(synth, synth.workflow.orderCreatedRule).EventPattern['detail-type']).toEqual([OrderDetailType.ORDER_CREATED]);
  });
});
