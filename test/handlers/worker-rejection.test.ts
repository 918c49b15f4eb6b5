/**
 * PermanentOrderError: the order is REJECTED at once with its reason, the record is not retried
 * (no DLQ), the eventId is completed, OrdersRejected counts it; REJECTED is final.
 */
import { emittedMetrics } from './support/emf';
import { captureLogs, LogCapture } from './support/log-capture';
import { MAX_RECEIVE_COUNT, orderMessage, workerHarness } from './support/worker-harness';
import { MAX_ERROR_LENGTH } from '../../lambda/shared/order-state';
import type * as PermanentOrderErrorModule from '../../lambda/worker/permanent-order-error';
import { PermanentOrderError } from '../../lambda/worker/permanent-order-error';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

/** The harness's processor rejects `rejectedEventId` and accepts every other order. */
function rejecting(harness: ReturnType<typeof workerHarness>, rejectedEventId: string, error: () => Error) {
  harness.processor.mockImplementation(async (order) => {
    if (order.eventId === rejectedEventId) throw error();
  });
}

test('a PermanentOrderError rejects the order at once: not retried, REJECTED with its reason, the eventId completed, counted, logged', async () => {
  const harness = workerHarness();
  const { deliver, order, claim } = harness;
  const refused = orderMessage({ submittedBy: { type: 'apiKey', id: 'key-1' } });
  const other = orderMessage();
  rejecting(harness, refused.detail.eventId, () => new PermanentOrderError('unknown sku SKU-1'));

  expect(await deliver([refused.record, other.record])).toEqual([]);

  const stored = order(refused.detail.orderId)!;
  expect(stored).toMatchObject({ status: 'REJECTED', reason: 'unknown sku SKU-1', attempts: 1 });
  expect(stored).not.toHaveProperty('lastError');
  expect(stored.history.map((change) => change.status)).toEqual(['ACCEPTED', 'REJECTED']);
  // The REJECTED record is the claim's completion: the claim itself is never updated.
  expect(claim(refused.detail.eventId)).toMatchObject({ status: 'INPROGRESS' });
  expect(claim(refused.detail.eventId)).not.toHaveProperty('data');

  expect(logs.withMsg('order_rejected')).toEqual([expect.objectContaining({
    level: 'WARN',
    outcome: 'rejected',
    eventId: refused.detail.eventId,
    orderId: refused.detail.orderId,
    submittedBy: { type: 'apiKey', id: 'key-1' },
    attempt: 1,
  })]);
  expect(logs.withMsg('processing_failed')).toHaveLength(0);
  const metrics = emittedMetrics(logs.lines());
  expect(metrics.filter((metric) => metric.name === 'OrdersRejected')).toEqual([
    expect.objectContaining({ dimensions: { service: 'orders-worker', reason: 'processor' }, values: [1] }),
  ]);
  // The reason is on its own line: the batch's other metrics keep the service dimension alone.
  expect(metrics.find((metric) => metric.name === 'OrdersProcessed')?.dimensions).toEqual({ service: 'orders-worker' });
  expect(metrics.find((metric) => metric.name === 'OrdersFailed')).toBeUndefined();
  expect(metrics.find((metric) => metric.name === 'OrdersProcessed')?.values).toEqual([1]); // the other order only
});

test('a redelivery of a rejected order is a duplicate: the processor is not called again', async () => {
  const harness = workerHarness();
  const refused = orderMessage();
  rejecting(harness, refused.detail.eventId, () => new PermanentOrderError('card declined'));
  await harness.deliver([refused.record]);

  expect(await harness.deliver([refused.copy(), refused.receive(2)])).toEqual([]);

  expect(harness.processorCallsFor(refused.detail.eventId)).toBe(1);
  expect(logs.withMsg('duplicate')).toHaveLength(2);
  expect(logs.withMsg('order_rejected')).toHaveLength(1);
  expect(harness.order(refused.detail.orderId)?.status).toBe('REJECTED');
});

