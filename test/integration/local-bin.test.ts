/**
 * The package's bin `orders-workflow-local`, as built (assets/tools/local/cli/index.js, run with
 * plain node: no tsx) on a CDK app synthesized here, outside this repo's own stack: an
 * OrdersWorkflow plus the app's own resources, which the runner provisions from the template:
 * an inventory table (with a GSI), a notifications queue (with a DLQ) that a rule on the
 * workflow's bus feeds, and a subscriber function (NodejsFunction, bundled at synth) that a
 * second rule targets and that writes into a TableV2 (AWS::DynamoDB::GlobalTable) it finds
 * through its environment. And the bin without moto_server: the install hint, exit 1.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';
import { MOTO_INSTALL_HINT } from '../../scripts/local/emulator/moto-server';
import { OrdersWorkflow } from '../../src';
import { waitUntilLocalBinStarted } from './support/local-bin-process';

jest.setTimeout(180_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'assets', 'tools', 'local', 'cli', 'index.js');
const EVENT_SOURCE = 'shop.orders';

/**
 * A subscriber with no SDK (a NodejsFunction leaves the AWS SDK external, and nothing installs it
 * beside a local asset): one DynamoDB PutItem over the JSON protocol, to the endpoint Lambda's
 * environment names locally.
 */
const SUBSCRIBER = `
export async function handler(event: { id: string; detail: { orderId: string } }): Promise<void> {
  const response = await fetch(process.env.AWS_ENDPOINT_URL!, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'DynamoDB_20120810.PutItem',
      'Authorization': 'AWS4-HMAC-SHA256 Credential=local/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ TableName: process.env.SEEN_TABLE, Item: { orderId: { S: event.detail.orderId }, eventId: { S: event.id } } }),
  });
  if (!response.ok) throw new Error('PutItem answered ' + response.status + ': ' + (await response.text()));
}
`;

