/**
 * Stages (OrdersWorkflow.addStage): each stage is a step like the main one (queue pair with the
 * main pair's defaults, a rule from the previous step's completed event with its DLQ, a worker on
 * the shared tables, the main step's alarms), every step's worker gets the STEP_* environment of
 * the stages contract, and a workflow without stages synthesizes as before.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { synthWorkflow, Synthesized } from './synth';
import { logicalIdOf, propsOf, roleStatementsOf, synthUsing } from './worker-template';
import { OrderProcessor, OrdersWorkflow, OrdersWorkflowProps, OrderStage, OrderStageProps } from '../../src';

const STEP_VARIABLES = ['STEP_NAME', 'STEP_MODE', 'STEP_NAMES', 'STEP_COMPENSATED', 'STEP_COMPLETED_EVENT', 'STEP_EVENT_BUS_NAME'];
const builtIn = () => OrderProcessor.builtIn();
const PAYMENT: OrderStageProps = { processor: builtIn(), completedEvent: 'PaymentAuthorized' };
const STOCK: OrderStageProps = { processor: builtIn(), completedEvent: 'StockReserved' };
const SHIPPING: OrderStageProps = { processor: builtIn(), completedEvent: 'ShipmentBooked' };

const resources = (synth: Synthesized, type: string) => Object.entries<any>(synth.template.toJSON().Resources)
  .filter(([, r]) => r.Type === type);
const resourceOf = (synth: Synthesized, construct: IConstruct) => synth.template.toJSON().Resources[logicalIdOf(construct)];
const environmentOf = (synth: Synthesized, fn: IConstruct) => propsOf(synth, fn).Environment.Variables;
const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalIdOf(construct), 'Arn'] });
const refOf = (construct: IConstruct) => ({ Ref: logicalIdOf(construct) });
const putEventsStatements = (synth: Synthesized, fn: IConstruct) => roleStatementsOf(synth, fn)
  .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('events:')));

/** Every step worker of the workflow: main, then each stage's, then its compensation's. */
function stepWorkers(workflow: OrdersWorkflow) {
  return [workflow.workerFunction, ...workflow.stages.flatMap((s) => [s.workerFunction, ...s.compensationFunction ? [s.compensationFunction] : []])];
}

