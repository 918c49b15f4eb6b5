import { App, Duration, Stack, Token } from 'aws-cdk-lib';
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
    ['idempotency shorter than the redelivery window', { idempotencyExpiry: Duration.minutes(10) },
      /idempotencyExpiry \(600 s\) must be at least maxReceiveCount x visibilityTimeout \(900 s\)/],
    ['bad namePrefix', { namePrefix: 'orders/prod' }, /namePrefix must be 1 to 40 letters/],
    ['aws. source', { eventSource: 'aws.orders' }, /eventSource must not start with 'aws\.'/],
    ['empty source', { eventSource: ' ' }, /eventSource must be a non-empty string/],
    ['origin with a path', { corsAllowOrigins: ['https://shop.example.com/app'] }, /corsAllowOrigins entries must be '\*' or an origin/],
    ['* mixed with origins', { corsAllowOrigins: ['*', 'http://localhost:5173'] }, /cannot mix '\*' with specific origins/],
    ['zero throttle rate', { apiThrottle: { rateLimit: 0 } }, /apiThrottle.rateLimit must be positive/],
    ['python runtime', { runtime: lambda.Runtime.PYTHON_3_12 }, /runtime must be a Node\.js runtime/],
    ['DLQ retention over 14 days', { deadLetterRetentionPeriod: Duration.days(15) }, /deadLetterRetentionPeriod must be from 60 to 1209600 seconds/],
    ['zero alarm threshold', { queueAgeAlarmThreshold: Duration.seconds(0) }, /queueAgeAlarmThreshold must be from 1/],
  ])('%s is rejected with a clear message', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
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
      idempotencyExpiry: Duration.seconds(180),
      namePrefix: 'a'.repeat(40),
      corsAllowOrigins: ['https://shop.example.com', 'http://localhost:5173'],
    })).not.toThrow();
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
