/**
 * Stages on moto, with processors written here and bundled the way a team's are
 * (`OrderProcessor.fromEntry`): validation (the workflow's processor) -> payment (compensated
 * by a void) -> stock, run by the local runner from the synthesized app. Every processor records
 * its side effect once per order with a conditional write and counts its runs unconditionally,
 * so the test sees both what reached the world and how often each step ran.
 *
 * - 300 orders with redeliveries (held idempotency completions, as the 1,000-order tests force
 *   them), plus orders the stock stage refuses: each step's effect exactly once per order, every
 *   good order PROCESSED with three COMPLETED stages; each refused order REJECTED at `stock`,
 *   its payment voided exactly once (COMPENSATED);
 * - a payment outage: the stage's messages go to its dead-letter queue (the order FAILED, the
 *   stage named), `POST /ops/redrive {"stage":"payment"}` moves them back, and the orders
 *   complete from that stage without running validation again.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AT_SCALE, holdEveryNthCompletion } from './support/at-scale';
import { AwsProxy, startAwsProxy } from './support/aws-proxy';
import { Answer, send, sigV4Headers } from './support/callers';
import { effectRows } from './support/effects-table';
import { postOrder, queueDepth, RunningWorkflow, runWorkflow, useEmulator, waitFor } from './support/harness';
import { createUserProject, UserProject } from './support/user-processor';
import type { WorkerBatchReport } from '../../scripts/local/index';
import { OrderProcessor, OrdersWorkflow } from '../../src';

const EFFECTS_TABLE = 'shop-effects';
const ORDERS = 300;
const REFUSED = 20;
const CONCURRENCY = 20;
const OUT_OF_STOCK_SKU = 'SOLD-OUT';
const OUTAGE_SKU = 'GATEWAY';
const MAX_RECEIVE_COUNT = 3;

jest.setTimeout(AT_SCALE.deadlineMs + 60_000);

/** One side effect per (step, order), and a count of runs: `<step>#<eventId>`. */
const effect = (step: string) => `
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
const dynamodb = new DynamoDBClient({});
const table = process.env.EFFECTS_TABLE!;
export async function sideEffect(eventId: string, orderId: string): Promise<void> {
  const key = { pk: { S: '${step}#' + eventId } };
  await dynamodb.send(new UpdateItemCommand({
    TableName: table, Key: key, UpdateExpression: 'ADD calls :one SET orderId = :orderId',
    ExpressionAttributeValues: { ':one': { N: '1' }, ':orderId': { S: orderId } },
  }));
  try {
    await dynamodb.send(new UpdateItemCommand({
      TableName: table, Key: key, UpdateExpression: 'ADD effects :one SET effectAt = :at', ConditionExpression: 'attribute_not_exists(effectAt)',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':at': { S: new Date().toISOString() } },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
export async function outage(): Promise<boolean> {
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'outage' } }, ConsistentRead: true }));
  return Item !== undefined;
}
`;

const PROCESSORS: Record<string, string> = {
  'validate.ts': `
import { createOrderWorker } from 'cdk-orders-workflow/worker';
import { sideEffect } from './effects-main';
export const handler = createOrderWorker(async (order) => {
  await sideEffect(order.eventId, order.orderId);
  return { lines: order.items.length };
});`,
  'authorize-payment.ts': `
import { createOrderWorker } from 'cdk-orders-workflow/worker';
import { outage, sideEffect } from './effects-payment';
export const handler = createOrderWorker(async (order, ctx) => {
  if (order.items.some((item) => item.sku === '${OUTAGE_SKU}') && await outage()) throw new Error('payment gateway unavailable');
  await sideEffect(order.eventId, order.orderId);
  return { authorizationId: 'auth-' + order.eventId, validatedLines: ctx.results?.main?.lines ?? null };
});`,
  'void-payment.ts': `
import { createOrderWorker } from 'cdk-orders-workflow/worker';
import { sideEffect } from './effects-void';
export const handler = createOrderWorker(async (order, ctx) => {
  if (!ctx.results?.payment?.authorizationId) throw new Error('nothing to void');
  await sideEffect(order.eventId, order.orderId);
});`,
  'reserve-stock.ts': `
import { createOrderWorker, PermanentOrderError } from 'cdk-orders-workflow/worker';
import { sideEffect } from './effects-stock';
export const handler = createOrderWorker(async (order) => {
  if (order.items.some((item) => item.sku === '${OUT_OF_STOCK_SKU}')) throw new PermanentOrderError('out of stock: ${OUT_OF_STOCK_SKU}');
  await sideEffect(order.eventId, order.orderId);
  return { reservationId: 'res-' + order.eventId };
});`,
};

