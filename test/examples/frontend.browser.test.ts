/**
 * The built frontend in Debian's headless Chromium, against the local workflow (`npm run
 * local`'s runner: the real handler bundles on the moto emulator). The site is served the way
 * CloudFront serves it: same Content-Security-Policy, a run-time /config.json, SPA fallback,
 * from http://127.0.0.1:5173 (an origin the local API allows).
 *
 * The order's Idempotency-Key is followed on the wire: a lost answer is simulated AFTER the
 * API accepted the order (`route.fetch()`, then abort or a 502), so a retry that made a second
 * order would show up as a second `order_processed` in the worker's log.
 *
 * Screenshots (desktop 1280x800, phone 390x844) go to test-output/screenshots/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Browser, BrowserContext, Locator, Page, Request, Route } from 'playwright-core';
import { expectAccessible } from './support/accessibility';
import { launchChromium } from './support/chromium';
import { parseLogsInsightsUrl } from './support/console-url';
import { sharedFrontendBuild } from './support/frontend-build';
import { acquireLock } from './support/locks';
import { eventually as poll, expectText, focused, textOf } from './support/page';
import { StaticServer, startStaticServer } from './support/static-server';
import { contentSecurityPolicy } from '../../examples/app/lib/content-security-policy';
import { configFromLocalOutputs } from '../../examples/app/lib/local-runner-config';
import { powertoolsHash } from '../../lambda/worker/idempotency';
import { LocalWorkflow, LogLine, startLocalWorkflow } from '../../scripts/local';

const repoRoot = path.resolve(__dirname, '..', '..');
/** The browser tests' shared build (never examples/frontend/dist, which `npm run synth` rebuilds). */
let distDir: string;
const screenshotDir = path.join(repoRoot, 'test-output', 'screenshots');
/** The dev origin the API's CORS allows (scripts/local/stack.ts, examples/app DEV_ORIGINS). */
const SITE_HOST = '127.0.0.1';
const SITE_PORT = 5173;
/** The worker's timeout is half of it (2 s): a cold start on a busy machine must not time an attempt out. */
const VISIBILITY_TIMEOUT_SECONDS = 4;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const EMULATOR = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

let workflow: LocalWorkflow;
/** The site's /config.json: the local mapping of the runner's outputs, as `npm run frontend:dev` serves it. */
const SITE_CONFIG = () => ({
  ...configFromLocalOutputs(workflow.outputs as unknown as Record<string, unknown>),
  region: 'us-east-1',
  failureInjection: true,
  dashboardName: 'orders-dashboard',
});
let site: StaticServer;
let browser: Browser;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
/** Port 5173 is the origin the local API allows: one browser test file at a time. */
let releaseSitePort: (() => void) | undefined;
const logLines: LogLine[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  distDir = await sharedFrontendBuild();

  browser = await launchChromium();
  workflow = await startLocalWorkflow({
    port: 0,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    quiet: true,
    onLog: (line) => logLines.push(line),
  });
  sqs = new SQSClient({ ...EMULATOR, endpoint: workflow.emulatorEndpoint });
  dynamodb = new DynamoDBClient({ ...EMULATOR, endpoint: workflow.emulatorEndpoint });

  releaseSitePort = await acquireLock('site-port-5173');
  try {
    site = await startStaticServer({
      root: distDir,
      host: SITE_HOST,
      port: SITE_PORT,
      // What the CDK app writes at deploy time, pointing at the local API instead (the runner's failure injection is on).
      config: SITE_CONFIG(),
      contentSecurityPolicy: contentSecurityPolicy([new URL(workflow.apiUrl).origin]),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${SITE_PORT} on ${SITE_HOST} is in use (is \`npm run frontend:dev\` running?). ` +
        'The browser test serves the frontend there because the local API allows that origin (CORS).');
    }
    throw error;
  }
  fs.mkdirSync(screenshotDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  releaseSitePort?.();
  sqs?.destroy();
  dynamodb?.destroy();
  await workflow?.stop();
}, 60_000);

afterEach(() => {
  // A CSP violation or an uncaught error would break the deployed site too.
  const errors = pageErrors.splice(0);
  expect(errors).toEqual([]);
});

/** A fresh page on the served site, with its API requests recorded. */
async function openSite(viewport: { width: number; height: number }): Promise<{ page: Page; context: BrowserContext; apiRequests: Request[] }> {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
  const page = await context.newPage();
  const apiRequests: Request[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(workflow.apiUrl)) apiRequests.push(request);
  });
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // The browser itself reports every 4xx/5xx and aborted request this way; those are expected here.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageErrors.push(`console: ${message.text()}`);
    }
  });
  await page.goto(`${site.origin}/`);
  // The app's footer: index.html's first screen has the heading too, the app replaces it.
  await page.getByTestId('auth-mode').waitFor();
  return { page, context, apiRequests };
}

