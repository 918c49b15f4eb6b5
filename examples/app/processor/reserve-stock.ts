/**
 * The example's processor (OrderProcessor.fromEntry in lib/orders-example-stack.ts): reserves
 * the order's stock in the example's inventory table. createOrderWorker runs it inside the
 * workflow's guarantees (once per eventId, order status, outcome events, DLQ, metrics).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createOrderWorker } from 'cdk-orders-workflow/worker';
import { reserveStock } from './inventory';

/** Set by the stack (the processor's `environment`). */
const tableName = requiredEnv('INVENTORY_TABLE_NAME');
const dynamodb = new DynamoDBClient({});

export const handler = createOrderWorker(async (order, context) => {
  const reservation = await reserveStock(dynamodb, tableName, order);
  context.logger.info('stock_reserved', { reservationId: reservation.reservationId, lines: reservation.reserved.length });
  return reservation;
});

/** At init: a misconfigured function fails loudly at once, not with a confusing error per order. */
function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: the stack passes it in the processor's environment`);
  }
  return value;
}