describe('two stages (namePrefix orders, alarm actions)', () => {
  let payment!: OrderStage;
  let stock!: OrderStage;
  const synth = synthUsing({
    namePrefix: 'orders',
    alarmActions: [{ bind: () => ({ alarmActionArn: 'arn:aws:sns:us-east-1:111111111111:on-call' }) }],
  }, (workflow) => {
    payment = workflow.addStage('payment', PAYMENT);
    stock = workflow.addStage('stock', STOCK);
  });
  const { workflow } = synth;
  const source = 'myapp.orders';

  test('stages lists them in order, with their ids and completed events', () => {
    expect(workflow.stages.map((s) => [s.stageName, s.completedEvent])).toEqual([['payment', 'PaymentAuthorized'], ['stock', 'StockReserved']]);
    expect(workflow.stages[0]).toBe(payment);
    // A copy: pushing to it adds no stage.
    workflow.stages.pop();
    expect(workflow.stages).toHaveLength(2);
  });

  test('each rule matches exactly the previous step\'s completed event from the workflow\'s source, on the workflow\'s bus', () => {
    expect(propsOf(synth, payment.rule).EventPattern).toEqual({ 'source': [source], 'detail-type': ['OrderValidated'] });
    expect(propsOf(synth, stock.rule).EventPattern).toEqual({ 'source': [source], 'detail-type': ['PaymentAuthorized'] });
    for (const stage of [payment, stock]) expect(propsOf(synth, stage.rule).EventBusName).toEqual(refOf(workflow.eventBus));
    expect(propsOf(synth, payment.rule).Name).toBe('orders-payment-rule');
    // The main rule, unchanged, and no other rule.
    expect(propsOf(synth, workflow.orderCreatedRule).EventPattern).toEqual({ 'source': [source], 'detail-type': ['OrderCreated'] });
    expect(resources(synth, 'AWS::Events::Rule')).toHaveLength(3);
  });

  test('each rule targets its stage\'s queue, with its stage\'s DLQ for undeliverable events', () => {
    for (const stage of [payment, stock]) {
      const [target] = propsOf(synth, stage.rule).Targets;
      expect(target.Arn).toEqual(arnOf(stage.queue));
      expect(target.DeadLetterConfig).toEqual({ Arn: arnOf(stage.deadLetterQueue) });
      expect(propsOf(synth, stage.rule).Targets).toHaveLength(1);
    }
  });

  test('each stage queue pair has the main pair\'s settings (encryption, redrive, retention, removal policy), its own names', () => {
    const withoutNames = (construct: IConstruct) => {
      const { Properties: { QueueName: _name, RedrivePolicy, ...props }, ...resource } = resourceOf(synth, construct);
      return { ...resource, props, maxReceiveCount: RedrivePolicy?.maxReceiveCount };
    };
    for (const stage of [payment, stock]) {
      expect(withoutNames(stage.queue)).toEqual(withoutNames(workflow.mainQueue));
      expect(withoutNames(stage.deadLetterQueue)).toEqual(withoutNames(workflow.deadLetterQueue));
      expect(propsOf(synth, stage.queue).RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf(stage.deadLetterQueue), maxReceiveCount: 5 });
    }
    expect(propsOf(synth, payment.queue)).toMatchObject({ QueueName: 'orders-payment-queue', SqsManagedSseEnabled: true, VisibilityTimeout: 180 });
    expect(resourceOf(synth, payment.queue).DeletionPolicy).toBe('Delete');
    expect(propsOf(synth, payment.deadLetterQueue)).toMatchObject({ QueueName: 'orders-payment-dlq', MessageRetentionPeriod: 1209600 });
    expect(resourceOf(synth, payment.deadLetterQueue).DeletionPolicy).toBe('Retain');
    expect(propsOf(synth, stock.queue).QueueName).toBe('orders-stock-queue');
    expect(resources(synth, 'AWS::SQS::Queue')).toHaveLength(6);
  });

  test('only the stage\'s rule may send to its queues', () => {
    for (const stage of [payment, stock]) {
      const policies = resources(synth, 'AWS::SQS::QueuePolicy').map(([, r]) => r.Properties)
        .filter((p) => p.Queues.some((q: any) => q.Ref === logicalIdOf(stage.queue) || q.Ref === logicalIdOf(stage.deadLetterQueue)));
      const senders = policies.flatMap((p) => p.PolicyDocument.Statement)
        .filter((s: any) => s.Action === 'sqs:SendMessage')
        .map((s: any) => s.Condition.ArnEquals['aws:SourceArn']);
      expect(senders).toEqual([arnOf(stage.rule), arnOf(stage.rule)]);
    }
  });

  test('every worker gets the STEP_* variables, with every step\'s name after all addStage calls', () => {
    const shared = { STEP_NAMES: '["main","payment","stock"]', STEP_COMPENSATED: '[]', STEP_EVENT_BUS_NAME: refOf(workflow.eventBus) };
    const steps = (fn: IConstruct) => Object.fromEntries(Object.entries(environmentOf(synth, fn)).filter(([k]) => k.startsWith('STEP_')));
    expect(steps(workflow.workerFunction)).toEqual({ ...shared, STEP_NAME: 'main', STEP_COMPLETED_EVENT: 'OrderValidated' });
    expect(steps(payment.workerFunction)).toEqual({ ...shared, STEP_NAME: 'payment', STEP_COMPLETED_EVENT: 'PaymentAuthorized' });
    expect(steps(stock.workerFunction)).toEqual({ ...shared, STEP_NAME: 'stock', STEP_COMPLETED_EVENT: 'StockReserved' });
  });

  test('the stage workers run the worker runtime on the shared idempotency and orders tables, under their own names', () => {
    const main = environmentOf(synth, workflow.workerFunction);
    for (const stage of [payment, stock]) {
      const env = environmentOf(synth, stage.workerFunction);
      for (const name of ['IDEMPOTENCY_TABLE_NAME', 'IDEMPOTENCY_EXPIRY_SECONDS', 'ORDERS_TABLE_NAME', 'MAX_RECEIVE_COUNT', 'EVENT_SOURCE',
        'FAILURE_INJECTION_ENABLED', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE']) {
        expect([name, env[name]]).toEqual([name, main[name]]);
      }
      expect(env.IDEMPOTENCY_TABLE_NAME).toEqual(refOf(workflow.idempotencyTable));
    }
    expect(propsOf(synth, payment.workerFunction).FunctionName).toBe('orders-payment-worker');
    expect(propsOf(synth, payment.workerLogGroup).LogGroupName).toBe('/aws/lambda/orders-payment-worker');
    expect(propsOf(synth, payment.workerFunction).Handler).toBe(propsOf(synth, workflow.workerFunction).Handler);
    // One idempotency table (the main worker's) beside the orders table.
    expect(resources(synth, 'AWS::DynamoDB::Table')).toHaveLength(2);
  });

  test('each stage worker has the main worker\'s table grants, and consumes its own queue', () => {
    const dynamo = (fn: IConstruct) => roleStatementsOf(synth, fn).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    for (const stage of [payment, stock]) {
      expect(dynamo(stage.workerFunction)).toEqual(dynamo(workflow.workerFunction));
      const sqsResources = roleStatementsOf(synth, stage.workerFunction)
        .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('sqs:'))).map((s) => s.Resource);
      expect(sqsResources).toEqual([arnOf(stage.queue)]);
    }
  });

  test('every step worker may PutEvents on the workflow\'s bus, and on nothing else', () => {
    for (const fn of stepWorkers(workflow)) {
      expect(putEventsStatements(synth, fn)).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: arnOf(workflow.eventBus) }]);
    }
  });

  test('each stage adds the main step\'s seven alarms (not the API\'s or the failure rate), to its alarms and the workflow\'s', () => {
    expect(payment.alarms).toHaveLength(7);
    expect(stock.alarms).toHaveLength(7);
    expect(workflow.alarms).toHaveLength(9 + 14);
    expect(workflow.alarms.slice(9)).toEqual([...payment.alarms, ...stock.alarms]);
    expect(resources(synth, 'AWS::CloudWatch::Alarm')).toHaveLength(23);
    for (const alarm of payment.alarms) {
      expect(propsOf(synth, alarm).AlarmActions).toEqual(['arn:aws:sns:us-east-1:111111111111:on-call']);
      expect(propsOf(synth, alarm).AlarmDescription).toMatch(/^Stage 'payment': /);
      expect(propsOf(synth, alarm).AlarmName).toMatch(/^orders-payment-/);
    }
  });

  test('the stage alarms watch the stage\'s queue, DLQ, worker, log group and rule', () => {
    const byId = (id: string) => propsOf(synth, payment.node.findChild('Alarms').node.findChild(id));
    const dimensions = (props: any) => Object.fromEntries(props.Dimensions.map((d: any) => [d.Name, d.Value]));
    expect(dimensions(byId('DeadLetterQueueVisible'))).toEqual({ QueueName: { 'Fn::GetAtt': [logicalIdOf(payment.deadLetterQueue), 'QueueName'] } });
    expect(dimensions(byId('MainQueueBacklog'))).toEqual({ QueueName: { 'Fn::GetAtt': [logicalIdOf(payment.queue), 'QueueName'] } });
    expect(dimensions(byId('WorkerErrors'))).toEqual({ FunctionName: refOf(payment.workerFunction) });
    const ruleDimensions = { EventBusName: refOf(workflow.eventBus), RuleName: 'orders-payment-rule' };
    expect(byId('RuleFailedInvocations')).toMatchObject({ Namespace: 'AWS/Events', MetricName: 'FailedInvocations' });
    expect(dimensions(byId('RuleFailedInvocations'))).toEqual(ruleDimensions);
    expect(byId('RuleDeadLetterFailures')).toMatchObject({ Namespace: 'AWS/Events', MetricName: 'InvocationsFailedToBeSentToDlq' });
    expect(dimensions(byId('RuleDeadLetterFailures'))).toEqual(ruleDimensions);
    expect(byId('WorkerRecordFailures').Metrics[0].MetricStat.Metric).toEqual({ Namespace: 'cdk-orders-workflow/orders', MetricName: 'RecordsFailed-payment' });
    const arrivals = byId('DeadLetterQueueArrivals').Metrics;
    expect(JSON.stringify(arrivals)).toContain(logicalIdOf(payment.deadLetterQueue));
    expect(JSON.stringify(arrivals)).not.toContain(logicalIdOf(workflow.deadLetterQueue));
    const filter = resources(synth, 'AWS::Logs::MetricFilter').map(([, r]) => r.Properties)
      .find((p) => p.MetricTransformations[0].MetricName === 'RecordsFailed-payment');
    expect(filter.LogGroupName).toEqual(refOf(payment.workerLogGroup));
  });

  test('no compensation without `compensation`', () => {
    expect([payment.compensationQueue, payment.compensationDeadLetterQueue, payment.compensationFunction,
      payment.compensationLogGroup, payment.compensationRule]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(JSON.stringify(synth.template.toJSON())).not.toContain('OrderCompensationRequested');
  });

  test('the failures, correlation and duplicates queries include every stage worker\'s log group', () => {
    const queries = Object.fromEntries(resources(synth, 'AWS::Logs::QueryDefinition').map(([, r]) => [r.Properties.Name, r.Properties.LogGroupNames]));
    const workers = [workflow.workerLogGroup, payment.workerLogGroup, stock.workerLogGroup].map(refOf);
    expect(queries['orders/Find failures in the worker Lambda']).toEqual(workers);
    expect(queries['orders/Correlate by orderId or eventId across the API and worker logs']).toEqual([refOf(workflow.apiLogGroup), ...workers]);
    expect(queries['orders/Find duplicate events (idempotency)']).toEqual(workers);
  });

  test('the dashboard has a row per stage, and shows the stage alarms', () => {
    const body = JSON.stringify(propsOf(synth, workflow.dashboard).DashboardBody);
    for (const name of ['payment', 'stock']) {
      expect(body).toContain(`Stage ${name}: worker invocations / errors / records failed`);
      expect(body).toContain(`Stage ${name}: dead-letter queue (visible / new messages)`);
    }
    for (const alarm of stock.alarms) expect(body).toContain(logicalIdOf(alarm));
  });
});

