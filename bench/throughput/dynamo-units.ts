/**
 * What the DynamoDB calls of the counting run cost in capacity units, not only in calls: each
 * write is billed per started KB of the item (the larger of its size before and after), each
 * strongly consistent read per started 4 KB, and a write that creates an order record also
 * writes the caller-scope index (keys only: later writes leave the index alone). Sizes follow
 * DynamoDB's published rules (attribute names count, a number takes about one byte per two
 * digits, a list or map 3 bytes plus 1 per element); an UpdateItem's item is sized as stored
 * after the run (order records only grow), a PutItem's as sent.
 */
import { AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { ProxiedCall } from '../../test/integration/support/aws-proxy';

/** The DynamoDB operations billed as writes, and as (strongly consistent) reads. */
export const DYNAMO_WRITES: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
export const DYNAMO_READS: ReadonlySet<string> = new Set(['GetItem']);
/** DynamoDB's per-item overhead in a secondary index. */
const INDEX_ITEM_OVERHEAD_BYTES = 100;
/** The caller-scope index's key attributes, with the table's `id`: all it projects. */
const INDEX_ATTRIBUTES = ['id', 'scope', 'createdAt'];

interface DynamoCall {
  readonly operation: string;
  readonly table: string;
  readonly id: string;
  /** PutItem: the item as sent. */
  readonly item?: Record<string, AttributeValue>;
}

export interface DynamoUnits {
  /** Write request units per order, by function, the index's included. */
  readonly writeUnitsPerOrder: Record<string, number>;
  /** Of those, the caller-scope index's. */
  readonly indexWriteUnitsPerOrder: Record<string, number>;
  /** Read request units per order (strongly consistent GetItem), by function. */
  readonly readUnitsPerOrder: Record<string, number>;
  /** The largest item of each kind the run wrote, in bytes. */
  readonly largestItemBytes: Record<string, number>;
}

/** A proxy `decide` hook that keeps each DynamoDB read and write of one function. */
export function dynamoCallRecorder() {
  const calls: DynamoCall[] = [];
  return {
    calls,
    decide(call: ProxiedCall): undefined {
      if (!call.target.startsWith('DynamoDB_') || !(DYNAMO_WRITES.has(call.operation) || DYNAMO_READS.has(call.operation))) return undefined;
      const input = JSON.parse(call.body.toString('utf8')) as {
        TableName: string; Key?: Record<string, AttributeValue>; Item?: Record<string, AttributeValue>;
      };
      const key = input.Key ?? input.Item ?? {};
      calls.push({
        operation: call.operation,
        table: input.TableName,
        id: key.id?.S ?? '',
        item: input.Item,
      });
      return undefined;
    },
  };
}

/** Units per order of each function's recorded calls; reads the stored items, so call it before the tables go. */
export async function dynamoUnitsPerOrder(
  callsByFunction: Record<string, readonly DynamoCall[]>, orders: number, client: DynamoDBClient,
): Promise<DynamoUnits> {
  const stored = new Map<string, number>();
  const storedSize = async (table: string, id: string) => {
    const cacheKey = `${table}\n${id}`;
    if (!stored.has(cacheKey)) {
      const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }));
      stored.set(cacheKey, Item === undefined ? 0 : itemBytes(Item));
    }
    return stored.get(cacheKey)!;
  };
  const largest: Record<string, number> = {};
  const writeUnits: Record<string, number> = {};
  const indexUnits: Record<string, number> = {};
  const readUnits: Record<string, number> = {};
  const indexed = new Set<string>();
  for (const [name, calls] of Object.entries(callsByFunction)) {
    writeUnits[name] = 0;
    indexUnits[name] = 0;
    readUnits[name] = 0;
    for (const call of calls) {
      const bytes = Math.max(call.item ? itemBytes(call.item) : 0, await storedSize(call.table, call.id));
      const kind = call.id.startsWith('order#') ? 'order record' : 'idempotency record';
      largest[kind] = Math.max(largest[kind] ?? 0, bytes);
      if (DYNAMO_READS.has(call.operation)) {
        readUnits[name] += Math.max(1, Math.ceil(bytes / 4096));
        continue;
      }
      writeUnits[name] += Math.max(1, Math.ceil(bytes / 1024));
      // The index is written when an order record is created (its keys never change after).
      if (kind === 'order record' && call.item !== undefined && !indexed.has(call.id)) {
        indexed.add(call.id);
        const keys = Object.fromEntries(INDEX_ATTRIBUTES.flatMap((attribute) => (call.item![attribute] ? [[attribute, call.item![attribute]]] : [])));
        const units = Math.ceil((itemBytes(keys) + INDEX_ITEM_OVERHEAD_BYTES) / 1024);
        indexUnits[name] += units;
        writeUnits[name] += units;
      }
    }
  }
  const perOrder = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, Math.round(value / orders * 100) / 100]));
  return {
    writeUnitsPerOrder: perOrder(writeUnits),
    indexWriteUnitsPerOrder: perOrder(indexUnits),
    readUnitsPerOrder: perOrder(readUnits),
    largestItemBytes: largest,
  };
}

/** An item's size by DynamoDB's rules. */
export function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, entry) => sum + Buffer.byteLength(entry), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, entry) => sum + numberBytes(entry), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, entry) => sum + 1 + valueBytes(entry), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [name, entry]) => sum + 1 + Buffer.byteLength(name) + valueBytes(entry), 0);
  }
  return 0;
}

function numberBytes(text: string): number {
  const digits = text.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').length;
  return Math.ceil(Math.max(1, digits) / 2) + 1;
}
