/**
 * The OrderCreated event contract, shared by the API handler (producer), the worker
 * (consumer), the local runner and the frontend. Browser-safe: no Node.js imports here.
 */

/** `detail.schemaVersion` of every event this version publishes (1.1 added `attributes` and the outcome events). */
export const SCHEMA_VERSION = '1.1';

/** The versions a worker of this version reads: 1.1 only adds optional fields, so 1.0 events (in flight, or replayed from a DLQ) still process. */
export const READABLE_SCHEMA_VERSIONS = ['1.0', '1.1'] as const;
export type ReadableSchemaVersion = (typeof READABLE_SCHEMA_VERSIONS)[number];

/** Routing keys: defined once in src/ (the construct's rules use them too). */
export {
  DEFAULT_EVENT_SOURCE, ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE, ORDER_CREATED_DETAIL_TYPE, ORDER_FAILED_DETAIL_TYPE, ORDER_PROCESSED_DETAIL_TYPE,
  ORDER_REJECTED_DETAIL_TYPE,
} from '../../src/event-contract';

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

/**
 * Limits of the `attributes` object of an order and of each item: the team's own fields (price,
 * currency, address...). The whole body stays under `maxBodyBytes`, so an event stays far below
 * EventBridge's 256 KB and an order record far below DynamoDB's 400 KB.
 */
export const ATTRIBUTE_LIMITS = {
  /** UTF-8 bytes of the order's `attributes`, serialized as JSON. */
  maxOrderBytes: 4_096,
  /** UTF-8 bytes of one item's `attributes`, serialized as JSON. */
  maxItemBytes: 1_024,
  /** Objects and arrays inside one another; the attributes object itself is depth 1. */
  maxDepth: 5,
  /** Keys in one attributes value, nested objects' keys included. */
  maxKeys: 64,
  maxKeyLength: 128,
} as const;

// One definition for the worker runtime's public types and the contract (both browser-safe, import-free).
import type { JsonObject, OrderItem } from '../worker/public-types';

export type { JsonObject, JsonValue, OrderItem } from '../worker/public-types';

export type { OrderStatus } from './order-status';

/** What a client POSTs to /orders. */
export interface OrderRequest {
  readonly items: OrderItem[];
  readonly customerId?: string;
  readonly orderId?: string;
  /** The team's own fields of the order (schema 1.1). */
  readonly attributes?: JsonObject;
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
  readonly schemaVersion: ReadableSchemaVersion;
  readonly eventId: string;
  readonly orderId: string;
  readonly createdAt: string;
  readonly customerId?: string;
  readonly items: OrderItem[];
  /** The caller, when the API's authorization identifies one (additive in 1.0). */
  readonly submittedBy?: SubmittedBy;
  /** The team's own fields of the order (additive in 1.1). */
  readonly attributes?: JsonObject;
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
