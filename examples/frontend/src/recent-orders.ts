import type { OrderItem } from '../../../lambda/shared/order-contract';
import type { SubmitResult } from './api';

/** One submission of this browser session: what was sent and what came back. */
export interface RecentOrder {
  readonly id: number;
  /** ISO timestamp of the submission. */
  readonly submittedAt: string;
  readonly customerId?: string;
  readonly items: readonly OrderItem[];
  readonly result: SubmitResult;
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

/** Newest first, at most MAX_RECENT_ORDERS. */
export function addRecentOrder(orders: readonly RecentOrder[], order: Omit<RecentOrder, 'id'>): RecentOrder[] {
  const id = orders.reduce((max, entry) => Math.max(max, entry.id), 0) + 1;
  return [{ ...order, id }, ...orders].slice(0, MAX_RECENT_ORDERS);
}

/** Storage is shared with whatever else ran on this origin: render only entries of the expected shape. */
function isRecentOrder(value: unknown): value is RecentOrder {
  const entry = value as Partial<RecentOrder> | null;
  return typeof entry === 'object' && entry !== null
    && typeof entry.id === 'number'
    && typeof entry.submittedAt === 'string'
    && Array.isArray(entry.items)
    && typeof entry.result === 'object' && entry.result !== null
    && ['accepted', 'rejected', 'failed'].includes((entry.result as { kind?: unknown }).kind as string);
}
