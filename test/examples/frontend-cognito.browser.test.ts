/**
 * The built frontend with Cognito sign-in, in Debian's headless Chromium, against the local
 * runner running the EXAMPLE APP's dev stack (`cdk synth` of examples/app, as `npm run local --
 * --app-dir examples/app/cdk.out` runs it): the runner creates the user pool from the template in
 * the emulator (moto's cognito-idp issues the tokens and serves the JWKS), a demo user in the
 * operators group, and verifies tokens as API Gateway's Cognito authorizer does.
 *
 * The page talks to the emulator's cognito-idp directly (InitiateAuth USER_PASSWORD_AUTH), under
 * the site's CSP, with the /config.json that `npm run frontend:dev` would serve for this run.
 *
 * Screenshots go to test-output/screenshots/ (desktop-7..9, phone-3).
 */
import * as path from 'node:path';
import { AdminCreateUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Browser, BrowserContext, Locator, Page, Request, Route } from 'playwright-core';
import { expectAccessible } from './support/accessibility';
import { ExampleOnLocalRunner, SCREENSHOT_DIR, startExampleOnLocalRunner } from './support/example-on-local-runner';
import { eventually as poll, expectText, focused, textOf } from './support/page';
import type { StaticServer } from './support/static-server';
import type { LocalWorkflow, LogLine } from '../../scripts/local';

const screenshotDir = SCREENSHOT_DIR;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SESSION_KEY = 'orders-workflow.session';
/** What the runner must write for a stack with a Cognito authorizer (docs/local-run.md, "Authorization, locally"). */
const COGNITO_OUTPUTS = ['UserPoolId', 'UserPoolClientId', 'DemoUsername', 'DemoPassword'] as const;

let example: ExampleOnLocalRunner;
let workflow: LocalWorkflow;
let outputs: Record<string, string>;
let site: StaticServer;
let browser: Browser;
let cognitoAdmin: CognitoIdentityProviderClient;
let logLines: LogLine[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  example = await startExampleOnLocalRunner('frontend-cognito-runner.log');
  ({ workflow, outputs, site, browser, logLines } = example);
  const missing = COGNITO_OUTPUTS.filter((key) => typeof outputs[key] !== 'string' || outputs[key] === '');
  if (missing.length > 0) {
    throw new Error(`The local runner did not write ${missing.join(', ')} for the example app's Cognito stack (docs/local-run.md, "Authorization, locally").`);
  }
  expect(example.config).toMatchObject({
    userPoolId: outputs.UserPoolId, userPoolClientId: outputs.UserPoolClientId, cognitoEndpoint: workflow.emulatorEndpoint,
  });
  cognitoAdmin = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: workflow.emulatorEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 10 * 60_000);

afterAll(async () => {
  cognitoAdmin?.destroy();
  await example?.stop();
}, 60_000);

afterEach(() => {
  // A CSP violation or an uncaught error would break the deployed site too.
  expect(pageErrors.splice(0)).toEqual([]);
});

interface OpenSite {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Requests to the orders API. */
  readonly apiRequests: Request[];
  /** Requests to Cognito (the emulator). */
  readonly cognitoRequests: Request[];
}

async function openSite(viewport = DESKTOP, beforeLoad?: (page: Page) => Promise<void>): Promise<OpenSite> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const apiRequests: Request[] = [];
  const cognitoRequests: Request[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(workflow.apiUrl)) apiRequests.push(request);
    if (request.url().startsWith(workflow.emulatorEndpoint) && request.method() === 'POST') cognitoRequests.push(request);
  });
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // The browser reports every 4xx/5xx this way (Cognito answers 400 to a wrong password); those are expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageErrors.push(`console: ${message.text()}`);
    }
  });
  await beforeLoad?.(page);
  await page.goto(`${site.origin}/`);
  // The app's footer: index.html's first screen has the heading too, the app replaces it.
  await page.getByTestId('auth-mode').waitFor();
  return { page, context, apiRequests, cognitoRequests };
}

