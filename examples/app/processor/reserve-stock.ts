/**
 * Stage `stock`, the last step (lib/orders-example-stack.ts): reserves the order's stock in the
 * example's inventory table. When too little is left it refuses the order, and the workflow
 * then runs the payment stage's compensation (the authorization is voided). createOrderWorker
 * runs it inside the workflow's guarantees (once per eventId, order status, outcome events, DLQ,
 * metrics); as the last stage, its result is the order's and OrderProcessed carries it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createOrderWorker } from 'cdk-orders-workflow/worker';
import { reserveStock } from './inventory';
import { requiredEnv } from './required-env';

/** Set by the stack (the processor's `environment`). */
const tableName = requiredEnv('INVENTORY_TABLE_NAME');
const dynamodb = new DynamoDBClient({});

export const handler = createOrderWorker(async (order, context) => {
  const reservation = await reserveStock(dynamodb, tableName, order);
  context.logger.info('stock_reserved', { reservationId: reservation.reservationId, lines: reservation.reserved.length });
  return reservation;
});
