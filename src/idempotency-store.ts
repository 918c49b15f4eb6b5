import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ResolvedProps } from './resolved-props';

/**
 * A table in the shape Powertools' DynamoDBPersistenceLayer expects by default (partition key
 * `id`, TTL attribute `expiration`), so a handler needs no table-specific configuration:
 * on-demand, AWS-managed encryption, point-in-time recovery. Named `<namePrefix>-<nameSuffix>`
 * when a prefix is set. Transient (its records expire) unless `data` says it holds orders.
 */
export function idempotencyStoreTable(
  scope: Construct, id: string, settings: ResolvedProps, nameSuffix: string, data?: DataTableOptions,
): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    tableName: settings.namePrefix && `${settings.namePrefix}-${nameSuffix}`,
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'expiration',
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: data?.removalPolicy ?? settings.transientRemovalPolicy,
    // Only when asked: an explicit `false` would add a property to every existing template.
    deletionProtection: data?.deletionProtection || undefined,
  });
}

/** For a table whose records cannot be rebuilt (the orders table). */
export interface DataTableOptions {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/** The four calls the Powertools persistence layer makes, on this table only. */
export function grantIdempotencyRecords(table: dynamodb.ITable, fn: lambda.IFunction): void {
  table.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
}
