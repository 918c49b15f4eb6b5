/**
 * The order's path end to end on moto with the real bundles: POST -> API handler ->
 * EventBridge -> SQS -> worker -> DynamoDB idempotency record; duplicates; poison messages.
 * Plus the API Gateway behaviour of the local API (CORS preflight, 403, 413).
 */
import { createHash } from 'node:crypto';
import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  committedWork, eventIdOf, FAILING_ORDER, GOOD_ORDER, idempotencyRecord, postOrder, queueDepth, receiveAll, RunningWorkflow, runWorkflow,
  useEmulator, useSynthesizedStack, waitFor,
} from './support/harness';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';

jest.setTimeout(180_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const emulator = useEmulator();
const appDir = useSynthesizedStack();
let run: RunningWorkflow | undefined;

afterEach(async () => {
  await run?.stop();
  run = undefined;
});

test('a valid order: 202, the documented OrderCreated event reaches the queue, the worker processes it (its work committed)', async () => {
  run = await runWorkflow(emulator.endpoint(), appDir());
  const { local } = run;

  const accepted = await postOrder(local.apiUrl, GOOD_ORDER, { Origin: 'http://localhost:5173' });
  expect(accepted.status).toBe(202);
  expect(accepted.body).toEqual({ eventId: expect.stringMatching(UUID), orderId: expect.stringMatching(UUID) });
  expect(accepted.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  const { eventId, orderId } = accepted.body;

  const record = await waitFor('the worker\'s work to be committed', async () => committedWork(run!.dynamodb, local.outputs, eventId));
  expect(record).toMatchObject({ eventId });

  // What reached the queue is what the worker was invoked with: a real-shaped SQS record...
  // (The work is committed during the invocation; the batch report comes once it has returned.)
  const deliveredRecords = () => run!.batches.flatMap((batch) => batch.event.Records).filter((item) => eventIdOf(item.body) === eventId);
  await waitFor('the worker batch report', async () => deliveredRecords().length > 0);
  const delivered = deliveredRecords();
  expect(delivered).toHaveLength(1);
  const sqsRecord = delivered[0];
  expect(sqsRecord).toMatchObject({
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders-main-queue',
    awsRegion: 'us-east-1',
    md5OfBody: createHash('md5').update(sqsRecord.body).digest('hex'),
    attributes: expect.objectContaining({ ApproximateReceiveCount: '1', SentTimestamp: expect.any(String) }),
  });
  // ...whose body is the EventBridge envelope of the documented OrderCreated event.
  const envelope = JSON.parse(sqsRecord.body);
  expect(envelope).toMatchObject({ 'version': '0', 'id': expect.any(String), 'detail-type': 'OrderCreated', 'source': 'myapp.orders', 'region': 'us-east-1' });
  expect(Object.keys(envelope.detail).sort()).toEqual(['createdAt', 'customerId', 'eventId', 'items', 'orderId', 'schemaVersion']);
  expect(envelope.detail).toEqual({
    schemaVersion: '1.1',
    eventId,
    orderId,
    createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    customerId: 'cust-123',
    items: GOOD_ORDER.items,
  });

  await waitFor('the main queue to be empty', async () => (await queueDepth(run!.sqs, local.outputs.MainQueueUrl)) === 0);
  expect(run.logged('api', 'order_accepted', eventId)).toHaveLength(1);
  expect(run.logged('worker', 'order_processed', eventId)).toEqual([expect.objectContaining({ orderId, outcome: 'processed' })]);
  expect(await queueDepth(run.sqs, local.outputs.DlqUrl)).toBe(0);
});

test('the same SQS message delivered twice is processed once; the second delivery is logged as a duplicate', async () => {
  // Pollers off: the test receives the message itself and hands it to the runner's delivery path twice,
  // as SQS does when a visibility timeout expires or a delete is lost after a successful invocation.
  run = await runWorkflow(emulator.endpoint(), appDir(), { pollQueue: false });
  const { local } = run;
  const { body: { eventId } } = await postOrder(local.apiUrl, GOOD_ORDER);
  const [message] = await waitFor('the event in the main queue', async () => {
    const messages = await receiveAll(run!.sqs, local.outputs.MainQueueUrl);
    return messages.length > 0 && messages;
  });
  expect(eventIdOf(message.Body)).toBe(eventId);

  const first = await local.worker.deliver([message]);
  expect(first).toMatchObject({ outcome: 'ok', failedMessageIds: [], deletedMessageIds: [message.MessageId] });
  const completed = await committedWork(run.dynamodb, local.outputs, eventId);
  expect(completed).toBeDefined();

  const second = await local.worker.deliver([message]);
  expect(second).toMatchObject({ outcome: 'ok', failedMessageIds: [] });
  expect(second.event.Records[0].messageId).toBe(message.MessageId);

  expect(run.logged('worker', 'order_processed', eventId)).toHaveLength(1);
  expect(run.logged('worker', 'duplicate', eventId)).toEqual([
    expect.objectContaining({ messageId: message.MessageId, outcome: 'duplicate_ignored', originalProcessedAt: completed?.processedAt }),
  ]);
  // The duplicate did not touch the stored result.
  expect(await committedWork(run.dynamodb, local.outputs, eventId)).toEqual(completed);
});

test('the same event published twice (two SQS messages) is processed once; the second is logged as a duplicate', async () => {
  // A 3 s worker timeout (visibility 6 s) instead of 1 s: a loaded machine must not time the worker out, only duplicates are under test.
  run = await runWorkflow(emulator.endpoint(), appDir(), { visibilityTimeoutSeconds: 6 });
  const { local } = run;
  const eventBridge = new EventBridgeClient(emulatorClientConfig(emulator.endpoint()));
  const detail = {
    schemaVersion: '1.0',
    eventId: '6b0e3a43-7a4e-4f5c-9a53-3d0c0f1d2e11',
    orderId: 'order-published-twice',
    createdAt: new Date().toISOString(),
    items: [{ sku: 'SKU-9', qty: 3 }],
  };
  // A producer retry: PutEvents of the same event, twice.
  for (let attempt = 0; attempt < 2; attempt++) {
    const output = await eventBridge.send(new PutEventsCommand({
      Entries: [{ EventBusName: local.outputs.EventBusName, Source: 'myapp.orders', DetailType: 'OrderCreated', Detail: JSON.stringify(detail) }],
    }));
    expect(output.FailedEntryCount).toBe(0);
  }
  eventBridge.destroy();

  // At least one of each; exact counts are asserted below, where a mismatch shows its numbers.
  await waitFor('a processing and a duplicate', () =>
    run!.logged('worker', 'order_processed', detail.eventId).length >= 1 && run!.logged('worker', 'duplicate', detail.eventId).length >= 1, 30_000);
  await waitFor('the main queue to be empty', async () => (await queueDepth(run!.sqs, local.outputs.MainQueueUrl)) === 0);

  // Batch reports arrive once each invocation has returned and its deletes are done.
  const deliveredIds = () => new Set(run!.batches.flatMap((batch) => batch.event.Records)
    .filter((item) => eventIdOf(item.body) === detail.eventId).map((item) => item.messageId));
  await waitFor('both deliveries reported', () => deliveredIds().size >= 2);
  expect(deliveredIds().size).toBe(2);
  expect(run.logged('worker', 'order_processed', detail.eventId)).toHaveLength(1);
  // Usually one; more only if a loaded machine timed out an invocation after the work was committed and SQS redelivered its message.
  const duplicates = run.logged('worker', 'duplicate', detail.eventId);
  expect(duplicates.length).toBeGreaterThanOrEqual(1);
  expect(duplicates.every((line) => deliveredIds().has(line.messageId as string))).toBe(true);
  expect(await committedWork(run.dynamodb, local.outputs, detail.eventId)).toBeDefined();
  expect(await queueDepth(run.sqs, local.outputs.DlqUrl)).toBe(0);
});

test('FAIL-ME in a batch with good orders: the good ones are processed, the bad one is retried and in the DLQ after exactly maxReceiveCount receives', async () => {
  // 4 s: the worker gets 2 s per attempt, enough on a loaded 2-core CI machine to fail by FAIL-ME
  // rather than by a timeout (at 1 s its 0.5 s did not cover a cold worker process there).
  run = await runWorkflow(emulator.endpoint(), appDir(), { pollQueue: false, visibilityTimeoutSeconds: 4 });
  const { local } = run;
  const maxReceiveCount = local.worker.maxReceiveCount!;
  expect(maxReceiveCount).toBe(5); // the construct's default, read from the template

  // Four good orders and one poison order wait in the queue, so the first receive takes all five.
  const good: string[] = [];
  for (let index = 0; index < 4; index++) good.push((await postOrder(local.apiUrl, { ...GOOD_ORDER, customerId: `cust-${index}` })).body.eventId);
  const bad: string = (await postOrder(local.apiUrl, FAILING_ORDER)).body.eventId;
  await waitFor('five messages in the main queue', async () => (await queueDepth(run!.sqs, local.outputs.MainQueueUrl)) === 5);
  local.worker.startPolling();

  const [parked] = await waitFor('the poison message in the DLQ', async () => {
    const messages = await receiveAll(run!.sqs, local.outputs.DlqUrl, 0);
    return messages.length > 0 && messages;
  }, 90_000);
  expect(eventIdOf(parked.Body)).toBe(bad);

  const first = run.batches[0];
  expect(first.event.Records).toHaveLength(5);
  const badMessageId = first.event.Records.find((item) => eventIdOf(item.body) === bad)!.messageId;
  expect(first).toMatchObject({ outcome: 'ok', failedMessageIds: [badMessageId] });
  expect(first.deletedMessageIds).toHaveLength(4);
  expect(first.deletedMessageIds).not.toContain(badMessageId);

  // Exactly maxReceiveCount deliveries, receive counts 1..N, then SQS moved it on the next receive.
  const deliveries = run.batches.flatMap((batch) => batch.event.Records).filter((item) => item.messageId === badMessageId);
  expect(deliveries.map((item) => Number(item.attributes.ApproximateReceiveCount))).toEqual([1, 2, 3, 4, 5]);
  expect(parked.MessageId).toBe(badMessageId);

  for (const eventId of good) {
    expect(await committedWork(run.dynamodb, local.outputs, eventId)).toBeDefined();
    expect(run.logged('worker', 'order_processed', eventId)).toHaveLength(1);
  }
  // Powertools deleted the failed attempts' claims: a replay will be processed, not taken for a duplicate.
  expect(await idempotencyRecord(run.dynamodb, local.outputs.DynamoTableName, bad)).toBeUndefined();
  expect(run.logged('worker', 'processing_failed', bad)).toHaveLength(maxReceiveCount);
  expect(await queueDepth(run.sqs, local.outputs.MainQueueUrl)).toBe(0);
});

describe('the local API behaves like API Gateway', () => {
  beforeEach(async () => {
    run = await runWorkflow(emulator.endpoint(), appDir(), { pollQueue: false });
  });

  test('CORS preflight from the template (OPTIONS mock): each allowed origin, and the static answer for others', async () => {
    const preflight = (origin: string) => fetch(`${run!.local.apiUrl}/orders`, {
      method: 'OPTIONS',
      headers: { 'Origin': origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:5173']) {
      const response = await preflight(origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS');
      expect(response.headers.get('access-control-allow-headers')).toContain('Content-Type');
    }
    // API Gateway's mock answers a foreign origin with the first allowed one: the browser then blocks it.
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  test('403 Missing Authentication Token for unknown routes and methods; the /prod stage prefix works', async () => {
    for (const [method, route] of [['GET', '/nope'], ['PUT', '/orders'], ['DELETE', '/orders'], ['POST', '/orders/1'], ['GET', '/orders/1/x']]) {
      const response = await fetch(`${run!.local.apiUrl}${route}`, { method });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    }
    const json = { 'Content-Type': 'application/json' };
    expect((await fetch(`${run!.local.apiUrl}/prod/orders`, { method: 'POST', headers: json, body: '{"items":[{"sku":"A","qty":1}]}' })).status).toBe(202);
  });

  test('413 for a body over 10 MB (API Gateway\'s limit), 400 from the handler for a body over its 64 KiB', async () => {
    const tooLarge = await fetch(`${run!.local.apiUrl}/orders`, { method: 'POST', body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ message: 'Request Too Long' });
    const large = await fetch(`${run!.local.apiUrl}/orders`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ items: [{ sku: 'x'.repeat(70_000), qty: 1 }] }),
    });
    expect(large.status).toBe(400);
  });
});
