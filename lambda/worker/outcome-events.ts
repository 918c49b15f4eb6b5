/**
 * OrderProcessed, OrderRejected and OrderFailed on the workflow's bus, built from the order
 * record as the worker wrote it, so a republication after a retry carries the same detail and
 * the same `outcomeId`.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { OrderFailedDetail, OrderOutcomeDetail, OrderOutcomeDetailBase, OrderProcessedDetail, OrderRejectedDetail } from './public-types';
import { ORDER_FAILED_DETAIL_TYPE, ORDER_PROCESSED_DETAIL_TYPE, ORDER_REJECTED_DETAIL_TYPE } from '../shared/order-contract';
import type { OrderRecord } from '../shared/order-state';
import { completedResults } from '../shared/order-steps';
import { EventTarget, putEvent } from '../shared/put-event';

export interface OutcomeEvent {
  readonly detailType: string;
  readonly detail: OrderOutcomeDetail;
}

/** The event for a record's status, or undefined for a status that is no outcome (ACCEPTED). */
export function outcomeEvent(record: OrderRecord): OutcomeEvent | undefined {
  const base: Omit<OrderOutcomeDetailBase, 'outcomeId' | 'occurredAt'> = {
    schemaVersion: '1.1',
    eventId: record.eventId,
    orderId: record.orderId,
    createdAt: record.createdAt,
    ...(record.customerId !== undefined ? { customerId: record.customerId } : {}),
    items: record.items,
    ...(record.attributes !== undefined ? { attributes: record.attributes } : {}),
    ...(record.submittedBy !== undefined ? { submittedBy: record.submittedBy } : {}),
    attempts: record.attempts,
  };
  switch (record.status) {
    case 'PROCESSED': {
      const detail: OrderProcessedDetail = {
        ...base,
        outcomeId: `${record.eventId}:processed`,
        occurredAt: record.processedAt ?? record.updatedAt,
        status: 'PROCESSED',
        ...(record.result !== undefined ? { result: record.result } : {}),
        ...(record.steps !== undefined ? { results: completedResults(record.steps) } : {}),
      };
      return { detailType: ORDER_PROCESSED_DETAIL_TYPE, detail };
    }
    case 'REJECTED': {
      const detail: OrderRejectedDetail = {
        ...base, outcomeId: `${record.eventId}:rejected`, occurredAt: record.updatedAt, status: 'REJECTED', reason: record.reason ?? '',
      };
      return { detailType: ORDER_REJECTED_DETAIL_TYPE, detail };
    }
    case 'FAILED': {
      // A FAILED order can be replayed and fail again: each failure is its own write, its own version.
      const detail: OrderFailedDetail = {
        ...base, outcomeId: `${record.eventId}:failed:${record.version}`, occurredAt: record.updatedAt, status: 'FAILED', error: record.lastError ?? '',
      };
      return { detailType: ORDER_FAILED_DETAIL_TYPE, detail };
    }
    default:
      return undefined;
  }
}

export interface OutcomePublisher {
  readonly enabled: boolean;
  /** Publishes the record's outcome; throws when the bus did not accept it. */
  publish(record: OrderRecord): Promise<void>;
}

/** Without a target (outcome events off), nothing is published and no client is built. */
export function createOutcomePublisher(target: EventTarget | undefined): OutcomePublisher {
  if (target === undefined) return { enabled: false, publish: async () => undefined };
  const client = new EventBridgeClient({});
  return {
    enabled: true,
    async publish(record) {
      const event = outcomeEvent(record);
      if (event !== undefined) await putEvent(client, target, event.detailType, event.detail);
    },
  };
}