/** Item `number` (1-based) of the order form: its SKU or quantity input (named like the API's error paths). */
function itemInput(page: Page, number: number, field: 'sku' | 'qty'): Locator {
  return page.locator(`input[name="items[${number - 1}].${field}"]`);
}

async function fillItem(page: Page, number: number, sku: string, qty: string): Promise<void> {
  await itemInput(page, number, 'sku').fill(sku);
  await itemInput(page, number, 'qty').fill(qty);
}

/** The text of the elements an input's aria-describedby names (its description and error messages). */
async function describedText(page: Page, input: Locator): Promise<string> {
  const ids = (await input.getAttribute('aria-describedby'))?.split(/\s+/).filter(Boolean) ?? [];
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

/** The recent-orders table's rows that show this order (GET /orders lists every test's orders: the API is open here). */
function rowsOf(page: Page, orderId: string): Locator {
  return page.getByTestId('recent-orders').locator('tbody tr').filter({ hasText: orderId });
}

/** The whole page on a desktop; on a phone the first screen (the whole page would be the orders table, many screens long). */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: !name.startsWith('phone') });
}

function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  return poll(what, probe, timeoutMs, () => {
    const recent = logLines.slice(-30).map((entry) => `[${entry.source}] ${entry.line}`).join('\n');
    return ` Last runner log lines:\n${recent}`;
  });
}

/** The order record of an eventId (orders table). */
async function orderRecord(eventId: string): Promise<Record<string, any> | undefined> {
  const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: workflow.outputs.OrdersTableName }));
  return Items.find((item) => item.id?.S?.startsWith('order#') && item.eventId?.S === eventId);
}

/** The worker's claim of an eventId (idempotency table), by Powertools' key. */
async function workerClaim(eventId: string): Promise<Record<string, any> | undefined> {
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: workflow.outputs.DynamoTableName, Key: { id: { S: `orders-worker.order-created#${powertoolsHash(eventId)}` } }, ConsistentRead: true }));
  return Item;
}

async function dlqMessageFor(eventId: string): Promise<string | undefined> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: workflow.outputs.DlqUrl,
    MaxNumberOfMessages: 10,
    VisibilityTimeout: 0,
  }));
  return Messages.map((message) => message.Body ?? '').find((body) => body.includes(eventId));
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** What the page must say after a failure that leaves the outcome unknown. */
const UNCERTAIN_NOTE = 'The order may or may not have been accepted. Retrying is safe: Retry sends the same order ' +
  'with the same Idempotency-Key, so the API will not create a duplicate';

interface SentOrder {
  readonly key?: string;
  readonly body: string;
}

/** The page's POST /orders requests as sent (their Idempotency-Key and body); waits for `count` of them, then expects exactly that many. */
async function sentOrders(apiRequests: readonly Request[], count: number): Promise<SentOrder[]> {
  await eventually(`${count} POST /orders`, async () => (posts(apiRequests).length >= count ? true : undefined), 15_000);
  const sent = await Promise.all(posts(apiRequests).map(async (request) => ({
    key: (await request.allHeaders())['idempotency-key'],
    body: request.postData() ?? '',
  })));
  expect(sent).toHaveLength(count);
  return sent;
}

function posts(apiRequests: readonly Request[]): Request[] {
  return apiRequests.filter((request) => request.method() === 'POST');
}

/** Submits (or runs `action`), then waits for one more POST and for the response panel to show its outcome. */
async function submitAndSettle(page: Page, apiRequests: readonly Request[], action = () => page.getByRole('button', { name: 'Submit order' }).click()): Promise<void> {
  const before = posts(apiRequests).length;
  await action();
  await eventually('the POST /orders', async () => (posts(apiRequests).length > before ? true : undefined), 15_000);
  // A locator, not waitForFunction: the site's CSP forbids the eval that a string predicate needs.
  await page.locator('[data-testid="output"]:not([data-outcome="submitting"]):not([data-outcome="waiting"])').waitFor({ timeout: 20_000 });
}

interface Accepted {
  readonly status: number;
  readonly orderId: string;
  readonly eventId: string;
}

