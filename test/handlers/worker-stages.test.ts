/**
 * The worker runtime as the steps of a three-step pipeline (main -> payment -> stock, payment
 * compensated), each worker loaded with the environment the construct gives it, all on one
 * in-memory table. Events are carried from step to step as the rules would: what one worker
 * published becomes the next worker's SQS record.
 */
import type { SQSRecord } from 'aws-lambda';
import { envelope, orderDetail, sqsRecord } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { captureLogs, LogCapture } from './support/log-capture';
import { PublishedEvent, workerHarness, WorkerHarness } from './support/worker-harness';
import { orderView } from '../../lambda/reads/order-views';
import type { OrderRecord } from '../../lambda/shared/order-state';
import { applyStepOutcome, stepsOf, stepsToCompensate } from '../../lambda/shared/order-steps';
import { PermanentOrderError } from '../../lambda/worker/permanent-order-error';
import { readStepConfig } from '../../lambda/worker/step-config';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const STEPS = ['main', 'payment', 'stock'];
const COMPLETED = { main: 'OrderValidated', payment: 'PaymentAuthorized', stock: 'StockReserved' } as Record<string, string>;
const PIPELINE_ENV = {
  STEP_NAMES: JSON.stringify(STEPS),
  STEP_COMPENSATED: JSON.stringify(['payment']),
  STEP_EVENT_BUS_NAME: 'orders-bus',
  EVENT_SOURCE: 'myapp.orders',
  OUTCOME_EVENT_BUS_NAME: 'orders-bus',
};

interface Pipeline {
  readonly main: WorkerHarness;
  readonly payment: WorkerHarness;
  readonly stock: WorkerHarness;
  readonly undoPayment: WorkerHarness;
}

function pipeline(): Pipeline {
  const main = workerHarness({ ...PIPELINE_ENV, STEP_NAME: 'main', STEP_COMPLETED_EVENT: COMPLETED.main });
  const share = { shareTableWith: main.table as FakeIdempotencyTable };
  const payment = workerHarness({ ...PIPELINE_ENV, STEP_NAME: 'payment', STEP_COMPLETED_EVENT: COMPLETED.payment }, share);
  const stock = workerHarness({ ...PIPELINE_ENV, STEP_NAME: 'stock', STEP_COMPLETED_EVENT: COMPLETED.stock }, share);
  const undoPayment = workerHarness({ ...PIPELINE_ENV, STEP_NAME: 'payment', STEP_MODE: 'compensate' }, share);
  for (const [name, step] of Object.entries({ main, payment, stock })) {
    step.processor.mockImplementation(async () => ({ [`${name}Ref`]: `${name}-1` }));
  }
  undoPayment.processor.mockImplementation(async () => undefined);
  return { main, payment, stock, undoPayment };
}

/** The events a worker published with this detail type. */
const publishedOf = (step: WorkerHarness, detailType: string): PublishedEvent[] =>
  step.published().filter((event) => event.DetailType === detailType);

/** The rule's delivery: the published event as the next queue's message. */
function asRecord(event: PublishedEvent, receiveCount = 1): SQSRecord {
  return sqsRecord(envelope(event.detail, event.DetailType), undefined, receiveCount);
}

