/**
 * The built frontend's stage views in Debian's headless Chromium, with the API's answers given
 * by the test (page.route), so no local runner is needed: the stage timeline of a PROCESSED
 * three-stage order and of a REJECTED order whose earlier stage was COMPENSATED, and the Replay
 * DLQ choice of a stage's pair (the POST carries `{"stage":"payment"}`). The site is served as
 * CloudFront serves it (same Content-Security-Policy, a run-time /config.json); the API lives on
 * another origin, as it does when deployed. An operator's session is put in sessionStorage
 * before the page loads (the page reads a token's claims without verifying them; the API would).
 *
 * Screenshots go to test-output/screenshots/ (stages-1..3).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { expectAccessible } from './support/accessibility';
import { launchChromium } from './support/chromium';
import { sharedFrontendBuild } from './support/frontend-build';
import { expectText } from './support/page';
import { StaticServer, startStaticServer } from './support/static-server';
import { contentSecurityPolicy } from '../../examples/app/lib/content-security-policy';

const API_ORIGIN = 'https://api.stages.test';
const API_URL = `${API_ORIGIN}/prod/`;
const CLIENT_ID = 'stagesclient';
const OPERATORS = 'operators';
const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'test-output', 'screenshots');
/** Tall enough that the recent orders table (loaded when near the viewport) loads at once. */
const VIEWPORT = { width: 1280, height: 1800 };

let site: StaticServer;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  const distDir = await sharedFrontendBuild();
  browser = await launchChromium();
  site = await startStaticServer({
    root: distDir,
    host: '127.0.0.1',
    port: 0,
    config: {
      apiUrl: API_URL,
      region: 'us-east-1',
      userPoolId: 'us-east-1_stages',
      userPoolClientId: CLIENT_ID,
      cognitoEndpoint: `${API_ORIGIN}/cognito`,
      operatorsGroup: OPERATORS,
    },
    contentSecurityPolicy: contentSecurityPolicy([API_ORIGIN]),
  });
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 120_000);

const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

afterEach(() => {
  // A CSP violation or an uncaught error would break the deployed site too.
  expect(pageErrors.splice(0)).toEqual([]);
});

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An ID token of a member of the operators group, as the page reads it (claims only). */
const ID_TOKEN = [
  base64url({ alg: 'RS256', kid: 'test' }),
  base64url({ 'sub': 'operator-1', 'cognito:username': 'operator', 'cognito:groups': [OPERATORS], 'exp': Math.floor(Date.now() / 1000) + 3600 }),
  'signature',
].join('.');

const CREATED = '2026-12-07T06:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(CREATED) + seconds * 1000).toISOString();
const ITEMS = [{ sku: 'SKU-1', qty: 2 }];

const PROCESSED_ORDER = {
  orderId: 'order-processed',
  eventId: 'event-processed',
  status: 'PROCESSED',
  createdAt: CREATED,
  updatedAt: at(3),
  items: ITEMS,
  attempts: 1,
  history: [],
  stages: [
    { name: 'main', status: 'COMPLETED', at: at(1), attempts: 1 },
    { name: 'payment', status: 'COMPLETED', at: at(2), attempts: 2, lastError: 'payment gateway timed out' },
    { name: 'stock', status: 'COMPLETED', at: at(3), attempts: 1 },
  ],
};

const REJECTED_ORDER = {
  orderId: 'order-rejected',
  eventId: 'event-rejected',
  status: 'REJECTED',
  createdAt: at(-60),
  updatedAt: at(-50),
  items: ITEMS,
  attempts: 1,
  reason: 'out of stock: SKU-9',
  rejectedStep: 'stock',
  history: [],
  stages: [
    { name: 'main', status: 'COMPLETED', at: at(-59), attempts: 1 },
    { name: 'payment', status: 'COMPENSATED', at: at(-50), attempts: 1 },
    { name: 'stock', status: 'REJECTED', at: at(-55), attempts: 1, reason: 'out of stock: SKU-9' },
  ],
};