/**
 * The page's first POST /orders goes to the real API (which accepts the order), but the browser
 * gets `lose` instead of the answer: what a dropped connection or a failing proxy does. Later
 * requests pass. Returns the API's real answer.
 */
async function loseFirstAnswer(page: Page, lose: (route: Route) => Promise<void>): Promise<() => Accepted> {
  let answer: Accepted | undefined;
  await page.route('**/orders', async (route) => {
    if (route.request().method() !== 'POST' || answer !== undefined) return route.fallback();
    const response = await route.fetch();
    answer = { status: response.status(), ...(await response.json()) };
    return lose(route);
  });
  return () => {
    if (answer === undefined) throw new Error('The first POST /orders never reached the API');
    return answer;
  };
}

/** The page's first POST /orders gets `status` without reaching the API; later requests pass. */
async function answerFirstPostWith(page: Page, status: number, headers: Record<string, string>, message: string): Promise<void> {
  let answered = false;
  await page.route('**/orders', (route) => {
    if (route.request().method() !== 'POST' || answered) return route.fallback();
    answered = true;
    return route.fulfill({
      status,
      contentType: 'application/json',
      headers: { 'Access-Control-Allow-Origin': site.origin, 'Access-Control-Expose-Headers': 'Idempotent-Replayed, Retry-After', ...headers },
      body: JSON.stringify({ message }),
    });
  });
}

/** How many times the worker logged `order_processed` for this order. */
function workerProcessed(orderId: string): number {
  return logLines.filter((entry) => entry.source === 'worker' && entry.json?.msg === 'order_processed' && entry.json?.orderId === orderId).length;
}

/**
 * The orderIds the API accepted as new orders (it logs `order_accepted` once per published
 * event; a replay logs something else) since log line `start`. Tests run one at a time, so
 * these are the test's own orders: a retry that made a second order shows up here with an id
 * of its own, which no per-orderId count would catch.
 */
function ordersAcceptedSince(start: number): unknown[] {
  return logLines.slice(start).filter((entry) => entry.source === 'api' && entry.json?.msg === 'order_accepted').map((entry) => entry.json?.orderId);
}

/** True once no message is waiting or in flight on the main queue (so every published event was handled). */
async function mainQueueDrained(): Promise<true | undefined> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: workflow.outputs.MainQueueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  }));
  return Attributes.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0' ? true : undefined;
}

test('shows the env and region from config.json, and the API it talks to', async () => {
  const { page, context } = await openSite(DESKTOP);
  await expectText(page.getByTestId('env-name'), 'local');
  await expectText(page.getByTestId('region'), 'us-east-1');
  await expectText(page.getByTestId('api-url'), `${workflow.apiUrl}/orders`);
  expect(await page.title()).toBe('AWS Orders Workflow (local)');
  await context.close();
});

