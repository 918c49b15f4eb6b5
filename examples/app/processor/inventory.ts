/**
 * Stock reservation, idempotent per eventId. One DynamoDB transaction per order: for each sku a
 * reservation row `reservation#<eventId>#<sku>` put only if it does not exist, and the sku's
 * `available` decremented only if enough is left. A redelivery of the same event (the worker
 * crashed after the commit, before it recorded the order as PROCESSED) finds its reservation
 * rows, so the transaction is cancelled and nothing is decremented twice; it answers with the
 * same reservation. An unknown or out-of-stock sku can never succeed: PermanentOrderError.
 */
import {
  ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, TransactionCanceledException,
  TransactWriteItemsCommand, type CancellationReason, type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { PermanentOrderError, type Order } from 'cdk-orders-workflow/worker';
import { CATALOGUE } from './catalogue';

/** Rows of reservations share the table with the skus' rows; no sku may look like one. */
export const RESERVATION_PREFIX = 'reservation#';
/** A transaction holds at most 100 actions, and each sku takes two. */
export const MAX_SKUS_PER_ORDER = 50;
/** Seeding a catalogue sku then trying again: one retry is enough, a second miss is a real bug. */
const MAX_TRANSACTION_ATTEMPTS = 2;

// Type aliases, not interfaces: a result must be assignable to the runtime's JsonObject.
export type ReservedLine = {
  readonly sku: string;
  readonly qty: number;
};

/** What the processor returns: kept on the order (`result`) and on its OrderProcessed event. */
export type Reservation = {
  /** The same for every delivery of the event. */
  readonly reservationId: string;
  readonly reserved: ReservedLine[];
};

/** Reserves every line of the order, or none; answers with the same reservation on a redelivery. */
export async function reserveStock(dynamodb: DynamoDBClient, tableName: string, order: Pick<Order, 'eventId' | 'items'>): Promise<Reservation> {
  const lines = linesBySku(order.items);
  const reservation: Reservation = { reservationId: `res-${order.eventId}`, reserved: lines };
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: lines.flatMap((line) => actionsFor(tableName, order.eventId, line)) }));
      return reservation;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      // Actions come in pairs per line: [reservation put, stock update].
      if (lines.some((_line, index) => failedCondition(reasons[2 * index]))) {
        return reservation; // reserved by an earlier delivery of this event
      }
      const short = lines.filter((_line, index) => failedCondition(reasons[2 * index + 1]));
      // Anything else (a conflict with a concurrent transaction, throttling): retried by the worker.
      if (short.length === 0) throw error;
      const worthRetrying = await explainShortage(dynamodb, tableName, short);
      if (!worthRetrying || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
    }
  }
}

/** One line per sku (an order may name a sku twice), in the order's order. */
function linesBySku(items: Order['items']): ReservedLine[] {
  const quantities = new Map<string, number>();
  for (const item of items) quantities.set(item.sku, (quantities.get(item.sku) ?? 0) + item.qty);
  if (quantities.size > MAX_SKUS_PER_ORDER) {
    throw new PermanentOrderError(`too many skus: ${quantities.size} in one order, at most ${MAX_SKUS_PER_ORDER}`);
  }
  const unknown = [...quantities.keys()].find((sku) => sku.startsWith(RESERVATION_PREFIX));
  if (unknown !== undefined) throw new PermanentOrderError(`unknown sku ${unknown}`);
  return [...quantities].map(([sku, qty]) => ({ sku, qty }));
}

function actionsFor(tableName: string, eventId: string, line: ReservedLine): TransactWriteItem[] {
  return [
    {
      Put: {
        TableName: tableName,
        Item: {
          sku: { S: `${RESERVATION_PREFIX}${eventId}#${line.sku}` },
          eventId: { S: eventId },
          reservedSku: { S: line.sku },
          qty: { N: String(line.qty) },
        },
        ConditionExpression: 'attribute_not_exists(sku)',
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: { sku: { S: line.sku } },
        UpdateExpression: 'SET available = available - :qty',
        // attribute_exists: an update would otherwise create the row of a sku nobody stocked.
        ConditionExpression: 'attribute_exists(sku) AND available >= :qty',
        ExpressionAttributeValues: { ':qty': { N: String(line.qty) } },
      },
    },
  ];
}

function failedCondition(reason: CancellationReason | undefined): boolean {
  return reason?.Code === 'ConditionalCheckFailed';
}

/**
 * Why the stock updates failed. A catalogue sku without a row yet gets its row (then the caller
 * tries again: returns true); a sku that is neither in the table nor in the catalogue, or has too
 * little left, rejects the order.
 */
async function explainShortage(dynamodb: DynamoDBClient, tableName: string, short: readonly ReservedLine[]): Promise<boolean> {
  let worthRetrying = false;
  for (const line of short) {
    const row = await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { sku: { S: line.sku } }, ConsistentRead: true }));
    if (row.Item === undefined) {
      const initial = CATALOGUE[line.sku];
      if (initial === undefined) throw new PermanentOrderError(`unknown sku ${line.sku}`);
      await seed(dynamodb, tableName, line.sku, initial);
      worthRetrying = true;
      continue;
    }
    const available = Number(row.Item.available?.N ?? '0');
    if (available < line.qty) {
      throw new PermanentOrderError(`out of stock: ${line.sku} (ordered ${line.qty}, ${available} available)`);
    }
    // Enough now: another order released stock, or raced us. Trying again settles it.
    worthRetrying = true;
  }
  return worthRetrying;
}

/** The catalogue's initial stock, written only if the sku has no row (never over a restock). */
async function seed(dynamodb: DynamoDBClient, tableName: string, sku: string, available: number): Promise<void> {
  try {
    await dynamodb.send(new PutItemCommand({
      TableName: tableName,
      Item: { sku: { S: sku }, available: { N: String(available) } },
      ConditionExpression: 'attribute_not_exists(sku)',
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
