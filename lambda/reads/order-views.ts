/** The HTTP contract's order shapes, from stored records (the key, scope and version stay internal). */
import type { OrderRecord } from '../shared/order-state';

export type OrderSummary = Omit<OrderRecord, 'id' | 'scope' | 'version' | 'history' | 'submittedBy' | 'processedAt'>;
export type OrderView = OrderSummary & Pick<OrderRecord, 'history'>;

export function orderSummary(record: OrderRecord): OrderSummary {
  return {
    orderId: record.orderId,
    eventId: record.eventId,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.customerId !== undefined ? { customerId: record.customerId } : {}),
    items: record.items,
    attempts: record.attempts,
    ...(record.lastError !== undefined ? { lastError: record.lastError } : {}),
    ...(record.attributes !== undefined ? { attributes: record.attributes } : {}),
    ...(record.result !== undefined ? { result: record.result } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
  };
}

export function orderView(record: OrderRecord): OrderView {
  return { ...orderSummary(record), history: record.history };
}