function synthesizeShop(project: UserProject, outdir: string): void {
  for (const step of ['main', 'payment', 'void', 'stock']) fs.writeFileSync(path.join(project.dir, `effects-${step}.ts`), effect(step));
  for (const [file, source] of Object.entries(PROCESSORS)) fs.writeFileSync(path.join(project.dir, file), source);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Shop');
  const effects = new dynamodb.Table(stack, 'Effects', {
    tableName: EFFECTS_TABLE,
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  const processor = (file: string) => OrderProcessor.fromEntry(path.join(project.dir, file), {
    environment: { EFFECTS_TABLE: effects.tableName },
    depsLockFilePath: project.lockFile,
    projectRoot: project.dir,
  });
  const orders = new OrdersWorkflow(stack, 'Orders', {
    namePrefix: 'shop',
    eventSource: 'shop.orders',
    maxReceiveCount: MAX_RECEIVE_COUNT,
    processor: processor('validate.ts'),
  });
  const payment = orders.addStage('payment', {
    processor: processor('authorize-payment.ts'), completedEvent: 'PaymentAuthorized', compensation: processor('void-payment.ts'),
  });
  const stock = orders.addStage('stock', { processor: processor('reserve-stock.ts'), completedEvent: 'StockReserved' });
  const workers = [orders.workerFunction, payment.workerFunction, payment.compensationFunction!, stock.workerFunction];
  for (const fn of workers) effects.grantReadWriteData(fn);
  app.synth();
}


let project: UserProject;
let appDir: string;
let run: RunningWorkflow;
let proxy: AwsProxy;
let holdCompletions = false;
const stageBatches: WorkerBatchReport[] = [];
const holds = holdEveryNthCompletion(({ operation, body }) =>
  holdCompletions && operation === 'UpdateItem' && body.toString().includes(run.local.outputs.IdempotencyTableName));

// Declared before useEmulator(): jest runs afterAll hooks in declaration order, and these need moto up.
afterAll(async () => {
  await run?.stop();
  await proxy?.close();
  if (project) fs.rmSync(project.dir, { recursive: true, force: true });
  if (appDir) fs.rmSync(path.dirname(appDir), { recursive: true, force: true });
});
const emulator = useEmulator();

beforeAll(async () => {
  project = createUserProject('export {};\n', 'orders-it-stages-');
  appDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orders-it-shop-')), 'cdk.out');
  synthesizeShop(project, appDir);
  proxy = await startAwsProxy(emulator.endpoint(), holds.decide);
  run = await runWorkflow(emulator.endpoint(), appDir, {
    visibilityTimeoutSeconds: AT_SCALE.visibilityTimeoutSeconds,
    workerTimeoutSeconds: AT_SCALE.workerTimeoutSeconds,
    workerEnv: { AWS_ENDPOINT_URL: proxy.url },
    stageWorkerEnv: { AWS_ENDPOINT_URL: proxy.url },
    onStageWorkerBatch: (report) => stageBatches.push(report),
  });
}, 180_000);

async function getOrder(orderId: string): Promise<any> {
  const answer = await send(`${run.local.apiUrl}/orders/${encodeURIComponent(orderId)}`, { method: 'GET' });
  return answer.status === 200 ? answer.body : undefined;
}

async function ops(method: 'GET' | 'POST', route: string, body = ''): Promise<Answer> {
  const { outputs } = run.local;
  const url = `${run.local.apiUrl}/ops/${route}`;
  const signing = { accessKeyId: outputs.LocalAccessKeyId!, secretAccessKey: outputs.LocalSecretAccessKey! };
  const headers = await sigV4Headers(url, body, signing, {}, method);
  return send(url, { method, headers, body: method === 'POST' ? body : undefined });
}

const stageStatuses = (order: any) => (order?.stages ?? []).map((stage: any) => `${stage.name}:${stage.status}`);

test(`${ORDERS} orders through three stages with redeliveries, and ${REFUSED} refused by the last: each step once, each refusal compensated once`, async () => {
  const deadline = Date.now() + AT_SCALE.deadlineMs;
  holdCompletions = true;
  const posted: Array<{ orderId: string; eventId: string; refused: boolean }> = [];
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < ORDERS + REFUSED) {
      const index = next++;
      const refused = index % Math.floor((ORDERS + REFUSED) / REFUSED) === 0 && posted.filter((order) => order.refused).length < REFUSED;
      const answer = await postOrder(run.local.apiUrl, { items: [{ sku: refused ? OUT_OF_STOCK_SKU : `SKU-${index % 7}`, qty: 1 }] });
      expect(answer.status).toBe(202);
      posted.push({ orderId: answer.body.orderId, eventId: answer.body.eventId, refused });
    }
  }));
  const refused = posted.filter((order) => order.refused);
  const good = posted.filter((order) => !order.refused);
  expect(refused.length).toBe(REFUSED);

  const settled = new Map<string, any>();
  await waitFor('every order settled', async () => {
    for (const order of posted.filter((candidate) => !settled.has(candidate.orderId))) {
      const view = await getOrder(order.orderId);
      const done = order.refused
        ? view?.status === 'REJECTED' && view.stages?.find((stage: any) => stage.name === 'payment')?.status === 'COMPENSATED'
        : view?.status === 'PROCESSED';
      if (done) settled.set(order.orderId, view);
    }
    return settled.size === posted.length;
  }, Math.max(1_000, deadline - Date.now()), 1_000);
  holdCompletions = false;

  for (const order of good) {
    const view = settled.get(order.orderId);
    expect(stageStatuses(view)).toEqual(['main:COMPLETED', 'payment:COMPLETED', 'stock:COMPLETED']);
    expect(view.result).toEqual({ reservationId: `res-${order.eventId}` });
  }
  for (const order of refused) {
    const view = settled.get(order.orderId);
    expect(view).toMatchObject({ status: 'REJECTED', rejectedStep: 'stock', reason: `out of stock: ${OUT_OF_STOCK_SKU}` });
    expect(stageStatuses(view)).toEqual(['main:COMPLETED', 'payment:COMPENSATED', 'stock:REJECTED']);
  }

  const rows = await effectRows(run.dynamodb, EFFECTS_TABLE);
  const effectsOf = (step: string, eventId: string) => rows.get(`${step}#${eventId}`)?.effects ?? 0;
  for (const order of posted) {
    expect([effectsOf('main', order.eventId), effectsOf('payment', order.eventId)]).toEqual([1, 1]);
    expect([effectsOf('stock', order.eventId), effectsOf('void', order.eventId)]).toEqual(order.refused ? [0, 1] : [1, 0]);
  }
  // Exactly once also in runs: redeliveries were absorbed by the steps' idempotency, not by the effects' guard.
  const runs = [...rows.entries()].filter(([key]) => key !== 'outage').map(([, row]) => row.calls);
  expect(runs.filter((calls) => calls !== 1)).toEqual([]);
  const deliveries = [...run.batches, ...stageBatches].flatMap((batch) => batch.event.Records.map((record) => record.messageId));
  const redeliveries = deliveries.length - new Set(deliveries).size;
  console.log(`stages: ${posted.length} orders, ${holds.held()} completions held, ${redeliveries} redeliveries, ${run.batches.length} worker batches`);
  expect(holds.held()).toBeGreaterThan(0);
  for (const pair of [run.local.outputs.MainQueueUrl, run.local.outputs.DlqUrl]) expect(await queueDepth(run.sqs, pair)).toBe(0);
});

