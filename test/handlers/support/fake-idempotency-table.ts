/**
 * An in-memory DynamoDB table behind aws-sdk-client-mock, with the semantics the
 * Powertools persistence layer relies on: conditional PutItem (returning the old item
 * when asked, on success or on a failed condition), UpdateItem SET, DeleteItem, consistent GetItem.
 * Condition and update expressions are evaluated, not pattern-matched, and anything
 * this fake does not understand throws, so a change in Powertools' requests fails loudly.
 */
import type {
  AttributeValue,
  DeleteItemCommandInput,
  GetItemCommandInput,
  PutItemCommandInput,
  UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { MockedDynamoDb } from './load-handlers';

type Item = Record<string, AttributeValue>;
type Names = Record<string, string> | undefined;
type Values = Record<string, AttributeValue> | undefined;

export interface FakeTableOptions {
  /**
   * Whether a failed condition returns the old item when the request asks for it
   * (ReturnValuesOnConditionCheckFailure: ALL_OLD). Off = a store that ignores the
   * option, which makes Powertools fall back to GetItem.
   */
  readonly returnOldItemOnConditionFailure?: boolean;
  /** The table whose items this one shares: several workers (the steps of a pipeline) on one table. */
  readonly shareWith?: FakeIdempotencyTable;
}

/** Order-state records (lambda/shared/order-state.ts) share the client; they live in `orderItems`, apart from the idempotency records. */
const ORDER_KEY_PREFIX = 'order#';

export class FakeIdempotencyTable {
  readonly items: Map<string, Item>;
  readonly orderItems: Map<string, Item>;
  /** Fails the next UpdateItem with this error (Powertools' completion write is the only UpdateItem). */
  failNextUpdate?: Error;
  /** Fails the next PutItem of an order record with this error. */
  failNextOrderPut?: Error;
  /** Holds the next UpdateItem (the completion write) until this settles: a record still running after its effect. */
  holdNextUpdate?: Promise<unknown>;

  constructor(private readonly worker: MockedDynamoDb, private readonly options: FakeTableOptions = {}) {
    this.items = options.shareWith?.items ?? new Map();
    this.orderItems = options.shareWith?.orderItems ?? new Map();
    const { dynamoDb, sdk } = worker;
    dynamoDb.on(sdk.PutItemCommand).callsFake(async (input) => this.putItem(input));
    dynamoDb.on(sdk.UpdateItemCommand).callsFake(async (input) => {
      const hold = this.holdNextUpdate;
      this.holdNextUpdate = undefined;
      await hold;
      return this.updateItem(input);
    });
    dynamoDb.on(sdk.DeleteItemCommand).callsFake(async (input) => this.deleteItem(input));
    dynamoDb.on(sdk.GetItemCommand).callsFake(async (input) => this.getItem(input));
  }

  /** Items as plain values, e.g. `{ id, status, expiration, data }`. */
  records(): Array<Record<string, unknown>> {
    return [...this.items.values()].map((item) => Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plain(value)])));
  }

  /** Order-state records as plain values. */
  orders(): Array<Record<string, unknown>> {
    return [...this.orderItems.values()].map((item) => Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plain(value)])));
  }

  private mapFor(key: string): Map<string, Item> {
    return key.startsWith(ORDER_KEY_PREFIX) ? this.orderItems : this.items;
  }

  /** Writes an item directly, as another container would have. */
  seed(item: Item): void {
    this.mapFor(keyOf(item)).set(keyOf(item), { ...item });
  }

  private putItem(input: PutItemCommandInput) {
    const item = required(input.Item, 'Item');
    const key = keyOf(item);
    const table = this.mapFor(key);
    const failure = this.failNextOrderPut;
    if (failure && table === this.orderItems) {
      this.failNextOrderPut = undefined;
      throw failure;
    }
    const existing = table.get(key);
    const condition = input.ConditionExpression;
    if (condition && !evaluateCondition(condition, existing, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
      const returnOld = input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && (this.options.returnOldItemOnConditionFailure ?? true);
      throw new this.worker.sdk.ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: { httpStatusCode: 400 },
        Item: returnOld && existing ? { ...existing } : undefined,
      });
    }
    table.set(key, { ...item });
    return input.ReturnValues === 'ALL_OLD' && existing ? { Attributes: { ...existing } } : {};
  }

  private updateItem(input: UpdateItemCommandInput) {
    const failure = this.failNextUpdate;
    if (failure) {
      this.failNextUpdate = undefined;
      throw failure;
    }
    const key = keyOf(required(input.Key, 'Key'));
    const item: Item = { ...(this.items.get(key) ?? required(input.Key, 'Key')) };
    const expression = required(input.UpdateExpression, 'UpdateExpression');
    const match = /^SET (.+)$/.exec(expression);
    if (!match) {
      throw new Error(`Fake table: unsupported update expression "${expression}"`);
    }
    for (const assignment of match[1].split(',')) {
      const [name, value] = assignment.split('=').map((part) => part.trim());
      item[resolveName(name, input.ExpressionAttributeNames)] = resolveValue(value, input.ExpressionAttributeValues);
    }
    this.items.set(key, item);
    return {};
  }

  private deleteItem(input: DeleteItemCommandInput) {
    this.items.delete(keyOf(required(input.Key, 'Key')));
    return {};
  }

  private getItem(input: GetItemCommandInput) {
    if (input.ConsistentRead !== true) {
      throw new Error('Fake table: idempotency reads must be strongly consistent');
    }
    const key = keyOf(required(input.Key, 'Key'));
    const item = this.mapFor(key).get(key);
    return item ? { Item: { ...item } } : {};
  }
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) {
    throw new Error(`Fake table: ${name} is required`);
  }
  return value;
}

