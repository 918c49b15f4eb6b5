/**
 * The EventBridge routing keys of the workflow's events (OrderCreated and the outcomes). They live in src/ (not lambda/)
 * because jsii compiles only src/; lambda/shared/order-contract.ts re-exports them, so the
 * rule the construct creates and the entries the API handler publishes cannot drift apart.
 */

/** Default EventBridge `source` of OrderCreated events (the `eventSource` prop overrides it). */
export const DEFAULT_EVENT_SOURCE = 'myapp.orders';

/** EventBridge `detail-type` of a new order. */
export const ORDER_CREATED_DETAIL_TYPE = 'OrderCreated';
/** EventBridge `detail-type` of an order the processor completed. */
export const ORDER_PROCESSED_DETAIL_TYPE = 'OrderProcessed';
/** EventBridge `detail-type` of an order the processor refused for good (`PermanentOrderError`). */
export const ORDER_REJECTED_DETAIL_TYPE = 'OrderRejected';
/** EventBridge `detail-type` of an order whose last attempt failed (its message goes to the dead-letter queue). */
export const ORDER_FAILED_DETAIL_TYPE = 'OrderFailed';
/**
 * EventBridge `detail-type` of a request to undo one completed stage of an order (`detail.step`
 * names it): published by the worker runtime when a later stage refuses the order.
 */
export const ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE = 'OrderCompensationRequested';
/** Default `detail-type` the workflow's own processor (step `main`) publishes when it completes and stages follow. */
export const DEFAULT_PROCESSOR_COMPLETED_EVENT = 'OrderValidated';

/** The detail types the workflow itself publishes: a step's completed event may be none of them. */
export const BUILT_IN_DETAIL_TYPES = [
  ORDER_CREATED_DETAIL_TYPE, ORDER_PROCESSED_DETAIL_TYPE, ORDER_REJECTED_DETAIL_TYPE, ORDER_FAILED_DETAIL_TYPE,
  ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE,
];
