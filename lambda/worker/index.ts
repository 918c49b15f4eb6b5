/**
 * `cdk-orders-workflow/worker`: write the worker's business step, keep its guarantees.
 *
 * ```ts
 * import { createOrderWorker, PermanentOrderError } from 'cdk-orders-workflow/worker';
 * export const handler = createOrderWorker(async (order, ctx) => { ... return { reservationId }; });
 * ```
 */
import { createOrderWorker as create } from './create-order-worker';
import type { OrderProcessorFunction, OrderWorkerHandler } from './public-types';

export { PermanentOrderError } from './permanent-order-error';
export type * from './public-types';

/**
 * Builds the worker's Lambda handler around `processor`: partial batch response, exactly one
 * completed processing per eventId (Powertools idempotency), order status, outcome events,
 * metrics and logs. Call it once, at module scope, and export the result as `handler`.
 */
export const createOrderWorker: (processor: OrderProcessorFunction) => OrderWorkerHandler = create;

/** The EventBridge detail types of the workflow's events. */
export const ORDER_DETAIL_TYPES = {
  orderCreated: 'OrderCreated',
  orderProcessed: 'OrderProcessed',
  orderRejected: 'OrderRejected',
  orderFailed: 'OrderFailed',
} as const;

/** The most a processor's result may weigh, in UTF-8 bytes of JSON. */
export const MAX_RESULT_BYTES = 4_096;