/**
 * The orders table. It loads when its place scrolls into view (on a phone, and here below the
 * operations views, it is below the fold), as a user scrolling down to it would.
 */
async function recentOrders(page: Page): Promise<Locator> {
  await page.getByTestId('recent-orders-slot').scrollIntoViewIfNeeded();
  return page.getByTestId('recent-orders');
}

/** Signs in with the keyboard only: the username field has the focus when the form appears. */
async function signIn(page: Page, username = outputs.DemoUsername, password = outputs.DemoPassword): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await expectFocus(page, 'username');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await expectFocus(page, 'password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

async function fillItem(page: Page, number: number, sku: string, qty: string): Promise<void> {
  await page.locator(`input[name="items[${number - 1}].sku"]`).fill(sku);
  await page.locator(`input[name="items[${number - 1}].qty"]`).fill(qty);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  return poll(what, probe, timeoutMs, () => `\nLast runner log lines:\n${logLines.slice(-30).map((entry) => `[${entry.source}] ${entry.line}`).join('\n')}`);
}

/** The focus moves in an effect after React renders: wait for it (briefly) rather than race it. */
async function expectFocus(page: Page, id: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  let current: string | null = null;
  while (Date.now() < deadline) {
    current = await page.evaluate('document.activeElement ? document.activeElement.id : null') as string | null;
    if (current === id) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(current).toBe(id);
}

function posts(requests: readonly Request[]): Request[] {
  return requests.filter((request) => request.method() === 'POST');
}

/** A JWT's claims (the test reads what the page sent; API Gateway, locally the runner, verifies it). */
function claimsOf(token: string | undefined): Record<string, unknown> {
  expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  return JSON.parse(Buffer.from(token!.split('.')[1], 'base64url').toString('utf8'));
}

async function sentOrder(request: Request) {
  const headers = await request.allHeaders();
  return { key: headers['idempotency-key'], authorization: headers.authorization, body: request.postData() ?? '' };
}

/** Sign out from the top navigation's user menu. */
async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: outputs.DemoUsername }).first().click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
}

async function submitAndWait(page: Page, apiRequests: readonly Request[], action = () => page.getByRole('button', { name: 'Submit order' }).click()) {
  const before = posts(apiRequests).length;
  await action();
  await eventually('the POST /orders', async () => (posts(apiRequests).length > before ? true : undefined), 15_000);
  await page.locator('[data-testid="output"]:not([data-outcome="submitting"]):not([data-outcome="waiting"])').waitFor({ timeout: 20_000 });
}

