import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/**
 * A table of the shop's own business data (stock, payments), created as `Table` in `scope`:
 * on demand, encrypted, restorable to any second of the last 35 days (AwsSolutions-DDB3), and
 * kept when the stack is deleted if `retain`.
 */
export function businessTable(scope: Construct, partitionKey: string, retain: boolean): dynamodb.Table {
  return new dynamodb.Table(scope, 'Table', {
    partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
}
