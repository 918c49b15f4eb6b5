/**
 * readWorkflowModel (scripts/local/template/workflow-model.ts) on a stack with stages: which SQS
 * event source mapping is the workflow's worker, and the stage workers with their queues, DLQs,
 * functions and batch settings. The stack is an OrdersWorkflow plus hand-built stages
 * (test/integration/support/staged-stack.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProvisionedStack } from '../../scripts/local/emulator/provision';
import { localOutputs } from '../../scripts/local/outputs';
import { logicalIdOf } from '../../scripts/local/template/references';
import { CfnResource, readSynthesizedStack, SynthesizedStack } from '../../scripts/local/template/synthesized-stack';
import { readWorkflowModel, WorkflowModel } from '../../scripts/local/template/workflow-model';
import { stageNames, STAGE_MAX_RECEIVE_COUNT, synthesizeStagedApp } from '../integration/support/staged-stack';

let dir: string;
let stack: SynthesizedStack;
let model: WorkflowModel;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-model-'));
  synthesizeStagedApp(dir, [
    { name: 'payment', completedEvent: 'PaymentAuthorized', compensation: true, batchSize: 5, maxBatchingWindowSeconds: 1, maxConcurrency: 3, timeoutSeconds: 20 },
    { name: 'shipping', completedEvent: 'OrderShipped' },
  ]);
  stack = readSynthesizedStack(dir);
  model = readWorkflowModel(stack);
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const resources = () => Object.entries(stack.template.Resources);
/** The logical id of the queue whose QueueName is `name`. */
const queueId = (name: string) => resources().find(([, resource]) => resource.Type === 'AWS::SQS::Queue' && resource.Properties?.QueueName === name)?.[0];

test('the main worker is the OrdersWorkflow\'s: its queue is the OrderCreated rule\'s target, its DLQ the redrive target', () => {
  expect(model.workerFunction.functionName).toBe('stages-worker');
  expect(model.workerFunction.environment.STEP_NAME).toBe('main');
  expect(model.mainQueueLogicalId).toBe(queueId('stages-main-queue'));
  expect(model.eventSource.queueLogicalId).toBe(model.mainQueueLogicalId);
  expect(model.deadLetterQueueLogicalId).toBe(queueId('stages-dlq'));
  expect(logicalIdOf(stack.template.Resources[model.eventSource.logicalId].Properties?.FunctionName)).toBe(model.workerFunction.logicalId);
});

test('every other SQS event source mapping is a stage worker, in step order, a stage\'s compensation after it', () => {
  const payment = stageNames('payment');
  const shipping = stageNames('shipping');
  expect(model.stageWorkers.map((stage) => ({
    step: stage.stepName,
    mode: stage.stepMode,
    fn: stage.function.functionName,
    queue: stage.queueLogicalId,
    dlq: stage.deadLetterQueueLogicalId,
  }))).toEqual([
    { step: 'payment', mode: 'process', fn: payment.worker, queue: queueId(payment.queue), dlq: queueId(payment.deadLetterQueue) },
    {
      step: 'payment',
      mode: 'compensate',
      fn: payment.compensationWorker,
      queue: queueId(payment.compensationQueue),
      dlq: queueId(payment.compensationDeadLetterQueue),
    },
    { step: 'shipping', mode: 'process', fn: shipping.worker, queue: queueId(shipping.queue), dlq: queueId(shipping.deadLetterQueue) },
  ]);
  for (const stage of model.stageWorkers) {
    expect(stage.queueLogicalId).toBeDefined();
    expect(stage.eventSource.queueLogicalId).toBe(stage.queueLogicalId);
    const mapping = stack.template.Resources[stage.eventSource.logicalId];
    expect(mapping.Type).toBe('AWS::Lambda::EventSourceMapping');
    expect(logicalIdOf(mapping.Properties?.FunctionName)).toBe(stage.function.logicalId);
    expect(stage.function.handlerFile).toMatch(/index\.js$/);
    expect(stage.function.environment.MAX_RECEIVE_COUNT).toBe(String(STAGE_MAX_RECEIVE_COUNT));
  }
  expect(new Set([model.mainQueueLogicalId, ...model.stageWorkers.map((stage) => stage.queueLogicalId)]).size).toBe(4);
});