const FAILED_ORDER = {
  orderId: 'order-failed',
  eventId: 'event-failed',
  status: 'FAILED',
  createdAt: at(-90),
  items: ITEMS,
  attempts: 5,
  lastError: 'payment gateway down',
  failedStep: 'payment',
  stages: [
    { name: 'main', status: 'COMPLETED', at: at(-89), attempts: 1 },
    { name: 'payment', status: 'FAILED', at: at(-80), attempts: 5, lastError: 'payment gateway down' },
    { name: 'stock', status: 'PENDING', attempts: 0 },
  ],
};

const PLAIN_ORDER = { orderId: 'order-plain', eventId: 'event-plain', status: 'PROCESSED', createdAt: at(-120), items: ITEMS, attempts: 1 };

const depth = (visible: number) => ({ visible, inFlight: 0, oldestAgeSeconds: null });
const QUEUES = {
  mainQueue: depth(0),
  deadLetterQueue: depth(1),
  stages: [
    { name: 'payment', mainQueue: depth(0), deadLetterQueue: depth(2) },
    { name: 'payment/compensation', mainQueue: depth(0), deadLetterQueue: depth(0) },
    { name: 'stock', mainQueue: depth(0), deadLetterQueue: depth(0) },
  ],
};

interface Api {
  /** Orders GET /orders lists, newest first. */
  orders: unknown[];
  /** Answers POST /orders (with the order's ids). */
  accepted?: { orderId: string; eventId: string };
  /** Every request to the API: method, path with query, body. */
  readonly requests: Array<{ method: string; path: string; body?: string }>;
  /** Answers GET /ops/redrive. */
  redriveTask?: Record<string, unknown>;
}

async function openSite(api: Api): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(([token, clientId]) => {
    sessionStorage.setItem('orders-workflow.session', JSON.stringify({ idToken: token, accessToken: 'access', clientId }));
  }, [ID_TOKEN, CLIENT_ID]);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${message.text()}`);
  });
  await page.route(`${API_ORIGIN}/**`, (route) => answer(route, api, site.origin));
  await page.goto(`${site.origin}/`);
  await page.getByTestId('auth-mode').waitFor();
  return { page, context };
}

/** The API as the test defines it, with the CORS headers API Gateway's would send. */
async function answer(route: Route, api: Api, origin: string): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  const cors = {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Headers': 'Content-Type, Authorization, Idempotency-Key',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Expose-Headers': 'Idempotent-Replayed, Retry-After',
  };
  if (request.method() === 'OPTIONS') {
    await route.fulfill({ status: 204, headers: cors });
    return;
  }
  api.requests.push({ method: request.method(), path: `${url.pathname}${url.search}`, body: request.postData() ?? undefined });
  const json = (status: number, body: unknown) => route.fulfill({ status, headers: cors, contentType: 'application/json', body: JSON.stringify(body) });
  const route_ = `${request.method()} ${url.pathname}`;
  switch (route_) {
    case 'GET /prod/orders':
      return json(200, { orders: api.orders });
    case 'POST /prod/orders':
      return api.accepted === undefined ? json(500, { message: 'unexpected' }) : json(202, api.accepted);
    case 'GET /prod/ops/queues':
      return json(200, QUEUES);
    case 'POST /prod/ops/redrive':
      return json(202, { taskHandle: 'task-1', approximateNumberOfMessagesToMove: 2 });
    case 'GET /prod/ops/redrive':
      return api.redriveTask === undefined ? json(404, { message: 'No move task' }) : json(200, api.redriveTask);
    default:
      return json(404, { message: `not in this test: ${route_}` });
  }
}

/** The stages shown in `scope`: name, status and the entry's text. */
async function stagesIn(page: Page, scope: string): Promise<Array<{ name: string | null; status: string | null; text: string }>> {
  const entries = page.locator(`${scope} [data-testid="stage-timeline"] [data-testid="stage"]`);
  await entries.first().waitFor({ timeout: 15_000 });
  return entries.evaluateAll((elements) => elements.map((element) => ({
    name: element.getAttribute('data-stage'),
    status: element.getAttribute('data-status'),
    text: (element.textContent ?? '').replace(/\s+/g, ' ').trim(),
  })));
}

