/**
 * createOrderWorker around stub processors: what a processor receives (the order, its context),
 * what its result becomes (stored, bounded, never truncated), and how often it runs.
 */
import { emittedMetrics } from './support/emf';
import { envelope, lambdaContext, orderDetail, sqsRecord } from './support/events';
import { captureLogs, LogCapture } from './support/log-capture';
import { MAX_RECEIVE_COUNT, orderMessage, workerHarness } from './support/worker-harness';
import { orderView } from '../../lambda/reads/order-views';
import { createOrderWorker } from '../../lambda/worker/create-order-worker';
import type { OrderProcessingContext, OrderProcessorFunction } from '../../lambda/worker/public-types';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const SUBMITTED_BY = { type: 'cognito' as const, id: 'sub-1', username: 'ann' };

describe('the order a processor receives', () => {
  test('schema 1.1: ids, items with attributes, attributes and submittedBy, as published', async () => {
    const { deliver, processor } = workerHarness();
    const detail = orderDetail({
      schemaVersion: '1.1',
      items: [{ sku: 'SKU-1', qty: 2, attributes: { price: 3.5, currency: 'EUR' } }, { sku: 'SKU-2', qty: 1 }],
      attributes: { shipTo: { city: 'Lyon', lines: ['1 rue X'] }, gift: true },
      submittedBy: SUBMITTED_BY,
    });

    expect(await deliver([sqsRecord(envelope(detail))])).toEqual([]);

    expect(processor).toHaveBeenCalledTimes(1);
    expect(processor.mock.calls[0][0]).toEqual(detail);
  });

  test('schema 1.0 (in flight during an upgrade, or replayed from the DLQ): the same order without attributes', async () => {
    const { deliver, processor } = workerHarness();
    const detail = orderDetail({ schemaVersion: '1.0', customerId: undefined });

    expect(await deliver([sqsRecord(envelope(detail))])).toEqual([]);

    expect(processor.mock.calls[0][0]).toEqual(detail);
    expect(processor.mock.calls[0][0]).not.toHaveProperty('attributes');
  });
});

describe('the context a processor receives', () => {
  test('a logger whose lines carry the order\'s ids, also with records of one batch running in parallel', async () => {
    const { deliver, processor } = workerHarness();
    processor.mockImplementation(async (order, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      ctx.logger.info('reserving stock', { sku: order.items[0].sku });
    });
    const first = orderMessage();
    const second = orderMessage();

    await deliver([first.record, second.record]);

    const lines = logs.lines().filter((line) => line.message === 'reserving stock');
    expect(lines.map((line) => [line.eventId, line.orderId]).sort()).toEqual(
      [[first.detail.eventId, first.detail.orderId], [second.detail.eventId, second.detail.orderId]].sort(),
    );
    expect(lines.every((line) => line.sku === 'SKU-1' && line.level === 'INFO')).toBe(true);
  });

  test('metrics the processor adds are published in the batch\'s one EMF line, beside the worker\'s own', async () => {
    const { deliver, processor } = workerHarness();
    processor.mockImplementation((_order, ctx) => {
      ctx.metrics.addMetric('StockReserved', 'Count', 1);
    });

    await deliver([orderMessage().record, orderMessage().record]);

    const emfLines = logs.lines().filter((line) => line._aws !== undefined);
    expect(emfLines).toHaveLength(1);
    const metrics = emittedMetrics(emfLines);
    expect(metrics.find((metric) => metric.name === 'StockReserved')).toMatchObject({
      namespace: 'OrdersWorkflow/test', unit: 'Count', dimensions: { service: 'orders-worker' }, values: [1, 1],
    });
    expect(metrics.find((metric) => metric.name === 'OrdersProcessed')?.values).toEqual([1, 1]);
  });

  test.each([
    [1, 1, false],
    [2, 2, false],
    [MAX_RECEIVE_COUNT, MAX_RECEIVE_COUNT, true],
    [MAX_RECEIVE_COUNT + 2, MAX_RECEIVE_COUNT + 2, true],
  ])('ApproximateReceiveCount %i (of 3): attempt %i, isLastAttempt %s', async (receiveCount, attempt, isLastAttempt) => {
    const { deliver, processor } = workerHarness();
    const message = orderMessage();

    await deliver([message.receive(receiveCount)]);

    expect(processor.mock.calls[0][1]).toMatchObject({ attempt, maxAttempts: MAX_RECEIVE_COUNT, isLastAttempt });
  });

  test('remainingTimeInMillis() is the invocation\'s, read when called; lambdaContext is the invocation\'s context', async () => {
    const { deliver, processor } = workerHarness();
    let remaining = 12_345;
    const context = lambdaContext({ getRemainingTimeInMillis: () => remaining });
    const seen: number[] = [];
    processor.mockImplementation((_order, ctx: OrderProcessingContext) => {
      seen.push(ctx.remainingTimeInMillis());
      remaining = 2_000;
      seen.push(ctx.remainingTimeInMillis());
      expect(ctx.lambdaContext.awsRequestId).toBe(context.awsRequestId);
    });

    expect(await deliver([orderMessage().record], context)).toEqual([]);
    expect(seen).toEqual([12_345, 2_000]);
  });
});