test('each stage worker has its own mapping\'s batch settings and its function\'s timeout', () => {
  const [payment, compensation, shipping] = model.stageWorkers;
  expect(payment.eventSource).toMatchObject({
    batchSize: 5, maxBatchingWindowSeconds: 1, maximumConcurrency: 3, reportBatchItemFailures: true, enabled: true, hasFilterCriteria: false,
  });
  expect(payment.function.timeoutSeconds).toBe(20);
  expect(compensation.eventSource).toMatchObject({ batchSize: 5, maxBatchingWindowSeconds: 1, maximumConcurrency: 3 });
  expect(shipping.eventSource).toMatchObject({ batchSize: 10, maxBatchingWindowSeconds: 0, reportBatchItemFailures: true, enabled: true });
  expect(shipping.eventSource.maximumConcurrency).toBeUndefined();
  expect(shipping.function.timeoutSeconds).toBe(30);
});

/** The stack with its resources changed by `change` (a copy; the synthesized files stay). */
function withResources(change: (resources: Record<string, CfnResource>) => void): SynthesizedStack {
  const template = JSON.parse(JSON.stringify(stack.template));
  change(template.Resources);
  return { ...stack, template };
}

test('without an OrderCreated rule, the main worker is the function of step main (or of no step)', () => {
  const withoutOrderCreated = withResources((all) => {
    for (const resource of Object.values(all)) {
      const pattern = resource.Properties?.EventPattern;
      if (resource.Type === 'AWS::Events::Rule' && pattern?.['detail-type']?.includes('OrderCreated')) pattern['detail-type'] = ['OrderPlaced'];
    }
  });
  const fallback = readWorkflowModel(withoutOrderCreated);
  expect(fallback.workerFunction.functionName).toBe('stages-worker');
  expect(fallback.stageWorkers.map((stage) => stage.function.functionName)).toEqual(model.stageWorkers.map((stage) => stage.function.functionName));

  const noStepNames = withResources((all) => {
    for (const resource of Object.values(all)) {
      const pattern = resource.Properties?.EventPattern;
      if (resource.Type === 'AWS::Events::Rule' && pattern?.['detail-type']?.includes('OrderCreated')) pattern['detail-type'] = ['OrderPlaced'];
      if (resource.Type === 'AWS::Lambda::Function') delete resource.Properties?.Environment?.Variables?.STEP_NAME;
    }
  });
  expect(() => readWorkflowModel(noStepNames)).toThrow(/cannot tell which SQS event source mapping is the workflow's worker/);
});

test('the OrderCreated rule decides even when a stage worker claims step main', () => {
  const confused = withResources((all) => {
    const variables = all[model.stageWorkers[2].function.logicalId].Properties!.Environment.Variables;
    variables.STEP_NAME = 'main';
  });
  expect(readWorkflowModel(confused).workerFunction.functionName).toBe('stages-worker');
});

test('the local outputs list every stage\'s pair and every compensation\'s as StageQueues (the replay tool\'s --stage)', () => {
  const provisioned = { physical: (logicalId: string) => ({ ref: `url:${logicalId}` }) } as unknown as ProvisionedStack;
  const outputs = localOutputs(model, provisioned, 'http://127.0.0.1:1', { emulator: 'http://127.0.0.1:2', sqs: 'http://127.0.0.1:3' }, false);
  const payment = stageNames('payment');
  const shipping = stageNames('shipping');
  const url = (name: string) => `url:${queueId(name)}`;
  expect(outputs.StageQueues).toEqual([
    { name: 'payment', queueUrl: url(payment.queue), deadLetterQueueUrl: url(payment.deadLetterQueue) },
    { name: 'payment/compensation', queueUrl: url(payment.compensationQueue), deadLetterQueueUrl: url(payment.compensationDeadLetterQueue) },
    { name: 'shipping', queueUrl: url(shipping.queue), deadLetterQueueUrl: url(shipping.deadLetterQueue) },
  ]);
});
