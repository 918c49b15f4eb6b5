/**
 * The example app's business steps in the console, end to end on the local runner: the app's dev
 * stack as `npm run local:example` runs it (validation, then stages payment and stock, each
 * processor bundled by aws-lambda-nodejs at synth; the inventory table, the fake payment
 * gateway's table and the notifications queue provisioned in moto), the built console signed in
 * as the runner's demo user. An order for an unknown sku ends REJECTED by validation with its
 * reason on the page; a good one ends PROCESSED with its reservation shown, its payment
 * authorized, stock taken once, and one notification queued; one for more than is in stock is
 * REJECTED by the stock stage and its payment authorization voided, once.
 *
 * Screenshots go to test-output/screenshots/ (desktop-14, desktop-15).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expectAccessible } from './support/accessibility';
import { EXAMPLE_STACK, ExampleOnLocalRunner, SCREENSHOT_DIR, startExampleOnLocalRunner } from './support/example-on-local-runner';
import { eventually as poll, expectText, textOf } from './support/page';
import type { StaticServer } from './support/static-server';
import { CATALOGUE } from '../../examples/app/processor/catalogue';
import type { LocalWorkflow, LogLine } from '../../scripts/local';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';
import { generatedName } from '../../scripts/local/template/references';

const screenshotDir = SCREENSHOT_DIR;
const DESKTOP = { width: 1280, height: 800 };

let example: ExampleOnLocalRunner;
let workflow: LocalWorkflow;
let outputs: Record<string, string>;
let site: StaticServer;
let browser: Browser;
let dynamodb: DynamoDBClient;
let sqs: SQSClient;
let logLines: LogLine[] = [];
/** The emulated names of the app's own resources (the runner names them `<stack>-<logicalId>`). */
let inventoryTable: string;
let gatewayTable: string;
let notificationsQueueUrl: string;
const pageErrors: string[] = [];

/** The single resource of a type whose logical id starts with `prefix`. */
function logicalId(template: { Resources: Record<string, { Type: string }> }, type: string, prefix: string): string {
  const ids = Object.entries(template.Resources).filter(([id, resource]) => resource.Type === type && id.startsWith(prefix)).map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

beforeAll(async () => {
  example = await startExampleOnLocalRunner('example-processor-runner.log');
  ({ workflow, outputs, site, browser, logLines } = example);
  const template = JSON.parse(fs.readFileSync(path.join(example.appDir, `${EXAMPLE_STACK}.template.json`), 'utf8'));
  dynamodb = new DynamoDBClient(emulatorClientConfig(workflow.emulatorEndpoint));
  sqs = new SQSClient(emulatorClientConfig(workflow.emulatorEndpoint));
  inventoryTable = generatedName(EXAMPLE_STACK, logicalId(template, 'AWS::DynamoDB::Table', 'InventoryTable'), 255);
  gatewayTable = generatedName(EXAMPLE_STACK, logicalId(template, 'AWS::DynamoDB::Table', 'PaymentGatewayTable'), 255);
  const notificationsQueue = generatedName(EXAMPLE_STACK, logicalId(template, 'AWS::SQS::Queue', 'NotificationsQueue'), 80);
  notificationsQueueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: notificationsQueue }))).QueueUrl!;
}, 10 * 60_000);

afterAll(async () => {
  dynamodb?.destroy();
  sqs?.destroy();
  await example?.stop();
}, 60_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  return poll(what, probe, timeoutMs, () => `\nLast runner log lines:\n${logLines.slice(-30).map((entry) => `[${entry.source}] ${entry.line}`).join('\n')}`);
}