test('1. a valid order shows its orderId and eventId, and the worker processes it', async () => {
  const { page, context, apiRequests } = await openSite(DESKTOP);
  // Keyboard only: the focus order is customer, SKU, quantity, remove, add item, reset, submit.
  await page.getByLabel('Customer ID').focus();
  await page.keyboard.type('cust-123');
  await page.keyboard.press('Tab');
  await page.keyboard.type('SKU-1');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2');
  await page.keyboard.press('Tab');
  expect(await focused(page).getAttribute('aria-label')).toBe('Remove item 1');
  await page.keyboard.press('Tab');
  expect(await focused(page).textContent()).toBe('Add item');
  await page.keyboard.press('Enter'); // adds item 2 and moves the focus to its SKU
  expect(await focused(page).getAttribute('name')).toBe('items[1].sku');
  await page.keyboard.type('SKU-2');
  await page.keyboard.press('Enter'); // submits the form

  const orderId = await textOf(page.getByTestId('order-id'));
  const eventId = await textOf(page.getByTestId('event-id'));
  expect(orderId).toMatch(/^[0-9a-f-]{36}$/);
  expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
  expect(eventId).not.toBe(orderId);
  await expectText(page.getByTestId('output'), 'Order accepted (HTTP 202)');
  // The response is announced and focused.
  expect(await page.getByTestId('output').getAttribute('aria-live')).toBe('polite');
  expect(await focused(page).getAttribute('id')).toBe('output-heading');
  const [sent] = await sentOrders(apiRequests, 1);
  expect(JSON.parse(sent.body)).toEqual({
    customerId: 'cust-123',
    items: [{ sku: 'SKU-1', qty: 2 }, { sku: 'SKU-2', qty: 1 }],
  });
  // One key per draft, and the real API's CORS preflight let it through.
  expect(sent.key).toMatch(UUID_V4);

  // Recent orders (GET /orders): the order, what it holds.
  await expectText(rowsOf(page, orderId), '2 × SKU-1, 1 × SKU-2');

  // Copy buttons put the ids on the clipboard.
  await page.getByRole('button', { name: `Copy order id ${orderId}` }).first().click();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(orderId);
  await page.getByRole('button', { name: `Copy event id ${eventId}` }).first().click();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(eventId);

  // The order's log lines: Logs Insights with the correlate query for this order, on the API's and the worker's log groups.
  const logsLink = parseLogsInsightsUrl((await page.getByTestId('output').getByTestId('logs-link').getAttribute('href'))!);
  expect(logsLink.region).toBe('us-east-1');
  expect(logsLink.query).toContain(`eventId = "${eventId}" or orderId = "${orderId}"`);
  expect(logsLink.logGroups).toEqual([workflow.outputs.ApiLogGroupName, workflow.outputs.WorkerLogGroupName]);
  expect(await page.getByTestId('output').getByTestId('dashboard-link').getAttribute('href'))
    .toBe('https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/orders-dashboard');

  // The page follows the order until the worker is done: PROCESSED, in the response and in the list.
  await page.getByTestId('output').locator('[data-testid="order-status"][data-status="PROCESSED"]').waitFor({ timeout: 45_000 });
  await rowsOf(page, orderId).locator('[data-status="PROCESSED"]').waitFor({ timeout: 15_000 });
  await expectAccessible(page, 'accepted, processed');

  // The worker processed it: its claim is held, completed by the order's PROCESSED record of this eventId.
  const record = await eventually('the PROCESSED order record', async () => {
    const item = await orderRecord(eventId);
    return item?.status?.S === 'PROCESSED' ? item : undefined;
  });
  expect(record.orderId.S).toBe(orderId);
  expect(await workerClaim(eventId)).toBeDefined();
  expect(logLines.some((entry) => entry.source === 'worker' && entry.json?.eventId === eventId)).toBe(true);

  await screenshot(page, 'desktop-1-accepted');
  await context.close();
}, 90_000);

test('2. an empty SKU and a quantity of 0 show field messages and send nothing', async () => {
  const { page, context, apiRequests } = await openSite(DESKTOP);
  await fillItem(page, 1, '', '0');
  await page.getByRole('button', { name: 'Submit order' }).click();

  const sku = itemInput(page, 1, 'sku');
  const qty = itemInput(page, 1, 'qty');
  expect(await sku.getAttribute('aria-invalid')).toBe('true');
  expect(await qty.getAttribute('aria-invalid')).toBe('true');
  // The messages are next to the fields and tied to them for screen readers.
  expect(await describedText(page, sku)).toContain('Must not be empty');
  expect(await describedText(page, qty)).toContain('Must be at least 1');
  await expectText(page.getByTestId('output'), 'Nothing was sent');
  // The summary's items are links to their fields.
  await page.getByTestId('output').getByRole('link', { name: 'Item 1 quantity' }).click();
  expect(await focused(page).getAttribute('name')).toBe('items[0].qty');
  await page.getByTestId('output').getByRole('link', { name: 'Item 1 SKU' }).click();
  // The focus moved to the first invalid field.
  expect(await focused(page).getAttribute('name')).toBe('items[0].sku');
  await expectAccessible(page, 'validation errors');

  // Removing the only item: the shared rule "at least 1 item".
  await page.getByRole('button', { name: 'Remove item 1' }).click();
  await page.getByRole('button', { name: 'Submit order' }).click();
  await expectText(page.getByTestId('order-form'), 'Must contain at least 1 item');

  await page.waitForTimeout(300);
  expect(posts(apiRequests)).toHaveLength(0);
  await page.getByRole('button', { name: 'Add item' }).click();
  await fillItem(page, 1, '', '0');
  await page.getByRole('button', { name: 'Submit order' }).click();
  await screenshot(page, 'desktop-2-invalid');
  expect(posts(apiRequests)).toHaveLength(0);
  await context.close();
});

