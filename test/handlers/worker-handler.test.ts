/**
 * The worker against an in-memory idempotency table: partial batch failures, duplicates,
 * retries after a failure, failure injection and crash recovery.
 */
import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { envelope, lambdaContext, orderDetail, sqsEvent, sqsRecord } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { Env, loadWorkerHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS, readWorkerConfig } from '../../lambda/worker/config';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

function setUp(env: Env = {}, tableOptions = {}) {
  const worker = loadWorkerHandler(env);
  const table = new FakeIdempotencyTable(worker, tableOptions);
  const processOrder = worker.processor;
  const run = (...records: SQSRecord[]) => worker.handler(sqsEvent(...records), lambdaContext());
  const { dynamoDb, sdk } = worker;
  // The idempotency layer's calls; the order-state writes (orders table) are asserted on their own.
  const onIdempotencyTable = <C extends { args: [{ input: { TableName?: string } }] }>(all: C[]) =>
    all.filter((call) => call.args[0].input.TableName === 'orders-idempotency');
  const calls = {
    put: () => onIdempotencyTable(dynamoDb.commandCalls(sdk.PutItemCommand)),
    delete: () => onIdempotencyTable(dynamoDb.commandCalls(sdk.DeleteItemCommand)),
    get: () => onIdempotencyTable(dynamoDb.commandCalls(sdk.GetItemCommand)),
    update: () => onIdempotencyTable(dynamoDb.commandCalls(sdk.UpdateItemCommand)),
  };
  return { worker, table, processOrder, run, calls };
}

const good = (detail = orderDetail()) => ({ detail, record: sqsRecord(envelope(detail)) });
const failMe = () => good(orderDetail({ items: [{ sku: 'SKU-1', qty: 1 }, { sku: 'FAIL-ME', qty: 1 }] }));

describe('a mixed batch', () => {
  test('returns exactly the failing messageIds and completes the rest', async () => {
    const { run, table, processOrder, calls } = setUp();
    const first = good();
    const poisoned = failMe();
    const malformed = sqsRecord('{"detail": ');
    const last = good();

    const response = await run(first.record, poisoned.record, malformed, last.record);

    const failedIds = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    expect(failedIds.sort()).toEqual([poisoned.record.messageId, malformed.messageId].sort());
    // FAIL-ME fails in the runtime, before the processor.
    expect(processOrder.mock.calls.map(([detail]) => detail.eventId).sort()).toEqual([first.detail.eventId, last.detail.eventId].sort());
    // Two claims, each completed by its order's PROCESSED record (no completion write); the FAIL-ME
    // claim was taken and then released; the malformed record never claimed.
    expect(table.records().map((record) => record.status)).toEqual(['INPROGRESS', 'INPROGRESS']);
    expect(calls.update()).toHaveLength(0);
    expect(calls.put()).toHaveLength(3);
    expect(calls.delete()).toHaveLength(1);

    expect(logs.withMsg('order_processed').map((line) => line.eventId).sort()).toEqual([first.detail.eventId, last.detail.eventId].sort());
    const failures = logs.withMsg('processing_failed');
    expect(failures).toHaveLength(2);
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'ERROR',
          outcome: 'failed',
          eventId: poisoned.detail.eventId,
          orderId: poisoned.detail.orderId,
          messageId: poisoned.record.messageId,
          errorMessage: expect.stringContaining('FAIL-ME'),
        }),
        expect.objectContaining({ level: 'ERROR', outcome: 'failed', messageId: malformed.messageId, errorMessage: 'Record body is not valid JSON' }),
      ]),
    );
  });

  test('when every record fails, the invocation fails (Powertools default): SQS retries them all and the Errors metric counts it', async () => {
    const { run } = setUp();

    await expect(run(failMe().record, sqsRecord('not json'))).rejects.toThrow(/All records failed processing/);
    expect(logs.withMsg('processing_failed')).toHaveLength(2);
  });

  test('an empty batch succeeds', async () => {
    const { run } = setUp();

    await expect(run()).resolves.toEqual({ batchItemFailures: [] });
  });
});

