/**
 * Shared setup of the integration tests: each test file starts its own moto_server (through
 * the runner's emulator module) and the local workflow through the runner's public API, with
 * real SDK v3 clients and the real handler bundles. Traffic goes to 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { emulatorClientConfig } from '../../../scripts/local/emulator/clients';
import { Emulator, resetEmulator, startEmulator } from '../../../scripts/local/emulator/moto-server';
import { LocalWorkflow, LocalWorkflowOptions, LogLine, startLocalWorkflow, WorkerBatchReport } from '../../../scripts/local/index';
import { LocalStackProps, synthesizeLocalStack } from '../../../scripts/local/template/local-stack';

/** The worker's fixed Powertools key prefix (lambda/worker/idempotency.ts). */
const IDEMPOTENCY_KEY_PREFIX = 'orders-worker.order-created';

/** Starts moto in beforeAll and stops it in afterAll; `endpoint()` is valid inside tests. */
export function useEmulator(): { endpoint(): string; emulator(): Emulator } {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator();
  }, 60_000);
  afterAll(async () => {
    await emulator?.stop();
  });
  return {
    endpoint: () => emulator!.endpoint,
    emulator: () => emulator!,
  };
}

/**
 * The in-repo stack, synthesized once per test file (per props) into a temporary cloud
 * assembly that every run of that file reuses through `template: { appDir }`.
 */
export function useSynthesizedStack(props: LocalStackProps = {}): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-it-'));
    synthesizeLocalStack(dir, props);
  }, 120_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir!;
}

export interface RunningWorkflow {
  readonly local: LocalWorkflow;
  readonly logs: LogLine[];
  readonly batches: WorkerBatchReport[];
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  /** Handler log lines (parsed JSON) of one function with this `msg`. */
  logged(source: 'api' | 'worker', msg: string, eventId?: string): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts the runner against the test's emulator (fresh state), quiet, collecting logs and batches. */
export async function runWorkflow(
  endpoint: string, appDir: string, options: Partial<LocalWorkflowOptions> = {}, reset = true,
): Promise<RunningWorkflow> {
  if (reset) await resetEmulator(endpoint);
  const logs: LogLine[] = [];
  const batches: WorkerBatchReport[] = [];
  const local = await startLocalWorkflow({
    port: 0,
    emulatorEndpoint: endpoint,
    template: { appDir },
    quiet: process.env.LOCAL_RUNNER_LOGS !== 'true',
    ...options,
    onLog: (line) => {
      logs.push(line);
      options.onLog?.(line);
    },
    onWorkerBatch: (report) => {
      batches.push(report);
      options.onWorkerBatch?.(report);
    },
  });
  const config = emulatorClientConfig(endpoint);
  const sqs = new SQSClient(config);
  const dynamodb = new DynamoDBClient(config);
  return {
    local,
    logs,
    batches,
    sqs,
    dynamodb,
    logged: (source, msg, eventId) => logs
      .filter((line) => line.source === source && line.json?.msg === msg && (eventId === undefined || line.json?.eventId === eventId))
      .map((line) => line.json!),
    stop: async () => {
      await local.stop();
      sqs.destroy();
      dynamodb.destroy();
    },
  };
}

export interface PostResult {
  readonly status: number;
  readonly body: any;
  readonly headers: Headers;
  readonly ms: number;
}

export async function postOrder(apiUrl: string, order: unknown, headers: Record<string, string> = {}): Promise<PostResult> {
  const started = performance.now();
  const response = await fetch(`${apiUrl}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(order),
  });
  const text = await response.text();
  return { status: response.status, body: parseJsonOrText(text), headers: response.headers, ms: performance.now() - started };
}

/** A gateway error page is not JSON: keep its text, so the failure shows what came back. */
function parseJsonOrText(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Polls `check` until it returns a value other than undefined/false, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Powertools' record id for an eventId: prefix + '#' + md5 (base64) of the JSON of the key. */
export function idempotencyKey(eventId: string): string {
  return `${IDEMPOTENCY_KEY_PREFIX}#${createHash('md5').update(JSON.stringify(eventId)).digest('base64')}`;
}

export interface IdempotencyRecord {
  readonly id: string;
  readonly status?: string;
  readonly eventId?: string;
  readonly processedAt?: string;
  readonly inProgressExpiration?: number;
}

function toRecord(item: Record<string, any>): IdempotencyRecord {
  return {
    id: item.id?.S,
    status: item.status?.S,
    eventId: item.data?.M?.eventId?.S,
    processedAt: item.data?.M?.processedAt?.S,
    inProgressExpiration: item.in_progress_expiration?.N !== undefined ? Number(item.in_progress_expiration.N) : undefined,
  };
}

/** An order record as the tests read it back from the orders table. */
export interface StoredOrder {
  readonly orderId: string;
  readonly eventId: string;
  readonly status: string;
  readonly processedAt?: string;
  readonly updatedAt: string;
}

/** Every order record of the orders table (a full, paginated Scan: the tests' tables are small). */
export async function allOrderRecords(dynamodb: DynamoDBClient, table: string): Promise<StoredOrder[]> {
  const orders: StoredOrder[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of page.Items ?? []) {
      if (!item.id?.S?.startsWith('order#')) continue;
      orders.push({
        orderId: item.orderId.S!, eventId: item.eventId.S!, status: item.status.S!, processedAt: item.processedAt?.S, updatedAt: item.updatedAt.S!,
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return orders;
}

/**
 * The worker's commit of an eventId: its claim, completed by Powertools (with outcome events or
 * stages), or held while the order's PROCESSED or REJECTED record of that eventId is the
 * completion (the default). Undefined until then.
 */
export async function committedWork(
  dynamodb: DynamoDBClient, outputs: { readonly DynamoTableName: string; readonly OrdersTableName?: string }, eventId: string,
): Promise<{ readonly eventId: string; readonly processedAt?: string } | undefined> {
  const claim = await idempotencyRecord(dynamodb, outputs.DynamoTableName, eventId);
  if (claim?.status === 'COMPLETED') return { eventId: claim.eventId!, processedAt: claim.processedAt };
  if (claim?.status !== 'INPROGRESS') return undefined;
  if (outputs.OrdersTableName === undefined) throw new Error('the stack has no OrdersTableName output');
  const order = (await allOrderRecords(dynamodb, outputs.OrdersTableName)).find((record) => record.eventId === eventId);
  return order && (order.status === 'PROCESSED' || order.status === 'REJECTED')
    ? { eventId, processedAt: order.processedAt ?? order.updatedAt }
    : undefined;
}

export async function idempotencyRecord(dynamodb: DynamoDBClient, table: string, eventId: string): Promise<IdempotencyRecord | undefined> {
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: idempotencyKey(eventId) } }, ConsistentRead: true }));
  return Item ? toRecord(Item) : undefined;
}

