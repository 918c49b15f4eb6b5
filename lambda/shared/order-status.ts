/**
 * The statuses of an order, on their own so that the browser can import them: order-state.ts
 * (the DynamoDB store) pulls in Node.js-only modules, which the frontend's type check refuses.
 */

/** Every status, in the order an order can reach them. */
export const ORDER_STATUSES = ['ACCEPTED', 'PROCESSED', 'REJECTED', 'FAILED'] as const;

/** PROCESSED and REJECTED are final; FAILED may still become either (a replay). */
export type OrderStatus = (typeof ORDER_STATUSES)[number];
