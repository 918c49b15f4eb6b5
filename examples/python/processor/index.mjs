// The Python example's business step, in JavaScript: `OrderProcessor.from_entry` in ../app.py
// bundles this file with esbuild at synth. createOrderWorker runs it inside the workflow's
// guarantees (once per eventId, order status, outcome events, DLQ, metrics, logs).
import { createOrderWorker, PermanentOrderError } from 'cdk-orders-workflow/worker';

const POINTS_PER_ITEM = Number(process.env.POINTS_PER_ITEM ?? '10');

export const handler = createOrderWorker(async (order, context) => {
  // Loyalty points need a customer: an order without one can never earn them, so retrying is
  // pointless. PermanentOrderError makes it REJECTED at once, with this reason on the order.
  if (order.customerId === undefined) {
    throw new PermanentOrderError('loyalty points need a customerId');
  }
  const units = order.items.reduce((sum, item) => sum + item.qty, 0);
  const points = units * POINTS_PER_ITEM;
  context.logger.info('points_awarded', { customerId: order.customerId, points });
  // Kept on the order (`result` of GET /orders/{orderId}) and on its OrderProcessed event.
  return { customerId: order.customerId, points };
});
