/**
 * Each order's status and history, in the orders table beside the API's request-idempotency
 * records. The key `order#<caller scope>#<orderId>` makes every read caller-scoped by
 * construction: a caller can only name their own orders.
 *
 * Every write is conditional, so concurrent writers and late or duplicate deliveries cannot
 * move a status backwards: the API only creates (ACCEPTED), the worker applies a transition to
 * the version it read and writes it only if nobody wrote in between (optimistic locking on
 * `version`), re-reading on a conflict. PROCESSED is final; FAILED may become PROCESSED (a
 * replay that succeeds).
 */
import { AttributeValue, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { fromItem, toItem } from './attribute-values';
import type { JsonObject, OrderItem } from './order-contract';
import { orderRetentionSeconds, withExpiration } from './order-retention';
import type { OrderStatus } from './order-status';
import type { StepState, StepStatus } from './order-steps';

export type { OrderStatus } from './order-status';

export interface StatusChange {
  readonly status: OrderStatus;
  readonly at: string;
  /** With stages: the step whose change this was, and what became of it. */
  readonly step?: string;
  readonly stepStatus?: StepStatus;
}

/** One stored order (the table item, without its key attributes' encoding). */
export interface OrderRecord {
  readonly id: string;
  /** The caller scope: partition key of the recent-orders index. */
  readonly scope: string;
  readonly orderId: string;
  readonly eventId: string;
  readonly status: OrderStatus;
  /** When the API accepted it: sort key of the recent-orders index. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly customerId?: string;
  readonly items: OrderItem[];
  readonly submittedBy?: { readonly type: string; readonly id: string; readonly username?: string };
  /** Receives of the event by the worker so far (SQS ApproximateReceiveCount). */
  readonly attempts: number;
  readonly lastError?: string;
  readonly processedAt?: string;
  /** The team's own fields of the order. */
  readonly attributes?: JsonObject;
  /** PROCESSED: what the processor returned, when it returned something. */
  readonly result?: JsonObject;
  /** REJECTED: why the processor refused the order (its PermanentOrderError's message). */
  readonly reason?: string;
  /** With stages: each step's state, by step name (each knows its place in the pipeline). */
  readonly steps?: Record<string, StepState>;
  /** REJECTED by a stage: the step that refused the order. */
  readonly rejectedStep?: string;
  /** FAILED in a stage: the step whose last attempt failed. */
  readonly failedStep?: string;
  /** The last status changes, oldest first, at most `MAX_HISTORY`. */
  readonly history: StatusChange[];
  /** Bumped on every write; the condition of the next one. */
  readonly version: number;
}

/** What every writer knows about the order: the OrderCreated detail. */
export interface OrderFacts {
  readonly orderId: string;
  readonly eventId: string;
  readonly createdAt: string;
  readonly customerId?: string;
  readonly items: readonly OrderItem[];
  readonly submittedBy?: { readonly type: string; readonly id: string; readonly username?: string };
  readonly attributes?: JsonObject;
}

/** The one scope of an API that cannot tell callers apart (authorization `none`). */
export const ANONYMOUS_SCOPE = 'anonymous';
/** A history longer than this keeps its newest entries: an item must stay far below 400 KB. */
export const MAX_HISTORY = 20;
/** `lastError` is for a person reading the status, not a stack trace; the logs have the rest. */
export const MAX_ERROR_LENGTH = 500;
/** Conflicting writers on one order are rare (a duplicate delivery at the same moment): a few re-reads settle it. */
const MAX_WRITE_ATTEMPTS = 5;

/**
 * `<type>:<id>` with the id percent-encoded, so a scope never contains the `#` and `|` that
 * separate it in keys (an IAM path may contain either); `anonymous` without a caller.
 */
export function callerScope(submittedBy: { readonly type: string; readonly id: string } | undefined): string {
  return submittedBy === undefined ? ANONYMOUS_SCOPE : `${submittedBy.type}:${encodeURIComponent(submittedBy.id)}`;
}

export function orderKey(scope: string, orderId: string): string {
  return `order#${scope}#${orderId}`;
}

/** The API's record of an order it has just published. */
export function acceptedRecord(facts: OrderFacts, at: string): OrderRecord {
  const scope = callerScope(facts.submittedBy);
  return {
    id: orderKey(scope, facts.orderId),
    scope,
    orderId: facts.orderId,
    eventId: facts.eventId,
    status: 'ACCEPTED',
    createdAt: facts.createdAt,
    updatedAt: at,
    ...(facts.customerId !== undefined ? { customerId: facts.customerId } : {}),
    items: facts.items.map(({ sku, qty, attributes }) => ({ sku, qty, ...(attributes !== undefined ? { attributes } : {}) })),
    ...(facts.submittedBy !== undefined ? { submittedBy: facts.submittedBy } : {}),
    ...(facts.attributes !== undefined ? { attributes: facts.attributes } : {}),
    attempts: 0,
    history: [{ status: 'ACCEPTED', at }],
    version: 1,
  };
}

/** What the worker learned from one attempt. */
export type Outcome =
  | { readonly kind: 'processed'; readonly at: string; readonly attempts: number; readonly result?: JsonObject }
  | { readonly kind: 'rejected'; readonly at: string; readonly attempts: number; readonly reason: string }
  | { readonly kind: 'failed'; readonly at: string; readonly attempts: number; readonly error: string; readonly final: boolean };

export function isFinalStatus(status: OrderStatus): boolean {
  return status === 'PROCESSED' || status === 'REJECTED';
}

/**
 * The record after `outcome`, or undefined when it must not be written: the order is already
 * PROCESSED or REJECTED (final), or the record belongs to another event that reused the
 * orderId. Without a record (the API's write was lost or is still on its way), the worker
 * creates it from the event: it was published, so it was accepted.
 */
export function applyOutcome(current: OrderRecord | undefined, facts: OrderFacts, outcome: Outcome): OrderRecord | undefined {
  if (current !== undefined && (isFinalStatus(current.status) || current.eventId !== facts.eventId)) return undefined;
  const base = current ?? acceptedRecord(facts, facts.createdAt);
  const status = statusAfter(base.status, outcome);
  const history = status === base.status ? base.history : [...base.history, { status, at: outcome.at }].slice(-MAX_HISTORY);
  return {
    ...base,
    status,
    updatedAt: outcome.at,
    attempts: Math.max(base.attempts, outcome.attempts),
    ...outcomeFields(outcome),
    history,
    version: (current?.version ?? 0) + 1,
  };
}

function statusAfter(current: OrderStatus, outcome: Outcome): OrderStatus {
  if (outcome.kind === 'processed') return 'PROCESSED';
  if (outcome.kind === 'rejected') return 'REJECTED';
  return outcome.final ? 'FAILED' : current;
}

function outcomeFields(outcome: Outcome): Partial<OrderRecord> {
  switch (outcome.kind) {
    case 'processed': return { processedAt: outcome.at, ...(outcome.result !== undefined ? { result: outcome.result } : {}) };
    case 'rejected': return { reason: boundedError(outcome.reason) };
    case 'failed': return { lastError: boundedError(outcome.error) };
  }
}

export function boundedError(message: string): string {
  return message.length <= MAX_ERROR_LENGTH ? message : `${message.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}

/** An order record (or its absence) as a caller just read it. */
export interface ReadRecord {
  readonly record: OrderRecord | undefined;
}

/** Reads and writes order records on one table (built once at cold start). */
export class OrderStateStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
    /** `orderRetention`: every write stamps the TTL; undefined keeps records. */
    private readonly retentionSeconds: number | undefined = orderRetentionSeconds(process.env),
  ) {}

  async get(scope: string, orderId: string): Promise<OrderRecord | undefined> {
    return this.read(orderKey(scope, orderId));
  }

  /** Creates the ACCEPTED record; false when the order already has one (which is then kept: it is the same or a later state). */
  async create(record: OrderRecord): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: toOrderItem(withExpiration(record, this.retentionSeconds)),
        ConditionExpression: 'attribute_not_exists(id)',
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Applies `outcome` to the stored record with a read and a write conditional on the version
   * read. Returns the record as written, or the stored one when the outcome changed nothing.
   */
  async apply(facts: OrderFacts, outcome: Outcome, read?: ReadRecord): Promise<OrderRecord | undefined> {
    return this.update(facts, (current) => applyOutcome(current, facts, outcome), read);
  }

  /**
   * Writes `transition(current)` conditional on the version read, re-reading on a conflict.
   * Returns the record as written, or the stored one when the transition changed nothing.
   */
  async update(
    facts: OrderFacts, transition: (current: OrderRecord | undefined) => OrderRecord | undefined, read?: ReadRecord,
  ): Promise<OrderRecord | undefined> {
    const id = orderKey(callerScope(facts.submittedBy), facts.orderId);
    for (let attempt = 1; ; attempt++) {
      // A record the caller read moments ago saves a read; a stale one only fails the conditional write, then it is read again.
      const current = attempt === 1 && read !== undefined ? read.record : await this.read(id);
      const next = transition(current);
      if (next === undefined) return current;
      try {
        await this.client.send(new PutItemCommand({
          TableName: this.tableName,
          Item: toOrderItem(withExpiration(next, this.retentionSeconds)),
          ...(current === undefined
            ? { ConditionExpression: 'attribute_not_exists(id)' }
            : { ConditionExpression: '#version = :version', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':version': { N: String(current.version) } } }),
        }));
        return next;
      } catch (error) {
        if (!isConditionFailure(error) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  private async read(id: string): Promise<OrderRecord | undefined> {
    // Strongly consistent: a transition must start from the latest version, or its write fails anyway.
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { id: { S: id } }, ConsistentRead: true }));
    return Item === undefined ? undefined : fromOrderItem(Item);
  }
}

/**
 * The team's JSON (attributes, the processor's result, each step's result with its state) is stored as JSON text: any JSON number
 * survives (DynamoDB's numbers stop at 38 digits and 1E+126) and no key is special to DynamoDB.
 */
const JSON_TEXT_FIELDS = ['attributes', 'result', 'steps'] as const;

export function toOrderItem(record: OrderRecord): Record<string, AttributeValue> {
  const { attributes, result, steps, items, ...rest } = record;
  const item = toItem({ ...rest, items: items.map(({ attributes: itemAttributes, ...fields }) => fields) });
  if (attributes !== undefined) item.attributes = { S: JSON.stringify(attributes) };
  if (result !== undefined) item.result = { S: JSON.stringify(result) };
  if (steps !== undefined) item.steps = { S: JSON.stringify(steps) };
  items.forEach(({ attributes: itemAttributes }, index) => {
    if (itemAttributes !== undefined) item.items.L![index].M!.attributes = { S: JSON.stringify(itemAttributes) };
  });
  return item;
}

export function fromOrderItem(item: Record<string, AttributeValue>): OrderRecord {
  const record = fromItem(item) as Record<string, unknown>;
  for (const field of JSON_TEXT_FIELDS) {
    if (typeof record[field] === 'string') record[field] = JSON.parse(record[field] as string);
  }
  const items = record.items as Array<Record<string, unknown>> | undefined;
  items?.forEach((orderItem) => {
    if (typeof orderItem.attributes === 'string') orderItem.attributes = JSON.parse(orderItem.attributes);
  });
  return record as unknown as OrderRecord;
}

/** By name: the bundle may hold more than one copy of the SDK's error classes. */
function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
