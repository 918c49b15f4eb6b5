/**
 * A caller's orders, newest first, one page at a time: a Query on the (scope, createdAt) index,
 * which holds keys only (so a status change never writes it), then one BatchGetItem for the
 * page's records.
 * The cursor is DynamoDB's LastEvaluatedKey as base64url JSON; opaque to clients, checked on
 * the way back in (exactly the three key strings, and the caller's own scope) so a forged or
 * truncated cursor is a 400, never another caller's page or a 500.
 */
import { AttributeValue, BatchGetItemCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { fromItem } from '../shared/attribute-values';
import { fromOrderItem, OrderRecord } from '../shared/order-state';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** A LastEvaluatedKey is three short strings; anything much longer is not one of ours. */
const MAX_CURSOR_LENGTH = 2_048;

interface PageKey {
  readonly id: string;
  readonly scope: string;
  readonly createdAt: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export function parseLimit(value: string | undefined): Parsed<number> {
  if (value === undefined) return { ok: true, value: DEFAULT_LIMIT };
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  return limit >= 1 && limit <= MAX_LIMIT
    ? { ok: true, value: limit }
    : { ok: false, message: `must be a whole number from 1 to ${MAX_LIMIT}` };
}

export function parseCursor(value: string | undefined, scope: string): Parsed<PageKey | undefined> {
  if (value === undefined) return { ok: true, value: undefined };
  const invalid = { ok: false as const, message: 'is not a cursor this API returned (pass nextCursor unchanged)' };
  if (value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return invalid;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return invalid;
  }
  const fields = key as Record<string, unknown>;
  const valid = typeof key === 'object' && key !== null && !Array.isArray(key)
    && Object.keys(fields).sort().join(',') === 'createdAt,id,scope'
    && typeof fields.id === 'string' && typeof fields.createdAt === 'string' && fields.scope === scope;
  return valid ? { ok: true, value: key as PageKey } : invalid;
}

export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify({ id: key.id, scope: key.scope, createdAt: key.createdAt }), 'utf8').toString('base64url');
}

export async function recentOrders(
  client: DynamoDBClient, tableName: string, indexName: string, scope: string, limit: number, after: PageKey | undefined,
): Promise<{ orders: OrderRecord[]; nextCursor?: string }> {
  const { Items = [], LastEvaluatedKey } = await client.send(new QueryCommand({
    TableName: tableName,
    IndexName: indexName,
    KeyConditionExpression: '#scope = :scope',
    ExpressionAttributeNames: { '#scope': 'scope' },
    ExpressionAttributeValues: { ':scope': { S: scope } },
    ScanIndexForward: false,
    Limit: limit,
    ...(after ? { ExclusiveStartKey: { id: { S: after.id }, scope: { S: after.scope }, createdAt: { S: after.createdAt } } } : {}),
  }));
  const orders = await recordsOf(client, tableName, Items.map((item) => item.id.S!));
  const last = LastEvaluatedKey ? (fromItem(LastEvaluatedKey) as unknown as PageKey) : undefined;
  return { orders, ...(last ? { nextCursor: encodeCursor(last) } : {}) };
}

/** BatchGetItem's keys that DynamoDB left unprocessed (throttling) are asked again, a few times. */
const MAX_BATCH_GET_ROUNDS = 5;

/**
 * The records of `ids` (at most MAX_LIMIT, one BatchGetItem's worth), in the order of `ids`. An
 * order that expired between the Query and the read is left out.
 */
async function recordsOf(client: DynamoDBClient, tableName: string, ids: readonly string[]): Promise<OrderRecord[]> {
  const found = new Map<string, OrderRecord>();
  let keys: Array<Record<string, AttributeValue>> = ids.map((id) => ({ id: { S: id } }));
  for (let round = 1; keys.length > 0; round++) {
    if (round > MAX_BATCH_GET_ROUNDS) throw new Error(`BatchGetItem left ${keys.length} orders unread after ${MAX_BATCH_GET_ROUNDS} rounds`);
    if (round > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
    const { Responses, UnprocessedKeys } = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
    for (const item of Responses?.[tableName] ?? []) {
      const record = fromOrderItem(item);
      found.set(record.id, record);
    }
    keys = UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}
