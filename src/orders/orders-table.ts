import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { idempotencyStoreTable } from '../idempotency-store';
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
  /**
   * Lists a caller's orders newest first: partition key `scope`, sort key `createdAt`. Sparse:
   * only order records carry `scope`, so the idempotency records never appear in it.
   */
  public static readonly CALLER_INDEX_NAME = 'byCallerScope';

  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: OrdersTableProps) {
    super(scope, id);
    const { settings } = props;
    // Order records cannot be rebuilt from anything else: the data policy, not the transient one.
    this.table = idempotencyStoreTable(this, 'Table', settings, 'orders', {
      removalPolicy: settings.dataRemovalPolicy,
      deletionProtection: settings.ordersTableDeletionProtection,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: OrdersTable.CALLER_INDEX_NAME,
      partitionKey: { name: 'scope', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING },
      // Keys only: the keys never change, so the index is written once per order (its creation),
      // not on every status change; the list reads the page's records from the table.
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
  }

  /**
   * The calls the Powertools persistence layer makes, on this table only (not its index:
   * `table.grant` would add `index/*`, a wildcard nobody here needs).
   */
  public grantIdempotencyRecords(fn: lambda.IFunction): void {
    this.grantOnTable(fn, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
  }

  /**
   * What the reads function (and `grantReadOrders`) may do: one order (GetItem on the table) and
   * a caller's recent orders (Query on the caller-scope index for the keys, BatchGetItem on the
   * table for the records), nothing else.
   */
  public grantOrderReads(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnTable(grantee, ['dynamodb:GetItem', 'dynamodb:BatchGetItem']).combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [`${this.table.tableArn}/index/${OrdersTable.CALLER_INDEX_NAME}`],
    }));
  }

  /** The worker's conditional read-then-write of an order's status (GetItem, PutItem), nothing else. */
  public grantOrderStatusWrites(fn: lambda.IFunction): void {
    this.grantOnTable(fn, ['dynamodb:GetItem', 'dynamodb:PutItem']);
  }

  private grantOnTable(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.table.tableArn] });
  }
}
