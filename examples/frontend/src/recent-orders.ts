import type { OrderItem } from '../../../lambda/shared/order-contract';
import { SUBMIT_RESULT_KINDS, type SubmitResult } from './api';

/**
 * One order of this browser session: what was sent and the API's latest answer. Retries of
 * one Idempotency-Key are one order, so they update its entry instead of adding one.
 */
export interface RecentOrder {
  readonly id: number;
  /** ISO timestamp of the latest attempt. */
  readonly submittedAt: string;
  readonly customerId?: string;
  readonly items: readonly OrderItem[];
  readonly result: SubmitResult;
  /** Absent in entries a previous version of the app stored. */
  readonly idempotencyKey?: string;
  /** How many requests were sent under the key; 1 when absent. */
  readonly attempts?: number;
}

const STORAGE_KEY = 'orders-workflow.recent-orders';
export const MAX_RECENT_ORDERS = 20;

/** The session's list (survives a reload of the tab, not closing it). */
export function loadRecentOrders(): RecentOrder[] {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isRecentOrder).slice(0, MAX_RECENT_ORDERS) : [];
  } catch {
    return [];
  }
}

export function saveRecentOrders(orders: readonly RecentOrder[]): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(orders.slice(0, MAX_RECENT_ORDERS)));
  } catch {
    // Storage full or disabled (private mode): the list still works for this page view.
  }
}

/**
 * Records an attempt, newest first, at most MAX_RECENT_ORDERS. An attempt under a key already
 * listed replaces that entry (moved to the top, attempts counted).
 */
export function recordAttempt(orders: readonly RecentOrder[], attempt: Omit<RecentOrder, 'id' | 'attempts'>): RecentOrder[] {
  const previous = attempt.idempotencyKey === undefined ? undefined : orders.find((entry) => entry.idempotencyKey === attempt.idempotencyKey);
  const others = previous === undefined ? orders : orders.filter((entry) => entry !== previous);
  const id = previous?.id ?? orders.reduce((max, entry) => Math.max(max, entry.id), 0) + 1;
  const attempts = (previous?.attempts ?? (previous ? 1 : 0)) + 1;
  return [{ ...attempt, id, attempts }, ...others].slice(0, MAX_RECENT_ORDERS);
}

/** Storage is shared with whatever else ran on this origin: render only entries of the expected shape. */
function isRecentOrder(value: unknown): value is RecentOrder {
  const entry = value as Partial<RecentOrder> | null;
  return typeof entry === 'object' && entry !== null
    && typeof entry.id === 'number'
    && typeof entry.submittedAt === 'string'
    && Array.isArray(entry.items)
    && (entry.idempotencyKey === undefined || typeof entry.idempotencyKey === 'string')
    && (entry.attempts === undefined || typeof entry.attempts === 'number')
    && typeof entry.result === 'object' && entry.result !== null
    && SUBMIT_RESULT_KINDS.includes((entry.result as { kind?: unknown }).kind as SubmitResult['kind']);
}