test('3. a FAIL-ME order is accepted and, after the retries, sits in the DLQ', async () => {
  const { page, context } = await openSite(DESKTOP);
  // Failure injection is on (config.json says so): the form explains FAIL-ME.
  await expectText(page.getByTestId('order-form'), 'Failure injection is on: a SKU of FAIL-ME makes the worker fail');
  await fillItem(page, 1, 'FAIL-ME', '1');
  await page.getByRole('button', { name: 'Submit order' }).click();
  const eventId = await textOf(page.getByTestId('event-id'));
  const orderId = await textOf(page.getByTestId('order-id'));

  // The page does not claim success: it follows the order until it is FAILED, with its attempts and last error.
  const output = page.getByTestId('output');
  await output.locator('[data-testid="order-status"][data-status="FAILED"]').waitFor({ timeout: 60_000 });
  await expectText(output, 'in the dead-letter queue');
  await rowsOf(page, orderId).locator('[data-status="FAILED"]').waitFor({ timeout: 15_000 });
  await expectAccessible(page, 'FAILED');
  await screenshot(page, 'desktop-3-failed');

  const body = await eventually('the order in the DLQ', () => dlqMessageFor(eventId), 60_000);
  expect(JSON.parse(body)).toMatchObject({ 'detail-type': 'OrderCreated', 'detail': { eventId, items: [{ sku: 'FAIL-ME', qty: 1 }] } });
  // Every failed attempt released its claim: a replay from the DLQ will be processed.
  expect(await workerClaim(eventId)).toBeUndefined();
  await context.close();
}, 90_000);

test('4. a 400 from the server (client validation bypassed) shows the server\'s field errors', async () => {
  const { page, context, apiRequests } = await openSite(DESKTOP);
  // The form is valid; the request on the wire is not (rewritten after the client checked it).
  await page.route('**/orders', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    return route.continue({
      postData: JSON.stringify({ items: [{ sku: '', qty: 0 }], customerId: 'c'.repeat(129), coupon: 'FREE' }),
    });
  });
  await fillItem(page, 1, 'SKU-1', '1');
  await page.getByRole('button', { name: 'Submit order' }).click();

  const serverErrors = page.getByTestId('server-errors');
  await expectText(page.getByTestId('output'), 'The API rejected the order (HTTP 400)');
  await expectText(serverErrors, 'Item 1 SKU: Must not be empty');
  await expectText(serverErrors, 'Item 1 quantity: Must be at least 1');
  await expectText(serverErrors, 'Customer ID: Must be at most 128 characters');
  await expectText(serverErrors, 'coupon: Is not an allowed field');
  // Errors for fields the form has are shown next to them too.
  expect(await itemInput(page, 1, 'sku').getAttribute('aria-invalid')).toBe('true');
  expect(apiRequests.filter((request) => request.method() === 'POST')).toHaveLength(1);
  await screenshot(page, 'desktop-4-server-400');
  await context.close();
});

test('5. a resubmit of an unchanged accepted draft shows the same order; "Create another order" starts a new key', async () => {
  const logStart = logLines.length;
  const { page, context, apiRequests } = await openSite(DESKTOP);
  await fillItem(page, 1, 'SKU-AGAIN', '1');
  await submitAndSettle(page, apiRequests);
  const orderId = await textOf(page.getByTestId('order-id'));
  expect(await page.getByTestId('replayed-note').count()).toBe(0);

  // The same draft again: the same key and body, and the API answers with the same order.
  await submitAndSettle(page, apiRequests);
  await expectText(page.getByTestId('replayed-note'), 'Already accepted earlier');
  expect(await textOf(page.getByTestId('order-id'))).toBe(orderId);
  const [first, again] = await sentOrders(apiRequests, 2);
  expect(first.key).toMatch(UUID_V4);
  expect(again).toEqual(first);
  // One order in the list.
  await expectText(rowsOf(page, orderId), 'SKU-AGAIN');
  expect(await rowsOf(page, orderId).count()).toBe(1);

  // A new draft, typed identically: a new key, so a second order.
  await page.getByRole('button', { name: 'Create another order' }).click();
  expect(await focused(page).getAttribute('id')).toBe('customerId');
  expect(await itemInput(page, 1, 'sku').inputValue()).toBe('');
  expect(await page.getByTestId('output').getAttribute('data-outcome')).toBe('idle');
  await fillItem(page, 1, 'SKU-AGAIN', '1');
  await submitAndSettle(page, apiRequests);
  const secondOrderId = await textOf(page.getByTestId('order-id'));
  expect(secondOrderId).not.toBe(orderId);
  expect(await page.getByTestId('replayed-note').count()).toBe(0);
  const [, , created] = await sentOrders(apiRequests, 3);
  expect(created.body).toBe(first.body);
  expect(created.key).toMatch(UUID_V4);
  expect(created.key).not.toBe(first.key);

  // Changing an accepted draft: the form says Submit makes a new order, and it does (a new key).
  await itemInput(page, 1, 'qty').fill('2');
  await expectText(page.getByTestId('draft-notice'), `Order ${secondOrderId} was accepted. Submitting now sends a new order.`);
  await submitAndSettle(page, apiRequests);
  const [, , , changed] = await sentOrders(apiRequests, 4);
  expect(changed.key).not.toBe(created.key);
  expect(JSON.parse(changed.body)).toEqual({ items: [{ sku: 'SKU-AGAIN', qty: 2 }] });
  const thirdOrderId = await textOf(page.getByTestId('order-id'));
  expect(thirdOrderId).not.toBe(secondOrderId);
  // Four requests, three orders: the unchanged resubmit published nothing.
  expect(ordersAcceptedSince(logStart)).toEqual([orderId, secondOrderId, thirdOrderId]);
  await context.close();
}, 60_000);

