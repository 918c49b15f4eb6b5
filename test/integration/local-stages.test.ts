/**
 * A two-step pipeline on moto (main -> payment), built by hand as the stages' contract describes
 * it (support/staged-stack.ts): the main worker publishes OrderValidated, moto's rule delivers it
 * to the payment queue, the runner's poller of that queue invokes the payment worker, and the
 * order ends PROCESSED with both steps COMPLETED. Also what the runner exposes of a stage
 * worker: its queue URLs, timings and batches, its log lines under its function's name.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { postOrder, queueDepth, RunningWorkflow, runWorkflow, useEmulator, waitFor, eventIdOf, GOOD_ORDER } from './support/harness';
import { MAIN_COMPLETED_EVENT, STAGE_MAX_RECEIVE_COUNT, stageNames, STAGED_EVENT_SOURCE, synthesizeStagedApp } from './support/staged-stack';
import type { WorkerBatchReport } from '../../scripts/local/index';

jest.setTimeout(90_000);

const PAYMENT = stageNames('payment');

let appDir: string;
let run: RunningWorkflow | undefined;
const stageBatches: WorkerBatchReport[] = [];

// Declared before useEmulator(): jest runs afterAll hooks in declaration order, and this needs moto up.
afterAll(async () => {
  await run?.stop();
  if (appDir) fs.rmSync(appDir, { recursive: true, force: true });
});
const moto = useEmulator();

beforeAll(async () => {
  appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-stages-'));
  synthesizeStagedApp(appDir, [{ name: 'payment', completedEvent: 'PaymentAuthorized' }]);
  run = await runWorkflow(moto.endpoint(), appDir, { onStageWorkerBatch: (report) => stageBatches.push(report) });
}, 120_000);

async function getOrder(apiUrl: string, orderId: string): Promise<any> {
  const response = await fetch(`${apiUrl}/orders/${encodeURIComponent(orderId)}`);
  return response.status === 200 ? response.json() : undefined;
}

test('the stage worker runs with its own queue, DLQ, timings and one start-up line', async () => {
  const { local, logs, sqs } = run!;
  expect(local.worker.functionName).toBe('stages-worker');
  expect(local.stageWorkers).toHaveLength(1);
  const [payment] = local.stageWorkers;
  expect(payment).toMatchObject({
    functionName: PAYMENT.worker,
    stepName: 'payment',
    stepMode: 'process',
    queueName: PAYMENT.queue,
    queueUrl: expect.stringMatching(new RegExp(`/${PAYMENT.queue}$`)),
    deadLetterQueueUrl: expect.stringMatching(new RegExp(`/${PAYMENT.deadLetterQueue}$`)),
    // The runner's default 2 s, and the timeout derived from it as for the main worker.
    visibilityTimeoutSeconds: 2,
    timeoutSeconds: 1,
    batchSize: 10,
    maxReceiveCount: STAGE_MAX_RECEIVE_COUNT,
  });
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: payment.queueUrl, AttributeNames: ['VisibilityTimeout'] }));
  expect(Attributes?.VisibilityTimeout).toBe('2');
  const startLines = logs.filter((line) => line.source === 'local' && line.line.startsWith('stage worker '));
  expect(startLines.map((line) => line.line)).toEqual([
    expect.stringMatching(new RegExp(`^stage worker ${PAYMENT.worker} \\(step payment\\): polls ${PAYMENT.queue} .*; ` +
      `DLQ ${PAYMENT.deadLetterQueue} after ${STAGE_MAX_RECEIVE_COUNT} receives`)),
  ]);
});

test('an order goes through main and payment: PROCESSED, both stages COMPLETED', async () => {
  const { local, logs, batches } = run!;
  const accepted = await postOrder(local.apiUrl, GOOD_ORDER);
  expect(accepted.status).toBe(202);
  const { eventId, orderId } = accepted.body;

  const order = await waitFor('the order to be PROCESSED', async () => {
    const current = await getOrder(local.apiUrl, orderId);
    return current?.status === 'PROCESSED' && current;
  }, 30_000, 200);
  expect(order.stages).toEqual([
    expect.objectContaining({ name: 'main', status: 'COMPLETED' }),
    expect.objectContaining({ name: 'payment', status: 'COMPLETED' }),
  ]);

  // The main worker's batches are the OrderCreated ones, as without stages...
  const mainRecords = batches.flatMap((batch) => batch.event.Records).filter((record) => eventIdOf(record.body) === eventId);
  expect(mainRecords).toHaveLength(1);
  expect(JSON.parse(mainRecords[0].body)['detail-type']).toBe('OrderCreated');
  expect(new Set(batches.map((batch) => batch.functionName))).toEqual(new Set(['stages-worker']));

  // ...and the stage poller's are the main step's completed event, from the stage's queue.
  await waitFor('the payment worker\'s batch report', () => stageBatches.some((batch) =>
    batch.event.Records.some((record) => eventIdOf(record.body) === eventId)));
  const stageBatch = stageBatches.find((batch) => batch.event.Records.some((record) => eventIdOf(record.body) === eventId))!;
  expect(stageBatch).toMatchObject({ functionName: PAYMENT.worker, outcome: 'ok', failedMessageIds: [] });
  expect(stageBatch.deletedMessageIds).toHaveLength(stageBatch.event.Records.length);
  const stageRecord = stageBatch.event.Records.find((record) => eventIdOf(record.body) === eventId)!;
  expect(stageRecord.eventSourceARN).toBe(`arn:aws:sqs:us-east-1:123456789012:${PAYMENT.queue}`);
  const envelope = JSON.parse(stageRecord.body);
  expect(envelope).toMatchObject({ 'detail-type': MAIN_COMPLETED_EVENT, 'source': STAGED_EVENT_SOURCE });
  expect(envelope.detail).toMatchObject({ eventId, orderId, step: 'main' });

  // The stage worker's own lines carry its function's name as their source.
  const paymentLines = logs.filter((line) => line.source === PAYMENT.worker && line.json?.eventId === eventId);
  expect(paymentLines.length).toBeGreaterThan(0);
  expect(logs.filter((line) => line.source === 'worker' && line.json?.eventId === eventId).length).toBeGreaterThan(0);

  await waitFor('both queues to be empty', async () =>
    (await queueDepth(run!.sqs, local.outputs.MainQueueUrl)) === 0 && (await queueDepth(run!.sqs, local.stageWorkers[0].queueUrl)) === 0);
  expect(await queueDepth(run!.sqs, local.stageWorkers[0].deadLetterQueueUrl!)).toBe(0);
});