describe('the processor\'s result', () => {
  test('is stored on the order record as JSON text and returned by reads (a JSON copy: a Date becomes its string)', async () => {
    const { deliver, processor, order, table } = workerHarness();
    const at = new Date('2030-01-02T03:04:05.000Z');
    processor.mockResolvedValue({ reservationId: 'r-1', lines: [{ sku: 'SKU-1', slot: 4 }], big: 1e300, at } as never);
    const message = orderMessage();

    expect(await deliver([message.record])).toEqual([]);

    const expected = { reservationId: 'r-1', lines: [{ sku: 'SKU-1', slot: 4 }], big: 1e300, at: at.toISOString() };
    const stored = order(message.detail.orderId)!;
    expect(stored).toMatchObject({ status: 'PROCESSED', result: expected });
    expect(orderView(stored).result).toEqual(expected);
    const [item] = [...table.orderItems.values()];
    expect(JSON.parse(item.result.S!)).toEqual(expected);
  });

  test('exactly 4,096 bytes is accepted', async () => {
    const { deliver, processor, order } = workerHarness();
    const result = { blob: 'x'.repeat(4_096 - '{"blob":""}'.length) };
    expect(Buffer.byteLength(JSON.stringify(result))).toBe(4_096);
    processor.mockResolvedValue(result);
    const message = orderMessage();

    expect(await deliver([message.record])).toEqual([]);
    expect(order(message.detail.orderId)?.result).toEqual(result);
  });

  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const badResults: Array<[string, () => unknown, RegExp]> = [
    ['over 4,096 bytes (multi-byte characters counted as bytes)', () => ({ note: '€'.repeat(1_400) }), /is 42\d\d bytes as JSON, over the 4096 allowed/],
    ['an array', () => [{ reservationId: 'r-1' }], /must return a JSON object or nothing, not an array/],
    ['a string', () => 'done', /must return a JSON object or nothing, not a string/],
    ['a number', () => 42, /not a number/],
    ['an object holding a BigInt', () => ({ total: BigInt(10) }), /result is not JSON: .*BigInt/],
    ['a circular object', () => circular, /result is not JSON: .*circular/i],
  ];

  test.each(badResults)('%s fails the record loudly: logged, claim released, retried, nothing stored', async (_case, make, message) => {
    const { deliver, processor, order, claim, processorCallsFor } = workerHarness();
    const bad = orderMessage();
    processor.mockImplementation(async (received) => (received.eventId === bad.detail.eventId ? make() : undefined) as never);
    const other = orderMessage();

    expect(await deliver([bad.record, other.record])).toEqual([bad.record.messageId]);

    expect(logs.withMsg('processing_failed')).toEqual([expect.objectContaining({
      level: 'ERROR',
      eventId: bad.detail.eventId,
      errorMessage: expect.stringMatching(message),
      error: expect.objectContaining({ name: 'ProcessorResultError' }),
    })]);
    expect(claim(bad.detail.eventId)).toBeUndefined();
    const stored = order(bad.detail.orderId)!;
    expect(stored).toMatchObject({ status: 'ACCEPTED', attempts: 1, lastError: expect.stringMatching(message) });
    expect(stored).not.toHaveProperty('result');

    // Retried: the processor runs again, and this time returns a good result.
    processor.mockResolvedValue({ ok: true });
    expect(await deliver([bad.receive(2)])).toEqual([]);
    expect(processorCallsFor(bad.detail.eventId)).toBe(2);
    expect(order(bad.detail.orderId)).toMatchObject({ status: 'PROCESSED', result: { ok: true } });
  });
});

describe('how often the processor runs', () => {
  test('once per eventId across redeliveries, copies and concurrent duplicates in one batch', async () => {
    const { deliver, processor, processorCallsFor } = workerHarness();
    const effects: string[] = [];
    processor.mockImplementation(async (order) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      effects.push(order.eventId);
      return { effect: effects.length };
    });
    const message = orderMessage();

    // Three copies at once: one claims the eventId, the others find it in progress and are retried.
    const first = await deliver([message.record, message.copy(), message.copy()]);
    expect(first).toHaveLength(2);
    expect(await deliver([message.receive(2), message.copy(2), message.copy(5)])).toEqual([]);
    expect(await deliver([message.copy()])).toEqual([]);

    expect(processorCallsFor(message.detail.eventId)).toBe(1);
    expect(effects).toEqual([message.detail.eventId]);
    expect(logs.withMsg('duplicate')).toHaveLength(4);
  });

  test('a processor throwing a plain Error is retried; on the last attempt the order is FAILED', async () => {
    const { deliver, processor, order, claim } = workerHarness();
    processor.mockRejectedValue(new Error('inventory service unavailable'));
    const message = orderMessage();

    for (let receive = 1; receive < MAX_RECEIVE_COUNT; receive++) {
      expect(await deliver([message.receive(receive)])).toEqual([message.record.messageId]);
      expect(order(message.detail.orderId)).toMatchObject({ status: 'ACCEPTED', attempts: receive, lastError: 'inventory service unavailable' });
      expect(claim(message.detail.eventId)).toBeUndefined();
    }
    expect(await deliver([message.receive(MAX_RECEIVE_COUNT)])).toEqual([message.record.messageId]);

    expect(processor).toHaveBeenCalledTimes(MAX_RECEIVE_COUNT);
    const failed = order(message.detail.orderId)!;
    expect(failed).toMatchObject({ status: 'FAILED', attempts: MAX_RECEIVE_COUNT, lastError: 'inventory service unavailable' });
    expect(failed.history.map((change) => change.status)).toEqual(['ACCEPTED', 'FAILED']);
  });
});

test.each([undefined, null, 'handler', {}, { process: () => undefined }])('createOrderWorker(%p) throws: a processor must be a function', (value) => {
  expect(() => createOrderWorker(value as unknown as OrderProcessorFunction)).toThrow(new TypeError('createOrderWorker(processor): processor must be a function'));
});