/** How the answer to the first request is lost after the API accepted the order. */
const LOST_ANSWERS = [
  { failure: 'a dropped connection', title: 'No response from the API', lose: (route: Route) => route.abort('connectionreset') },
  {
    failure: 'a 502',
    title: 'The API failed (HTTP 502)',
    lose: (route: Route) => route.fulfill({
      status: 502,
      contentType: 'application/json',
      headers: { 'Access-Control-Allow-Origin': site.origin },
      body: JSON.stringify({ message: 'Bad gateway', requestId: 'req-lost' }),
    }),
  },
];

test.each(LOST_ANSWERS)('6. after $failure (the API had accepted the order), Retry resends the same key and body, shows the same order, and the worker processes it once', async ({ failure, title, lose }) => {
  const logStart = logLines.length;
  const { page, context, apiRequests } = await openSite(DESKTOP);
  const firstAnswer = await loseFirstAnswer(page, lose);
  await fillItem(page, 1, 'SKU-RETRY', '3');
  await submitAndSettle(page, apiRequests);

  const output = page.getByTestId('output');
  expect(await output.getAttribute('data-outcome')).toBe('uncertain');
  await expectText(output, title);
  await expectText(page.getByTestId('uncertain-note'), UNCERTAIN_NOTE);
  expect(await output.textContent()).not.toContain('Nothing was accepted');
  const accepted = firstAnswer();
  expect(accepted.status).toBe(202); // so a second order here would be a duplicate
  if (failure === 'a dropped connection') await screenshot(page, 'desktop-5-unconfirmed');

  // The retry goes to the API itself, through its real CORS preflight.
  await page.unroute('**/orders');
  // Keyboard: the focus is on the response heading; the next Tab is Retry.
  expect(await focused(page).getAttribute('id')).toBe('output-heading');
  await page.keyboard.press('Tab');
  expect(await focused(page).textContent()).toBe('Retry');
  await submitAndSettle(page, apiRequests, () => page.keyboard.press('Enter'));

  expect(await output.getAttribute('data-outcome')).toBe('accepted');
  expect(await textOf(page.getByTestId('order-id'))).toBe(accepted.orderId);
  expect(await textOf(page.getByTestId('event-id'))).toBe(accepted.eventId);
  await expectText(page.getByTestId('replayed-note'), 'No second order was created');
  const [first, retried] = await sentOrders(apiRequests, 2);
  expect(first.key).toMatch(UUID_V4);
  expect(retried).toEqual(first);
  await expectText(rowsOf(page, accepted.orderId), 'SKU-RETRY');
  expect(await rowsOf(page, accepted.orderId).count()).toBe(1);

  // One order: the API published one event for both requests and the worker processed it once.
  await eventually('the worker to process the order', async () => (workerProcessed(accepted.orderId) > 0 ? true : undefined));
  await eventually('the main queue to drain', mainQueueDrained);
  expect(ordersAcceptedSince(logStart)).toEqual([accepted.orderId]);
  expect(workerProcessed(accepted.orderId)).toBe(1);
  await context.close();
}, 90_000);

