/** The HTTP contract's order shapes, from stored records (the key, scope and version stay internal). */
import type { OrderRecord } from '../shared/order-state';
import { StageView, stageViews } from '../shared/order-steps';

export type OrderSummary = Omit<OrderRecord, 'id' | 'scope' | 'version' | 'history' | 'submittedBy' | 'processedAt' | 'steps'> & {
  /** With stages: each step in pipeline order. */
  readonly stages?: StageView[];
};
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
    ...(record.rejectedStep !== undefined ? { rejectedStep: record.rejectedStep } : {}),
    ...(record.failedStep !== undefined ? { failedStep: record.failedStep } : {}),
    ...(record.steps !== undefined ? { stages: stageViews(record) } : {}),
  };
}

export function orderView(record: OrderRecord): OrderView {
  return { ...orderSummary(record), history: record.history };
}