describe('invalid events', () => {
  const cases: Array<[string, string, { eventId?: unknown; orderId?: unknown }]> = [
    ['a body that is not JSON', 'not json', {}],
    ['an envelope without detail', JSON.stringify({ 'source': 'myapp.orders', 'detail-type': 'OrderCreated' }), {}],
    ['a detail without eventId', envelope({ ...orderDetail({ orderId: 'o-1' }), eventId: undefined }), { orderId: 'o-1' }],
    ['an unknown schema version', envelope(orderDetail({ eventId: 'e-2', orderId: 'o-2', schemaVersion: '2.0' as '1.0' })), { eventId: 'e-2', orderId: 'o-2' }],
    ['no items', envelope(orderDetail({ eventId: 'e-3', orderId: 'o-3', items: [] })), { eventId: 'e-3', orderId: 'o-3' }],
    ['a bad qty', envelope(orderDetail({ eventId: 'e-4', orderId: 'o-4', items: [{ sku: 'SKU-1', qty: 0 }] })), { eventId: 'e-4', orderId: 'o-4' }],
    ['a createdAt that is not a timestamp', envelope(orderDetail({ eventId: 'e-5', createdAt: 'yesterday' })), { eventId: 'e-5', orderId: expect.stringMatching(/^order-/) }],
    ['an eventId that is not a string', envelope({ ...orderDetail({ orderId: 'o-6' }), eventId: 6 }), { orderId: 'o-6' }],
    ['a JSON body that is not an object', '"hello"', {}],
  ];

  test.each(cases)('%s fails the record without claiming a key or processing it', async (_case, body, ids) => {
    const { run, processOrder, calls } = setUp();
    const bad = sqsRecord(body);

    const response = await run(bad, good().record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(processOrder).toHaveBeenCalledTimes(1);
    expect(calls.put()).toHaveLength(1);
    const [line] = logs.withMsg('processing_failed');
    expect(line).toMatchObject({ level: 'ERROR', outcome: 'failed', messageId: bad.messageId, errorMessage: expect.any(String) });
    expect({ eventId: line.eventId, orderId: line.orderId }).toEqual({ eventId: ids.eventId, orderId: ids.orderId });
  });

  test('the failure names each bad field in words (zod\'s English messages, not "Invalid input")', async () => {
    const { run } = setUp();
    const bad = sqsRecord(envelope(orderDetail({ schemaVersion: '2.0' as '1.0', createdAt: 'yesterday' })));

    await run(bad, good().record);

    const [line] = logs.withMsg('processing_failed');
    expect(line.errorMessage).toBe('Invalid OrderCreated event: detail.schemaVersion Invalid option: expected one of "1.0"|"1.1"; detail.createdAt Invalid ISO datetime');
  });

  test('a detail with hundreds of bad fields still logs one bounded line', async () => {
    const { run } = setUp();
    const items = Array.from({ length: 100 }, () => ({ sku: '', qty: 0, extra: 1 }));
    const bad = sqsRecord(envelope({ ...orderDetail(), items }));

    await run(bad, good().record);

    const [line] = logs.withMsg('processing_failed');
    expect((line.error as { fieldErrors: unknown[] }).fieldErrors).toHaveLength(20);
    expect(JSON.stringify(line).length).toBeLessThan(16_000);
  });

  test('a record of ~256 KiB with huge ids, sku and unknown keys still logs one line well under the CloudWatch event limit', async () => {
    const { run } = setUp();
    const huge = (char: string, length: number) => char.repeat(length);
    const detail = {
      ...orderDetail(),
      eventId: huge('E', 60_000),
      orderId: huge('O', 60_000),
      customerId: huge('C', 40_000),
      items: [{ sku: huge('S', 30_000), qty: 1, [huge('K', 30_000)]: 1 }],
      [huge('U', 30_000)]: 'unknown',
    };
    const bad = sqsRecord(envelope(detail), huge('M', 10_000));
    expect(Buffer.byteLength(bad.body)).toBeGreaterThan(250_000);

    const response = await run(bad, good().record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    const [line] = logs.withMsg('processing_failed');
    expect(Buffer.byteLength(JSON.stringify(line))).toBeLessThan(48 * 1024);
    expect(line).toMatchObject({
      level: 'ERROR',
      outcome: 'failed',
      eventId: `${huge('E', 256)}...[truncated, 60000 chars]`,
      orderId: `${huge('O', 256)}...[truncated, 60000 chars]`,
      messageId: `${huge('M', 256)}...[truncated, 10000 chars]`,
      errorMessage: expect.stringContaining('detail.eventId must be at most 128 characters'),
    });
    expect((line.error as { ids: Record<string, string> }).ids.eventId).toHaveLength(256 + '...[truncated, 60000 chars]'.length);
  });

  test('an envelope without `account` (as moto delivers it) and with extra detail fields is accepted', async () => {
    const { run, processOrder } = setUp();
    const detail = { ...orderDetail(), addedLater: true };

    const response = await run(sqsRecord(envelope(detail)));

    expect(response.batchItemFailures).toEqual([]);
    const context = expect.objectContaining({ attempt: 1, maxAttempts: 3 });
    expect(processOrder).toHaveBeenCalledWith(expect.not.objectContaining({ addedLater: true }), context);
  });
});

describe('duplicates', () => {
  test('a second delivery of a completed eventId is a success that does not process again', async () => {
    const { run, processOrder, calls } = setUp();
    const { detail, record } = good();

    await run(record);
    const redelivery = sqsRecord(record.body); // a new SQS message with the same event
    const response = await run(redelivery, good().record);

    expect(response.batchItemFailures).toEqual([]);
    expect(processOrder.mock.calls.filter(([processed]) => processed.eventId === detail.eventId)).toHaveLength(1);
    expect(logs.withMsg('order_processed').filter((line) => line.eventId === detail.eventId)).toHaveLength(1);

    const duplicates = logs.withMsg('duplicate');
    expect(duplicates).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'duplicate',
        outcome: 'duplicate_ignored',
        eventId: detail.eventId,
        orderId: detail.orderId,
        messageId: redelivery.messageId,
        originalProcessedAt: expect.any(String),
      }),
    ]);
    // Powertools read the claim from the failed conditional put (ReturnValuesOnConditionCheckFailure): still
    // IN_PROGRESS, and the order's PROCESSED record says its work is done.
    const secondClaim = calls.put()[1].args[0].input;
    expect(secondClaim.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    await expect(calls.put()[1].returnValue).rejects.toMatchObject({ name: 'ConditionalCheckFailedException', Item: expect.anything() });
    expect(calls.get()).toHaveLength(0);
    expect(calls.update()).toHaveLength(0);
  });

  test('the same event twice in one batch: one is processed, the other is retried and then recognised as a duplicate', async () => {
    const { run, processOrder } = setUp();
    const { detail, record } = good();
    const twin = sqsRecord(record.body);

    const first = await run(record, twin, good().record);
    // Records run in parallel: the twin finds the claim IN_PROGRESS and must not be lost or double-processed.
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: twin.messageId }]);

    const retry = await run(twin);

    expect(retry.batchItemFailures).toEqual([]);
    expect(processOrder.mock.calls.filter(([processed]) => processed.eventId === detail.eventId)).toHaveLength(1);
    expect(logs.withMsg('duplicate').map((line) => line.messageId)).toEqual([twin.messageId]);
  });

  test('a store that does not return the old item makes Powertools read it back (GetItem)', async () => {
    const { run, processOrder, calls } = setUp({}, { returnOldItemOnConditionFailure: false });
    const { record } = good();

    await run(record);
    const response = await run(sqsRecord(record.body));

    expect(response.batchItemFailures).toEqual([]);
    expect(processOrder).toHaveBeenCalledTimes(1);
    expect(calls.get()).toHaveLength(1);
    expect(logs.withMsg('duplicate')).toHaveLength(1);
  });

  test('an eventId completed by another container is not processed here', async () => {
    const { run, table, processOrder } = setUp();
    const { detail, record } = good();
    await run(record);
    const [claim] = [...table.items.values()];
    const [order] = [...table.orderItems.values()];

    // A fresh container (new module graph, empty memory) sharing the same tables.
    const other = setUp();
    other.table.seed(claim);
    other.table.seed(order);
    const response = await other.run(sqsRecord(record.body));

    expect(response.batchItemFailures).toEqual([]);
    expect(processOrder).toHaveBeenCalledTimes(1);
    expect(other.processOrder).not.toHaveBeenCalled();
    expect(logs.withMsg('duplicate')[0]).toMatchObject({ eventId: detail.eventId, orderId: detail.orderId });
  });
});

