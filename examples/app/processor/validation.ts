/**
 * The validation step's rules (validate.ts): what can never be valid for the shop, refused
 * before the payment is authorized. An order is refused when
 *
 * - it names more than 50 different skus (one stock transaction holds 50 lines);
 * - a sku is unknown: neither in the catalogue (catalogue.ts) nor stocked in the inventory table
 *   (a sku shaped like a reservation row is never a sku);
 * - its `cardNumber` attribute is there but not 12 to 19 digits.
 *
 * Whether a card is declined or enough stock is left is for the later steps to find out.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PermanentOrderError, type Order } from 'cdk-orders-workflow/worker';
import { CATALOGUE } from './catalogue';
import { MAX_SKUS_PER_ORDER, RESERVATION_PREFIX } from './inventory';
import { cardProblem } from './payment';

/** The validation step's result. */
export type Validation = {
  readonly valid: true;
};

/** Resolves when the order can be taken; throws PermanentOrderError with the reason when it never can. */
export async function validateOrder(dynamodb: DynamoDBClient, inventoryTableName: string, order: Pick<Order, 'items' | 'attributes'>): Promise<Validation> {
  const skus = [...new Set(order.items.map((item) => item.sku))];
  if (skus.length > MAX_SKUS_PER_ORDER) {
    throw new PermanentOrderError(`too many skus: ${skus.length} in one order, at most ${MAX_SKUS_PER_ORDER}`);
  }
  const card = cardProblem(order);
  if (card !== undefined) throw new PermanentOrderError(card);
  for (const sku of skus) {
    if (!await isKnown(dynamodb, inventoryTableName, sku)) throw new PermanentOrderError(`unknown sku ${sku}`);
  }
  return { valid: true };
}

/** In the catalogue, or stocked in the table (a restock of a new sku); never a reservation row. */
async function isKnown(dynamodb: DynamoDBClient, tableName: string, sku: string): Promise<boolean> {
  if (sku.startsWith(RESERVATION_PREFIX)) return false;
  if (Object.hasOwn(CATALOGUE, sku)) return true;
  const row = await dynamodb.send(new GetItemCommand({
    TableName: tableName, Key: { sku: { S: sku } }, ProjectionExpression: 'sku, available', ConsistentRead: true,
  }));
  return row.Item?.available?.N !== undefined;
}
