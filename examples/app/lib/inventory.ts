import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface InventoryProps {
  /** Keep the table (and its stock) when the stack is deleted. */
  readonly retain: boolean;
}

/**
 * The example's stock: one row per sku (`available`), and one per reserved line
 * (`reservation#<eventId>#<sku>`), written by the processor in processor/inventory.ts. No
 * seeding resource: the processor stocks a catalogue sku the first time an order names it.
 */
export class Inventory extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: InventoryProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'sku', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Stock is business data: restorable to any second of the last 35 days (AwsSolutions-DDB3).
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
