/**
 * `cdk-orders-workflow/worker`: write the worker's business step, keep its guarantees.
 *
 * ```ts
 * import { createOrderWorker, PermanentOrderError } from 'cdk-orders-workflow/worker';
 * export const handler = createOrderWorker(async (order, ctx) => { ... return { reservationId }; });
 * ```
 */
import { createOrderWorker as create } from './create-order-worker';
import { MAX_RESULT_BYTES as RESULT_BYTES } from './processor-result';
import type { OrderProcessorFunction, OrderWorkerHandler } from './public-types';
import {
  ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE, ORDER_CREATED_DETAIL_TYPE, ORDER_FAILED_DETAIL_TYPE, ORDER_PROCESSED_DETAIL_TYPE,
  ORDER_REJECTED_DETAIL_TYPE,
} from '../shared/order-contract';

export { PermanentOrderError } from './permanent-order-error';
export type {
  JsonValue, JsonObject, OrderItem, SubmittedBy, Order, OrderLogger, MetricUnit, OrderMetrics, LambdaContext, OrderProcessingContext,
  OrderProcessorFunction, SqsBatchEvent, SqsBatchResponse, OrderWorkerHandler, OrderOutcomeDetailBase, OrderProcessedDetail,
  OrderRejectedDetail, OrderFailedDetail, OrderOutcomeDetail, OrderCreatedDetail, OrderStepCompletedDetail,
  OrderCompensationRequestedDetail,
} from './public-types';

/**
 * Builds the worker's Lambda handler around `processor`: partial batch response, exactly one
 * completed processing per eventId (Powertools idempotency), order status, outcome events,
 * metrics and logs. Call it once, at module scope, and export the result as `handler`.
 */
export const createOrderWorker: (processor: OrderProcessorFunction) => OrderWorkerHandler = create;

// Spelled out (the declarations ship alone), and checked by the compiler against the sources.
/** The EventBridge detail types of the workflow's events. */
export const ORDER_DETAIL_TYPES: {
  readonly orderCreated: 'OrderCreated';
  readonly orderProcessed: 'OrderProcessed';
  readonly orderRejected: 'OrderRejected';
  readonly orderFailed: 'OrderFailed';
  readonly orderCompensationRequested: 'OrderCompensationRequested';
} = {
  orderCreated: ORDER_CREATED_DETAIL_TYPE,
  orderProcessed: ORDER_PROCESSED_DETAIL_TYPE,
  orderRejected: ORDER_REJECTED_DETAIL_TYPE,
  orderFailed: ORDER_FAILED_DETAIL_TYPE,
  orderCompensationRequested: ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE,
};

/** The most a processor's result may weigh, in UTF-8 bytes of JSON. */
export const MAX_RESULT_BYTES: 4096 = RESULT_BYTES;