describe('a failure after the claim', () => {
  test('releases the claim, so the next delivery is processed rather than taken for a duplicate', async () => {
    const { run, table, processOrder, calls } = setUp();
    const { detail, record } = good();
    processOrder.mockRejectedValueOnce(new Error('downstream timeout'));

    const firstAttempt = await run(record, good().record);

    expect(firstAttempt.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(calls.delete()).toHaveLength(1);
    expect(table.records()).toHaveLength(1); // only the other order's claim
    expect(logs.withMsg('processing_failed')[0]).toMatchObject({ eventId: detail.eventId, errorMessage: 'downstream timeout' });

    const redelivery = await run(sqsRecord(record.body, record.messageId, 2));

    expect(redelivery.batchItemFailures).toEqual([]);
    expect(processOrder.mock.calls.filter(([processed]) => processed.eventId === detail.eventId)).toHaveLength(2);
    expect(logs.withMsg('duplicate')).toHaveLength(0);
    expect(logs.withMsg('order_processed').filter((line) => line.eventId === detail.eventId)).toHaveLength(1);
    expect(table.records()).toHaveLength(2);
    expect(table.orders().find((order) => order.eventId === detail.eventId)?.status).toBe('PROCESSED');
  });

  test('a FAIL-ME order fails on every delivery (it heads for the DLQ) and is never marked completed', async () => {
    const { run, table, processOrder } = setUp({ FAILURE_INJECTION_ENABLED: 'true' });
    const poisoned = failMe();

    for (let receiveCount = 1; receiveCount <= 5; receiveCount++) {
      const response = await run(sqsRecord(poisoned.record.body, poisoned.record.messageId, receiveCount), good().record);
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: poisoned.record.messageId }]);
    }

    // The runtime injects the failure before any processor runs.
    expect(processOrder.mock.calls.filter(([detail]) => detail.eventId === poisoned.detail.eventId)).toHaveLength(0);
    expect(logs.withMsg('duplicate')).toHaveLength(0);
    expect(logs.withMsg('processing_failed').map((line) => line.receiveCount)).toEqual(['1', '2', '3', '4', '5']);
    expect(table.records()).toHaveLength(5); // the good orders' claims: the FAIL-ME claim is released every time
    expect(table.orders().find((order) => order.eventId === poisoned.detail.eventId)?.status).not.toBe('PROCESSED');
  });

  test('a claim left IN_PROGRESS by a crashed invocation is taken over once it expires', async () => {
    const { run, table, processOrder } = setUp();
    const { detail, record } = good();
    await run(record);
    const [claim] = [...table.items.values()];
    table.items.clear();
    // It died before its effect, so no PROCESSED record either (one that exists is covered below).
    table.orderItems.clear();
    // What a Lambda that timed out after claiming leaves behind: its in-progress window has passed.
    table.seed({ ...claim, status: { S: 'INPROGRESS' }, in_progress_expiration: { N: String(Date.now() - 1_000) } });
    processOrder.mockClear();

    const response = await run(sqsRecord(record.body));

    expect(response.batchItemFailures).toEqual([]);
    expect(processOrder).toHaveBeenCalledTimes(1);
    expect(processOrder.mock.calls[0][0].eventId).toBe(detail.eventId);
    expect(table.orders()).toEqual([expect.objectContaining({ eventId: detail.eventId, status: 'PROCESSED' })]);
  });

  test('a claim still IN_PROGRESS elsewhere is retried later, not processed twice', async () => {
    const { run, table, processOrder } = setUp();
    const { record } = good();
    await run(record);
    const [claim] = [...table.items.values()];
    table.seed({ ...claim, status: { S: 'INPROGRESS' }, in_progress_expiration: { N: String(Date.now() + 20_000) } });
    // Still running: its order not yet recorded.
    table.orderItems.clear();
    processOrder.mockClear();

    const redelivery = sqsRecord(record.body);
    const response = await run(redelivery, good().record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: redelivery.messageId }]);
    expect(processOrder).toHaveBeenCalledTimes(1); // only the other order
    expect(logs.withMsg('processing_failed')[0].errorMessage).toMatch(/already an execution in progress/);
  });

  test('when releasing the claim fails too, the log keeps the processing error first and the release failure second', async () => {
    const { worker, run, table, processOrder } = setUp();
    const { detail, record } = good();
    processOrder.mockRejectedValueOnce(new Error('downstream timeout'));
    worker.dynamoDb.on(worker.sdk.DeleteItemCommand).rejects(new Error('ServiceUnavailable: try again'));

    const response = await run(record, good().record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    const [line] = logs.withMsg('processing_failed');
    expect(line).toMatchObject({
      level: 'ERROR',
      eventId: detail.eventId,
      errorMessage: 'downstream timeout',
      error: expect.objectContaining({ name: 'Error', message: 'downstream timeout' }),
      releaseErrorMessage: 'Failed to delete record from idempotency store: ServiceUnavailable: try again',
      releaseError: expect.objectContaining({ name: 'IdempotencyPersistenceLayerError' }),
    });
    // The claim was not released: it stays IN_PROGRESS until the invocation's deadline, so a
    // redelivery before then is retried later instead of running the order a second time.
    const claim = table.records().find((item) => item.status === 'INPROGRESS');
    expect(claim).toBeDefined();
    const early = await run(sqsRecord(record.body, record.messageId, 2), good().record);
    expect(early.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(logs.withMsg('processing_failed')[1].errorMessage).toMatch(/already an execution in progress/);
  });

  test('an idempotency store outage fails the record before any processing', async () => {
    const { worker, run, processOrder } = setUp();
    worker.dynamoDb.on(worker.sdk.PutItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    const { record } = good();

    await expect(run(record)).rejects.toThrow(/All records failed processing/);
    expect(processOrder).not.toHaveBeenCalled();
    expect(logs.withMsg('processing_failed')[0].errorMessage).toBe('Failed to save in progress record to idempotency store');
  });
});

describe('the claim written to the table', () => {
  test('uses the Powertools attribute names, the configured expiry, and the invocation deadline', async () => {
    const { run, table, calls } = setUp({ IDEMPOTENCY_EXPIRY_SECONDS: '3600' });
    const before = Date.now();

    await run(good().record);

    const claim = calls.put()[0].args[0].input;
    expect(claim.TableName).toBe('orders-idempotency');
    const [record] = table.records();
    // No `data`: the order's PROCESSED record is the completion, so the claim is never updated.
    expect(Object.keys(record).sort()).toEqual(['expiration', 'id', 'in_progress_expiration', 'status', 'validation']);
    // A fixed prefix (not the function name) and Powertools' md5 of the eventId, base64.
    expect(record.id).toMatch(/^orders-worker\.order-created#[A-Za-z0-9+/]{22}==$/);
    expect(record.expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 3600);
    expect(record.expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3600);
    // lambdaContext() reports 30 s left: the claim can be taken over once this invocation would have timed out.
    expect(record.in_progress_expiration).toBeGreaterThanOrEqual(before + 30_000);
    expect(record.in_progress_expiration).toBeLessThanOrEqual(Date.now() + 30_000);
  });

  test('is keyed on the event, not the message: the API republishing an eventId later (new envelope, later createdAt) is a duplicate', async () => {
    const { run, table, processOrder } = setUp();
    const detail = orderDetail({ createdAt: '2030-01-01T00:00:00.000Z' });

    await run(sqsRecord(envelope(detail)));
    // What the API sends when it died after PutEvents and the client retried with the same key and body.
    const republished = await run(sqsRecord(envelope({ ...detail, createdAt: '2030-01-01T00:00:07.000Z' })));

    expect(republished.batchItemFailures).toEqual([]);
    expect(table.items.size).toBe(1);
    expect(processOrder).toHaveBeenCalledTimes(1);
    expect(logs.withMsg('duplicate')).toHaveLength(1);
    expect(logs.withMsg('processing_failed')).toHaveLength(0);
  });
});

describe('an eventId reused for a different order', () => {
  const changes: Array<[string, (detail: ReturnType<typeof orderDetail>) => Partial<ReturnType<typeof orderDetail>>]> = [
    ['another orderId', () => ({ orderId: 'order-someone-else' })],
    ['another customerId', () => ({ customerId: 'someone-else' })],
    ['no customerId', () => ({ customerId: undefined })],
    ['another qty', (detail) => ({ items: [{ ...detail.items[0], qty: detail.items[0].qty + 1 }] })],
    ['another sku', (detail) => ({ items: [{ ...detail.items[0], sku: 'SKU-OTHER' }] })],
    ['one more item', (detail) => ({ items: [...detail.items, { sku: 'SKU-2', qty: 1 }] })],
  ];

  test.each(changes)('(%s) fails loudly on every delivery, is never processed and never acknowledged', async (_case, change) => {
    const { run, processOrder, table } = setUp();
    const { detail, record } = good();
    await run(record);
    const conflicting = sqsRecord(envelope({ ...detail, ...change(detail) }));

    for (let receiveCount = 1; receiveCount <= 3; receiveCount++) {
      const response = await run(sqsRecord(conflicting.body, conflicting.messageId, receiveCount), good().record);
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: conflicting.messageId }]);
    }

    expect(processOrder.mock.calls.filter(([processed]) => processed.eventId === detail.eventId)).toHaveLength(1);
    expect(logs.withMsg('duplicate')).toHaveLength(0);
    const failures = logs.withMsg('processing_failed');
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatchObject({
      level: 'ERROR',
      eventId: detail.eventId,
      messageId: conflicting.messageId,
      errorMessage: expect.stringMatching(/^eventId already used for a different order: .*IdempotencyValidationError/),
      error: expect.objectContaining({ name: 'EventIdConflictError', cause: expect.objectContaining({ name: 'IdempotencyValidationError' }) }),
    });
    // The first order's claim is neither taken over nor completed: 4 claims (the first, the 3 good orders).
    expect(table.records().map((item) => item.status)).toEqual(['INPROGRESS', 'INPROGRESS', 'INPROGRESS', 'INPROGRESS']);
  });

  test('after the first claim\'s in-progress expiry, the conflicting event still cannot take the claim over: it fails, never processed', async () => {
    const { run, table, processOrder } = setUp();
    const { detail, record } = good();
    await run(record);
    const [claim] = [...table.items.values()];
    // The first order's claim stays IN_PROGRESS (its PROCESSED record is the completion) and its invocation is long over.
    table.seed({ ...claim, in_progress_expiration: { N: String(Date.now() - 1_000) } });
    processOrder.mockClear();

    const conflicting = sqsRecord(envelope({ ...detail, orderId: 'order-someone-else' }));
    const response = await run(conflicting, good().record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: conflicting.messageId }]);
    expect(processOrder).toHaveBeenCalledTimes(1); // only the other order
    expect(logs.withMsg('processing_failed')[0].errorMessage).toMatch(/^eventId already used for a different order/);
  });

  test('while the first is still in progress, the conflict is reported as such (not as "in progress")', async () => {
    const { run, table, processOrder } = setUp();
    const { detail, record } = good();
    await run(record);
    const [claim] = [...table.items.values()];
    table.seed({ ...claim, status: { S: 'INPROGRESS' }, in_progress_expiration: { N: String(Date.now() + 20_000) } });
    processOrder.mockClear();

    const conflicting = sqsRecord(envelope({ ...detail, orderId: 'order-someone-else' }));
    const response = await run(conflicting, good().record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: conflicting.messageId }]);
    expect(processOrder).toHaveBeenCalledTimes(1); // only the other order
    expect(logs.withMsg('processing_failed')[0].errorMessage).toMatch(/^eventId already used for a different order/);
  });

  test('a completion record written before payload validation (no hash) still recognises its duplicates', async () => {
    const { run, table, processOrder } = setUp();
    const { detail, record } = good();
    await run(record);
    const [claim] = [...table.items.values()];
    const { validation, ...withoutHash } = claim;
    expect(validation).toBeDefined();
    table.items.clear();
    // That version completed its claims with the result; no order record is needed to recognise the duplicate.
    table.seed({ ...withoutHash, status: { S: 'COMPLETED' }, data: { M: { orderId: { S: detail.orderId }, eventId: { S: detail.eventId }, processedAt: { S: '2026-01-01T00:00:00.000Z' } } } });
    table.orderItems.clear();
    processOrder.mockClear();

    const redelivery = sqsRecord(record.body);
    const response = await run(redelivery);

    expect(response.batchItemFailures).toEqual([]);
    expect(processOrder).not.toHaveBeenCalled();
    expect(logs.withMsg('duplicate')).toEqual([expect.objectContaining({ eventId: detail.eventId, messageId: redelivery.messageId, originalProcessedAt: expect.any(String) })]);
  });
});