/** The console, signed in as the runner's demo user. */
async function openSignedIn(): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${message.text()}`);
  });
  await page.goto(`${site.origin}/`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Username or e-mail').fill(outputs.DemoUsername);
  await page.getByLabel('Password').fill(outputs.DemoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-user').waitFor();
  return { page, context };
}

/** Submits one line; returns the order's and the event's ids once the API accepted it. */
async function submitOrder(page: Page, sku: string, qty: number): Promise<{ orderId: string; eventId: string }> {
  await page.locator('input[name="items[0].sku"]').fill(sku);
  await page.locator('input[name="items[0].qty"]').fill(String(qty));
  await page.getByRole('button', { name: 'Submit order' }).click();
  await expectText(page.getByTestId('output'), 'Order accepted (HTTP 202)');
  return { orderId: await textOf(page.getByTestId('order-id')), eventId: await textOf(page.getByTestId('event-id')) };
}

/** The order's row in the recent-orders table (which loads when scrolled into view). */
async function rowOf(page: Page, orderId: string): Promise<Locator> {
  await page.getByTestId('recent-orders-slot').scrollIntoViewIfNeeded();
  return page.getByTestId('recent-orders').locator('tbody tr').filter({ hasText: orderId });
}

async function available(sku: string): Promise<number | undefined> {
  const row = await dynamodb.send(new GetItemCommand({ TableName: inventoryTable, Key: { sku: { S: sku } }, ConsistentRead: true }));
  return row.Item === undefined ? undefined : Number(row.Item.available.N);
}

/** The fake payment gateway's row of an authorization, or undefined. */
async function authorization(authorizationId: string): Promise<Record<string, string> | undefined> {
  const rowKey = { authorizationId: { S: authorizationId } };
  const row = await dynamodb.send(new GetItemCommand({ TableName: gatewayTable, Key: rowKey, ConsistentRead: true }));
  return row.Item === undefined ? undefined : Object.fromEntries(Object.entries(row.Item).map(([key, value]) => [key, value.S ?? value.N ?? '']));
}

test('an order for an unknown sku ends REJECTED, its reason on the page and in the list', async () => {
  const { page, context } = await openSignedIn();
  const { orderId, eventId } = await submitOrder(page, 'NO-SUCH-SKU', 1);
  const output = page.getByTestId('output');
  await output.locator('[data-testid="order-status"][data-status="REJECTED"]').waitFor({ timeout: 60_000 });
  await expectText(output.getByTestId('order-reason'), 'unknown sku NO-SUCH-SKU');
  // With stages the page names the refusing stage; the rest of the sentence is the same.
  await expectText(output, 'it is not retried and does not go to a dead-letter queue');
  const row = await rowOf(page, orderId);
  await row.locator('[data-testid="order-status"][data-status="REJECTED"]').waitFor({ timeout: 30_000 });
  await expectText(row.getByTestId('order-reason'), 'unknown sku NO-SUCH-SKU');
  // Nothing stocked for the unknown sku (the catalogue does not know it either), and validation
  // refused it before the payment stage: nothing authorized.
  expect(await available('NO-SUCH-SKU')).toBeUndefined();
  expect(await authorization(`auth-${eventId}`)).toBeUndefined();
  await expectAccessible(page, 'rejected');
  await page.screenshot({ path: path.join(screenshotDir, 'desktop-14-rejected.png'), fullPage: true });
  await context.close();
}, 120_000);

test('a good order ends PROCESSED with its reservation shown, takes its stock once, and queues one notification', async () => {
  const { page, context } = await openSignedIn();
  const before = (await available('SKU-1')) ?? CATALOGUE['SKU-1'];
  const { orderId, eventId } = await submitOrder(page, 'SKU-1', 2);
  const output = page.getByTestId('output');
  await output.locator('[data-testid="order-status"][data-status="PROCESSED"]').waitFor({ timeout: 60_000 });
  const result = output.getByTestId('order-result');
  await expectText(result, 'reservationId');
  await expectText(result, `res-${eventId}`);
  await expectText(result, '"sku":"SKU-1","qty":2');
  const row = await rowOf(page, orderId);
  await row.locator('[data-testid="order-status"][data-status="PROCESSED"]').waitFor({ timeout: 30_000 });
  await expectText(row.getByTestId('order-result'), `reservationId: res-${eventId}`);
  expect(await available('SKU-1')).toBe(before - 2);
  // The payment stage authorized the card on file (the console sends no cardNumber), and nothing voided it.
  expect(await authorization(`auth-${eventId}`)).toMatchObject({ status: 'AUTHORIZED', orderId, cardLast4: '4242' });

  // The second consumer: the OrderProcessed event, with the same reservation, in the notifications queue.
  const notification = await eventually('the OrderProcessed notification', async () => {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: notificationsQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    return (received.Messages ?? []).map((message) => JSON.parse(message.Body!)).find((event) => event.detail?.orderId === orderId);
  });
  expect(notification).toMatchObject({
    'detail-type': 'OrderProcessed',
    'detail': {
      status: 'PROCESSED',
      eventId,
      outcomeId: `${eventId}:processed`,
      result: { reservationId: `res-${eventId}`, reserved: [{ sku: 'SKU-1', qty: 2 }] },
      results: { main: { valid: true }, payment: { authorizationId: `auth-${eventId}` }, stock: { reservationId: `res-${eventId}` } },
    },
  });
  await expectAccessible(page, 'processed with a result');
  await page.screenshot({ path: path.join(screenshotDir, 'desktop-15-processed-result.png'), fullPage: true });
  await context.close();
}, 120_000);

test('more than is in stock is REJECTED with how much is left, takes nothing, and its payment is voided once', async () => {
  const { page, context } = await openSignedIn();
  const { orderId, eventId } = await submitOrder(page, 'SKU-2', 10_000);
  const row = await rowOf(page, orderId);
  await row.locator('[data-testid="order-status"][data-status="REJECTED"]').waitFor({ timeout: 60_000 });
  const reason = `out of stock: SKU-2 (ordered 10000, ${CATALOGUE['SKU-2']} available)`;
  await expectText(row.getByTestId('order-reason'), reason);
  expect(await available('SKU-2')).toBe(CATALOGUE['SKU-2']);
  // The stock stage refused the order after the payment stage had authorized it: the payment's
  // compensation voided the authorization, exactly once.
  const voided = await eventually('the voided authorization', async () => {
    const found = await authorization(`auth-${eventId}`);
    return found?.status === 'VOIDED' ? found : undefined;
  });
  expect(voided).toMatchObject({ orderId, voids: '1', voidReason: `stock: ${reason}` });
  await context.close();
}, 120_000);
