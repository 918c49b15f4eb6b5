import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

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
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'authorizationId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Payment records are business data: restorable to any second of the last 35 days (AwsSolutions-DDB3).
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
