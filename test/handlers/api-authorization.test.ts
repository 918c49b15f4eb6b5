/**
 * The caller's identity in the API function: read from the requestContext exactly as API
 * Gateway fills it for each authorization mode, put on the event as `submittedBy`, logged, and
 * used to scope idempotency keys; a request without the identity its mode needs is refused.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent, lambdaContext } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { LoadedApi, loadApiHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { identifyCaller, parseAuthorizationMode } from '../../lambda/api/caller';
import { OrderCreatedDetail } from '../../lambda/shared/order-contract';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

type RequestContext = Partial<APIGatewayProxyEvent['requestContext']>;

const ORDER = { customerId: 'cust-1', items: [{ sku: 'SKU-1', qty: 2 }] };
const API_KEY_VALUE = 'kY3xAmPlEsEcReTvAlUe0123456789abcdefghij';

type Identity = APIGatewayProxyEvent['requestContext']['identity'];
const NULL_IDENTITY_FIELDS = [
  'accessKey', 'accountId', 'apiKey', 'apiKeyId', 'caller', 'clientCert', 'cognitoAuthenticationProvider',
  'cognitoAuthenticationType', 'cognitoIdentityId', 'cognitoIdentityPoolId', 'principalOrgId', 'user', 'userArn',
];

/** `requestContext.identity` of a REST API proxy event: every field is present, most are null. */
function identity(fields: Partial<Identity>): RequestContext {
  const nulls = Object.fromEntries(NULL_IDENTITY_FIELDS.map((name) => [name, null]));
  return { identity: { ...nulls, sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0', ...fields } as Identity };
}

/** AWS_IAM: API Gateway verified the SigV4 signature and names the principal. */
const iamCaller = (userArn: string): RequestContext => identity({
  accessKey: 'ASIAEXAMPLEEXAMPLE',
  accountId: '111111111111',
  caller: 'AROAEXAMPLE:orders-client',
  user: 'AROAEXAMPLE:orders-client',
  userArn,
});
/** API key: `apiKey` is the secret the client sent, `apiKeyId` its id. */
const apiKeyCaller = (apiKeyId: string): RequestContext => identity({ apiKey: API_KEY_VALUE, apiKeyId });
/** Cognito user pool authorizer with an ID token: the token's claims, as strings. */
const cognitoIdToken = (sub: string, username: string): RequestContext => ({
  ...identity({}),
  authorizer: {
    claims: {
      'sub': sub,
      'cognito:username': username,
      'cognito:groups': 'operators',
      'email': `${username}@example.com`,
      'token_use': 'id',
      'aud': 'client-1',
      'iss': 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool',
    },
  },
});
/** With scopes, API Gateway needs an access token: its username claim is `username`. */
const cognitoAccessToken = (sub: string, username: string): RequestContext => ({
  ...identity({}),
  authorizer: {
    claims: { sub, username, token_use: 'access', scope: 'orders/write', client_id: 'client-1' },
  },
});

function setUp(mode: string | undefined) {
  const api = loadApiHandler({ AUTHORIZATION_MODE: mode });
  api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  const table = new FakeIdempotencyTable(api);
  const post = (requestContext: RequestContext, headers: Record<string, string> = {}, order: unknown = ORDER) =>
    api.handler(apiEvent({ body: JSON.stringify(order), headers, requestContext }), lambdaContext());
  return { api, table, post };
}

function json(result: APIGatewayProxyResult): Record<string, unknown> {
  return JSON.parse(result.body) as Record<string, unknown>;
}

function published(api: LoadedApi): OrderCreatedDetail[] {
  return api.eventBridge.commandCalls(api.PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => JSON.parse(entry.Detail!) as OrderCreatedDetail);
}

describe('the caller on the event and on the order_accepted line', () => {
  test.each([
    ['iam', iamCaller('arn:aws:sts::111111111111:assumed-role/OrdersClient/orders-client'),
      { type: 'iam', id: 'arn:aws:sts::111111111111:assumed-role/OrdersClient/orders-client' }],
    ['apiKey', apiKeyCaller('a1b2c3d4e5'), { type: 'apiKey', id: 'a1b2c3d4e5' }],
    ['cognito', cognitoIdToken('7c1e9a52-0d3b-4c8e-9f1a-2b3c4d5e6f70', 'alice'),
      { type: 'cognito', id: '7c1e9a52-0d3b-4c8e-9f1a-2b3c4d5e6f70', username: 'alice' }],
  ])('%s', async (mode, requestContext, submittedBy) => {
    const { api, post } = setUp(mode);
    const response = await post(requestContext);

    expect(response.statusCode).toBe(202);
    const [detail] = published(api);
    expect(detail.submittedBy).toEqual(submittedBy);
    expect(detail.schemaVersion).toBe('1.1');
    expect(logs.withMsg('order_accepted')).toEqual([expect.objectContaining({ ...json(response), submittedBy })]);
  });

  test('cognito with an access token (scopes): the username comes from its `username` claim', async () => {
    const { api, post } = setUp('cognito');
    await post(cognitoAccessToken('sub-2', 'bob'));

    expect(published(api)[0].submittedBy).toEqual({ type: 'cognito', id: 'sub-2', username: 'bob' });
  });

  test('cognito without any username claim: the sub alone identifies the caller', async () => {
    const { api, post } = setUp('cognito');
    await post({ authorizer: { claims: { sub: 'sub-3', token_use: 'id' } } });

    expect(published(api)[0].submittedBy).toEqual({ type: 'cognito', id: 'sub-3' });
  });

  test('apiKey: the key\'s value never reaches the event or any log line, only its id', async () => {
    const { api, post } = setUp('apiKey');
    await post(apiKeyCaller('a1b2c3d4e5'));

    const everything = JSON.stringify([published(api), logs.lines()]);
    expect(everything).toContain('a1b2c3d4e5');
    expect(everything).not.toContain(API_KEY_VALUE);
  });

  test('none (and no mode set, as before): no submittedBy, whatever the requestContext holds', async () => {
    for (const mode of ['none', undefined]) {
      const { api, post } = setUp(mode);
      await post(iamCaller('arn:aws:iam::111111111111:user/someone'));

      expect(published(api)[0]).not.toHaveProperty('submittedBy');
    }
    expect(logs.withMsg('order_accepted')).toHaveLength(2);
    for (const line of logs.withMsg('order_accepted')) expect(line).not.toHaveProperty('submittedBy');
  });

  test('a replay logs the caller too', async () => {
    const { post } = setUp('iam');
    const caller = iamCaller('arn:aws:iam::111111111111:user/alice');
    await post(caller, { 'Idempotency-Key': 'draft-1' });
    await post(caller, { 'Idempotency-Key': 'draft-1' });

    expect(logs.withMsg('idempotent_replay')).toEqual([
      expect.objectContaining({ submittedBy: { type: 'iam', id: 'arn:aws:iam::111111111111:user/alice' } }),
    ]);
  });
});

describe('idempotency keys are scoped per caller', () => {
  test.each([
    ['iam', iamCaller('arn:aws:iam::111111111111:user/alice'), iamCaller('arn:aws:iam::111111111111:user/bob')],
    ['apiKey', apiKeyCaller('key-alice'), apiKeyCaller('key-bob')],
    ['cognito', cognitoIdToken('sub-alice', 'alice'), cognitoIdToken('sub-bob', 'bob')],
  ])('%s: the same Idempotency-Key from two callers is two orders; from one caller, a replay', async (mode, alice, bob) => {
    const { api, post } = setUp(mode);
    const first = await post(alice, { 'Idempotency-Key': 'k-1' });
    const other = await post(bob, { 'Idempotency-Key': 'k-1' });
    const retry = await post(alice, { 'Idempotency-Key': 'k-1' });

    expect([first.statusCode, other.statusCode, retry.statusCode]).toEqual([202, 202, 202]);
    expect(other.headers).not.toHaveProperty('Idempotent-Replayed');
    expect(json(other).eventId).not.toBe(json(first).eventId);
    expect(json(other).orderId).not.toBe(json(first).orderId);
    expect(retry.headers?.['Idempotent-Replayed']).toBe('true');
    expect(json(retry)).toEqual(json(first));
    expect(published(api)).toHaveLength(2);
    // Each order carries its own caller.
    expect(new Set(published(api).map((detail) => JSON.stringify(detail.submittedBy))).size).toBe(2);
  });

  test('the body\'s orderId as the key: another caller with the same orderId and another body is not a 422', async () => {
    const { api, post } = setUp('cognito');
    await post(cognitoIdToken('sub-alice', 'alice'), {}, { ...ORDER, orderId: 'order-7' });
    const other = await post(cognitoIdToken('sub-bob', 'bob'), {}, { orderId: 'order-7', items: [{ sku: 'B', qty: 1 }] });

    expect(other.statusCode).toBe(202);
    expect(published(api)).toHaveLength(2);
  });

  test('the same Cognito user keeps one scope across tokens (sub, not the token or username)', async () => {
    const { api, post } = setUp('cognito');
    await post(cognitoIdToken('sub-alice', 'alice'), { 'Idempotency-Key': 'k-2' });
    const retry = await post(cognitoAccessToken('sub-alice', 'alice-renamed'), { 'Idempotency-Key': 'k-2' });

    expect(retry.headers?.['Idempotent-Replayed']).toBe('true');
    expect(published(api)).toHaveLength(1);
  });

  test('a principal ARN containing the key separator cannot reach another caller\'s key', async () => {
    // IAM paths may contain `|`: without encoding, ("…/s|header:p", "q") and ("…/s", "p|header:q")
    // would make the same key, and the second caller would get the first caller's order back.
    const { api, post } = setUp('iam');
    await post(iamCaller('arn:aws:iam::111111111111:user/s|header:p'), { 'Idempotency-Key': 'q' });
    const other = await post(iamCaller('arn:aws:iam::111111111111:user/s'), { 'Idempotency-Key': 'p|header:q' });

    expect(other.headers).not.toHaveProperty('Idempotent-Replayed');
    expect(published(api)).toHaveLength(2);
  });
});

describe('an authorization mode without the identity it needs (misconfiguration) is refused', () => {
  test.each([
    ['iam', 'no identity', {}, 'requestContext.identity.userArn'],
    ['iam', 'an empty userArn', identity({ userArn: '' }), 'requestContext.identity.userArn'],
    ['apiKey', 'a key value but no key id', identity({ apiKey: API_KEY_VALUE }), 'requestContext.identity.apiKeyId'],
    ['cognito', 'no authorizer claims', identity({}), 'requestContext.authorizer.claims.sub'],
    ['cognito', 'a blank sub', { authorizer: { claims: { 'sub': '  ', 'cognito:username': 'alice' } } }, 'requestContext.authorizer.claims.sub'],
  ])('%s with %s: 403, nothing claimed or published, an ERROR line', async (mode, _description, requestContext, missing) => {
    const { api, table, post } = setUp(mode);
    const response = await post(requestContext as RequestContext, { 'Idempotency-Key': 'k-4', 'Origin': 'https://shop.example' });

    expect(response.statusCode).toBe(403);
    expect(json(response)).toEqual({
      message: `Forbidden: the request carries no verified caller identity (this API requires ${mode} authorization); nothing was published.`,
    });
    expect(published(api)).toEqual([]);
    expect(table.records()).toEqual([]);
    expect(api.dynamoDb.calls()).toHaveLength(0);
    expect(logs.withMsg('caller_unidentified')).toEqual([
      expect.objectContaining({ level: 'ERROR', outcome: 'rejected', authorizationMode: mode, missing }),
    ]);
  });

  test('the check comes first: an unidentified caller gets 403 even for an invalid body', async () => {
    const { api } = setUp('iam');
    const response = await api.handler(apiEvent({ body: '{"items": 5}' }), lambdaContext());

    expect(response.statusCode).toBe(403);
    expect(logs.withMsg('validation_failed')).toEqual([]);
  });

  test('CORS preflights reaching the handler still get their answer without credentials', async () => {
    const api = loadApiHandler({ AUTHORIZATION_MODE: 'cognito', CORS_ALLOW_ORIGINS: 'https://shop.example' });
    const response = await api.handler(apiEvent({ httpMethod: 'OPTIONS', headers: { Origin: 'https://shop.example' } }), lambdaContext());

    expect(response.statusCode).toBe(204);
    expect(response.headers?.['Access-Control-Allow-Origin']).toBe('https://shop.example');
  });
});

describe('AUTHORIZATION_MODE', () => {
  test('an unknown mode fails the cold start, naming the valid ones', () => {
    expect(() => loadApiHandler({ AUTHORIZATION_MODE: 'IAM' }))
      .toThrow('AUTHORIZATION_MODE must be one of none, iam, apiKey, cognito, got "IAM"');
    expect(() => parseAuthorizationMode('cognito ')).not.toThrow();
    expect(parseAuthorizationMode(undefined)).toBe('none');
    expect(parseAuthorizationMode('')).toBe('none');
  });

  test('no requestContext at all: refused in every mode but none, which shares one anonymous scope', () => {
    expect(identifyCaller('iam', null)).toEqual({ ok: false, missing: 'requestContext.identity.userArn' });
    expect(identifyCaller('apiKey', undefined)).toEqual({ ok: false, missing: 'requestContext.identity.apiKeyId' });
    expect(identifyCaller('cognito', {})).toEqual({ ok: false, missing: 'requestContext.authorizer.claims.sub' });
    expect(identifyCaller('none', null)).toEqual({ ok: true, scope: 'anonymous' });
  });
});
