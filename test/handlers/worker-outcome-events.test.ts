/**
 * Outcome events: OrderProcessed, OrderRejected and OrderFailed on the workflow's bus, once per
 * outcome, republished identically when the first publication failed, and nothing when off.
 */
import { lambdaContext } from './support/events';
import { captureLogs, LogCapture } from './support/log-capture';
import { deferred, MAX_RECEIVE_COUNT, orderMessage, workerHarness } from './support/worker-harness';
import { PermanentOrderError } from '../../lambda/worker/permanent-order-error';

const OUTCOMES_ON = { OUTCOME_EVENT_BUS_NAME: 'orders-bus', EVENT_SOURCE: 'shop.orders' };

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const SUBMITTED_BY = { type: 'cognito' as const, id: 'sub-1', username: 'ann' };
const withAttributes = () => orderMessage({
  schemaVersion: '1.1',
  items: [{ sku: 'SKU-1', qty: 2, attributes: { price: 3 } }],
  attributes: { channel: 'web' },
  submittedBy: SUBMITTED_BY,
});

describe('with OUTCOME_EVENT_BUS_NAME and EVENT_SOURCE set', () => {
  test('a processed order: exactly one OrderProcessed with the result, on the bus with the source', async () => {
    const { deliver, processor, published, order } = workerHarness(OUTCOMES_ON);
    processor.mockResolvedValue({ reservationId: 'r-1' });
    const message = withAttributes();

    await deliver([message.record]);
    await deliver([message.copy()]); // a duplicate publishes nothing

    const { detail } = message;
    const stored = order(detail.orderId)!;
    expect(published()).toEqual([{
      EventBusName: 'orders-bus',
      Source: 'shop.orders',
      DetailType: 'OrderProcessed',
      rawDetail: expect.any(String),
      detail: {
        schemaVersion: '1.1',
        outcomeId: `${detail.eventId}:processed`,
        status: 'PROCESSED',
        occurredAt: stored.processedAt,
        attempts: 1,
        eventId: detail.eventId,
        orderId: detail.orderId,
        createdAt: detail.createdAt,
        customerId: detail.customerId,
        items: detail.items,
        attributes: detail.attributes,
        submittedBy: SUBMITTED_BY,
        result: { reservationId: 'r-1' },
      },
    }]);
  });

  test('a rejected order: exactly one OrderRejected with the reason', async () => {
    const { deliver, processor, published, order } = workerHarness(OUTCOMES_ON);
    processor.mockRejectedValue(new PermanentOrderError('unknown sku'));
    const message = orderMessage({ customerId: undefined });

    await deliver([message.receive(2)]);
    await deliver([message.copy()]);

    const { detail } = message;
    expect(published()).toEqual([expect.objectContaining({ DetailType: 'OrderRejected', Source: 'shop.orders' })]);
    expect(published()[0].detail).toEqual({
      schemaVersion: '1.1',
      outcomeId: `${detail.eventId}:rejected`,
      status: 'REJECTED',
      occurredAt: order(detail.orderId)!.updatedAt,
      attempts: 2,
      eventId: detail.eventId,
      orderId: detail.orderId,
      createdAt: detail.createdAt,
      items: detail.items,
      reason: 'unknown sku',
    });
  });

  test.each([
    ['an entry the bus refused (FailedEntryCount 1)', { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] }, /PutEvents rejected the event: InternalFailure/],
    ['a thrown error', new Error('EventBridge unavailable'), /EventBridge unavailable/],
  ])('a PutEvents failure (%s) fails the record; the retry republishes the same detail without running the processor', async (_case, failure, message) => {
    for (const reject of [false, true]) {
      const { worker, deliver, processor, published, processorCallsFor } = workerHarness(OUTCOMES_ON);
      if (reject) processor.mockRejectedValue(new PermanentOrderError('card declined'));
      else processor.mockResolvedValue({ reservationId: 'r-1' });
      let putEvents = 0;
      worker.eventBridge.on(worker.PutEventsCommand).callsFake(async () => {
        putEvents++;
        if (putEvents > 1) return { FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] };
        if (failure instanceof Error) throw failure;
        return failure;
      });
      const order = orderMessage();

      expect(await deliver([order.record])).toEqual([order.record.messageId]);
      expect(logs.withMsg('processing_failed').pop()).toMatchObject({ eventId: order.detail.eventId, errorMessage: expect.stringMatching(message) });
      await new Promise((resolve) => setTimeout(resolve, 5)); // a later clock: the republication must not take it
      expect(await deliver([order.receive(2)])).toEqual([]);

      expect(processorCallsFor(order.detail.eventId)).toBe(1);
      const [first, retry] = published();
      expect(published()).toHaveLength(2);
      expect(retry.rawDetail).toBe(first.rawDetail);
      expect(retry.detail.outcomeId).toBe(`${order.detail.eventId}:${reject ? 'rejected' : 'processed'}`);
    }
  });

  test('OrderFailed once, on the last attempt, with the error and the record\'s version in its outcomeId', async () => {
    const { deliver, processor, published, order } = workerHarness(OUTCOMES_ON);
    processor.mockRejectedValue(new Error('inventory service unavailable'));
    const message = orderMessage();

    for (let receive = 1; receive < MAX_RECEIVE_COUNT; receive++) await deliver([message.receive(receive)]);
    expect(published()).toEqual([]);
    await deliver([message.receive(MAX_RECEIVE_COUNT)]);

    const failed = order(message.detail.orderId)!;
    expect(published()).toEqual([expect.objectContaining({ DetailType: 'OrderFailed', Source: 'shop.orders' })]);
    expect(published()[0].detail).toMatchObject({
      outcomeId: `${message.detail.eventId}:failed:${failed.version}`,
      status: 'FAILED',
      occurredAt: failed.updatedAt,
      attempts: MAX_RECEIVE_COUNT,
      error: 'inventory service unavailable',
      orderId: message.detail.orderId,
    });
  });

  test('when the last-attempt deadline fires and the attempt then throws, still ONE OrderFailed', async () => {
    const { deliver, processor, published, order } = workerHarness(OUTCOMES_ON);
    const release = deferred<void>();
    processor.mockImplementation(() => release.promise);
    const message = orderMessage();
    const deadline = Date.now() + 400;
    const context = lambdaContext({ getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) });

    const attempt = deliver([message.receive(MAX_RECEIVE_COUNT)], context);
    while (order(message.detail.orderId)?.status !== 'FAILED') await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release.reject(new Error('stopped late'));

    expect(await attempt).toEqual([message.record.messageId]);
    expect(published().map((event) => event.DetailType)).toEqual(['OrderFailed']);
    expect(published()[0].detail.error).toMatch(/^The attempt was still running/);
  });

  test('a failing OrderFailed publication is logged and leaves the record\'s failure as it was', async () => {
    const { worker, deliver, processor, order } = workerHarness(OUTCOMES_ON);
    worker.eventBridge.on(worker.PutEventsCommand).rejects(new Error('EventBridge unavailable'));
    processor.mockRejectedValue(new Error('inventory service unavailable'));
    const message = orderMessage();

    expect(await deliver([message.receive(MAX_RECEIVE_COUNT)])).toEqual([message.record.messageId]);

    expect(order(message.detail.orderId)).toMatchObject({ status: 'FAILED', lastError: 'inventory service unavailable' });
    expect(logs.withMsg('processing_failed')).toEqual([expect.objectContaining({ errorMessage: 'inventory service unavailable' })]);
    expect(logs.withMsg('outcome_publish_failed')).toEqual([expect.objectContaining({
      level: 'ERROR', eventId: message.detail.eventId, orderId: message.detail.orderId, status: 'FAILED', errorMessage: 'EventBridge unavailable',
    })]);
  });
});

test('without OUTCOME_EVENT_BUS_NAME nothing is published: processed, rejected or failed', async () => {
  const { deliver, processor, worker } = workerHarness();
  const [processed, rejected, failed] = [orderMessage(), orderMessage(), orderMessage()];
  processor.mockImplementation(async (order) => {
    if (order.eventId === rejected.detail.eventId) throw new PermanentOrderError('no');
    if (order.eventId === failed.detail.eventId) throw new Error('boom');
    return { ok: true };
  });

  expect(await deliver([processed.record, rejected.record, failed.receive(MAX_RECEIVE_COUNT)])).toEqual([failed.record.messageId]);

  expect(worker.eventBridge.calls()).toHaveLength(0);
});

test('EVENT_SOURCE missing while OUTCOME_EVENT_BUS_NAME is set fails the init, naming the variable', () => {
  expect(() => workerHarness({ OUTCOME_EVENT_BUS_NAME: 'orders-bus', EVENT_SOURCE: ' ' })).toThrow(/EVENT_SOURCE must be set/);
});