test('the reason is bounded like lastError', async () => {
  const harness = workerHarness();
  const refused = orderMessage();
  rejecting(harness, refused.detail.eventId, () => new PermanentOrderError('r'.repeat(5_000)));

  await harness.deliver([refused.record]);

  const { reason } = harness.order(refused.detail.orderId)!;
  expect(reason).toHaveLength(MAX_ERROR_LENGTH);
  expect(reason).toBe(`${'r'.repeat(MAX_ERROR_LENGTH - 1)}…`);
});

test('an error made by another copy of the class (a processor bundled apart from the runtime) is recognised', async () => {
  let Other!: typeof PermanentOrderErrorModule.PermanentOrderError;
  jest.isolateModules(() => {
    Other = jest.requireActual<typeof PermanentOrderErrorModule>('../../lambda/worker/permanent-order-error').PermanentOrderError;
  });
  const error = new Other('out of stock');
  expect(Other).not.toBe(PermanentOrderError);
  expect(error).not.toBeInstanceOf(PermanentOrderError);
  const harness = workerHarness();
  const refused = orderMessage();
  rejecting(harness, refused.detail.eventId, () => new Other('out of stock'));

  expect(await harness.deliver([refused.record])).toEqual([]);
  expect(harness.order(refused.detail.orderId)).toMatchObject({ status: 'REJECTED', reason: 'out of stock' });
});

test('a plain Error named PermanentOrderError is an ordinary failure (retried)', async () => {
  const harness = workerHarness();
  const message = orderMessage();
  rejecting(harness, message.detail.eventId, () => Object.assign(new Error('looks permanent'), { name: 'PermanentOrderError' }));

  expect(await harness.deliver([message.record])).toEqual([message.record.messageId]);
  expect(harness.order(message.detail.orderId)).toMatchObject({ status: 'ACCEPTED', lastError: 'looks permanent' });
});

describe('REJECTED is final', () => {
  test('a late delivery never moves it to PROCESSED or FAILED, even after its claim is gone', async () => {
    const harness = workerHarness();
    const { deliver, order, table, processorCallsFor } = harness;
    const refused = orderMessage();
    rejecting(harness, refused.detail.eventId, () => new PermanentOrderError('unknown sku'));
    await deliver([refused.record]);
    const rejected = order(refused.detail.orderId)!;

    // Its idempotency record expired: the order record still says it was settled.
    table.items.clear();
    harness.processor.mockResolvedValue({ late: true });
    expect(await deliver([refused.copy(MAX_RECEIVE_COUNT)])).toEqual([]);
    expect(processorCallsFor(refused.detail.eventId)).toBe(1);

    // A last attempt that meets the claim held elsewhere: the REJECTED record says the work is done, so it is a duplicate, never FAILED.
    const [claim] = [...table.items.values()];
    table.seed({ ...claim, status: { S: 'INPROGRESS' }, in_progress_expiration: { N: String(Date.now() + 20_000) } });
    expect(await deliver([refused.copy(MAX_RECEIVE_COUNT)])).toEqual([]);
    expect(processorCallsFor(refused.detail.eventId)).toBe(1);

    expect(order(refused.detail.orderId)).toEqual(rejected);
  });

  test('a FAILED order replayed from the DLQ and rejected becomes REJECTED', async () => {
    const harness = workerHarness();
    const { deliver, order } = harness;
    const message = orderMessage();
    harness.processor.mockRejectedValue(new Error('inventory service unavailable'));
    await deliver([message.receive(MAX_RECEIVE_COUNT)]);
    expect(order(message.detail.orderId)?.status).toBe('FAILED');

    harness.processor.mockRejectedValue(new PermanentOrderError('discontinued sku'));
    expect(await deliver([message.copy(1)])).toEqual([]);

    const stored = order(message.detail.orderId)!;
    expect(stored).toMatchObject({ status: 'REJECTED', reason: 'discontinued sku' });
    expect(stored.history.map((change) => change.status)).toEqual(['ACCEPTED', 'FAILED', 'REJECTED']);
  });
});
