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

/** How the API knew the caller: the authorization mode that verified them. */
export type SubmitterType = 'cognito' | 'iam' | 'apiKey';

/**
 * Who created an order, as API Gateway verified them. Absent when the API's authorization is
 * `none` (it cannot tell callers apart). Added in schema 1.0 as an optional field, so a
 * consumer must accept events without it, and should accept a `type` it does not know.
 */
export interface SubmittedBy {
  readonly type: SubmitterType;
  /**
   * Stable id of the caller: the Cognito user's `sub`, the IAM principal's ARN as API Gateway
   * reports it (`requestContext.identity.userArn`; for an assumed role it includes the
   * session name), or the API key's id (never the key itself).
   */
  readonly id: string;
  /** Cognito only: the user's `cognito:username` (ID token) or `username` (access token). */
  readonly username?: string;
}

/** `detail` of an OrderCreated event. */
export interface OrderCreatedDetail {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly eventId: string;
  readonly orderId: string;
  readonly createdAt: string;
  readonly customerId?: string;
  readonly items: OrderItem[];
  /** The caller, when the API's authorization identifies one (additive in 1.0). */
  readonly submittedBy?: SubmittedBy;
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
