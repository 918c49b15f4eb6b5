import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { businessTable } from './business-table';

export interface PaymentGatewayProps {
  /** Keep the table (and its authorizations) when the stack is deleted. */
  readonly retain: boolean;
}

/**
 * The example's FAKE card payment gateway: its records, one row per authorization
 * (`authorizationId`: AUTHORIZED, then VOIDED when the payment stage is compensated). The
 * gateway's logic is processor/payment-gateway.ts; a real shop calls its payment provider instead.
 */
export class PaymentGateway extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: PaymentGatewayProps) {
    super(scope, id);
    this.table = businessTable(this, 'authorizationId', props.retain);
  }
}