test('the API refuses orders without a valid token (401), and the page asks to sign in first', async () => {
  for (const authorization of [undefined, 'not-a-token', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln']) {
    const response = await fetch(`${workflow.apiUrl}/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
      body: JSON.stringify({ items: [{ sku: 'SKU-1', qty: 1 }] }),
    });
    expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  }
  expect(logLines.some((entry) => entry.source === 'api' && entry.json?.msg === 'order_accepted')).toBe(false);

  const { page, context } = await openSite();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  // No order form until signed in; the footer says who decides.
  expect(await page.getByLabel('Customer ID').count()).toBe(0);
  await expectText(page.getByTestId('auth-mode'), `Cognito user pool ${outputs.UserPoolId}`);
  await expectAccessible(page, 'signed out');
  expect(await page.getByTestId('signed-in-user').count()).toBe(0);
  await screenshot(page, 'desktop-7-sign-in');
  await context.close();
});

test('a wrong password or an unknown user gets the same answer, and the username stays', async () => {
  const { page, context, apiRequests, cognitoRequests } = await openSite();
  await signIn(page, outputs.DemoUsername, 'Wrong-Passw0rd!');
  const error = page.getByTestId('sign-in-error');
  await expectText(error, 'Incorrect username or password.');
  expect(await error.getAttribute('role')).toBe('alert');
  expect(await page.getByLabel('Username or e-mail').inputValue()).toBe(outputs.DemoUsername);

  await page.getByLabel('Username or e-mail').fill('nobody-here');
  await page.getByLabel('Password').fill('Wrong-Passw0rd!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await eventually('the second sign-in answer', async () =>
    (cognitoRequests.length === 2 && await page.getByRole('button', { name: 'Sign in' }).isEnabled() ? true : undefined), 10_000);
  expect((await error.textContent())?.trim()).toBe('Incorrect username or password.');
  expect(apiRequests).toHaveLength(0);
  await context.close();
});

test('the demo user signs in with the keyboard, sees who is signed in, and an order reaches the API with the token', async () => {
  const logStart = logLines.length;
  const { page, context, apiRequests, cognitoRequests } = await openSite();
  await signIn(page);

  // Who is signed in (and the operators group the runner put the demo user in); focus on the form.
  await expectText(page.getByTestId('signed-in-user'), outputs.DemoUsername);
  await expectText(page.getByTestId('signed-in-user'), '(operators)');
  await expectFocus(page, 'customerId');
  const [initiateAuth] = cognitoRequests;
  expect((await initiateAuth.allHeaders())['x-amz-target']).toBe('AWSCognitoIdentityProviderService.InitiateAuth');
  expect(JSON.parse(initiateAuth.postData() ?? '{}')).toMatchObject({
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: outputs.UserPoolClientId, AuthParameters: { USERNAME: outputs.DemoUsername },
  });

  await page.keyboard.type('cust-cognito');
  await page.keyboard.press('Tab');
  // A sku of the example's catalogue (examples/app/processor/catalogue.ts): its processor rejects unknown ones.
  await page.keyboard.type('SKU-1');
  await submitAndWait(page, apiRequests, () => page.keyboard.press('Enter'));
  const orderId = await textOf(page.getByTestId('order-id'));
  await expectText(page.getByTestId('output'), 'Order accepted (HTTP 202)');

  // The ID token of the demo user, as is (no "Bearer"), issued to this app client.
  const [sent] = await Promise.all(posts(apiRequests).map(sentOrder));
  const claims = claimsOf(sent.authorization);
  expect(claims).toMatchObject({ 'token_use': 'id', 'cognito:username': outputs.DemoUsername, 'aud': outputs.UserPoolClientId });
  expect(claims.iss).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${outputs.UserPoolId}`);

  // The API knew who sent it: submittedBy on its log line, and on the event the worker processed.
  const accepted = logLines.slice(logStart).find((entry) => entry.source === 'api' && entry.json?.msg === 'order_accepted' && entry.json?.orderId === orderId);
  expect(accepted?.json?.submittedBy).toEqual({ type: 'cognito', id: claims.sub, username: outputs.DemoUsername });
  await eventually('the worker to process the order', async () =>
    (logLines.some((entry) => entry.json?.msg === 'order_processed' && entry.json?.orderId === orderId) ? true : undefined));

  await expectAccessible(page, 'signed in, accepted');
  await screenshot(page, 'desktop-8-signed-in');
  await context.close();
}, 90_000);

test('Sign out forgets the session and the list, and revokes the tokens at Cognito', async () => {
  const { page, context, apiRequests, cognitoRequests } = await openSite();
  await signIn(page);
  await fillItem(page, 1, 'SKU-BEFORE-SIGN-OUT', '1');
  await submitAndWait(page, apiRequests);
  const orderId = await textOf(page.getByTestId('order-id'));
  await expectText(await recentOrders(page), orderId);
  expect(await page.evaluate(`sessionStorage.getItem('${SESSION_KEY}') !== null`)).toBe(true);

  await signOut(page);
  await expectText(page.getByTestId('sign-in-notice'), 'You are signed out.');
  await expectFocus(page, 'username');
  expect(await page.getByTestId('signed-in-user').count()).toBe(0);
  expect(await page.getByTestId('recent-orders').count()).toBe(0);
  expect(await page.evaluate(`sessionStorage.getItem('${SESSION_KEY}')`)).toBeNull();
  await eventually('GlobalSignOut', async () => {
    const targets = await Promise.all(cognitoRequests.map(async (request) => (await request.allHeaders())['x-amz-target']));
    return targets.includes('AWSCognitoIdentityProviderService.GlobalSignOut') ? true : undefined;
  }, 10_000);

  // A reload stays signed out; signed in again, the list is the API's (GET /orders, this user's orders).
  await page.reload();
  await signIn(page);
  await page.getByLabel('Customer ID').waitFor();
  await expectText(await recentOrders(page), orderId);
  await context.close();
}, 60_000);

test('a session that expires asks to sign in again and keeps the order, which then goes out with the new token', async () => {
  const { page, context, apiRequests } = await openSite(DESKTOP, (p) => p.clock.install());
  await signIn(page);
  await fillItem(page, 1, 'SKU-KEPT', '4');
  const before = claimsOf(await page.evaluate(`JSON.parse(sessionStorage.getItem('${SESSION_KEY}')).idToken`) as string);

  // An hour later (ID tokens live an hour): the page signs out by itself, before any 401.
  await page.clock.fastForward('01:00:00');
  await expectText(page.getByTestId('sign-in-notice'), 'Your session has expired. Sign in again to continue; your order form is kept.');
  expect(await page.evaluate(`sessionStorage.getItem('${SESSION_KEY}')`)).toBeNull();
  await screenshot(page, 'desktop-9-session-expired');
  expect(posts(apiRequests)).toHaveLength(0);

  // Back to the real time, so the new token is current for the page as it is for the runner.
  await page.clock.setSystemTime(Date.now());
  await signIn(page);
  expect(await page.locator('input[name="items[0].sku"]').inputValue()).toBe('SKU-KEPT');
  expect(await page.locator('input[name="items[0].qty"]').inputValue()).toBe('4');
  await submitAndWait(page, apiRequests);
  expect(await page.getByTestId('output').getAttribute('data-outcome')).toBe('accepted');
  const [sent] = await Promise.all(posts(apiRequests).map(sentOrder));
  expect(claimsOf(sent.authorization).jti).not.toBe(before.jti);
  await context.close();
}, 60_000);

test('a 401 from the API: sign in again, then Retry sends the same order with the same key and the new token', async () => {
  const logStart = logLines.length;
  const { page, context, apiRequests } = await openSite();
  await signIn(page);
  // The first POST reaches the runner with a token it does not accept, so its authorizer answers
  // 401. The CORS header is added as the construct's DEFAULT_4XX response adds it when the API
  // allows one origin (this dev stack allows three, for which API Gateway cannot add it).
  let refused = false;
  await page.route('**/orders', async (route) => {
    if (route.request().method() !== 'POST' || refused) return route.fallback();
    refused = true;
    const response = await route.fetch({ headers: { ...route.request().headers(), authorization: 'revoked-or-expired' } });
    return route.fulfill({ response, headers: { ...response.headers(), 'access-control-allow-origin': site.origin } });
  });
  await fillItem(page, 1, 'SKU-401', '2');
  await page.getByRole('button', { name: 'Submit order' }).click();
  await eventually('the refused POST /orders', async () => (posts(apiRequests).length === 1 ? true : undefined), 15_000);

  // Signed out: the sign-in form replaces the order form (which keeps its state).
  await expectText(page.getByTestId('sign-in-notice'), 'The API did not accept your sign-in. Sign in again; your order is kept, and Retry sends it.');
  await page.unroute('**/orders');
  await signIn(page);
  await page.getByTestId('signed-in-user').waitFor();
  // Straight back to the answer, whose next Tab is Retry.
  await expectFocus(page, 'output-heading');
  const output = page.getByTestId('output');
  expect(await output.getAttribute('data-outcome')).toBe('unauthorized');
  await expectText(output, 'Sign-in needed (HTTP 401)');
  await expectText(page.getByTestId('unauthorized-note'), 'The order was not accepted. The API refused the request before it reached the order service.');
  await page.keyboard.press('Tab');
  expect(await focused(page).textContent()).toBe('Retry');
  await submitAndWait(page, apiRequests, () => page.keyboard.press('Enter'));

  expect(await output.getAttribute('data-outcome')).toBe('accepted');
  const [first, retried] = await Promise.all(posts(apiRequests).map(sentOrder));
  expect(retried.key).toBe(first.key);
  expect(retried.body).toBe(first.body);
  expect(claimsOf(retried.authorization)['cognito:username']).toBe(outputs.DemoUsername);
  // The 401 never reached the function: one order, accepted once.
  const orderId = await textOf(page.getByTestId('order-id'));
  expect(logLines.slice(logStart).filter((entry) => entry.source === 'api' && entry.json?.msg === 'order_accepted').map((entry) => entry.json?.orderId)).toEqual([orderId]);
  await context.close();
}, 60_000);

test('an invited user with a temporary password chooses a new one (the pool\'s policy applies)', async () => {
  const username = `invited-${Date.now()}`;
  await cognitoAdmin.send(new AdminCreateUserCommand({
    UserPoolId: outputs.UserPoolId, Username: username, TemporaryPassword: 'Temporary-Passw0rd!', MessageAction: 'SUPPRESS',
  }));
  const { page, context } = await openSite();
  await signIn(page, username, 'Temporary-Passw0rd!');
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await expectFocus(page, 'new-password');

  await page.getByLabel('New password', { exact: true }).fill('Short1!');
  await page.getByLabel('Repeat the new password').fill('Short1!');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expectText(page.getByTestId('sign-in-error'), 'assword');

  await page.getByLabel('New password', { exact: true }).fill('Chosen-Passw0rd-2026!');
  await page.getByLabel('Repeat the new password').fill('Chosen-Passw0rd-2026!');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expectText(page.getByTestId('signed-in-user'), username);
  await context.close();
});

test('phone width: the sign-in form and the header fit', async () => {
  const { page, context } = await openSite(PHONE);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await screenshot(page, 'phone-3-sign-in');
  await signIn(page);
  await page.getByTestId('signed-in-user').waitFor();
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
  await context.close();
});

/**
 * The operator views with the operations routes answered by the test (the contract's shapes),
 * for the states of the replay: depths, confirmation, progress, result.
 */
interface OperationsScript {
  readonly queues: () => object;
  readonly start: () => { status: number; body: object };
  readonly task: () => object;
}

async function routeOperations(page: Page, script: OperationsScript): Promise<void> {
  const json = (route: Route, status: number, body: object) => route.fulfill({
    status, contentType: 'application/json', headers: { 'Access-Control-Allow-Origin': site.origin }, body: JSON.stringify(body),
  });
  await page.route('**/ops/queues', (route) => json(route, 200, script.queues()));
  await page.route('**/ops/redrive', (route) => {
    if (route.request().method() === 'OPTIONS') return route.fallback();
    if (route.request().method() === 'POST') {
      const { status, body } = script.start();
      return json(route, status, body);
    }
    return json(route, 200, script.task());
  });
}

test('the replay\'s states, with the operations routes answered by the test: confirmation, progress, result', async () => {
  const { page, context } = await openSite();
  let dlq = 2;
  let moved = 0;
  let started = 0;
  await routeOperations(page, {
    queues: () => ({
      mainQueue: { visible: 0, inFlight: 0, oldestAgeSeconds: 0 },
      deadLetterQueue: { visible: dlq, inFlight: 0, oldestAgeSeconds: 40 },
    }),
    start: () => {
      started += 1;
      return { status: 202, body: { taskHandle: 'task-1', approximateNumberOfMessagesToMove: 2 } };
    },
    task: () => {
      // One message a poll, then done.
      moved = Math.min(2, moved + 1);
      dlq = 2 - moved;
      return { status: moved < 2 ? 'RUNNING' : 'COMPLETED', approximateNumberOfMessagesMoved: moved, approximateNumberOfMessagesToMove: 2 };
    },
  });
  await signIn(page);
  const depth = page.getByTestId('dlq-depth');
  await expectText(depth, '2 messages waiting');

  // The button asks first; Cancel starts nothing.
  await page.getByRole('button', { name: 'Replay DLQ' }).click();
  const dialog = page.getByRole('dialog');
  await expectText(dialog, 'SQS moves 2 messages from the dead-letter queue back to the main queue');
  await expectAccessible(page, 'replay confirmation open');
  await screenshot(page, 'desktop-10-replay-confirmation');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(started).toBe(0);

  await page.getByRole('button', { name: 'Replay DLQ' }).click();
  await dialog.getByRole('button', { name: 'Replay' }).click();
  await expectText(page.locator('body'), 'Replaying the dead-letter queue');
  await expectText(page.locator('body'), 'Replay finished');
  await expectText(page.locator('body'), '2 messages moved back to the main queue');
  await expectText(depth, '0 messages waiting');
  expect(started).toBe(1);
  await expectAccessible(page, 'replay finished');
  await screenshot(page, 'desktop-11-replay-finished');
  await context.close();
}, 90_000);

test('a replay refused because one is running says so', async () => {
  const { page, context } = await openSite();
  await routeOperations(page, {
    queues: () => ({ mainQueue: { visible: 0, inFlight: 0 }, deadLetterQueue: { visible: 1, inFlight: 0 } }),
    start: () => ({ status: 409, body: { message: 'A move task is already running on the dead-letter queue.' } }),
    task: () => ({ status: 'RUNNING', approximateNumberOfMessagesMoved: 0 }),
  });
  await signIn(page);
  await page.getByRole('button', { name: 'Replay DLQ' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Replay' }).click();
  await expectText(page.locator('body'), 'A replay is already running');
  await context.close();
}, 60_000);

test('an operator\'s story: a FAIL-ME order ends FAILED and the DLQ count rises; Replay DLQ with injection off makes it PROCESSED and empties the DLQ', async () => {
  const { page, context, apiRequests } = await openSite();
  workflow.setFailureInjection(true);
  try {
    await signIn(page);
    const dlqCount = async () => Number(await page.locator('[data-testid="dlq-depth"][data-count]').getAttribute('data-count'));
    const before = await dlqCount();

    await fillItem(page, 1, 'FAIL-ME', '1');
    await submitAndWait(page, apiRequests);
    const orderId = await textOf(page.getByTestId('order-id'));
    const output = page.getByTestId('output');
    // The real worker fails it maxReceiveCount times; the real reads report it FAILED.
    await output.locator('[data-testid="order-status"][data-status="FAILED"]').waitFor({ timeout: 90_000 });
    await eventually('the DLQ count to rise', async () => ((await dlqCount()) === before + 1 ? true : undefined), 30_000);
    await screenshot(page, 'desktop-12-failed-dlq');

    // As `injection off` in the runner's terminal, then the operator replays.
    workflow.setFailureInjection(false);
    await page.getByRole('button', { name: 'Replay DLQ' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Replay' }).click();
    await expectText(page.locator('body'), 'Replay finished');
    await output.locator('[data-testid="order-status"][data-status="PROCESSED"]').waitFor({ timeout: 60_000 });
    await (await recentOrders(page)).locator('tbody tr').filter({ hasText: orderId }).locator('[data-status="PROCESSED"]').waitFor({ timeout: 30_000 });
    await eventually('the DLQ count to drop to 0', async () => ((await dlqCount()) === 0 ? true : undefined), 30_000);
    // Processed once, by the replay: the example's last stage (stock) writes the order's one order_processed line.
    expect(logLines.filter((entry) => entry.json?.msg === 'order_processed' && entry.json?.orderId === orderId)).toHaveLength(1);
    await expectAccessible(page, 'after the replay');
    await screenshot(page, 'desktop-13-replayed-processed');
  } finally {
    workflow.setFailureInjection(true);
  }
  await context.close();
}, 180_000);
