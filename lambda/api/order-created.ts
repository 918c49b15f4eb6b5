import { randomUUID } from 'node:crypto';
import { OrderCreatedDetail, OrderRequest, SCHEMA_VERSION } from '../shared/order-contract';

/**
 * The event for a validated request. `eventId` is always fresh (it is the worker's
 * idempotency key: one per accepted request); `orderId` is the client's if it sent one,
 * so a client retry keeps its order id but is still a new event.
 */
export function buildOrderCreatedDetail(request: OrderRequest, now: Date = new Date()): OrderCreatedDetail {
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: randomUUID(),
    orderId: request.orderId ?? randomUUID(),
    createdAt: now.toISOString(),
    ...(request.customerId !== undefined ? { customerId: request.customerId } : {}),
    items: request.items.map(({ sku, qty }) => ({ sku, qty })),
  };
}