describe('failure injection', () => {
  test('on (the default): a FAIL-ME order fails', async () => {
    const { run } = setUp();
    const poisoned = failMe();

    const response = await run(poisoned.record, good().record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poisoned.record.messageId }]);
    expect(logs.withMsg('processing_failed')[0].errorMessage).toContain('FAIL-ME');
  });

  test('off: a FAIL-ME order is processed like any other', async () => {
    const { run } = setUp({ FAILURE_INJECTION_ENABLED: 'false' });
    const poisoned = failMe();

    const response = await run(poisoned.record);

    expect(response.batchItemFailures).toEqual([]);
    expect(logs.withMsg('order_processed')).toEqual([
      expect.objectContaining({ outcome: 'processed', eventId: poisoned.detail.eventId, orderId: poisoned.detail.orderId, itemCount: 2, totalQty: 2 }),
    ]);
  });

  test('a sku merely containing FAIL-ME is not a failure', async () => {
    const { run } = setUp();

    const response = await run(good(orderDetail({ items: [{ sku: 'FAIL-ME-NOT', qty: 1 }] })).record);

    expect(response.batchItemFailures).toEqual([]);
  });
});

describe('configuration', () => {
  test('defaults: seven-day expiry, failure injection on', () => {
    expect(readWorkerConfig({ IDEMPOTENCY_TABLE_NAME: 't', ORDERS_TABLE_NAME: 'o', MAX_RECEIVE_COUNT: '3' })).toEqual({
      idempotencyTableName: 't',
      idempotencyExpirySeconds: DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS,
      failureInjectionEnabled: true,
      ordersTableName: 'o',
      maxReceiveCount: 3,
    });
    expect(DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS).toBe(604_800);
    expect(readWorkerConfig({ IDEMPOTENCY_TABLE_NAME: 't', ORDERS_TABLE_NAME: 'o', MAX_RECEIVE_COUNT: '3', IDEMPOTENCY_EXPIRY_SECONDS: ' ', FAILURE_INJECTION_ENABLED: 'FALSE' })).toMatchObject({
      idempotencyExpirySeconds: DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS,
      failureInjectionEnabled: false,
    });
  });

  test.each([
    ['no table name', { IDEMPOTENCY_TABLE_NAME: undefined }, /IDEMPOTENCY_TABLE_NAME must be set/],
    ['a zero expiry', { IDEMPOTENCY_EXPIRY_SECONDS: '0' }, /IDEMPOTENCY_EXPIRY_SECONDS must be a positive whole number/],
    ['a worded expiry', { IDEMPOTENCY_EXPIRY_SECONDS: '7 days' }, /IDEMPOTENCY_EXPIRY_SECONDS must be a positive whole number/],
    ['a fractional expiry', { IDEMPOTENCY_EXPIRY_SECONDS: '1.5' }, /IDEMPOTENCY_EXPIRY_SECONDS must be a positive whole number/],
    ['a failure-injection flag that is not true/false', { FAILURE_INJECTION_ENABLED: 'yes' }, /FAILURE_INJECTION_ENABLED must be "true" or "false"/],
    ['no orders table name', { ORDERS_TABLE_NAME: ' ' }, /ORDERS_TABLE_NAME must be set/],
    ['no maxReceiveCount', { MAX_RECEIVE_COUNT: undefined }, /MAX_RECEIVE_COUNT must be a positive whole number/],
    ['a zero maxReceiveCount', { MAX_RECEIVE_COUNT: '0' }, /MAX_RECEIVE_COUNT must be a positive whole number/],
  ])('%s fails the cold start', (_case, env, message) => {
    expect(() => loadWorkerHandler(env)).toThrow(message);
  });
});

test('eventIds are compared exactly', async () => {
  const { run } = setUp();
  const detail = orderDetail({ eventId: randomUUID() });

  await run(sqsRecord(envelope(detail)));
  await run(sqsRecord(envelope({ ...detail, eventId: detail.eventId.toUpperCase() })));

  expect(logs.withMsg('duplicate')).toHaveLength(0);
  expect(logs.withMsg('order_processed')).toHaveLength(2);
});