describe('three stages, the middle one compensated', () => {
  let payment!: OrderStage;
  let stock!: OrderStage;
  let shipping!: OrderStage;
  const synth = synthUsing({ namePrefix: 'orders', processorCompletedEvent: 'OrderChecked' }, (workflow) => {
    stock = workflow.addStage('stock', STOCK);
    payment = workflow.addStage('payment', { ...PAYMENT, compensation: OrderProcessor.builtIn({ memorySize: 512 }) });
    shipping = workflow.addStage('shipping', SHIPPING);
  });
  const { workflow } = synth;

  test('the rules chain processorCompletedEvent -> stock -> payment -> shipping', () => {
    const detailTypes = [stock, payment, shipping].map((s) => propsOf(synth, s.rule).EventPattern['detail-type']);
    expect(detailTypes).toEqual([['OrderChecked'], ['StockReserved'], ['PaymentAuthorized']]);
  });

  test('the compensation rule matches OrderCompensationRequested for that stage only, into the compensation queue with its DLQ', () => {
    const rule = propsOf(synth, payment.compensationRule!);
    expect(rule.EventPattern).toEqual({ 'source': ['myapp.orders'], 'detail-type': ['OrderCompensationRequested'], 'detail': { step: ['payment'] } });
    expect(rule.Targets).toEqual([expect.objectContaining({
      Arn: arnOf(payment.compensationQueue!), DeadLetterConfig: { Arn: arnOf(payment.compensationDeadLetterQueue!) },
    })]);
    expect(propsOf(synth, payment.compensationQueue!)).toMatchObject({
      QueueName: 'orders-payment-compensate-queue',
      RedrivePolicy: { deadLetterTargetArn: arnOf(payment.compensationDeadLetterQueue!), maxReceiveCount: 5 },
    });
    expect(propsOf(synth, payment.compensationDeadLetterQueue!).QueueName).toBe('orders-payment-compensate-dlq');
    const compensationRules = resources(synth, 'AWS::Events::Rule')
      .filter(([, r]) => r.Properties.EventPattern['detail-type'][0] === 'OrderCompensationRequested');
    expect(compensationRules).toHaveLength(1);
    expect([stock.compensationFunction, shipping.compensationFunction]).toEqual([undefined, undefined]);
  });

  test('the compensation worker runs the compensation processor with STEP_MODE=compensate and no completed event', () => {
    const fn = payment.compensationFunction!;
    expect(propsOf(synth, fn)).toMatchObject({ FunctionName: 'orders-payment-compensate-worker', MemorySize: 512 });
    expect(propsOf(synth, payment.compensationLogGroup!).LogGroupName).toBe('/aws/lambda/orders-payment-compensate-worker');
    const env = environmentOf(synth, fn);
    expect(Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('STEP_')))).toEqual({
      STEP_NAME: 'payment',
      STEP_MODE: 'compensate',
      STEP_NAMES: '["main","stock","payment","shipping"]',
      STEP_COMPENSATED: '["payment"]',
      STEP_EVENT_BUS_NAME: refOf(workflow.eventBus),
    });
    expect(env.IDEMPOTENCY_TABLE_NAME).toEqual(refOf(workflow.idempotencyTable));
    expect(putEventsStatements(synth, fn)).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: arnOf(workflow.eventBus) }]);
  });

  test('workers created before later stages still see every step, and the compensated ones', () => {
    for (const fn of stepWorkers(workflow)) {
      const env = environmentOf(synth, fn);
      expect([env.STEP_NAMES, env.STEP_COMPENSATED]).toEqual(['["main","stock","payment","shipping"]', '["payment"]']);
      expect(env.STEP_MODE === undefined).toBe(fn !== payment.compensationFunction);
    }
    expect(environmentOf(synth, workflow.workerFunction).STEP_COMPLETED_EVENT).toBe('OrderChecked');
  });

  test('the compensated stage has fourteen alarms, seven of them on its compensation', () => {
    expect(payment.alarms).toHaveLength(14);
    expect(workflow.alarms).toHaveLength(9 + 7 + 14 + 7);
    const compensation = payment.alarms.slice(7).map((a) => propsOf(synth, a));
    for (const alarm of compensation) expect(alarm.AlarmName).toMatch(/^orders-payment-compensate-/);
    expect(compensation.find((a) => a.MetricName === 'Errors').Dimensions).toEqual([{ Name: 'FunctionName', Value: refOf(payment.compensationFunction!) }]);
    expect(compensation[0].AlarmDescription).toMatch(/^Compensation of stage 'payment': /);
  });

  test('the operations function knows every stage\'s pair (compensations as <stage>/compensation) and may redrive each, nothing more', () => {
    const pairs = JSON.parse(JSON.stringify(environmentOf(synth, workflow.operationsFunction).STAGE_QUEUES));
    // Fn::Join of the JSON text with the queues' tokens: the names and their order are plain text in it.
    const text = JSON.stringify(pairs);
    expect([...text.matchAll(/\\"name\\":\\"([^\\]+)\\"/g)].map((match) => match[1])).toEqual(['stock', 'payment', 'payment/compensation', 'shipping']);
    const statements = roleStatementsOf(synth, workflow.operationsFunction);
    const moves = statements.filter((statement) => [statement.Action].flat().includes('sqs:StartMessageMoveTask'));
    expect(moves.map((statement) => statement.Resource)).toEqual([workflow.deadLetterQueue, stock.deadLetterQueue, payment.deadLetterQueue,
      payment.compensationDeadLetterQueue!, shipping.deadLetterQueue].map(arnOf));
    const sends = statements.filter((statement) => [statement.Action].flat().includes('sqs:SendMessage'));
    expect(sends.map((statement) => statement.Resource))
      .toEqual([workflow.mainQueue, stock.queue, payment.queue, payment.compensationQueue!, shipping.queue].map(arnOf));
  });

  test('the compensation worker\'s log group is in the saved queries', () => {
    const failures = resources(synth, 'AWS::Logs::QueryDefinition').find(([, r]) => r.Properties.Name.endsWith('Find failures in the worker Lambda'))!;
    expect(failures[1].Properties.LogGroupNames).toEqual([workflow.workerLogGroup, stock.workerLogGroup, payment.workerLogGroup,
      payment.compensationLogGroup!, shipping.workerLogGroup].map(refOf));
  });
});

