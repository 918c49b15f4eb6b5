import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OrdersWorkflow, OrdersWorkflowProps } from '../../src';

function build(props: OrdersWorkflowProps | ((stack: Stack) => OrdersWorkflowProps)): void {
  const stack = new Stack(new App(), 'Validation');
  new OrdersWorkflow(stack, 'Orders', typeof props === 'function' ? props(stack) : props);
}

describe('props validation', () => {
  test.each<[string, OrdersWorkflowProps, RegExp]>([
    ['batchSize 0', { batchSize: 0 }, /batchSize must be an integer from 1 to 10 \(got 0\)/],
    ['batchSize 11', { batchSize: 11 }, /batchSize must be an integer from 1 to 10 \(got 11\)/],
    ['batchSize 2.5', { batchSize: 2.5 }, /batchSize must be an integer/],
    ['maxReceiveCount 0', { maxReceiveCount: 0 }, /maxReceiveCount must be an integer from 1 to 1000 \(got 0\)/],
    ['visibility below 6x timeout', { visibilityTimeout: Duration.seconds(179) },
      /visibilityTimeout \(179 s\) must be at least 6x workerTimeout plus maxBatchingWindow \(180 s\)/],
    ['visibility below 6x timeout + window', { maxBatchingWindow: Duration.seconds(10), visibilityTimeout: Duration.seconds(185) },
      /\(190 s\)/],
    ['workerTimeout over 15 minutes', { workerTimeout: Duration.minutes(16) }, /workerTimeout must be from 1 to 900 seconds/],
    ['apiTimeout over 29 s', { apiTimeout: Duration.seconds(30) }, /apiTimeout must be from 1 to 29 seconds/],
    ['memory too small', { memorySize: 64 }, /memorySize must be an integer from 128 to 10240/],
    ['idempotency shorter than the redelivery window', { eventIdempotencyWindow: Duration.minutes(10) },
      /eventIdempotencyWindow \(600 s\) must be at least maxReceiveCount x visibilityTimeout \(900 s\)/],
    ['bad namePrefix', { namePrefix: 'orders/prod' }, /namePrefix must be 1 to 40 letters/],
    ['aws. source', { eventSource: 'aws.orders' }, /eventSource must not start with 'aws\.'/],
    ['empty source', { eventSource: ' ' }, /eventSource must be a non-empty string/],
    ['origin with a path', { corsAllowOrigins: ['https://shop.example.com/app'] }, /corsAllowOrigins entries must be '\*' or an origin/],
    ['* mixed with origins', { corsAllowOrigins: ['*', 'http://localhost:5173'] }, /cannot mix '\*' with specific origins/],
    ['zero throttle rate', { apiThrottle: { rateLimit: 0 } }, /apiThrottle.rateLimit must be positive/],
    ['python runtime', { runtime: lambda.Runtime.PYTHON_3_12 }, /runtime must be a Node\.js runtime/],
    ['nodejs20.x (the bundles target node22)', { runtime: lambda.Runtime.NODEJS_20_X },
      /runtime must be nodejs22\.x or a newer Node\.js \(the handlers are bundled for Node\.js 22\); got nodejs20\.x/],
    ['nodejs18.x', { runtime: lambda.Runtime.NODEJS_18_X }, /runtime must be nodejs22\.x or a newer Node\.js/],
    ['main queue retention under a minute', { mainQueueRetentionPeriod: Duration.seconds(59) }, /mainQueueRetentionPeriod must be from 60 to 1209600 seconds \(got 59\)/],
    ['main queue retention within the redelivery window', { mainQueueRetentionPeriod: Duration.minutes(15) },
      /mainQueueRetentionPeriod \(900 s\) must be longer than maxReceiveCount x visibilityTimeout \(900 s\).*expires from the main queue before/],
    ['DLQ retention shorter than the main queue\'s', { deadLetterQueueRetentionPeriod: Duration.days(2) },
      /deadLetterQueueRetentionPeriod \(172800 s\) must be at least mainQueueRetentionPeriod plus maxReceiveCount x visibilityTimeout \(345600 \+ 900 = 346500 s\).*original enqueue time/],
    ['DLQ retention equal to the main queue\'s', { mainQueueRetentionPeriod: Duration.days(14), deadLetterQueueRetentionPeriod: Duration.days(14) },
      /deadLetterQueueRetentionPeriod \(1209600 s\) must be at least mainQueueRetentionPeriod plus .*\(1209600 \+ 900 = 1210500 s\)/],
    ['idempotency window under a minute', { requestIdempotencyWindow: Duration.seconds(30) }, /requestIdempotencyWindow must be from 60 to 604800 seconds \(got 30\)/],
    ['idempotency window over 7 days', { requestIdempotencyWindow: Duration.days(8) }, /requestIdempotencyWindow must be from 60 to 604800 seconds/],
    ['DLQ retention over 14 days', { deadLetterQueueRetentionPeriod: Duration.days(15) }, /deadLetterQueueRetentionPeriod must be from 60 to 1209600 seconds/],
    ['zero alarm threshold', { queueAgeAlarmThreshold: Duration.seconds(0) }, /queueAgeAlarmThreshold must be from 1/],
    ['order retention under a day (TTL deletes within days)', { orderRetention: Duration.hours(23) }, /orderRetention must be from 86400 to \d+ seconds \(got 82800\)/],
  ])('%s is rejected with a clear message', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a JavaScript caller still passing the replaced removalPolicy is told what replaced it, not silently ignored', () => {
    expect(() => build({ removalPolicy: 'Retain' } as OrdersWorkflowProps))
      .toThrow(/removalPolicy was replaced by dataRemovalPolicy \(orders table and dead-letter queue, default RETAIN\) and transientRemovalPolicy/);
  });

  test('the AWS-managed SQS key is rejected (EventBridge cannot use it)', () => {
    expect(() => build((stack) => ({ queueEncryptionKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sqs') })))
      .toThrow(/must not be the AWS-managed key alias\/aws\/sqs/);
  });

  test('every problem is reported together, in one error', () => {
    let error: Error | undefined;
    try {
      build({ batchSize: 0, maxReceiveCount: 0, visibilityTimeout: Duration.seconds(10), namePrefix: 'bad name' });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^Invalid OrdersWorkflow props:/);
    const lines = error!.message.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toHaveLength(4);
    expect(error!.message).toMatch(/batchSize/);
    expect(error!.message).toMatch(/maxReceiveCount/);
    expect(error!.message).toMatch(/visibilityTimeout/);
    expect(error!.message).toMatch(/namePrefix/);
  });

  test('values only known at deploy time are not checked at synth', () => {
    expect(() => build({ batchSize: Token.asNumber({ Ref: 'BatchSize' }), namePrefix: Token.asString({ Ref: 'Prefix' }) })).not.toThrow();
  });

  test('the limits themselves are accepted', () => {
    expect(() => build({
      batchSize: 10,
      maxReceiveCount: 1,
      visibilityTimeout: Duration.seconds(180),
      eventIdempotencyWindow: Duration.seconds(180),
      namePrefix: 'a'.repeat(40),
      corsAllowOrigins: ['https://shop.example.com', 'http://localhost:5173'],
      requestIdempotencyWindow: Duration.minutes(1),
      runtime: lambda.Runtime.NODEJS_22_X,
    })).not.toThrow();
    expect(() => build({ requestIdempotencyWindow: Duration.days(7) })).not.toThrow();
    // DLQ retention exactly mainQueueRetentionPeriod + 5 x 180 s.
    expect(() => build({ mainQueueRetentionPeriod: Duration.days(2), deadLetterQueueRetentionPeriod: Duration.seconds(2 * 86400 + 900) }))
      .not.toThrow();
    expect(() => build({ mainQueueRetentionPeriod: Duration.seconds(901), deadLetterQueueRetentionPeriod: Duration.seconds(1801) })).not.toThrow();
  });
});

describe('one bus, one source, one workflow', () => {
  const CLASH = /eventSource 'myapp\.orders' is already routed from this event bus by the OrdersWorkflow at 'One\/First': with this one at 'One\/Second', both rules would match, and both workers would process, every order/;

  test('two workflows on one imported bus with the same source fail, naming both', () => {
    const stack = new Stack(new App(), 'One');
    const bus = events.EventBus.fromEventBusName(stack, 'Shared', 'shared-bus');
    new OrdersWorkflow(stack, 'First', { eventBus: bus });
    expect(() => new OrdersWorkflow(stack, 'Second', { eventBus: bus })).toThrow(CLASH);
  });

  test('the bus one workflow created, passed to a second with the same source, fails too', () => {
    const stack = new Stack(new App(), 'One');
    const first = new OrdersWorkflow(stack, 'First');
    expect(() => new OrdersWorkflow(stack, 'Second', { eventBus: first.eventBus })).toThrow(CLASH);
  });

  test('the same bus imported separately in two stacks of one app fails', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'us-east-1' };
    const a = new Stack(app, 'A', { env });
    const b = new Stack(app, 'B', { env });
    new OrdersWorkflow(a, 'Orders', { eventBus: events.EventBus.fromEventBusName(a, 'Shared', 'shared-bus') });
    expect(() => new OrdersWorkflow(b, 'Orders', {
      eventBus: events.EventBus.fromEventBusArn(b, 'Shared', 'arn:aws:events:us-east-1:111111111111:event-bus/shared-bus'),
    })).toThrow(/already routed from this event bus by the OrdersWorkflow at 'A\/Orders'.*this one at 'B\/Orders'/s);
  });

  test('different sources on one bus, one source on different buses, and separate apps are fine', () => {
    const stack = new Stack(new App(), 'One');
    const bus = events.EventBus.fromEventBusName(stack, 'Shared', 'shared-bus');
    new OrdersWorkflow(stack, 'First', { eventBus: bus });
    expect(() => new OrdersWorkflow(stack, 'Second', { eventBus: bus, eventSource: 'shop.returns' })).not.toThrow();
    expect(() => new OrdersWorkflow(stack, 'Third', { eventBus: events.EventBus.fromEventBusName(stack, 'Other', 'other-bus') })).not.toThrow();
    expect(() => new OrdersWorkflow(stack, 'Fourth')).not.toThrow();
    expect(() => new OrdersWorkflow(stack, 'Fifth')).not.toThrow();
    const otherApp = new Stack(new App(), 'Two');
    expect(() => new OrdersWorkflow(otherApp, 'First', { eventBus: events.EventBus.fromEventBusName(otherApp, 'Shared', 'shared-bus') }))
      .not.toThrow();
  });

  test('the same bus name in two accounts is two buses', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: '111111111111', region: 'us-east-1' } });
    const b = new Stack(app, 'B', { env: { account: '222222222222', region: 'us-east-1' } });
    new OrdersWorkflow(a, 'Orders', { eventBus: events.EventBus.fromEventBusName(a, 'Shared', 'shared-bus') });
    expect(() => new OrdersWorkflow(b, 'Orders', { eventBus: events.EventBus.fromEventBusName(b, 'Shared', 'shared-bus') })).not.toThrow();
  });
});

describe('handler bundles', () => {
  test('a checkout without built bundles fails with the command that builds them', () => {
    // The module object itself (an `import * as` namespace is a copy that src/ never reads).
    const spy = jest.spyOn(jest.requireActual<typeof import('fs')>('fs'), 'existsSync').mockReturnValue(false);
    try {
      expect(() => build({})).toThrow(/The api handler bundle is missing at .*assets\/lambda\/api\/handler\. .*npx projen bundle/);
    } finally {
      spy.mockRestore();
    }
  });
});
