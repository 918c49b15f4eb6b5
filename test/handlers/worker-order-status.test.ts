/**
 * The worker's order-status writes against the in-memory table: PROCESSED, attempts and
 * lastError, FAILED on the last receive, no status moving backwards, and no second
 * processing when the idempotency layer's completion write fails after the effect.
 */
import type { SQSRecord } from 'aws-lambda';
import { envelope, lambdaContext, orderDetail, sqsEvent, sqsRecord } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { loadWorkerHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { toItem } from '../../lambda/shared/attribute-values';
import { acceptedRecord, applyOutcome, MAX_ERROR_LENGTH, MAX_HISTORY, OrderRecord } from '../../lambda/shared/order-state';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const OUTCOMES_ON = { OUTCOME_EVENT_BUS_NAME: 'orders-bus', EVENT_SOURCE: 'shop.orders' };

function setUp(env: Record<string, string> = {}) {
  const worker = loadWorkerHandler({ MAX_RECEIVE_COUNT: '3', ...env });
  const table = new FakeIdempotencyTable(worker);
  const processOrder = worker.processor;
  const run = (...records: SQSRecord[]) => worker.handler(sqsEvent(...records), lambdaContext());
  const order = (orderId: string) => table.orders().find((item) => item.orderId === orderId) as unknown as OrderRecord | undefined;
  return { table, processOrder, run, order };
}

const failMeDetail = () => orderDetail({ items: [{ sku: 'SKU-1', qty: 1 }, { sku: 'FAIL-ME', qty: 1 }] });

test('a processed order is PROCESSED, keyed by caller scope and orderId, with its facts and history', async () => {
  const { run, order } = setUp();
  const detail = orderDetail({ submittedBy: { type: 'cognito', id: 'sub|1', username: 'ann' } });

  await run(sqsRecord(envelope(detail), undefined, 2));

  const stored = order(detail.orderId)!;
  expect(stored).toMatchObject({
    id: `order#cognito:sub%7C1#${detail.orderId}`,
    scope: 'cognito:sub%7C1',
    status: 'PROCESSED',
    eventId: detail.eventId,
    createdAt: detail.createdAt,
    items: detail.items,
    attempts: 2,
    processedAt: expect.any(String),
  });
  expect(stored.history.map((change) => change.status)).toEqual(['ACCEPTED', 'PROCESSED']);
});

test('a FAIL-ME order keeps its status with attempts and lastError until its last receive, then is FAILED', async () => {
  const { run, order } = setUp();
  const detail = failMeDetail();

  await run(sqsRecord(envelope(detail), undefined, 1)).catch(() => undefined);
  expect(order(detail.orderId)).toMatchObject({ status: 'ACCEPTED', attempts: 1, lastError: expect.stringContaining('FAIL-ME') });
  await run(sqsRecord(envelope(detail), undefined, 2)).catch(() => undefined);
  expect(order(detail.orderId)).toMatchObject({ status: 'ACCEPTED', attempts: 2 });
  await run(sqsRecord(envelope(detail), undefined, 3)).catch(() => undefined);

  const stored = order(detail.orderId)!;
  expect(stored).toMatchObject({ status: 'FAILED', attempts: 3 });
  expect(stored.history.map((change) => change.status)).toEqual(['ACCEPTED', 'FAILED']);
});

test('a late duplicate never regresses a status: PROCESSED stays PROCESSED, FAILED stays FAILED on an early receive', async () => {
  const { run, order } = setUp();
  const processed = orderDetail();
  await run(sqsRecord(envelope(processed), undefined, 1));
  // A copy of the same event failing late (e.g. a redelivery racing the success) changes nothing.
  await run(sqsRecord(envelope({ ...processed, items: [{ sku: 'FAIL-ME', qty: 1 }] }), undefined, 3)).catch(() => undefined);
  expect(order(processed.orderId)).toMatchObject({ status: 'PROCESSED', attempts: 1 });
  expect(order(processed.orderId)!.lastError).toBeUndefined();

  const failed = failMeDetail();
  await run(sqsRecord(envelope(failed), undefined, 3)).catch(() => undefined);
  await run(sqsRecord(envelope(failed), undefined, 1)).catch(() => undefined);
  expect(order(failed.orderId)).toMatchObject({ status: 'FAILED', attempts: 3 });
});

test('FAILED then a successful replay is PROCESSED', async () => {
  const { run, order } = setUp();
  const detail = failMeDetail();
  await run(sqsRecord(envelope(detail), undefined, 3)).catch(() => undefined);
  expect(order(detail.orderId)!.status).toBe('FAILED');

  // The replay with failure injection off: the same event, processed now.
  const replay = loadWorkerHandler({ MAX_RECEIVE_COUNT: '3', FAILURE_INJECTION_ENABLED: 'false' });
  const table = new FakeIdempotencyTable(replay);
  const before = setUpFrom(order(detail.orderId)!);
  table.seed(before);
  await replay.handler(sqsEvent(sqsRecord(envelope(detail), undefined, 4)), lambdaContext());

  const after = table.orders()[0] as unknown as OrderRecord;
  expect(after.status).toBe('PROCESSED');
  expect(after.history.map((change) => change.status)).toEqual(['ACCEPTED', 'FAILED', 'PROCESSED']);
});

test('a failed completion write (outcome events on) does not process the order twice: the PROCESSED record of its eventId stops the retry', async () => {
  // Without outcome events there is no completion write: the PROCESSED record is the completion.
  const { run, table, processOrder, order } = setUp(OUTCOMES_ON);
  const detail = orderDetail();
  table.failNextUpdate = new Error('DynamoDB unavailable');

  // The only record failed, so the whole invocation fails (Powertools default).
  await expect(run(sqsRecord(envelope(detail), undefined, 1))).rejects.toThrow(/All records failed/);
  expect(order(detail.orderId)!.status).toBe('PROCESSED');
  // The claim stayed IN_PROGRESS; a redelivery after it expires takes it over.
  const [claim] = [...table.items.values()];
  table.seed({ ...claim, in_progress_expiration: { N: String(Date.now() - 1_000) } });

  const second = await run(sqsRecord(envelope(detail), undefined, 2));

  expect(second.batchItemFailures).toEqual([]);
  expect(processOrder).toHaveBeenCalledTimes(1);
  expect(logs.withMsg('order_processed')).toHaveLength(1);
  expect(logs.withMsg('duplicate')).toHaveLength(1);
  expect(order(detail.orderId)).toMatchObject({ status: 'PROCESSED', attempts: 1 });
  expect(order(detail.orderId)!.history.filter((change) => change.status === 'PROCESSED')).toHaveLength(1);
  expect(table.records()[0].status).toBe('COMPLETED');
});

test('a failing status write does not hide the processing error', async () => {
  const { run, table } = setUp();
  const detail = failMeDetail();
  table.seed(marshalled({ ...acceptedRecord(detail, detail.createdAt), version: 'not-a-number' as unknown as number }));

  const response = await run(sqsRecord(envelope(detail), undefined, 3)).catch((error: Error) => error);

  expect(String(response)).toMatch(/All records failed/);
  expect(logs.withMsg('processing_failed')[0].errorMessage).toContain('FAIL-ME');
  expect(logs.withMsg('order_state_write_failed')[0]).toMatchObject({ orderId: detail.orderId, status: 'FAILED' });
});

describe('applyOutcome', () => {
  const detail = orderDetail();
  const accepted = acceptedRecord(detail, detail.createdAt);

  test('bounds lastError and history', () => {
    let record: OrderRecord = accepted;
    for (let i = 0; i < MAX_HISTORY + 5; i++) {
      record = { ...applyOutcome(record, detail, { kind: 'failed', at: `t${i}`, attempts: 9, final: true, error: 'x'.repeat(2_000) })!, status: 'ACCEPTED' };
    }
    expect(record.lastError!.length).toBe(MAX_ERROR_LENGTH);
    expect(record.history).toHaveLength(MAX_HISTORY);
  });

  test('ignores an outcome of another event that reused the orderId', () => {
    expect(applyOutcome(accepted, { ...detail, eventId: 'other' }, { kind: 'processed', at: 'now', attempts: 1 })).toBeUndefined();
  });
});

function setUpFrom(record: OrderRecord) {
  return marshalled(record);
}

function marshalled(record: OrderRecord) {
  return toItem(record);
}

describe('reads of the order record', () => {
  const onOrdersTable = (calls: Array<{ args: [{ input: object }] }>) =>
    calls.filter((call) => (call.args[0].input as { TableName?: string }).TableName === 'orders-table');
  const ordersTableCalls = (worker: ReturnType<typeof loadWorkerHandler>, command: 'GetItemCommand' | 'PutItemCommand') =>
    onOrdersTable(command === 'GetItemCommand' ? worker.dynamoDb.commandCalls(worker.sdk.GetItemCommand) : worker.dynamoDb.commandCalls(worker.sdk.PutItemCommand));

  test('one read and one write per processed order: the record read for the settled check is the one the status write starts from', async () => {
    const worker = loadWorkerHandler({ MAX_RECEIVE_COUNT: '3' });
    const table = new FakeIdempotencyTable(worker);
    const detail = orderDetail();

    await worker.handler(sqsEvent(sqsRecord(envelope(detail))), lambdaContext());

    expect(table.orders().find((item) => item.orderId === detail.orderId)).toMatchObject({ status: 'PROCESSED' });
    expect(ordersTableCalls(worker, 'GetItemCommand')).toHaveLength(1);
    expect(ordersTableCalls(worker, 'PutItemCommand')).toHaveLength(1);
  });

  test('a record written by someone else after that read fails the conditional write, is read again, and is not overwritten', async () => {
    const worker = loadWorkerHandler({ MAX_RECEIVE_COUNT: '3' });
    const table = new FakeIdempotencyTable(worker);
    const detail = orderDetail();
    // The API's ACCEPTED write lands while the processor runs, after the worker's first read.
    worker.processor.mockImplementationOnce(async () => {
      table.seed(toItem(acceptedRecord(detail, detail.createdAt)) as Parameters<typeof table.seed>[0]);
    });

    await worker.handler(sqsEvent(sqsRecord(envelope(detail))), lambdaContext());

    const stored = table.orders().find((item) => item.orderId === detail.orderId)!;
    expect(stored).toMatchObject({ status: 'PROCESSED', version: 2 });
    expect((stored.history as Array<{ status: string }>).map((change) => change.status)).toEqual(['ACCEPTED', 'PROCESSED']);
    expect(ordersTableCalls(worker, 'GetItemCommand')).toHaveLength(2);
  });
});
