/**
 * The business step for one new order. It runs inside the idempotent wrapper, so it
 * runs to completion at most once per eventId (a throw releases the claim for a retry).
 */
import type { ReceivedOrderDetail } from './order-event';
import { LOG_EVENTS, logOutcome } from '../shared/log';
import { FAILURE_INJECTION_SKU } from '../shared/order-contract';

export interface ProcessOrderOptions {
  /** Throw for an order containing the FAIL-ME sku (retry and DLQ drills). */
  readonly failureInjectionEnabled: boolean;
}

/** Stored by the idempotency layer as the response of a completed eventId; keep it small and JSON. */
export interface ProcessResult {
  readonly orderId: string;
  readonly eventId: string;
  readonly processedAt: string;
}

export async function processOrder(detail: ReceivedOrderDetail, options: ProcessOrderOptions): Promise<ProcessResult> {
  if (options.failureInjectionEnabled && detail.items.some((item) => item.sku === FAILURE_INJECTION_SKU)) {
    throw new Error(`Injected failure: the order contains sku ${FAILURE_INJECTION_SKU}`);
  }
  const result: ProcessResult = { orderId: detail.orderId, eventId: detail.eventId, processedAt: new Date().toISOString() };
  logOutcome('info', LOG_EVENTS.orderProcessed, {
    eventId: detail.eventId,
    orderId: detail.orderId,
    itemCount: detail.items.length,
    totalQty: detail.items.reduce((sum, item) => sum + item.qty, 0),
    submittedBy: detail.submittedBy,
  });
  return result;
}
