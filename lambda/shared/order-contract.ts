/**
 * The OrderCreated event contract, shared by the API handler (producer), the worker
 * (consumer), the local runner and the frontend. Browser-safe: no Node.js imports here.
 */

/** `detail.schemaVersion` of every OrderCreated event this version publishes. */
export const SCHEMA_VERSION = '1.0';

/** Routing keys: defined once in src/ (the construct's rule uses them too). */
export { DEFAULT_EVENT_SOURCE, ORDER_CREATED_DETAIL_TYPE } from '../../src/event-contract';

/** A sku that makes the worker throw when failure injection is on (DLQ drills). */
export const FAILURE_INJECTION_SKU = 'FAIL-ME';

/** Request limits, enforced by the API and mirrored by the frontend form. */
export const ORDER_LIMITS = {
  maxBodyBytes: 64 * 1024,
  maxItems: 100,
  maxSkuLength: 64,
  maxQty: 10_000,
  maxIdLength: 128,
} as const;

export interface OrderItem {
  readonly sku: string;
  readonly qty: number;
}

/** What a client POSTs to /orders. */
export interface OrderRequest {
  readonly items: OrderItem[];
  readonly customerId?: string;
  readonly orderId?: string;
}

/** `detail` of an OrderCreated event. */
export interface OrderCreatedDetail {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly eventId: string;
  readonly orderId: string;
  readonly createdAt: string;
  readonly customerId?: string;
  readonly items: OrderItem[];
}

/** One invalid field: `path` is dotted with indexes, e.g. `items[2].qty`; `(root)` for the body itself. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** 202 response body. */
export interface OrderAccepted {
  readonly orderId: string;
  readonly eventId: string;
}

/** 4xx/5xx response body. */
export interface ErrorResponse {
  readonly message: string;
  readonly errors?: FieldError[];
  readonly requestId?: string;
}