describe('with a customer-managed queue key', () => {
  const build = () => {
    const app = new App();
    const stack = new Stack(app, 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
    const key = new kms.Key(stack, 'QueueKey');
    const workflow = new OrdersWorkflow(stack, 'Orders', { namePrefix: 'orders', queueEncryptionKey: key });
    const payment = workflow.addStage('payment', { ...PAYMENT, compensation: builtIn() });
    workflow.addStage('stock', STOCK);
    return { stack, workflow, key, payment, template: Template.fromStack(stack) };
  };

  test('each rule gets its own key policy statement, conditioned on that rule\'s ARN', () => {
    const { template, key, stack } = build();
    const statements = template.toJSON().Resources[stack.getLogicalId(key.node.defaultChild as never)].Properties.KeyPolicy.Statement
      .filter((s: any) => s.Principal?.Service === 'events.amazonaws.com');
    const arn = (rule: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:us-east-1:111111111111:rule/orders-bus/${rule}`]] });
    expect(statements.map((s: any) => [s.Sid, s.Condition.ArnEquals['aws:SourceArn']])).toEqual([
      ['AllowOrderCreatedRuleToEncryptOrders', arn('orders-order-created')],
      ['AllowStage1RuleToEncryptOrders', arn('orders-payment-rule')],
      ['AllowStage1CompensationRuleToEncryptOrders', arn('orders-payment-compensate-rule')],
      ['AllowStage2RuleToEncryptOrders', arn('orders-stock-rule')],
    ]);
    for (const s of statements) expect(s.Action).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
  });

  test('the stage queues use the key', () => {
    const { template, payment, stack, key } = build();
    const resource = (c: IConstruct) => template.toJSON().Resources[stack.getLogicalId(c.node.defaultChild as never)].Properties;
    for (const queue of [payment.queue, payment.deadLetterQueue, payment.compensationQueue!, payment.compensationDeadLetterQueue!]) {
      expect(resource(queue).KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as never), 'Arn'] });
    }
  });
});

describe('what stages share with the workflow\'s other options', () => {
  test('a stage processor\'s own timeout sets its queue\'s visibility timeout and backlog threshold, as the worker\'s sets the main queue\'s', () => {
    const synth = synthUsing({}, (workflow) => workflow.addStage('payment', { ...PAYMENT, processor: OrderProcessor.builtIn({ timeout: Duration.seconds(60) }) }));
    const [payment] = synth.workflow.stages;
    expect(propsOf(synth, synth.workflow.mainQueue).VisibilityTimeout).toBe(180);
    expect(propsOf(synth, payment.queue).VisibilityTimeout).toBe(360);
    expect(propsOf(synth, payment.workerFunction).Timeout).toBe(60);
    const backlog = propsOf(synth, payment.node.findChild('Alarms').node.findChild('MainQueueBacklog'));
    expect(backlog.Threshold).toBe(5 * 360 + 300);
  });

  test.each([
    ['before', (w: OrdersWorkflow) => { w.onOrderProcessed('Processed'); w.addStage('payment', { ...PAYMENT, compensation: builtIn() }); }],
    ['after', (w: OrdersWorkflow) => { w.addStage('payment', { ...PAYMENT, compensation: builtIn() }); w.onOrderProcessed('Processed'); }],
  ])('outcome events turned on %s addStage reach every step worker, with one PutEvents statement each', (_when, use) => {
    const synth = synthUsing({}, use);
    for (const fn of stepWorkers(synth.workflow)) {
      expect(environmentOf(synth, fn).OUTCOME_EVENT_BUS_NAME).toEqual(refOf(synth.workflow.eventBus));
      expect(putEventsStatements(synth, fn)).toHaveLength(1);
    }
  });

  test('outcomeEvents: true reaches the stage workers too', () => {
    const synth = synthUsing({ outcomeEvents: true }, (w) => w.addStage('payment', PAYMENT));
    expect(environmentOf(synth, synth.workflow.stages[0].workerFunction).OUTCOME_EVENT_BUS_NAME).toEqual(refOf(synth.workflow.eventBus));
  });

  test('orderRetention reaches the stage workers (they write order records)', () => {
    const synth = synthUsing({ orderRetention: Duration.days(30) }, (w) => w.addStage('payment', { ...PAYMENT, compensation: builtIn() }));
    for (const fn of stepWorkers(synth.workflow)) expect(environmentOf(synth, fn).ORDER_RETENTION_SECONDS).toBe(String(30 * 86400));
  });

  test('with logEncryptionKey, the key policy names each stage\'s worker log groups', () => {
    const app = new App();
    const stack = new Stack(app, 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
    const key = new kms.Key(stack, 'LogKey');
    const workflow = new OrdersWorkflow(stack, 'Orders', { namePrefix: 'orders', logEncryptionKey: key });
    workflow.addStage('payment', { ...PAYMENT, compensation: builtIn() });
    const statement = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(key.node.defaultChild as never)].Properties.KeyPolicy
      .Statement.find((s: any) => s.Sid === 'AllowCloudWatchLogsToEncryptStage1Logs');
    expect(JSON.stringify(statement.Condition)).toContain(':log-group:/aws/lambda/orders-payment-worker');
    expect(JSON.stringify(statement.Condition)).toContain(':log-group:/aws/lambda/orders-payment-compensate-worker');
    expect(statement.Principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
  });

  test('without namePrefix, the stage\'s names follow the generated prefix', () => {
    const synth = synthUsing({}, (w) => w.addStage('payment', PAYMENT));
    const prefix = propsOf(synth, synth.workflow.workerFunction).FunctionName.replace(/-worker$/, '');
    const [payment] = synth.workflow.stages;
    expect(propsOf(synth, payment.workerFunction).FunctionName).toBe(`${prefix}-payment-worker`);
    expect(propsOf(synth, payment.rule).Name).toBe(`${prefix}-payment-rule`);
    expect(propsOf(synth, payment.queue).QueueName).toBeUndefined();
  });
});

describe('onCompleted', () => {
  test('matches exactly the stage\'s completed event from the workflow\'s source, narrowed by detail', () => {
    let rule!: events.Rule;
    const synth = synthUsing({}, (w) => {
      w.addStage('payment', PAYMENT);
      rule = w.stages[0].onCompleted('Paid', {
        eventPattern: { detail: { customerId: ['c-1'] } },
        target: { bind: () => ({ arn: 'arn:aws:sqs:us-east-1:111111111111:other' }) },
      });
    });
    const props = propsOf(synth, rule);
    expect(props.EventPattern).toEqual({ 'source': ['myapp.orders'], 'detail-type': ['PaymentAuthorized'], 'detail': { customerId: ['c-1'] } });
    expect(props.EventBusName).toEqual(refOf(synth.workflow.eventBus));
    expect(props.Targets).toEqual([expect.objectContaining({ Arn: 'arn:aws:sqs:us-east-1:111111111111:other' })]);
    expect(rule.node.scope).toBe(synth.workflow.stages[0]);
  });

  test.each([
    ['source', { source: ['other'] }],
    ['detailType', { detailType: ['OrderCreated'] }],
  ])('an eventPattern that sets %s would widen the rule: throws', (key, eventPattern) => {
    const workflow = new OrdersWorkflow(new Stack(), 'Orders');
    const stage = workflow.addStage('payment', PAYMENT);
    expect(() => stage.onCompleted('Paid', { eventPattern })).toThrow(`may not set ${key}`);
  });

  test('works for any stage, each its own event', () => {
    const workflow = new OrdersWorkflow(new Stack(), 'Orders');
    workflow.addStage('payment', PAYMENT);
    const stock = workflow.addStage('stock', STOCK);
    const rule = stock.onCompleted('Reserved');
    expect(Stack.of(rule).resolve((rule.node.defaultChild as events.CfnRule).eventPattern)).toEqual({ 'source': ['myapp.orders'], 'detail-type': ['StockReserved'] });
  });
});

describe('synth errors name the stage and the prop', () => {
  const addTo = (props: OrdersWorkflowProps, ...stages: Array<[string, OrderStageProps]>) => () => {
    const workflow = new OrdersWorkflow(new Stack(), 'Orders', props);
    for (const [id, stage] of stages) workflow.addStage(id, stage);
  };

  test.each([
    ['a duplicate id', [['payment', PAYMENT], ['payment', STOCK]], "Invalid stage 'payment' (OrdersWorkflow.addStage)", "a stage 'payment' already exists"],
    ['a duplicate id in another case', [['payment', PAYMENT], ['Payment', STOCK]], "Invalid stage 'Payment'", "a stage 'payment' already exists"],
    ['the id main', [['main', PAYMENT]], "Invalid stage 'main'", "the stage id 'main' is reserved"],
    ['the id Main', [['Main', PAYMENT]], "Invalid stage 'Main'", "the stage id 'Main' is reserved"],
    ['a space in the id', [['pay ment', PAYMENT]], "Invalid stage 'pay ment'", 'the stage id must start with a letter and be at most 32 letters'],
    ['an id starting with a digit', [['1payment', PAYMENT]], "Invalid stage '1payment'", 'the stage id must start with a letter'],
    ['an underscore in the id', [['pay_ment', PAYMENT]], "Invalid stage 'pay_ment'", 'the stage id must start with a letter'],
    ['a 33-character id', [['p'.repeat(33), PAYMENT]], 'Invalid stage', 'at most 32 letters, digits or \'-\''],
    ['a duplicate completedEvent', [['payment', PAYMENT], ['stock', { ...STOCK, completedEvent: 'PaymentAuthorized' }]],
      "Invalid stage 'stock'", "completedEvent 'PaymentAuthorized' is already the completedEvent of stage 'payment'"],
    ['completedEvent equal to processorCompletedEvent', [['payment', { ...PAYMENT, completedEvent: 'OrderValidated' }]],
      "Invalid stage 'payment'", "completedEvent 'OrderValidated' is the workflow's processorCompletedEvent"],
    ['an empty completedEvent', [['payment', { ...PAYMENT, completedEvent: '' }]], "Invalid stage 'payment'", 'completedEvent must be a non-empty'],
    ['a blank completedEvent', [['payment', { ...PAYMENT, completedEvent: '  ' }]], "Invalid stage 'payment'", 'completedEvent must be a non-empty'],
    ['a stage id taking the names of another\'s compensation', [['payment', { ...PAYMENT, compensation: builtIn() }], ['payment-compensate', STOCK]],
      "Invalid stage 'payment-compensate'", "would give its resources the names of stage 'payment''s compensation"],
    ['a compensation taking the names of another stage', [['payment-compensate', STOCK], ['payment', { ...PAYMENT, compensation: builtIn() }]],
      "Invalid stage 'payment'", "the stage's compensation would give its resources the names of stage 'payment-compensate'"],
    ['a processor setting a runtime variable', [['payment', { ...PAYMENT, processor: OrderProcessor.builtIn({ environment: { STEP_NAME: 'x' } }) }]],
      "Invalid stage 'payment'", "the processor's environment may not set STEP_NAME"],
    ['a compensation setting a runtime variable', [['payment', { ...PAYMENT, compensation: OrderProcessor.builtIn({ environment: { STEP_MODE: 'x' } }) }]],
      "Invalid stage 'payment'", "compensation: the processor's environment may not set STEP_MODE"],
  ] as Array<[string, Array<[string, OrderStageProps]>, string, string]>)('%s', (_name, stages, header, problem) => {
    const run = addTo({}, ...stages);
    expect(run).toThrow(header);
    expect(run).toThrow(problem);
  });

  test.each(['OrderCreated', 'OrderProcessed', 'OrderRejected', 'OrderFailed', 'OrderCompensationRequested'])(
    'a completedEvent that is the built-in %s', (detailType) => {
      expect(addTo({}, ['payment', { ...PAYMENT, completedEvent: detailType }]))
        .toThrow(`completedEvent must not be '${detailType}', a detail type the workflow publishes itself`);
    });

  test('every problem at once', () => {
    expect(addTo({}, ['main', { ...PAYMENT, completedEvent: 'OrderCreated' }]))
      .toThrow(/the stage id 'main' is reserved.*\n.*completedEvent must not be 'OrderCreated'/);
  });

  test('a stage processor\'s timeout that the visibilityTimeout the user set does not cover', () => {
    expect(addTo({ visibilityTimeout: Duration.seconds(180) },
      ['payment', { ...PAYMENT, processor: OrderProcessor.builtIn({ timeout: Duration.seconds(60) }) }]))
      .toThrow(/Invalid stage 'payment'[^]*visibilityTimeout \(180 s\) must be at least 6x the processor's timeout plus maxBatchingWindow \(360 s\)/);
  });

  test('a function name over Lambda\'s 64 characters', () => {
    expect(addTo({ namePrefix: 'n'.repeat(40) }, ['p'.repeat(20), PAYMENT]))
      .toThrow(`its worker function's name '${'n'.repeat(40)}-${'p'.repeat(20)}-worker' would be 68 characters, over the limit of 64`);
  });

  test('nothing is built for a stage that fails', () => {
    const workflow = new OrdersWorkflow(new Stack(), 'Orders');
    expect(() => workflow.addStage('main', PAYMENT)).toThrow();
    expect(workflow.stages).toEqual([]);
    expect(workflow.node.tryFindChild('Stages')).toBeUndefined();
  });

  test.each([
    ['', 'processorCompletedEvent must be a non-empty EventBridge detail type'],
    ['OrderProcessed', "processorCompletedEvent must not be 'OrderProcessed', a detail type the workflow publishes itself"],
    ['OrderCompensationRequested', "processorCompletedEvent must not be 'OrderCompensationRequested'"],
    ['x'.repeat(129), 'processorCompletedEvent must be a non-empty EventBridge detail type of at most 128 characters'],
  ])('processorCompletedEvent %p is refused, with or without stages', (value, message) => {
    expect(() => new OrdersWorkflow(new Stack(), 'Orders', { processorCompletedEvent: value })).toThrow(message);
  });
});

describe('a workflow without stages', () => {
  test('its worker has none of the STEP_* variables, and no PutEvents', () => {
    const synth = synthWorkflow();
    const env = environmentOf(synth, synth.workflow.workerFunction);
    expect(Object.keys(env).filter((k) => STEP_VARIABLES.includes(k) || k.startsWith('STEP_'))).toEqual([]);
    expect(putEventsStatements(synth, synth.workflow.workerFunction)).toEqual([]);
    expect(synth.workflow.stages).toEqual([]);
    expect(environmentOf(synth, synth.workflow.operationsFunction).STAGE_QUEUES).toBeUndefined();
  });

  test('processorCompletedEvent alone changes nothing in the template', () => {
    expect(synthWorkflow({ processorCompletedEvent: 'OrderChecked' }).template.toJSON()).toEqual(synthWorkflow().template.toJSON());
  });
});

test('STEP_* variables are reserved: a workflow processor may not set them either', () => {
  for (const name of STEP_VARIABLES) {
    expect(() => new OrdersWorkflow(new Stack(), 'Orders', { processor: OrderProcessor.builtIn({ environment: { [name]: 'x' } }) }))
      .toThrow(`the processor's environment may not set ${name}`);
  }
});
