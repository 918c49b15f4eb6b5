/**
 * The workflow's own processor, step `main` (lib/orders-example-stack.ts): validation. It
 * refuses what can never be valid for the shop (validation.ts states the rules) before the
 * payment stage authorizes anything; it writes nothing. Failure injection (dev only) acts
 * before it runs, on this first step.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createOrderWorker } from 'cdk-orders-workflow/worker';
import { requiredEnv } from './required-env';
import { validateOrder } from './validation';

/** Set by the stack (the processor's `environment`): unknown skus are looked up there. */
const tableName = requiredEnv('INVENTORY_TABLE_NAME');
const dynamodb = new DynamoDBClient({});

export const handler = createOrderWorker(async (order, context) => {
  const validation = await validateOrder(dynamodb, tableName, order);
  context.logger.info('order_validated', { items: order.items.length });
  return validation;
});