test('7. editing the order after an unconfirmed attempt says it is a new order; Undo restores the retry', async () => {
  const logStart = logLines.length;
  const { page, context, apiRequests } = await openSite(DESKTOP);
  const firstAnswer = await loseFirstAnswer(page, (route) => route.abort('connectionreset'));
  await fillItem(page, 1, 'SKU-EDIT', '1');
  await submitAndSettle(page, apiRequests);
  expect(await page.getByTestId('output').getAttribute('data-outcome')).toBe('uncertain');
  await page.unroute('**/orders');

  const notice = page.getByTestId('draft-notice');
  await itemInput(page, 1, 'qty').fill('2');
  await expectText(notice, 'This is now a new order');
  await expectText(notice, 'The earlier attempt may have been accepted');
  expect(await notice.getAttribute('aria-live')).toBe('polite');
  await screenshot(page, 'desktop-6-edited-after-unconfirmed');

  await notice.getByRole('button', { name: 'Undo changes' }).click();
  expect(await itemInput(page, 1, 'qty').inputValue()).toBe('1');
  expect((await notice.textContent())?.trim()).toBe('');

  // Changed again and submitted: a new order under a new key, next to the first one.
  await itemInput(page, 1, 'qty').fill('2');
  await submitAndSettle(page, apiRequests);
  const [first, edited] = await sentOrders(apiRequests, 2);
  expect(edited.key).not.toBe(first.key);
  expect(JSON.parse(edited.body)).toEqual({ items: [{ sku: 'SKU-EDIT', qty: 2 }] });
  const editedOrderId = await textOf(page.getByTestId('order-id'));
  expect(editedOrderId).not.toBe(firstAnswer().orderId);
  expect(await page.getByTestId('replayed-note').count()).toBe(0);
  // Both exist, as the warning said they might.
  expect(ordersAcceptedSince(logStart)).toEqual([firstAnswer().orderId, editedOrderId]);
  await rowsOf(page, firstAnswer().orderId).waitFor();
  await rowsOf(page, editedOrderId).waitFor();
  await context.close();
}, 60_000);

test('8. a 409 is retried once after Retry-After with the same key; a 422 offers a new order under a new key', async () => {
  const { page, context, apiRequests } = await openSite(DESKTOP);
  const output = page.getByTestId('output');
  // The real API answers these only under races (its handler tests cover them); here they are simulated.
  await answerFirstPostWith(page, 409, { 'Retry-After': '1' }, 'A request with this Idempotency-Key is still being processed; retry after 1 s.');
  await fillItem(page, 1, 'SKU-409', '1');
  await page.getByRole('button', { name: 'Submit order' }).click();
  await expectText(output, 'The first attempt is still being processed (HTTP 409). Asking again in 1 second');
  // Busy, but not disabled: the focus stays where it was.
  expect(await page.getByRole('button', { name: 'Submit order' }).getAttribute('aria-disabled')).toBe('true');
  await page.locator('[data-testid="output"][data-outcome="accepted"]').waitFor({ timeout: 15_000 });
  const [first, automatic] = await sentOrders(apiRequests, 2);
  expect(automatic).toEqual(first);
  await page.unroute('**/orders');

  await page.getByRole('button', { name: 'Create another order' }).click();
  await answerFirstPostWith(page, 422, {}, 'This Idempotency-Key was already used for a different order. Send a new Idempotency-Key for a new order.');
  await fillItem(page, 1, 'SKU-422', '1');
  await submitAndSettle(page, apiRequests);
  expect(await output.getAttribute('data-outcome')).toBe('key-reused');
  await expectText(output, 'Idempotency-Key already used for a different order (HTTP 422)');
  await submitAndSettle(page, apiRequests, () => page.getByRole('button', { name: 'Send as a new order' }).click());
  expect(await output.getAttribute('data-outcome')).toBe('accepted');
  const [, , refused, renewed] = await sentOrders(apiRequests, 4);
  expect(renewed.body).toBe(refused.body);
  expect(renewed.key).toMatch(UUID_V4);
  expect(renewed.key).not.toBe(refused.key);
  await page.unroute('**/orders');
  await context.close();
}, 60_000);

test('a refused connection and a 502 say the order may or may not have been accepted, and offer Retry', async () => {
  const { page, context } = await openSite(DESKTOP);
  await fillItem(page, 1, 'SKU-1', '1');

  await page.route('**/orders', (route) => route.abort('connectionrefused'));
  await page.getByRole('button', { name: 'Submit order' }).click();
  await expectText(page.getByTestId('output'), 'No response from the API');
  await expectText(page.getByTestId('uncertain-note'), UNCERTAIN_NOTE);
  await page.getByRole('button', { name: 'Retry' }).waitFor();
  await page.unroute('**/orders');

  await page.route('**/orders', (route) => route.fulfill({
    status: 502,
    contentType: 'application/json',
    headers: { 'Access-Control-Allow-Origin': site.origin },
    body: JSON.stringify({ message: 'The order could not be published; retrying with the same Idempotency-Key is safe', requestId: 'req-123' }),
  }));
  await page.getByRole('button', { name: 'Retry' }).click();
  await expectText(page.getByTestId('output'), 'The API failed (HTTP 502)');
  await expectText(page.getByTestId('output'), 'req-123');
  await expectText(page.getByTestId('uncertain-note'), UNCERTAIN_NOTE);
  await page.unroute('**/orders');
  await context.close();
});

