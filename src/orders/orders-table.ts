import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { grantIdempotencyRecords, idempotencyStoreTable } from '../idempotency-store';
import { ResolvedProps } from '../resolved-props';

export interface OrdersTableProps {
  readonly settings: ResolvedProps;
}

/**
 * The orders store: the API's request-idempotency records and each order's state
 * (`order#<caller scope>#<orderId>`, see lambda/shared/order-state.ts). The key schema
 * and TTL attribute are Powertools' DynamoDBPersistenceLayer defaults (`id`, `expiration`),
 * so the handler needs no table-specific configuration.
 */
export class OrdersTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: OrdersTableProps) {
    super(scope, id);
    const { settings } = props;
    this.table = idempotencyStoreTable(this, 'Table', settings, 'orders');
  }

  /** The calls the Powertools persistence layer makes, on this table only. */
  public grantIdempotencyRecords(fn: lambda.IFunction): void {
    grantIdempotencyRecords(this.table, fn);
  }

  /** The worker's conditional read-then-write of an order's status (GetItem, PutItem), nothing else. */
  public grantOrderStatusWrites(fn: lambda.IFunction): void {
    this.table.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem');
  }
}
