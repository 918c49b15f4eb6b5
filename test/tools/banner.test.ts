/** The runner's start banner (scripts/local/cli/banner.ts): each stage worker once, nothing about stages without them. */
import { banner } from '../../scripts/local/cli/banner';
import { failureInjectionState } from '../../scripts/local/lambda/failure-injection';
import type { LocalStageWorker, LocalWorker, LocalWorkflow } from '../../scripts/local/runner';

function worker(functionName: string): LocalWorker {
  return {
    functionName,
    timeoutSeconds: 1,
    visibilityTimeoutSeconds: 2,
    batchSize: 10,
    maxReceiveCount: 5,
    deliver: () => Promise.reject(new Error('not in this test')),
    startPolling: () => undefined,
    stopPolling: () => Promise.resolve(),
    pids: () => [],
  };
}

function stage(functionName: string, queueName: string, stepName?: string, stepMode?: string): LocalStageWorker {
  return { ...worker(functionName), stepName, stepMode, queueName, queueUrl: `http://127.0.0.1:1/123456789012/${queueName}` };
}

function fakeLocal(stageWorkers: LocalStageWorker[]): LocalWorkflow {
  return {
    apiUrl: 'http://127.0.0.1:3000',
    outputs: {
      ApiEndpoint: 'http://127.0.0.1:3000/',
      EventBusName: 'orders-bus',
      MainQueueUrl: 'http://127.0.0.1:1/123456789012/orders-main-queue',
      DlqUrl: 'http://127.0.0.1:1/123456789012/orders-dlq',
      DynamoTableName: 'orders-idempotency',
      IdempotencyTableName: 'orders-idempotency',
      EmulatorEndpoint: 'http://127.0.0.1:1',
      SqsEndpoint: 'http://127.0.0.1:2',
      ApiLogGroupName: '/aws/lambda/orders-api',
      WorkerLogGroupName: '/aws/lambda/orders-worker',
      FailureInjection: true,
    } as LocalWorkflow['outputs'],
    emulatorEndpoint: 'http://127.0.0.1:1',
    sqsEndpoint: 'http://127.0.0.1:2',
    stackName: 'OrdersWorkflowLocal',
    failureInjection: failureInjectionState(undefined, 'on', undefined),
    worker: worker('orders-worker'),
    stageWorkers,
    api: { functionName: 'orders-api', pids: () => [] },
    methodAccess: [],
    setFailureInjection: () => undefined,
    stop: () => Promise.resolve(),
  };
}

test('without stage workers the banner says nothing about stages', () => {
  expect(banner(fakeLocal([]), '/tmp/outputs.json', 'npm run replay-dlq --')).not.toMatch(/stage/i);
});

test('each stage worker is listed once, with its step and its queue', () => {
  const text = banner(fakeLocal([
    stage('orders-payment-worker', 'orders-payment-queue', 'payment', 'process'),
    stage('orders-payment-compensation', 'orders-payment-compensation-queue', 'payment', 'compensate'),
    stage('audit-consumer', 'audit-queue'),
  ]), '/tmp/outputs.json', 'npm run replay-dlq --');
  const lines = text.split('\n');
  const start = lines.indexOf('Stage workers, each polling its own queue:');
  expect(start).toBeGreaterThan(0);
  expect(lines.slice(start + 1, start + 4)).toEqual([
    '  step payment: orders-payment-worker <- orders-payment-queue',
    '  step payment (compensation): orders-payment-compensation <- orders-payment-compensation-queue',
    '  audit-consumer <- audit-queue',
  ]);
  for (const name of ['orders-payment-worker', 'orders-payment-compensation', 'audit-consumer']) {
    expect(text.split(/\s+/).filter((word) => word === name)).toHaveLength(1);
  }
});
