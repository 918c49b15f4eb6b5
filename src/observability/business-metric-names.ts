/**
 * The business metrics the handlers emit (Powertools Metrics, EMF) and the construct graphs and
 * alarms on. One list for both sides: a renamed metric or dimension that the alarm did not follow
 * would leave the alarm watching a metric nobody writes. Plain constants only, because the
 * handler bundles import this file.
 */
export const BUSINESS_METRICS = {
  /** API: a new order was published (202, not a replay of an earlier answer). Count. */
  ordersAccepted: 'OrdersAccepted',
  /**
   * A refused order, with a `reason` dimension. API: a request refused before anything was
   * published. Worker (reason `processor`): the processor refused an order for good. Count.
   */
  ordersRejected: 'OrdersRejected',
  /** Worker: an order was processed for the first time. Count. */
  ordersProcessed: 'OrdersProcessed',
  /** Worker: one processing attempt of a record failed (every attempt, not only the last). Count. */
  ordersFailed: 'OrdersFailed',
  /** Worker: a redelivered event whose eventId was already processed, acknowledged unprocessed. Count. */
  duplicatesIgnored: 'DuplicatesIgnored',
  /** Worker: from the order's `createdAt` to its processing, in milliseconds. */
  processingLatency: 'ProcessingLatency',
} as const;

/** Powertools' own dimension, from POWERTOOLS_SERVICE_NAME: `orders-api` or `orders-worker`. */
export const SERVICE_DIMENSION = 'service';

/** The dimension of OrdersRejected. */
export const REJECTION_REASON_DIMENSION = 'reason';

/**
 * Every value the `reason` dimension can take: a fixed, small set, so that each is one
 * CloudWatch metric that a dashboard can name and nothing a caller sends can create more.
 * 5xx answers are not rejections (the order may be retried and accepted); the API's 5XX alarm
 * covers them.
 */
export const REJECTION_REASONS = [
  /** 400: the body or the Idempotency-Key header broke the contract. */
  'validation',
  /** 415: not application/json. */
  'unsupported_media_type',
  /** 422: the key was already used for a different order. */
  'key_reused',
  /** 409: a request with the same key is still being processed. */
  'in_progress',
  /** 403: no verified caller identity reached the function (a misconfigured route). */
  'unidentified',
  /** 405: a method other than POST reached the function. */
  'method_not_allowed',
  /** The worker: the processor refused the order for good (PermanentOrderError); the order is REJECTED. */
  'processor',
] as const;

export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Which handler counts a rejection: the worker for the processor's, the API for the rest. */
export function rejectionHandler(reason: RejectionReason): 'api' | 'worker' {
  return reason === 'processor' ? 'worker' : 'api';
}

/** The Powertools service name (and so the `service` dimension) of each handler. */
export function handlerServiceName(handler: 'api' | 'worker' | 'reads' | 'operations'): string {
  return `orders-${handler}`;
}
