/**
 * `createOrderWorker` around a stub processor, against the in-memory table: deliver records as
 * SQS would, read back the order records (decoded as the reads handler decodes them) and the
 * outcome events the worker published.
 */
import type { Context, SQSRecord } from 'aws-lambda';
import { envelope, lambdaContext, orderDetail, sqsEvent, sqsRecord } from './events';
import { FakeIdempotencyTable } from './fake-idempotency-table';
import { Env, loadWorkerHandler } from './load-handlers';
import type { OrderCreatedDetail } from '../../../lambda/shared/order-contract';
import { fromOrderItem, OrderRecord } from '../../../lambda/shared/order-state';
import { powertoolsHash } from '../../../lambda/worker/idempotency';

export const MAX_RECEIVE_COUNT = 3;

export interface PublishedEvent {
  readonly EventBusName?: string;
  readonly Source?: string;
  readonly DetailType?: string;
  readonly detail: Record<string, unknown>;
  /** The Detail string exactly as sent. */
  readonly rawDetail: string;
}

export function workerHarness(env: Env = {}, options: { shareTableWith?: FakeIdempotencyTable } = {}) {
  const worker = loadWorkerHandler({ MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT), ...env });
  const table = new FakeIdempotencyTable(worker, { shareWith: options.shareTableWith });
  const run = (records: SQSRecord[], context: Context = lambdaContext()) => worker.handler(sqsEvent(...records), context);
  /** The messageIds SQS will deliver again (all of them when Powertools fails the whole batch). */
  const deliver = async (records: SQSRecord[], context?: Context): Promise<string[]> => {
    try {
      return (await run(records, context)).batchItemFailures.map((failure) => failure.itemIdentifier);
    } catch (error) {
      if (error instanceof Error && /All records failed processing/.test(error.message)) return records.map((record) => record.messageId);
      throw error;
    }
  };
  const order = (orderId: string): OrderRecord | undefined =>
    [...table.orderItems.values()].map(fromOrderItem).find((record) => record.orderId === orderId);
  const published = (): PublishedEvent[] => worker.eventBridge.commandCalls(worker.PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map(({ EventBusName, Source, DetailType, Detail }) => ({ EventBusName, Source, DetailType, detail: JSON.parse(Detail!), rawDetail: Detail! }));
  /** The idempotency record of `eventId` (Powertools stores the step's result in `data`). */
  /** The worker's claim of an eventId, by Powertools' key: the prefix and the hash of the eventId. */
  const claim = (eventId: string) => table.records().find((record) => record.id === `orders-worker.order-created#${powertoolsHash(eventId)}`);
  const processorCallsFor = (eventId: string) => worker.processor.mock.calls.filter(([received]) => received.eventId === eventId).length;
  return { worker, table, processor: worker.processor, run, deliver, order, published, claim, processorCallsFor };
}

export type WorkerHarness = ReturnType<typeof workerHarness>;

/** An order event and its SQS record; `redeliver` is the same event as a new message on receive `n`. */
export function orderMessage(overrides: Partial<OrderCreatedDetail> = {}) {
  const detail = orderDetail(overrides);
  const body = envelope(detail);
  const record = sqsRecord(body);
  return {
    detail,
    record,
    /** The same message (same messageId) received again: SQS's redelivery after a failure. */
    receive: (receiveCount: number) => sqsRecord(body, record.messageId, receiveCount),
    /** The same event in a new message (EventBridge delivering twice, a DLQ replay). */
    copy: (receiveCount = 1) => sqsRecord(body, undefined, receiveCount),
  };
}

export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
