/**
 * Stage `payment` (lib/orders-example-stack.ts): authorizes the order's card at the example's
 * fake gateway (payment-gateway.ts). A card number ending in 0002 is declined: the order is
 * REJECTED with "card declined". The result, { authorizationId }, reaches the later steps in
 * `ctx.results.payment` and the compensation (void-authorization.ts), which voids it when the
 * stock stage refuses the order.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createOrderWorker } from 'cdk-orders-workflow/worker';
import { authorizePayment } from './payment';
import { FakePaymentGateway } from './payment-gateway';
import { requiredEnv } from './required-env';

/** Set by the stack (the processor's `environment`). */
const gateway = new FakePaymentGateway(new DynamoDBClient({}), requiredEnv('PAYMENT_GATEWAY_TABLE_NAME'));

export const handler = createOrderWorker(async (order, context) => {
  const authorization = await authorizePayment(gateway, order);
  context.logger.info('payment_authorized', { authorizationId: authorization.authorizationId });
  return authorization;
});