/** The app a user would write around the workflow; synthesized in-process into `outdir`. */
function synthesizeShopApp(outdir: string, sourceDir: string): void {
  const entry = path.join(sourceDir, 'subscriber.ts');
  fs.writeFileSync(entry, SUBSCRIBER);
  const app = new App({ outdir });
  const stack = new Stack(app, 'ShopLocal');
  const orders = new OrdersWorkflow(stack, 'Orders', { namePrefix: 'shop', eventSource: EVENT_SOURCE });
  const inventory = new dynamodb.Table(stack, 'Inventory', {
    tableName: 'shop-inventory',
    partitionKey: { name: 'sku', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  inventory.addGlobalSecondaryIndex({ indexName: 'byWarehouse', partitionKey: { name: 'warehouse', type: dynamodb.AttributeType.STRING } });
  const seen = new dynamodb.TableV2(stack, 'Seen', { partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING } });
  const notifications = new sqs.Queue(stack, 'Notifications', {
    queueName: 'shop-notifications',
    deadLetterQueue: { queue: new sqs.Queue(stack, 'NotificationsDlq', { queueName: 'shop-notifications-dlq' }), maxReceiveCount: 3 },
  });
  const subscriber = new nodejs.NodejsFunction(stack, 'Subscriber', {
    entry,
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: Duration.seconds(10),
    environment: { SEEN_TABLE: seen.tableName },
    // The repo's esbuild bundles it (no Docker), as a user's own machine would.
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
  });
  seen.grantWriteData(subscriber);
  const created = { source: [EVENT_SOURCE], detailType: ['OrderCreated'] };
  new events.Rule(stack, 'NotifyOnCreated', { eventBus: orders.eventBus, eventPattern: created, targets: [new targets.SqsQueue(notifications)] });
  new events.Rule(stack, 'RecordOnCreated', { eventBus: orders.eventBus, eventPattern: created, targets: [new targets.LambdaFunction(subscriber)] });
  app.synth();
}

/** A PATH with node and nothing else (no moto_server, no tsx). */
function nodeOnlyPath(dir: string): string {
  const bin = path.join(dir, 'bin-node-only');
  fs.mkdirSync(bin, { recursive: true });
  if (!fs.existsSync(path.join(bin, 'node'))) fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}

let work: string;
let appDir: string;

beforeAll(() => {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npx projen bundle\` first`);
  // Under the repo (git-ignored): NodejsFunction needs its entry inside projectRoot.
  fs.mkdirSync(path.join(REPO_ROOT, 'test-output'), { recursive: true });
  work = fs.mkdtempSync(path.join(REPO_ROOT, 'test-output', 'local-bin-'));
  appDir = path.join(work, 'cdk.out');
  synthesizeShopApp(appDir, work);
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('npx orders-workflow-local --app-dir cdk.out', () => {
  let child: ChildProcess | undefined;
  let output = '';
  let outputs: Record<string, string>;
  let clients: { sqs: SQSClient; dynamodb: DynamoDBClient };

  beforeAll(async () => {
    // Not the repo root: the bin writes .local/outputs.json into the directory it runs in.
    const cwd = path.join(work, 'user-project');
    fs.mkdirSync(cwd);
    const outputsFile = path.join(cwd, '.local', 'outputs.json');
    child = spawn(process.execPath, [BIN, '--app-dir', path.relative(cwd, appDir), '--port', '0'], {
      cwd, env: { ...process.env, CI: 'true' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => { output += chunk; });
    child.stderr!.on('data', (chunk) => { output += chunk; });
    await waitUntilLocalBinStarted(child, () => output);
    outputs = JSON.parse(fs.readFileSync(outputsFile, 'utf8'));
    const config = emulatorClientConfig(outputs.EmulatorEndpoint);
    clients = { sqs: new SQSClient(config), dynamodb: new DynamoDBClient(config) };
  }, 120_000);

  afterAll(async () => {
    clients?.sqs.destroy();
    clients?.dynamodb.destroy();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  });

  test('processes a POSTed order with the code staged in cdk.out', async () => {
    expect(outputs.ApiEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const posted = await fetch(`${outputs.ApiEndpoint}orders`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ items: [{ sku: 'SKU-1', qty: 2 }] }),
    });
    expect(posted.status).toBe(202);
    const { orderId, eventId } = await posted.json() as { orderId: string; eventId: string };

    const status = await eventually(async () => {
      const order = await (await fetch(`${outputs.ApiEndpoint}orders/${orderId}`)).json() as { status: string };
      return order.status === 'PROCESSED' ? order.status : undefined;
    });
    expect(status).toBe('PROCESSED');

    // The app's rule on the workflow's bus delivered OrderCreated to the app's queue.
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'shop-notifications' }));
    const event = await eventually(async () => {
      const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
      return Messages.map((message) => JSON.parse(message.Body!)).find((body) => body.detail?.orderId === orderId);
    });
    expect(event).toMatchObject({ 'source': EVENT_SOURCE, 'detail-type': 'OrderCreated', 'detail': { orderId, eventId } });

    // The Lambda target ran locally and found its TableV2 through its environment.
    const seen = await eventually(async () => {
      const tableName = await seenTableName(clients.dynamodb);
      const { Item } = await clients.dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { orderId: { S: orderId } } }));
      return Item;
    });
    expect(seen?.orderId.S).toBe(orderId);
    expect(output).toMatch(/its Lambda target ShopLocal-Subscriber\S* is run locally/);
  });

  test('provisions the app\'s own table (with its GSI) and queue (with its redrive policy)', async () => {
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 'shop-inventory' }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'sku', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byWarehouse']);
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'shop-notifications' }));
    const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }));
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 3, deadLetterTargetArn: expect.stringMatching(/:shop-notifications-dlq$/) });
  });

  test('stops on Ctrl-C with exit 0', async () => {
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
  });
});

test('without moto_server on PATH: the install hint and exit 1', () => {
  const run = spawnSync(process.execPath, [BIN, '--app-dir', appDir, '--port', '0'], {
    cwd: work, encoding: 'utf8', env: { PATH: nodeOnlyPath(work), HOME: work },
  });
  expect(run.stderr).toContain(`moto_server was not found (not on PATH). Install the emulator with: ${MOTO_INSTALL_HINT}`);
  expect(run.status).toBe(1);
});

/** The TableV2's name: generated (`<stack>-<logicalId>...`), as CloudFormation would. */
async function seenTableName(client: DynamoDBClient): Promise<string> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  const name = TableNames.find((table) => table.startsWith('ShopLocal-Seen'));
  if (!name) throw new Error(`no ShopLocal-Seen* table among ${TableNames.join(', ')}`);
  return name;
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