test('a PROCESSED three-stage order: every step completed, with its time, attempts and last error', async () => {
  const api: Api = { orders: [], accepted: { orderId: PROCESSED_ORDER.orderId, eventId: PROCESSED_ORDER.eventId }, requests: [] };
  const { page, context } = await openSite(api);
  try {
    api.orders = [PROCESSED_ORDER];
    await page.locator('input[name="items[0].sku"]').fill('SKU-1');
    await page.locator('input[name="items[0].qty"]').fill('2');
    await page.getByRole('button', { name: 'Submit order' }).click();
    await page.locator('[data-testid="output"] [data-testid="order-status"][data-status="PROCESSED"]').waitFor({ timeout: 15_000 });

    const stages = await stagesIn(page, '[data-testid="output"]');
    expect(stages.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'main', status: 'COMPLETED' }, { name: 'payment', status: 'COMPLETED' }, { name: 'stock', status: 'COMPLETED' },
    ]);
    expect(stages[0].text).toContain('Completed');
    expect(stages[0].text).toContain('1 attempt');
    expect(stages[1].text).toContain('2 attempts');
    expect(stages[1].text).toContain('Last error: payment gateway timed out');
    const times = await page.locator('[data-testid="output"] [data-testid="stage-at"]').evaluateAll((elements) => elements.map((element) => element.getAttribute('datetime')));
    expect(times).toEqual([at(1), at(2), at(3)]);
    expect(await page.locator('[data-testid="output"] [data-testid="stage-rejection"]').count()).toBe(0);
    // The recent orders table has the stages column too.
    await expectText(page.getByTestId('recent-orders'), 'Stages');
    expect((await stagesIn(page, '[data-testid="recent-orders"]')).map(({ name }) => name)).toEqual(['main', 'payment', 'stock']);
    await screenshot(page, 'stages-1-processed');
  } finally {
    await context.close();
  }
}, 40_000);

test('a REJECTED order: which stage refused it and which stage was COMPENSATED; a FAILED one\'s stage; an order without stages as before', async () => {
  const api: Api = { orders: [REJECTED_ORDER, FAILED_ORDER, PLAIN_ORDER], requests: [] };
  const { page, context } = await openSite(api);
  try {
    const table = '[data-testid="recent-orders"]';
    const stages = await stagesIn(page, table);
    expect(stages.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'main', status: 'COMPLETED' }, { name: 'payment', status: 'COMPENSATED' }, { name: 'stock', status: 'REJECTED' },
      { name: 'main', status: 'COMPLETED' }, { name: 'payment', status: 'FAILED' }, { name: 'stock', status: 'PENDING' },
    ]);
    expect(stages[4].text).toContain('5 attempts');
    expect(stages[4].text).toContain('Last error: payment gateway down');
    expect(stages[5].text).toContain('Pending');
    expect(await page.locator(`${table} [data-testid="stage-failure"]`).getAttribute('data-failed-step')).toBe('payment');
    expect(stages[1].text).toContain('Compensated');
    expect(stages[2].text).toContain('Rejected');
    expect(stages[2].text).toContain('Reason: out of stock: SKU-9');
    const rejection = page.locator(`${table} [data-testid="stage-rejection"]`);
    expect(await rejection.getAttribute('data-rejected-step')).toBe('stock');
    expect(await page.locator(`${table} [data-testid="stage-compensated"]`).getAttribute('data-stages')).toBe('payment');
    expect((await rejection.textContent())?.replace(/\s+/g, ' ')).toContain('Refused by stage stock. Undone by compensation: payment.');
    // The order without stages has no timeline (its cell says "-").
    expect(await page.locator(`${table} [data-testid="stage-timeline"]`).count()).toBe(2);
    await expectAccessible(page, 'a rejected order\'s stage timeline, beside an order without stages');
    await screenshot(page, 'stages-2-rejected');
  } finally {
    await context.close();
  }
}, 40_000);

