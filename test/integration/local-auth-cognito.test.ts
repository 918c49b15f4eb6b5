/**
 * `OrdersApiAuthorization.cognito()` on the local runner, on moto with the real bundles: the
 * runner creates the stack's user pool, client and operators group in the emulator, a demo
 * user to sign in with, and verifies tokens as API Gateway's Cognito authorizer does. A
 * request it refuses never reaches the API function; an accepted one carries the caller to
 * the event (`detail.submittedBy`) and to the API's and the worker's log lines.
 */
import { apiFunctionLines, jwtPayload, postOrder, preflight, send, signIn, signWithEmulatorKey, Tokens } from './support/callers';
import { eventIdOf, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';
import { restApiClaims } from '../../scripts/local/api-gateway/cognito-authorizer';
import { LOCAL_OPERATORS_GROUP, localAuthorizationProps, localUserPool } from '../../scripts/local/template/local-stack';
import { OrdersApiAuthorization } from '../../src';

jest.setTimeout(90_000);

/** The scope of every access token Cognito issues at sign-in (InitiateAuth). */
const SIGN_IN_SCOPE = 'aws.cognito.signin.user.admin';
const UNAUTHORIZED = { message: 'Unauthorized' };
const emulator = useEmulator();
const idTokenStack = useSynthesizedStack(localAuthorizationProps('cognito'));
const scopedStack = useSynthesizedStack((stack) => ({
  authorization: OrdersApiAuthorization.cognito({ userPool: localUserPool(stack), scopes: [SIGN_IN_SCOPE] }),
}));

/** Claims like the pool's own tokens, for tokens signed with the emulator's key. */
function claimsOf(run: RunningWorkflow, tokenUse: 'id' | 'access', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const { UserPoolId, UserPoolClientId } = run.local.outputs;
  return {
    iss: `https://cognito-idp.us-east-1.amazonaws.com/${UserPoolId}`,
    sub: '0b9e4c1e-0000-4000-8000-000000000001',
    token_use: tokenUse,
    ...(tokenUse === 'id' ? { 'aud': UserPoolClientId, 'cognito:username': 'signed-by-test' } : { client_id: UserPoolClientId, username: 'signed-by-test' }),
    iat: now,
    auth_time: now,
    exp: now + 600,
    jti: 'test',
    ...overrides,
  };
}

/** The order's event as the worker received it, its `detail.submittedBy`, and the caller on the API's and the worker's lines. */
async function callerEverywhere(run: RunningWorkflow, eventId: string) {
  const record = await waitFor('the worker to receive the order', () =>
    run.batches.flatMap((batch) => batch.event.Records).find((item) => eventIdOf(item.body) === eventId));
  const processed = await waitFor('the worker\'s order_processed line', () => run.logged('worker', 'order_processed', eventId)[0]);
  return {
    onEvent: JSON.parse(record.body).detail.submittedBy,
    onApiLine: run.logged('api', 'order_accepted', eventId)[0]?.submittedBy,
    onWorkerLine: processed.submittedBy,
  };
}

describe('a Cognito method without scopes: ID tokens of the stack\'s pool', () => {
  let run: RunningWorkflow;
  let tokens: Tokens;
  beforeAll(async () => {
    run = await runWorkflow(emulator.endpoint(), idTokenStack());
    tokens = await signIn(run.local.outputs);
  });
  afterAll(() => run?.stop());

  test('outputs: the pool, its browser client and a confirmed demo user in the operators group; no other credentials', () => {
    const outputs = run.local.outputs;
    expect(outputs).toMatchObject({ UserPoolId: expect.stringMatching(/^us-east-1_\w+$/), UserPoolClientId: expect.any(String), DemoUsername: 'demo' });
    expect(outputs.DemoPassword).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{24,}$/);
    expect(outputs).not.toHaveProperty('ApiKey');
    expect(outputs).not.toHaveProperty('LocalAccessKeyId');
    const id = jwtPayload(tokens.idToken);
    expect(id).toMatchObject({ 'iss': `https://cognito-idp.us-east-1.amazonaws.com/${outputs.UserPoolId}`, 'token_use': 'id', 'cognito:username': 'demo' });
    expect(id['cognito:groups']).toEqual([LOCAL_OPERATORS_GROUP]);
    // The password is for the outputs file only, never the runner's log.
    expect(run.logs.some((line) => line.line.includes(outputs.DemoPassword!))).toBe(false);
  });

  test('no token, or one that does not verify: 401 as API Gateway answers, and the function never runs', async () => {
    const { apiUrl } = run.local;
    const [header, , signature] = tokens.idToken.split('.');
    const changedPayload = Buffer.from(JSON.stringify({ ...jwtPayload(tokens.idToken), sub: 'someone-else' })).toString('base64url');
    const refused: Record<string, Record<string, string>> = {
      'no Authorization header': {},
      'not a JWT': { Authorization: 'not-a-jwt' },
      'claims changed after signing': { Authorization: `${header}.${changedPayload}.${signature}` },
      'another pool\'s token': { Authorization: signWithEmulatorKey(claimsOf(run, 'id', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other' })) },
      'an access token (no scopes on the method: ID tokens only)': { Authorization: tokens.accessToken },
    };
    for (const [what, headers] of Object.entries(refused)) {
      const answer = await postOrder(apiUrl, headers);
      expect({ what, status: answer.status, body: answer.body, errorType: answer.errorType })
        .toEqual({ what, status: 401, body: UNAUTHORIZED, errorType: 'UnauthorizedException' });
    }
    const expired = await postOrder(apiUrl, { Authorization: signWithEmulatorKey(claimsOf(run, 'id', { exp: Math.floor(Date.now() / 1000) - 60 })) });
    expect([expired.status, expired.body]).toEqual([401, { message: 'The incoming token has expired' }]);
    expect(apiFunctionLines(run.logs)).toEqual([]);
    expect(run.batches).toEqual([]);
  });

  test('CORS preflight needs no token', async () => {
    const answer = await preflight(run.local.apiUrl, 'http://localhost:5173');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(answer.headers.get('access-control-allow-headers')).toContain('Authorization');
  });

  test('the demo user\'s ID token: 202, and its sub and username on the event, the API\'s line and the worker\'s line', async () => {
    const accepted = await postOrder(run.local.apiUrl, { Authorization: tokens.idToken });
    expect(accepted.status).toBe(202);
    const expected = { type: 'cognito', id: jwtPayload(tokens.idToken).sub, username: 'demo' };
    expect(await callerEverywhere(run, accepted.body.eventId)).toEqual({ onEvent: expected, onApiLine: expected, onWorkerLine: expected });

    // With a `Bearer ` prefix too, as API Gateway accepts it.
    expect((await postOrder(run.local.apiUrl, { Authorization: `Bearer ${tokens.idToken}` })).status).toBe(202);
  });

  test('the status routes are caller-scoped: each user sees only their own orders; none without a token', async () => {
    const { apiUrl } = run.local;
    const demo = { Authorization: tokens.idToken };
    const other = { Authorization: signWithEmulatorKey(claimsOf(run, 'id', { sub: '0b9e4c1e-0000-4000-8000-00000000beef' })) };
    const { orderId } = (await postOrder(apiUrl, demo)).body;
    const get = (route: string, headers: Record<string, string> = {}) => send(`${apiUrl}${route}`, { method: 'GET', headers });

    const mine = await waitFor('the demo user\'s order to be readable', async () => {
      const answer = await get(`/orders/${orderId}`, demo);
      return answer.status === 200 && answer;
    });
    expect(mine.body).toMatchObject({ orderId, status: expect.stringMatching(/^(ACCEPTED|PROCESSED)$/) });
    expect((await get('/orders?limit=100', demo)).body.orders.map((order: { orderId: string }) => order.orderId)).toContain(orderId);

    expect((await get(`/orders/${orderId}`, other)).status).toBe(404);
    expect((await get('/orders', other)).body).toEqual({ orders: [] });
    expect((await get('/orders')).status).toBe(401);
    expect((await get(`/orders/${orderId}`)).status).toBe(401);
  });

  test('a valid token signed with the emulator\'s key is accepted: the refusals above are the checks, not the key', async () => {
    const accepted = await postOrder(run.local.apiUrl, { Authorization: signWithEmulatorKey(claimsOf(run, 'id')) });
    expect(accepted.status).toBe(202);
  });
});

describe('a Cognito method with scopes: access tokens that carry one of them', () => {
  let run: RunningWorkflow;
  let tokens: Tokens;
  beforeAll(async () => {
    run = await runWorkflow(emulator.endpoint(), scopedStack());
    tokens = await signIn(run.local.outputs);
  });
  afterAll(() => run?.stop());

  test('an ID token, or an access token without any of the method\'s scopes: 401; the function never runs', async () => {
    for (const token of [tokens.idToken, signWithEmulatorKey(claimsOf(run, 'access', { scope: 'openid profile orders/read' }))]) {
      const answer = await postOrder(run.local.apiUrl, { Authorization: token });
      expect([answer.status, answer.body]).toEqual([401, UNAUTHORIZED]);
    }
    expect(apiFunctionLines(run.logs)).toEqual([]);
  });

  test('the demo user\'s access token (scope aws.cognito.signin.user.admin): 202, the caller from its claims', async () => {
    expect(jwtPayload(tokens.accessToken).scope).toContain(SIGN_IN_SCOPE);
    const accepted = await postOrder(run.local.apiUrl, { Authorization: tokens.accessToken });
    expect(accepted.status).toBe(202);
    const expected = { type: 'cognito', id: jwtPayload(tokens.accessToken).sub, username: 'demo' };
    expect(await callerEverywhere(run, accepted.body.eventId)).toEqual({ onEvent: expected, onApiLine: expected, onWorkerLine: expected });
    // One of several scopes is enough.
    const twoScopes = signWithEmulatorKey(claimsOf(run, 'access', { scope: `openid ${SIGN_IN_SCOPE}` }));
    expect((await postOrder(run.local.apiUrl, { Authorization: twoScopes })).status).toBe(202);
  });
});

test('claims reach the function as a REST API passes them: strings, exp/iat as dates, groups joined by commas', () => {
  expect(restApiClaims({
    'sub': 'abc',
    'cognito:groups': ['operators', 'auditors'],
    'email_verified': true,
    'auth_time': 1680629979,
    'exp': 1680633579,
    'iat': 1680629979,
    'token_use': 'id',
  })).toEqual({
    'sub': 'abc',
    'cognito:groups': 'operators,auditors',
    'email_verified': 'true',
    'auth_time': '1680629979',
    'exp': 'Tue Apr 04 18:39:39 UTC 2023',
    'iat': 'Tue Apr 04 17:39:39 UTC 2023',
    'token_use': 'id',
  });
});