/** The table's partition key is `id` (a string), as the construct creates it. */
function keyOf(item: Item): string {
  const id = item.id?.S;
  if (id === undefined) {
    throw new Error(`Fake table: item has no string partition key "id": ${JSON.stringify(item)}`);
  }
  return id;
}

function resolveName(token: string, names: Names): string {
  if (!token.startsWith('#')) {
    return token;
  }
  return required(names?.[token], `ExpressionAttributeNames[${token}]`);
}

function resolveValue(token: string, values: Values): AttributeValue {
  return required(values?.[token], `ExpressionAttributeValues[${token}]`);
}

function plain(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(plain);
  if (value.M !== undefined) return Object.fromEntries(Object.entries(value.M).map(([name, inner]) => [name, plain(inner)]));
  throw new Error(`Fake table: unsupported attribute value ${JSON.stringify(value)}`);
}

function scalar(value: AttributeValue | undefined): string | number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value.N !== undefined) {
    return Number(value.N);
  }
  if (value.S !== undefined) {
    return value.S;
  }
  throw new Error(`Fake table: unsupported attribute value ${JSON.stringify(value)}`);
}

/** Splits on a keyword at parenthesis depth 0. */
function splitTopLevel(expression: string, keyword: 'OR' | 'AND'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  const separator = ` ${keyword} `;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth === 0 && expression.startsWith(separator, i)) {
      parts.push(expression.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(expression.slice(start));
  return parts.map((part) => part.trim());
}

function stripParens(expression: string): string {
  const trimmed = expression.trim();
  if (trimmed.startsWith('(') && trimmed.endsWith(')')) {
    return stripParens(trimmed.slice(1, -1));
  }
  return trimmed;
}

/** `a OR b OR (c AND d)` with atoms attribute_exists/attribute_not_exists and `<`, `>`, `=`, `<>`. */
export function evaluateCondition(expression: string, item: Item | undefined, names: Names, values: Values): boolean {
  return splitTopLevel(expression, 'OR').some((alternative) =>
    splitTopLevel(stripParens(alternative), 'AND').every((atom) => evaluateAtom(stripParens(atom), item, names, values)),
  );
}

function evaluateAtom(atom: string, item: Item | undefined, names: Names, values: Values): boolean {
  const fn = /^(attribute_exists|attribute_not_exists)\((#?\w+)\)$/.exec(atom);
  if (fn) {
    const exists = item?.[resolveName(fn[2], names)] !== undefined;
    return fn[1] === 'attribute_exists' ? exists : !exists;
  }
  const comparison = /^(#?\w+)\s*(<>|<=|>=|<|>|=)\s*(:\w+)$/.exec(atom);
  if (!comparison) {
    throw new Error(`Fake table: unsupported condition "${atom}"`);
  }
  const left = scalar(item?.[resolveName(comparison[1], names)]);
  const right = scalar(resolveValue(comparison[3], values));
  if (left === undefined || right === undefined) {
    return false; // DynamoDB: a comparison with a missing attribute is false
  }
  switch (comparison[2]) {
    case '<': return left < right;
    case '<=': return left <= right;
    case '>': return left > right;
    case '>=': return left >= right;
    case '=': return left === right;
    default: return left !== right;
  }
}