test('Replay DLQ: the operator picks a stage\'s pair, the confirmation names its DLQ, the POST sends {"stage":"payment"}', async () => {
  const api: Api = { orders: [PLAIN_ORDER], requests: [] };
  const { page, context } = await openSite(api);
  try {
    const choice = page.getByTestId('replay-pair');
    await choice.waitFor({ timeout: 15_000 });
    // Without stages in the orders, the table has no stages column.
    await page.getByTestId('recent-orders').locator('[data-testid="row-order-id"]').first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('recent-orders').getByRole('columnheader', { name: 'Stages' }).count()).toBe(0);

    expect(await page.locator('[data-testid="stage-queue-depth"]').evaluateAll((elements) =>
      elements.map((element) => [element.getAttribute('data-stage'), element.getAttribute('data-dlq-count')]))).toEqual([
      ['payment', '2'], ['payment/compensation', '0'], ['stock', '0'],
    ]);
    expect(await choice.getByRole('radio', { name: 'main', exact: true }).isChecked()).toBe(true);
    await expectText(choice, 'The workflow\'s own queues. Dead-letter queue: 1 message');
    await expectText(choice, 'Dead-letter queue: 2 messages');

    await choice.getByRole('radio', { name: 'payment', exact: true }).check();
    await page.getByRole('button', { name: 'Replay DLQ' }).click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog, 'Replay the dead-letter queue of payment?');
    const confirmation = page.getByTestId('replay-confirmation');
    expect(await confirmation.getAttribute('data-stage')).toBe('payment');
    expect((await confirmation.textContent())?.replace(/\s+/g, ' ')).toContain(
      'SQS moves 2 messages from the dead-letter queue of payment back to the queue of payment, where the stage\'s worker processes them again.');
    // Axe covers the whole page here: the panel with the stages' pairs and the dialog.
    await expectAccessible(page, 'the stages\' pairs and the replay confirmation of a stage\'s DLQ');
    await screenshot(page, 'stages-3-replay-confirmation');

    api.redriveTask = { status: 'COMPLETED', approximateNumberOfMessagesMoved: 2, approximateNumberOfMessagesToMove: 2 };
    await dialog.getByRole('button', { name: 'Replay', exact: true }).click();
    await expectText(page.locator('body'), 'Replay finished');
    const posts = api.requests.filter((request) => request.method === 'POST' && request.path === '/prod/ops/redrive');
    expect(posts.map((request) => JSON.parse(request.body ?? 'null'))).toEqual([{ stage: 'payment' }]);
    expect(api.requests.some((request) => request.method === 'GET' && request.path === '/prod/ops/redrive?stage=payment')).toBe(true);
    await expectText(page.locator('body'), '2 messages moved back to the queue of payment');
  } finally {
    await context.close();
  }
}, 40_000);

test('Replay DLQ of the main pair sends no body, as before', async () => {
  const api: Api = { orders: [], requests: [], redriveTask: { status: 'COMPLETED', approximateNumberOfMessagesMoved: 1 } };
  const { page, context } = await openSite(api);
  try {
    await page.getByTestId('replay-pair').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Replay DLQ' }).click();
    await expectText(page.getByRole('dialog'), 'Replay the dead-letter queue?');
    expect(await page.getByTestId('replay-confirmation').getAttribute('data-stage')).toBe('main');
    await page.getByRole('dialog').getByRole('button', { name: 'Replay', exact: true }).click();
    await expectText(page.locator('body'), 'Replay finished');
    const posts = api.requests.filter((request) => request.method === 'POST' && request.path === '/prod/ops/redrive');
    expect(posts.map((request) => request.body)).toEqual([undefined]);
    expect(api.requests.some((request) => request.path === '/prod/ops/redrive')).toBe(true);
  } finally {
    await context.close();
  }
}, 40_000);