test('an empty page and a page sending an order have no axe violations; the focus stays on Submit while sending', async () => {
  const { page, context, apiRequests } = await openSite(DESKTOP);
  await page.getByTestId('recent-orders').waitFor();
  await expectAccessible(page, 'empty');
  // Hold the POST until the page has been checked in its sending state.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route('**/orders', async (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    await held;
    return route.fallback();
  });
  await fillItem(page, 1, 'SKU-SENDING', '1');
  await page.getByRole('button', { name: 'Submit order' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="output"][data-outcome="submitting"]').waitFor();
  // Nothing is disabled while sending, so the focus did not fall back to the page.
  expect(await focused(page).textContent()).toBe('Submit order');
  expect(await itemInput(page, 1, 'sku').getAttribute('readonly')).not.toBeNull();
  await expectAccessible(page, 'sending');
  release();
  // Accepted, or (when the checks above outlasted the page's 15 s timeout on a busy machine) unconfirmed: either way settled.
  await page.locator('[data-testid="output"]:not([data-outcome="submitting"])').waitFor({ timeout: 30_000 });
  expect(['accepted', 'uncertain']).toContain(await page.getByTestId('output').getAttribute('data-outcome'));
  await sentOrders(apiRequests, 1);
  await page.unroute('**/orders');
  await context.close();
}, 60_000);

test('without failure injection the form does not mention FAIL-ME; robots.txt is a text file', async () => {
  const { page, context } = await openSite(DESKTOP);
  await page.route('**/config.json', (route) => route.fulfill({ json: { ...SITE_CONFIG(), failureInjection: false } }));
  await page.reload();
  // The app's footer: index.html's first screen has the heading too, the app replaces it.
  await page.getByTestId('auth-mode').waitFor();
  await expectText(page.getByTestId('order-form'), 'Quantity is a whole number');
  expect(await page.getByTestId('order-form').textContent()).not.toContain('FAIL-ME');
  const robots = await page.request.get(`${site.origin}/robots.txt`);
  expect(robots.headers()['content-type']).toMatch(/^text\/plain/);
  expect(await robots.text()).toMatch(/^User-agent: \*/);
  await context.close();
});

test('phone width: the layout stacks and still works', async () => {
  const { page, context } = await openSite(PHONE);
  await fillItem(page, 1, 'SKU-PHONE', '3');
  await page.getByRole('button', { name: 'Add item' }).click();
  await fillItem(page, 2, '', '0');
  await page.getByRole('button', { name: 'Submit order' }).click();
  await expectText(page.getByTestId('output'), 'Nothing was sent');
  await screenshot(page, 'phone-2-invalid');

  await itemInput(page, 2, 'sku').fill('SKU-2');
  await itemInput(page, 2, 'qty').fill('1');
  await page.getByRole('button', { name: 'Submit order' }).click();
  await textOf(page.getByTestId('event-id'));
  // Nothing overflows sideways.
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
  // Every control is a touch target of at least 44 x 44 px.
  const small = await page.evaluate(`[...document.querySelectorAll('main button, main input, main a[href], header button, header a[href]')]
    .map((element) => ({ element, box: element.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && box.height > 0 && (box.width < 44 || box.height < 44))
    .map(({ element, box }) => element.tagName + ' "' + (element.getAttribute('aria-label') ?? element.textContent.trim()) + '" ' + Math.round(box.width) + 'x' + Math.round(box.height))`);
  expect(small).toEqual([]);
  // Submit and Reset: the order on screen (left to right) is the tab order.
  const reset = (await page.getByRole('button', { name: 'Reset' }).boundingBox())!;
  const submit = (await page.getByRole('button', { name: 'Submit order' }).boundingBox())!;
  expect(reset.y < submit.y || (reset.y === submit.y && reset.x < submit.x)).toBe(true);
  await expectAccessible(page, 'phone, accepted');
  await screenshot(page, 'phone-1-accepted');
  await context.close();
});