test('a payment outage parks the stage\'s messages in its DLQ (FAILED at payment); redriven, the orders complete from that stage', async () => {
  await run.dynamodb.send(new PutItemCommand({ TableName: EFFECTS_TABLE, Item: { pk: { S: 'outage' } } }));
  const posted = await Promise.all([1, 2].map(async () => (await postOrder(run.local.apiUrl, { items: [{ sku: OUTAGE_SKU, qty: 1 }] })).body));
  for (const { orderId } of posted) {
    await waitFor(`order ${orderId} FAILED at payment`, async () => (await getOrder(orderId))?.status === 'FAILED', 90_000);
    expect(await getOrder(orderId)).toMatchObject({ failedStep: 'payment', lastError: 'payment gateway unavailable' });
    expect(stageStatuses(await getOrder(orderId))).toEqual(['main:COMPLETED', 'payment:FAILED', 'stock:PENDING']);
  }
  const queues = await waitFor('GET /ops/queues to show both in the payment DLQ', async () => {
    const answer = await ops('GET', 'queues');
    return answer.body?.stages?.find((stage: any) => stage.name === 'payment')?.deadLetterQueue?.visible === 2 && answer;
  });
  expect(queues.body.stages.map((stage: any) => stage.name)).toEqual(['payment', 'payment/compensation', 'stock']);

  await run.dynamodb.send(new DeleteItemCommand({ TableName: EFFECTS_TABLE, Key: { pk: { S: 'outage' } } }));
  const redrive = await ops('POST', 'redrive', JSON.stringify({ stage: 'payment' }));
  expect(redrive.status).toBe(202);
  expect(redrive.body.approximateNumberOfMessagesToMove).toBe(2);

  for (const { orderId, eventId } of posted) {
    await waitFor(`order ${orderId} PROCESSED`, async () => (await getOrder(orderId))?.status === 'PROCESSED', 60_000);
    expect(stageStatuses(await getOrder(orderId))).toEqual(['main:COMPLETED', 'payment:COMPLETED', 'stock:COMPLETED']);
    const rows = await effectRows(run.dynamodb, EFFECTS_TABLE);
    // Validation ran once: the redrive resumed the order at payment.
    expect(rows.get(`main#${eventId}`)).toMatchObject({ calls: 1, effects: 1 });
    expect(rows.get(`payment#${eventId}`)?.effects).toBe(1);
    expect(rows.get(`stock#${eventId}`)?.effects).toBe(1);
  }
});
