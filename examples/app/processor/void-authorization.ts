/**
 * The payment stage's compensation (lib/orders-example-stack.ts): when a later step (the stock
 * stage) refuses the order, it voids the payment's authorization at the fake gateway, exactly
 * once per order (a conditional write: a repeat finds it voided and changes nothing).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createOrderWorker } from 'cdk-orders-workflow/worker';
import { voidAuthorization } from './payment';
import { FakePaymentGateway } from './payment-gateway';
import { requiredEnv } from './required-env';

/** Set by the stack (the processor's `environment`). */
const gateway = new FakePaymentGateway(new DynamoDBClient({}), requiredEnv('PAYMENT_GATEWAY_TABLE_NAME'));

export const handler = createOrderWorker(async (_order, context) => {
  const voided = await voidAuthorization(gateway, context);
  context.logger.info('authorization_voided', { ...voided, rejectedStep: context.compensation?.rejectedStep });
});
