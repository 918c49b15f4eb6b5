/**
 * A record on its last attempt that is still running shortly before the invocation's deadline
 * is recorded FAILED (a timeout runs no catch block); if it completes after all, it ends
 * PROCESSED; other attempts are left to their retry; no deadline timer outlives an invocation.
 * Short real deadlines (a few hundred ms) against the in-memory table.
 */
import type { Context, SQSRecord } from 'aws-lambda';
import { envelope, lambdaContext, orderDetail, sqsEvent, sqsRecord } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { loadWorkerHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { deferred } from './support/worker-harness';
import type { OrderRecord } from '../../lambda/shared/order-state';
import { deadlineMarginMs, LastAttemptDeadlines } from '../../lambda/worker/last-attempt-deadline';

const MAX_RECEIVE_COUNT = 3;
/** The invocation's time left when it starts: the timer fires 10% (40 ms) before its end. */
const TIME_LEFT_MS = 400;
const TIMEOUT_ERROR = /^The attempt was still running \d+ ms before the function's timeout \(attempt 3 of 3\); the message goes to the dead-letter queue$/;

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

/** A context whose getRemainingTimeInMillis counts down from `ms`, as Lambda's does. */
function contextEnding(ms: number): Context {
  const deadline = Date.now() + ms;
  return lambdaContext({ getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(what: string, check: () => T | undefined | false, timeoutMs = 2_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Not seen within ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

const OUTCOMES_ON = { OUTCOME_EVENT_BUS_NAME: 'orders-bus', EVENT_SOURCE: 'shop.orders' };

function setUp(env: Record<string, string> = {}) {
  const worker = loadWorkerHandler({ MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT), ...env });
  const table = new FakeIdempotencyTable(worker);
  const processOrder = worker.processor;
  const run = (record: SQSRecord, context: Context = contextEnding(TIME_LEFT_MS)) => worker.handler(sqsEvent(record), context);
  const order = (orderId: string) => table.orders().find((item) => item.orderId === orderId) as unknown as OrderRecord | undefined;
  /** processOrder waits for `release` (the original runs then, or `release` rejects). */
  const hangProcessing = () => {
    const release = deferred<void>();
    processOrder.mockImplementation(async () => {
      await release.promise;
    });
    return release;
  };
  return { worker, table, run, order, hangProcessing };
}

test('a last attempt still running at the margin is FAILED with the timeout as lastError, logged as attempt_timing_out', async () => {
  const { run, order, hangProcessing } = setUp();
  const detail = orderDetail();
  const release = hangProcessing();
  const started = Date.now();

  const invocation = run(sqsRecord(envelope(detail), 'm-1', 3));
  const failed = await eventually('the order FAILED', () => order(detail.orderId)?.status === 'FAILED' && order(detail.orderId)!);
  const firedAfterMs = Date.now() - started;

  expect(failed).toMatchObject({ status: 'FAILED', attempts: 3, lastError: expect.stringMatching(TIMEOUT_ERROR) });
  expect(failed.history.map((change) => change.status)).toEqual(['ACCEPTED', 'FAILED']);
  // Not at once: at the deadline minus the margin (the log line says how much time was left then).
  expect(firedAfterMs).toBeGreaterThanOrEqual(TIME_LEFT_MS - deadlineMarginMs(TIME_LEFT_MS) - 5);
  const [line] = logs.withMsg('attempt_timing_out');
  expect(line).toMatchObject({
    level: 'ERROR',
    outcome: 'failed',
    orderId: detail.orderId,
    eventId: detail.eventId,
    messageId: 'm-1',
    receiveCount: '3',
    remainingMs: expect.any(Number),
    errorMessage: failed.lastError,
  });
  expect(line.remainingMs as number).toBeLessThanOrEqual(deadlineMarginMs(TIME_LEFT_MS));
  expect(logs.withMsg('processing_failed')).toHaveLength(0);

  // Lambda would stop it here; the test lets it end with an error instead, so the handler returns.
  release.reject(new Error('stopped by the test'));
  await expect(invocation).rejects.toThrow(/All records failed/);
});

test('a last attempt that completes after the FAILED write ends PROCESSED', async () => {
  const { run, order, hangProcessing } = setUp();
  const detail = orderDetail();
  const release = hangProcessing();

  const invocation = run(sqsRecord(envelope(detail), undefined, 3));
  await eventually('the order FAILED', () => order(detail.orderId)?.status === 'FAILED');
  release.resolve();

  expect(await invocation).toEqual({ batchItemFailures: [] });
  const stored = order(detail.orderId)!;
  expect(stored).toMatchObject({ status: 'PROCESSED', processedAt: expect.any(String) });
  expect(stored.history.map((change) => change.status)).toEqual(['ACCEPTED', 'FAILED', 'PROCESSED']);
});

test('a last attempt whose PROCESSED write came before the margin stays PROCESSED although the record had not settled', async () => {
  // With outcome events the claim is completed after publishing (without, the PROCESSED write is the completion).
  const { run, table, order } = setUp(OUTCOMES_ON);
  const detail = orderDetail();
  // The effect and its PROCESSED write are done; the idempotency completion write is still running at the margin.
  const completion = deferred<void>();
  table.holdNextUpdate = completion.promise;

  const invocation = run(sqsRecord(envelope(detail), undefined, 3));
  await eventually('the timeout noticed', () => logs.withMsg('attempt_timing_out').length > 0);
  await sleep(50); // its read and (refused) write
  expect(order(detail.orderId)).toMatchObject({ status: 'PROCESSED' });
  completion.resolve();

  expect(await invocation).toEqual({ batchItemFailures: [] });
  const stored = order(detail.orderId)!;
  expect(stored.status).toBe('PROCESSED');
  expect(stored.lastError).toBeUndefined();
  expect(stored.history.map((change) => change.status)).toEqual(['ACCEPTED', 'PROCESSED']);
});

test('an attempt that is not the last is left to its retry: still running past the deadline, not FAILED', async () => {
  const { run, order, hangProcessing } = setUp();
  const detail = orderDetail();
  const release = hangProcessing();

  const invocation = run(sqsRecord(envelope(detail), undefined, 2));
  await sleep(TIME_LEFT_MS + 100);

  expect(order(detail.orderId)).toBeUndefined(); // nothing written: the API's ACCEPTED record stands
  expect(logs.withMsg('attempt_timing_out')).toHaveLength(0);
  release.resolve();
  expect(await invocation).toEqual({ batchItemFailures: [] });
  expect(order(detail.orderId)!.status).toBe('PROCESSED');
});

test('no timer outlives the invocation: a last attempt done early writes nothing at its deadline or in the next invocation', async () => {
  const { worker, run, order } = setUp();
  const detail = orderDetail();

  expect(await run(sqsRecord(envelope(detail), undefined, 3))).toEqual({ batchItemFailures: [] });
  const callsAtReturn = worker.dynamoDb.calls().length;
  const after = order(detail.orderId)!;
  // The next invocation starts while the first one's deadline passes.
  await run(sqsRecord(envelope(orderDetail()), undefined, 1), contextEnding(5_000));
  const callsOfNext = worker.dynamoDb.calls().length - callsAtReturn;
  await sleep(TIME_LEFT_MS + 100);

  expect(worker.dynamoDb.calls().length - callsAtReturn).toBe(callsOfNext);
  expect(logs.withMsg('attempt_timing_out')).toHaveLength(0);
  expect(order(detail.orderId)).toEqual(after);
});

describe('LastAttemptDeadlines', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const contextWith = (remainingMs: number) => lambdaContext({ getRemainingTimeInMillis: () => remainingMs });

  test('a watch that settles clears its timer', async () => {
    const deadlines = new LastAttemptDeadlines();
    const onDeadline = jest.fn(async () => undefined);
    await expect(deadlines.watch(contextWith(1_000), async () => 'done', onDeadline)).resolves.toBe('done');
    await expect(deadlines.watch(contextWith(1_000), async () => {
      throw new Error('failed');
    }, onDeadline)).rejects.toThrow('failed');

    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(2_000);
    expect(onDeadline).not.toHaveBeenCalled();
  });

  test('close() clears the timer of a watch still running, so it cannot fire later', async () => {
    const deadlines = new LastAttemptDeadlines();
    const onDeadline = jest.fn(async () => undefined);
    void deadlines.watch(contextWith(1_000), () => new Promise<never>(() => undefined), onDeadline);
    expect(jest.getTimerCount()).toBe(1);

    await deadlines.close();

    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(2_000);
    expect(onDeadline).not.toHaveBeenCalled();
  });

  test('fires once, margin before the deadline; close() waits for the write it started', async () => {
    const deadlines = new LastAttemptDeadlines();
    const write = deferred<void>();
    const onDeadline = jest.fn(() => write.promise);
    void deadlines.watch(contextWith(30_000), () => new Promise<never>(() => undefined), onDeadline);

    jest.advanceTimersByTime(28_999);
    expect(onDeadline).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(onDeadline).toHaveBeenCalledTimes(1);

    let closed = false;
    const closing = deadlines.close().then(() => {
      closed = true;
    });
    await Promise.resolve();
    expect(closed).toBe(false);
    write.resolve();
    await closing;
    expect(closed).toBe(true);
  });
});

test('deadlineMarginMs: min(1 s, 10% of the time left), never negative', () => {
  expect(deadlineMarginMs(900_000)).toBe(1_000);
  expect(deadlineMarginMs(30_000)).toBe(1_000);
  expect(deadlineMarginMs(2_000)).toBe(200);
  expect(deadlineMarginMs(5)).toBe(0);
  expect(deadlineMarginMs(0)).toBe(0);
  expect(deadlineMarginMs(-50)).toBe(0);
});