/** Every record of the table (a full, paginated Scan). */
export async function allIdempotencyRecords(dynamodb: DynamoDBClient, table: string): Promise<IdempotencyRecord[]> {
  const records: IdempotencyRecord[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    records.push(...(page.Items ?? []).map(toRecord));
    start = page.LastEvaluatedKey;
  } while (start);
  return records;
}

/** Visible plus in-flight messages. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
  }));
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    + Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
}

/**
 * Receives every visible message of a queue, held invisible for `holdSeconds` (with 0 they
 * stay visible: the loop ends when a receive brings nothing new).
 */
export async function receiveAll(sqs: SQSClient, queueUrl: string, holdSeconds = 30): Promise<Message[]> {
  const messages = new Map<string, Message>();
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: holdSeconds,
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }));
    const fresh = Messages.filter((message) => !messages.has(message.MessageId!));
    if (fresh.length === 0) return [...messages.values()];
    fresh.forEach((message) => messages.set(message.MessageId!, message));
  }
}

export function eventIdOf(body: string | undefined): string | undefined {
  try {
    return JSON.parse(body ?? '')?.detail?.eventId;
  } catch {
    return undefined;
  }
}

export const GOOD_ORDER = { customerId: 'cust-123', items: [{ sku: 'SKU-1', qty: 2 }, { sku: 'SKU-2', qty: 1 }] };
export const FAILING_ORDER = { customerId: 'cust-fail', items: [{ sku: 'SKU-1', qty: 1 }, { sku: 'FAIL-ME', qty: 1 }] };
