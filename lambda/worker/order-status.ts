/**
 * The worker's side of the order's status: PROCESSED when it completes, the attempt count and
 * last error when an attempt fails, FAILED when that was the last attempt before the DLQ.
 */
import type { SQSRecord } from 'aws-lambda';
import type { WorkerConfig } from './config';
import type { ReceivedOrderDetail } from './order-event';
import { errorMessageOf, LOG_EVENTS, logOutcome } from '../shared/log';
import { callerScope, OrderRecord, OrderStateStore } from '../shared/order-state';

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
     * The stored record when this very event was already recorded PROCESSED: its effect ran,
     * even if the idempotency layer failed to note completion afterwards, so it must not run again.
     */
    async processedRecord(detail: ReceivedOrderDetail): Promise<OrderRecord | undefined> {
      const stored = await store.get(callerScope(detail.submittedBy), detail.orderId);
      return stored?.status === 'PROCESSED' && stored.eventId === detail.eventId ? stored : undefined;
    },

    /** Part of the idempotent step: if it throws, the claim is released and the record retried. */
    async recordProcessed(detail: ReceivedOrderDetail, record: SQSRecord, at: string): Promise<void> {
      await store.apply(detail, { kind: 'processed', at, attempts: attemptOf(record) });
    },

    /**
     * Best effort: the record fails either way, and the processing error is the one to report.
     * On the last attempt (SQS moves it to the DLQ next) the status becomes FAILED.
     */
    async recordFailure(detail: ReceivedOrderDetail, record: SQSRecord, error: unknown): Promise<void> {
      const attempts = attemptOf(record);
      const final = this.isLastAttempt(record);
      try {
        await store.apply(detail, { kind: 'failed', at: new Date().toISOString(), attempts, final, error: errorMessageOf(error) });
      } catch (writeError) {
        logOutcome('error', LOG_EVENTS.orderStateWriteFailed, {
          orderId: detail.orderId,
          eventId: detail.eventId,
          status: final ? 'FAILED' : 'ACCEPTED',
          errorMessage: errorMessageOf(writeError),
          error: writeError,
        });
      }
    },
  };
}

export type OrderStatusWriter = ReturnType<typeof createOrderStatus>;