describe('a three-step pipeline', () => {
  test('each step runs once, passes the order and every earlier result on, and the order is PROCESSED after the last', async () => {
    const { main, payment, stock } = pipeline();
    const order = orderDetail({ attributes: { card: '4242' } });

    expect(await main.deliver([sqsRecord(envelope(order))])).toEqual([]);
    expect(main.order(order.orderId)).toMatchObject({ status: 'ACCEPTED' });
    const validated = publishedOf(main, 'OrderValidated');
    expect(validated).toHaveLength(1);
    expect(validated[0]).toMatchObject({ EventBusName: 'orders-bus', Source: 'myapp.orders' });
    expect(validated[0].detail).toMatchObject({
      eventId: order.eventId,
      orderId: order.orderId,
      items: order.items,
      attributes: { card: '4242' },
      step: 'main',
      results: { main: { mainRef: 'main-1' } },
      outcomeId: `${order.eventId}:main:completed`,
    });
    expect(publishedOf(main, 'OrderProcessed')).toEqual([]);

    expect(await payment.deliver([asRecord(validated[0])])).toEqual([]);
    const [paymentOrder, paymentContext] = payment.processor.mock.calls[0];
    expect(paymentOrder).toMatchObject({ eventId: order.eventId, orderId: order.orderId, attributes: { card: '4242' } });
    expect(paymentContext).toMatchObject({ step: 'payment', results: { main: { mainRef: 'main-1' } } });
    const authorized = publishedOf(payment, 'PaymentAuthorized');
    expect(authorized.map((event) => event.detail.results)).toEqual([{ main: { mainRef: 'main-1' }, payment: { paymentRef: 'payment-1' } }]);
    expect(payment.order(order.orderId)).toMatchObject({ status: 'ACCEPTED' });

    expect(await stock.deliver([asRecord(authorized[0])])).toEqual([]);
    expect(stock.processor.mock.calls[0][1]).toMatchObject({ step: 'stock', results: { main: { mainRef: 'main-1' }, payment: { paymentRef: 'payment-1' } } });
    const record = stock.order(order.orderId)!;
    expect(record).toMatchObject({ status: 'PROCESSED', result: { stockRef: 'stock-1' } });
    expect(publishedOf(stock, 'StockReserved')).toHaveLength(1);
    const processed = publishedOf(stock, 'OrderProcessed');
    expect(processed.map((event) => event.detail)).toEqual([expect.objectContaining({
      status: 'PROCESSED',
      result: { stockRef: 'stock-1' },
      results: { main: { mainRef: 'main-1' }, payment: { paymentRef: 'payment-1' }, stock: { stockRef: 'stock-1' } },
    })]);

    const view = orderView(record);
    expect(view.stages?.map(({ name, status, attempts }) => ({ name, status, attempts }))).toEqual([
      { name: 'main', status: 'COMPLETED', attempts: 1 },
      { name: 'payment', status: 'COMPLETED', attempts: 1 },
      { name: 'stock', status: 'COMPLETED', attempts: 1 },
    ]);
    expect(view.history.map((entry) => [entry.status, entry.step, entry.stepStatus])).toEqual([
      ['ACCEPTED', undefined, undefined],
      ['ACCEPTED', 'main', 'COMPLETED'],
      ['ACCEPTED', 'payment', 'COMPLETED'],
      ['PROCESSED', 'stock', 'COMPLETED'],
    ]);
    // One order_processed line for the order, from the last step; step_completed for the others.
    expect(logs.lines().filter((line) => line.msg === 'order_processed').map((line) => line.step)).toEqual(['stock']);
    expect(logs.lines().filter((line) => line.msg === 'step_completed').map((line) => line.step)).toEqual(['main', 'payment']);
  });

  test('a redelivered event runs no step twice, and each step keeps its own idempotency record for the eventId', async () => {
    const { main, payment } = pipeline();
    const order = orderDetail();
    const created = sqsRecord(envelope(order));
    await main.deliver([created]);
    const validated = publishedOf(main, 'OrderValidated')[0];

    await payment.deliver([asRecord(validated)]);
    await payment.deliver([asRecord(validated)]);
    await main.deliver([sqsRecord(created.body)]);

    expect(main.processorCallsFor(order.eventId)).toBe(1);
    expect(payment.processorCallsFor(order.eventId)).toBe(1);
    // Two claims for the one eventId: main's and payment's (Powertools stores the keys hashed).
    const claims = main.table.records().filter((item) => (item.data as { eventId?: string } | undefined)?.eventId === order.eventId);
    expect(claims.map((item) => item.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(new Set(claims.map((item) => item.id)).size).toBe(2);
    expect(logs.lines().filter((line) => line.msg === 'duplicate')).toHaveLength(2);
  });

  test('a stage that refuses the order: REJECTED with the stage named, and the earlier stage with a compensation is undone once', async () => {
    const { main, payment, stock, undoPayment } = pipeline();
    stock.processor.mockImplementation(async () => {
      throw new PermanentOrderError('out of stock: SKU-1');
    });
    const order = orderDetail();
    await main.deliver([sqsRecord(envelope(order))]);
    await payment.deliver([asRecord(publishedOf(main, 'OrderValidated')[0])]);

    expect(await stock.deliver([asRecord(publishedOf(payment, 'PaymentAuthorized')[0])])).toEqual([]);
    expect(stock.order(order.orderId)).toMatchObject({ status: 'REJECTED', reason: 'out of stock: SKU-1', rejectedStep: 'stock' });
    expect(publishedOf(stock, 'OrderRejected')).toHaveLength(1);
    const requests = publishedOf(stock, 'OrderCompensationRequested');
    expect(requests.map((event) => event.detail)).toEqual([expect.objectContaining({
      step: 'payment',
      remaining: [],
      rejectedStep: 'stock',
      reason: 'out of stock: SKU-1',
      results: { main: { mainRef: 'main-1' }, payment: { paymentRef: 'payment-1' } },
      outcomeId: `${order.eventId}:payment:compensate`,
    })]);

    expect(await undoPayment.deliver([asRecord(requests[0])])).toEqual([]);
    expect(await undoPayment.deliver([asRecord(requests[0])])).toEqual([]);
    expect(undoPayment.processor).toHaveBeenCalledTimes(1);
    expect(undoPayment.processor.mock.calls[0][1]).toMatchObject({
      step: 'payment', compensation: { rejectedStep: 'stock', reason: 'out of stock: SKU-1' }, results: { payment: { paymentRef: 'payment-1' } },
    });
    const view = orderView(undoPayment.order(order.orderId)!);
    expect(view).toMatchObject({ status: 'REJECTED', rejectedStep: 'stock' });
    expect(view.stages?.map(({ name, status }) => [name, status])).toEqual([['main', 'COMPLETED'], ['payment', 'COMPENSATED'], ['stock', 'REJECTED']]);
  });

  test('a compensation that keeps failing: retried, then COMPENSATION_FAILED on its last attempt, the order still REJECTED', async () => {
    const { main, payment, stock, undoPayment } = pipeline();
    stock.processor.mockRejectedValue(new PermanentOrderError('declined'));
    undoPayment.processor.mockRejectedValue(new Error('gateway down'));
    const order = orderDetail();
    await main.deliver([sqsRecord(envelope(order))]);
    await payment.deliver([asRecord(publishedOf(main, 'OrderValidated')[0])]);
    await stock.deliver([asRecord(publishedOf(payment, 'PaymentAuthorized')[0])]);
    const request = publishedOf(stock, 'OrderCompensationRequested')[0];

    for (const receive of [1, 2, 3]) expect(await undoPayment.deliver([asRecord(request, receive)])).toHaveLength(1);

    const view = orderView(undoPayment.order(order.orderId)!);
    expect(view).toMatchObject({ status: 'REJECTED', lastError: 'gateway down' });
    expect(view.stages?.find((stage) => stage.name === 'payment')).toMatchObject({ status: 'COMPENSATION_FAILED', lastError: 'gateway down' });
    expect(logs.lines().filter((line) => line.msg === 'processing_failed')).toHaveLength(3);
  });

  test('a stage failing to its DLQ makes the order FAILED with the stage named; replayed, the order completes from that stage', async () => {
    const { main, payment, stock } = pipeline();
    payment.processor.mockRejectedValue(new Error('gateway timeout'));
    const order = orderDetail();
    await main.deliver([sqsRecord(envelope(order))]);
    const validated = publishedOf(main, 'OrderValidated')[0];

    for (const receive of [1, 2, 3]) expect(await payment.deliver([asRecord(validated, receive)])).toHaveLength(1);
    expect(orderView(payment.order(order.orderId)!)).toMatchObject({
      status: 'FAILED',
      failedStep: 'payment',
      lastError: 'gateway timeout',
      stages: [expect.objectContaining({ name: 'main', status: 'COMPLETED' }), expect.objectContaining({ name: 'payment', status: 'FAILED', attempts: 3 }),
        expect.objectContaining({ name: 'stock', status: 'PENDING' })],
    });
    expect(publishedOf(payment, 'OrderFailed')).toHaveLength(1);

    // The replay: the same event, as a new message from the DLQ.
    payment.processor.mockImplementation(async () => ({ paymentRef: 'payment-2' }));
    expect(await payment.deliver([asRecord(validated)])).toEqual([]);
    expect(payment.order(order.orderId)).toMatchObject({ status: 'ACCEPTED' });
    await stock.deliver([asRecord(publishedOf(payment, 'PaymentAuthorized')[0])]);
    expect(main.processorCallsFor(order.eventId)).toBe(1);
    expect(orderView(stock.order(order.orderId)!)).toMatchObject({ status: 'PROCESSED' });
  });

  test('a stage refuses an event that is not its previous step\'s: it fails to the DLQ and writes nothing', async () => {
    const { main, stock } = pipeline();
    const order = orderDetail();
    await main.deliver([sqsRecord(envelope(order))]);
    const validated = publishedOf(main, 'OrderValidated')[0];

    expect(await stock.deliver([asRecord(validated)])).toHaveLength(1);

    expect(stock.processor).not.toHaveBeenCalled();
    expect(stock.order(order.orderId)?.steps?.stock).toEqual({ index: 2, status: 'PENDING', attempts: 0 });
    expect(logs.lines().find((line) => line.msg === 'processing_failed')?.errorMessage).toBe('Step stock follows payment, not main');
  });
});

describe('the step settings', () => {
  const env = { ...PIPELINE_ENV, STEP_NAME: 'payment', STEP_COMPLETED_EVENT: 'PaymentAuthorized' };

  test('without STEP_NAME the worker is the single step it always was', () => {
    expect(readStepConfig({ ...env, STEP_NAME: undefined })).toBeUndefined();
  });

  test('a stage knows its place, its event and the bus', () => {
    expect(readStepConfig(env)).toEqual({
      name: 'payment',
      mode: 'process',
      names: STEPS,
      compensated: ['payment'],
      completedEvent: 'PaymentAuthorized',
      target: { eventBusName: 'orders-bus', eventSource: 'myapp.orders' },
      index: 1,
      isLast: false,
    });
  });

  test.each([
    [{ STEP_NAME: 'shipping' }, 'STEP_NAME "shipping" is not one of STEP_NAMES (main, payment, stock)'],
    [{ STEP_NAMES: 'main,payment' }, 'STEP_NAMES must be a JSON array of step names, got "main,payment"'],
    [{ STEP_MODE: 'undo' }, 'STEP_MODE must be "process" or "compensate", got "undo"'],
    [{ STEP_COMPLETED_EVENT: '' }, 'STEP_COMPLETED_EVENT must be set for a step that processes'],
    [{ STEP_EVENT_BUS_NAME: '' }, 'STEP_EVENT_BUS_NAME and EVENT_SOURCE must be set when STEP_NAME is'],
  ])('a malformed setting fails the init: %j', (override, message) => {
    expect(() => readStepConfig({ ...env, ...override })).toThrow(message);
  });
});

describe('step states never move backwards', () => {
  const names = { names: ['main', 'a', 'b', 'c'] };
  const facts = orderDetail();
  const at = '2026-01-01T00:00:00.000Z';
  const completed = (record: OrderRecord | undefined, step: string) =>
    applyStepOutcome(record, facts, names, step, { kind: 'completed', at, attempts: 1, result: { step } })!;

  test('after the last step the order is PROCESSED, and a late failure or rejection of any step writes nothing', () => {
    let record: OrderRecord | undefined;
    for (const step of names.names) record = completed(record, step);
    expect(record!.status).toBe('PROCESSED');
    for (const step of names.names) {
      expect(applyStepOutcome(record, facts, names, step, { kind: 'failed', at, attempts: 3, error: 'late', final: true })).toBeUndefined();
      expect(applyStepOutcome(record, facts, names, step, { kind: 'rejected', at, attempts: 1, reason: 'late' })).toBeUndefined();
    }
  });

  test('a completed step is not completed again, and an event of another order that reused the orderId changes nothing', () => {
    const record = completed(undefined, 'main');
    expect(applyStepOutcome(record, facts, names, 'main', { kind: 'completed', at, attempts: 2 })).toBeUndefined();
    expect(applyStepOutcome(record, { ...facts, eventId: 'another-event' }, names, 'a', { kind: 'completed', at, attempts: 1 })).toBeUndefined();
  });

  test('a rejection undoes the completed steps with a compensation, latest first; compensating twice writes once', () => {
    let record = completed(completed(completed(undefined, 'main'), 'a'), 'b');
    record = applyStepOutcome(record, facts, names, 'c', { kind: 'rejected', at, attempts: 1, reason: 'no' })!;
    expect(record).toMatchObject({ status: 'REJECTED', rejectedStep: 'c' });
    expect(stepsToCompensate(stepsOf(record, names), 'c', ['a', 'b'])).toEqual(['b', 'a']);
    expect(stepsToCompensate(stepsOf(record, names), 'c', ['a'])).toEqual(['a']);

    const compensated = applyStepOutcome(record, facts, names, 'b', { kind: 'compensated', at, attempts: 1 })!;
    expect(compensated.status).toBe('REJECTED');
    expect(compensated.steps?.b.status).toBe('COMPENSATED');
    expect(applyStepOutcome(compensated, facts, names, 'b', { kind: 'compensated', at, attempts: 2 })).toBeUndefined();
  });
});
