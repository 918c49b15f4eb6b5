/**
 * The two EventBridge routing keys of an OrderCreated event. They live in src/ (not lambda/)
 * because jsii compiles only src/; lambda/shared/order-contract.ts re-exports them, so the
 * rule the construct creates and the entries the API handler publishes cannot drift apart.
 */

/** Default EventBridge `source` of OrderCreated events (the `eventSource` prop overrides it). */
export const DEFAULT_EVENT_SOURCE = 'myapp.orders';

/** EventBridge `detail-type` of a new order. */
export const ORDER_CREATED_DETAIL_TYPE = 'OrderCreated';
