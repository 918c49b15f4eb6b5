/**
 * The worker's side of the order's status: PROCESSED when it completes, the attempt count and
 * last error when an attempt fails, FAILED when that was the last attempt before the DLQ.
 */
import type { SQSRecord } from 'aws-lambda';
import type { WorkerConfig } from './config';
import type { ReceivedOrderDetail } from './order-event';
import type { JsonObject } from './public-types';
import { errorMessageOf, LOG_EVENTS, logOutcome } from '../shared/log';
import { callerScope, isFinalStatus, OrderRecord, OrderStateStore, ReadRecord } from '../shared/order-state';
import { applyStepOutcome } from '../shared/order-steps';

/** The order's record as read at the start of an attempt, and the same record when this very event already settled it. */
export interface StoredOrder extends ReadRecord {
  readonly settled?: OrderRecord;
}

/** SQS counts this receive too; a record without the attribute (a hand-made event) is a first attempt. */
export function attemptOf(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isSafeInteger(count) && count > 0 ? count : 1;
}

export function createOrderStatus(config: WorkerConfig, store = new OrderStateStore(config.ordersTableName)) {
  return {
    /** SQS moves the message to the DLQ if this receive fails: a failure now makes the order FAILED. */
    isLastAttempt(record: SQSRecord): boolean {
      return attemptOf(record) >= config.maxReceiveCount;
    },

    /**
     * The stored record, read once per attempt; `settled` when this very event was already
     * recorded PROCESSED or REJECTED: the processor ran, even if the idempotency layer failed to
     * note completion afterwards, so it must not run again.
     */
    async readOrder(detail: ReceivedOrderDetail): Promise<StoredOrder> {
      const record = await store.get(callerScope(detail.submittedBy), detail.orderId);
      const settled = record !== undefined && isFinalStatus(record.status) && record.eventId === detail.eventId ? record : undefined;
      return { record, settled };
    },

    /**
     * Part of the idempotent step: if it throws, the claim is released and the record retried.
     * Returns the record as stored afterwards (undefined only if it vanished).
     */
    async recordProcessed(
      detail: ReceivedOrderDetail, record: SQSRecord, read: ReadRecord, at: string, result?: JsonObject,
    ): Promise<OrderRecord | undefined> {
      const outcome = { kind: 'processed', at, attempts: attemptOf(record), ...(result !== undefined ? { result } : {}) } as const;
      return store.apply(detail, outcome, read);
    },

    /** Part of the idempotent step, like `recordProcessed`: the order is refused for good. */
    async recordRejected(
      detail: ReceivedOrderDetail, record: SQSRecord, read: ReadRecord, at: string, reason: string,
    ): Promise<OrderRecord | undefined> {
      return store.apply(detail, { kind: 'rejected', at, attempts: attemptOf(record), reason }, read);
    },

    /**
     * Best effort: the record fails either way, and the processing error is the one to report.
     * On the last attempt (SQS moves it to the DLQ next) the status becomes FAILED, and the
     * record as written is returned (for the OrderFailed event).
     */
    async recordFailure(detail: ReceivedOrderDetail, record: SQSRecord, error: unknown): Promise<OrderRecord | undefined> {
      const attempts = attemptOf(record);
      const final = this.isLastAttempt(record);
      const failure = { at: new Date().toISOString(), attempts, final, error: errorMessageOf(error) };
      const step = config.step;
      try {
        const written = step === undefined
          ? await store.apply(detail, { kind: 'failed', ...failure })
          : await store.update(detail, (current) => applyStepOutcome(current, detail, { names: step.names }, step.name,
            { kind: step.mode === 'compensate' ? 'compensation-failed' : 'failed', ...failure }));
        return final && written?.status === 'FAILED' && written.eventId === detail.eventId ? written : undefined;
      } catch (writeError) {
        logOutcome('error', LOG_EVENTS.orderStateWriteFailed, {
          orderId: detail.orderId,
          eventId: detail.eventId,
          status: final ? 'FAILED' : 'ACCEPTED',
          errorMessage: errorMessageOf(writeError),
          error: writeError,
        });
        return undefined;
      }
    },
  };
}

export type OrderStatusWriter = ReturnType<typeof createOrderStatus>;
