/**
 * The statuses of an order, on their own so that the browser can import them: order-state.ts
 * (the DynamoDB store) pulls in Node.js-only modules, which the frontend's type check refuses.
 */

/** Every status, in the order an order can reach them. */
export const ORDER_STATUSES = ['ACCEPTED', 'PROCESSED', 'REJECTED', 'FAILED'] as const;

/** PROCESSED and REJECTED are final; FAILED may still become either (a replay). */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** With stages: what became of one step of an order. */
export const STEP_STATUSES = ['PENDING', 'COMPLETED', 'REJECTED', 'FAILED', 'COMPENSATED', 'COMPENSATION_FAILED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** One step of an order as GET /orders/{orderId} shows it (docs/stages.md): `main`, then each stage in order. */
export interface StageView {
  readonly name: string;
  readonly status: StepStatus;
  /** When the step's state last changed (absent while PENDING). */
  readonly at?: string;
  readonly attempts: number;
  readonly lastError?: string;
  /** REJECTED: why the step refused the order. */
  readonly reason?: string;
}
