/**
 * Property-based tests of POST /orders (fast-check). Whatever arrives (any JSON or text, raw
 * or base64, huge, deeply nested, `__proto__` keys, odd headers), the handler answers with a
 * contract status and body, never throws and never answers 5xx while AWS is healthy, publishes
 * only valid orders and exactly their items, leaves the built-in prototypes alone, and answers
 * in bounded time. A retried key never publishes twice, in sequence or concurrently, and two
 * callers (Cognito authorization) never share a key.
 *
 * Run counts: support/property-settings.ts (FAST_CHECK_RUNS for longer runs). On a failure
 * fast-check prints the shrunk input with its seed and path (FAST_CHECK_SEED, FAST_CHECK_PATH).
 */
import { isDeepStrictEqual } from 'node:util';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as fc from 'fast-check';
import { apiEvent, lambdaContext, postJson } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { LoadedApi, loadApiHandler } from './support/load-handlers';
import { captureLogs, LogLine } from './support/log-capture';
import { propertyParameters, propertyTimeout } from './support/property-settings';
import { PropertyTally } from './support/property-tally';
import { guardPrototypes } from './support/prototype-guard';
import {
  anyBody, anyHeaders, GeneratedBody, GeneratedHeaders, hugeText, encoded, orderText, validOrderWithInvalidUtf8,
} from './support/request-arbitraries';
import { ORDER_LIMITS, OrderCreatedDetail, OrderRequest } from '../../lambda/shared/order-contract';
import { validateOrderRequest } from '../../lambda/shared/order-validation';

/**
 * Per request, warm. Typical cases take a few milliseconds here (2 shared cores, a 64 KiB
 * body included); this catches super-linear work on hostile input (a backtracking regex, a
 * recursive walk of a 40,000-deep body), which costs seconds, without flaking on a GC pause.
 */
const PER_CASE_BUDGET_MS = 200;
/** CloudWatch Logs' cap on one event: a longer line is split and its JSON lost. */
const MAX_LOG_LINE_BYTES = 256 * 1024;
/** The handler's cap on reported errors, plus its "N more errors not shown" line. */
const MAX_ERRORS_IN_BODY = 501;
const HEADER_ERROR_PATH = 'headers.Idempotency-Key';

const HEALTHY_PUT_EVENTS = { FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] };
const JSON_HEADERS: GeneratedHeaders = { headers: { 'Content-Type': 'application/json' }, contentType: 'application/json' };

/** One loaded handler with its mocked bus and in-memory orders table. */
interface Harness {
  readonly api: LoadedApi;
  readonly table: FakeIdempotencyTable;
  /** How PutEvents answers in the current case; the mock is set up once (sinon keeps every stub it is given). */
  answerPutEvents: () => Promise<typeof HEALTHY_PUT_EVENTS>;
}

async function loadHarness(env: Record<string, string> = {}): Promise<Harness> {
  const api = loadApiHandler(env);
  const harness: Harness = { api, table: new FakeIdempotencyTable(api), answerPutEvents: async () => HEALTHY_PUT_EVENTS };
  api.eventBridge.on(api.PutEventsCommand).callsFake(() => harness.answerPutEvents());
  // The first request loads the schemas and Powertools lazily, as a cold start does.
  const logs = captureLogs();
  try {
    await api.handler(postJson({ items: [{ sku: 'SKU-1', qty: 1 }] }, { 'Idempotency-Key': 'warm-up' }), lambdaContext());
  } finally {
    logs.restore();
  }
  return harness;
}

/** Authorization `none`, the default. */
let noAuth: Harness;

beforeAll(async () => {
  noAuth = await loadHarness();
});

/** A healthy bus and an empty orders table: nothing one case did is seen by the next. */
function freshCase(harness: Harness = noAuth): void {
  harness.table.items.clear();
  harness.api.eventBridge.resetHistory();
  harness.answerPutEvents = async () => HEALTHY_PUT_EVENTS;
}

// ---- The contract's reading of a request: the oracle the handler is checked against ----

type BodyReading = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** Bytes -> UTF-8 text -> JSON, refusing what the contract refuses (missing, > 64 KiB, not UTF-8, blank, not JSON). */
function readBody({ body, isBase64Encoded }: GeneratedBody): BodyReading {
  if (body === null || body === '') return { ok: false };
  const bytes = isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  const size = isBase64Encoded ? bytes.length : Buffer.byteLength(body, 'utf8');
  if (size > ORDER_LIMITS.maxBodyBytes) return { ok: false };
  let text: string;
  try {
    text = isBase64Encoded ? new TextDecoder('utf-8', { fatal: true }).decode(bytes) : body;
  } catch {
    return { ok: false };
  }
  if (text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** `application/json`, parameters allowed, any letter case. */
const isJsonMediaType = (value: string | undefined) => value !== undefined && value.split(';')[0].trim().toLowerCase() === 'application/json';
/** 1 to 255 printable ASCII characters. */
const isValidKey = (key: string | undefined) => key === undefined || /^[\x21-\x7e]{1,255}$/.test(key);

interface Expectation {
  readonly status: 202 | 400 | 415;
  /** The validated order, for a 202. */
  readonly order?: OrderRequest;
  /** The error paths a 400 must start with, in order. */
  readonly errorPaths?: readonly string[];
}

function expectationFor(body: GeneratedBody, headers: GeneratedHeaders): Expectation {
  if (!isJsonMediaType(headers.contentType)) return { status: 415 };
  const headerPaths = isValidKey(headers.idempotencyKey) ? [] : [HEADER_ERROR_PATH];
  const reading = readBody(body);
  if (!reading.ok) return { status: 400, errorPaths: [...headerPaths, '(root)'] };
  const validation = validateOrderRequest(reading.value);
  if (!validation.ok) return { status: 400, errorPaths: [...headerPaths, ...validation.errors.map((error) => error.path)] };
  if (headerPaths.length > 0) return { status: 400, errorPaths: headerPaths };
  return { status: 202, order: validation.value };
}

// ---- What every answer must look like ----

function jsonBody(result: APIGatewayProxyResult): Record<string, unknown> {
  expect(result.headers?.['Content-Type']).toBe('application/json');
  const body: unknown = JSON.parse(result.body);
  expect(body).toEqual(expect.any(Object));
  return body as Record<string, unknown>;
}

/** `{ message, errors: [{ path, message }, ...] }`, at least one error, bounded. */
function expectFieldErrors(body: Record<string, unknown>): Array<{ path: string; message: string }> {
  expect(Object.keys(body).sort()).toEqual(['errors', 'message']);
  expect(body.message).toEqual(expect.stringMatching(/\S/));
  const errors = body.errors as Array<Record<string, unknown>>;
  expect(Array.isArray(errors)).toBe(true);
  expect(errors.length).toBeGreaterThanOrEqual(1);
  expect(errors.length).toBeLessThanOrEqual(MAX_ERRORS_IN_BODY);
  for (const error of errors) {
    expect(Object.keys(error).sort()).toEqual(['message', 'path']);
    expect(error.path).toEqual(expect.stringMatching(/\S/));
    expect(error.message).toEqual(expect.stringMatching(/\S/));
  }
  return errors as Array<{ path: string; message: string }>;
}

function expectAccepted(body: Record<string, unknown>): { orderId: string; eventId: string } {
  expect(Object.keys(body).sort()).toEqual(['eventId', 'orderId']);
  expect(body.orderId).toEqual(expect.any(String));
  expect(body.eventId).toEqual(expect.any(String));
  return body as { orderId: string; eventId: string };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The contract's limits restated here rather than taken from the shared validation, so that a
 * rule lost there (the handler and validateOrderRequest would agree) still fails this test.
 */
function contractViolations(detail: OrderCreatedDetail): string[] {
  const { maxItems, maxSkuLength, maxQty, maxIdLength } = ORDER_LIMITS;
  // "Characters" are code points, as zod counts them: 64 emoji are a valid sku of 128 UTF-16 units.
  const isText = (value: unknown, max: number) =>
    typeof value === 'string' && value.trim() !== '' && Array.from(value).length <= max && !LONE_SURROGATE.test(value);
  const problems: string[] = [];
  if (!Array.isArray(detail.items) || detail.items.length < 1 || detail.items.length > maxItems) problems.push('items: 1 to 100');
  (detail.items ?? []).forEach((item, index) => {
    if (Object.keys(item).sort().join() !== 'qty,sku') problems.push(`items[${index}]: only sku and qty`);
    if (!isText(item.sku, maxSkuLength)) problems.push(`items[${index}].sku: ${JSON.stringify(item.sku)}`);
    if (!Number.isInteger(item.qty) || item.qty < 1 || item.qty > maxQty) problems.push(`items[${index}].qty: ${item.qty}`);
  });
  if (!isText(detail.orderId, maxIdLength)) problems.push(`orderId: ${JSON.stringify(detail.orderId)}`);
  if (detail.customerId !== undefined && !isText(detail.customerId, maxIdLength)) problems.push(`customerId: ${JSON.stringify(detail.customerId)}`);
  return problems;
}

/** Every PutEvents detail so far; each must be JSON text of a valid order. */
function publishedDetails(harness: Harness = noAuth): OrderCreatedDetail[] {
  return harness.api.eventBridge.commandCalls(harness.api.PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => {
      const detail = JSON.parse(entry.Detail!) as OrderCreatedDetail;
      const { items, customerId, orderId } = detail;
      expect(validateOrderRequest({ items, orderId, ...(customerId === undefined ? {} : { customerId }) })).toMatchObject({ ok: true });
      expect(contractViolations(detail)).toEqual([]);
      return detail;
    });
}

interface Answer {
  readonly result: APIGatewayProxyResult;
  readonly elapsedMs: number;
  readonly logLines: LogLine[];
}

/** One request, timed, with its log lines (each must be one JSON object line) and a pollution check. */
async function send(event: APIGatewayProxyEvent, harness: Harness = noAuth): Promise<Answer> {
  const prototypes = guardPrototypes();
  const logs = captureLogs();
  let answer: Answer;
  try {
    const started = performance.now();
    const result = await harness.api.handler(event, lambdaContext());
    const elapsedMs = performance.now() - started;
    answer = { result, elapsedMs, logLines: logs.lines() };
  } finally {
    logs.restore();
  }
  const pollution = prototypes.changes();
  prototypes.restore();
  expect(pollution).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  for (const line of answer.logLines) {
    expect(Buffer.byteLength(JSON.stringify(line))).toBeLessThan(MAX_LOG_LINE_BYTES);
  }
  return answer;
}

function eventOf(body: GeneratedBody, headers: GeneratedHeaders, httpMethod = 'POST'): APIGatewayProxyEvent {
  const event = apiEvent({ body: body.body, isBase64Encoded: body.isBase64Encoded, httpMethod });
  event.headers = headers.headers as APIGatewayProxyEvent['headers'];
  return event;
}

const tally = new PropertyTally();
afterAll(() => {
  if (process.env.FAST_CHECK_REPORT) process.stderr.write(`${tally.report()}\n`);
});

/** Fewer runs (a quick FAST_CHECK_RUNS=10, a replayed path) may rightly miss an outcome. */
const RUNS_TO_REACH_EVERY_OUTCOME = 100;

/** Fails a property whose generators no longer reach an outcome: it would pass while proving nothing. */
function expectReached(property: string, outcomes: readonly string[], defaultRuns: number): void {
  const parameters = propertyParameters(defaultRuns);
  if (parameters.path === undefined && parameters.numRuns! >= RUNS_TO_REACH_EVERY_OUTCOME) {
    expect(tally.unreached(property, outcomes)).toEqual([]);
  }
}

const outcomeOf = (result: APIGatewayProxyResult) => `${result.statusCode}${result.headers?.['Idempotent-Replayed'] === 'true' ? ' replayed' : ''}`;

/** One request against an empty table: every single-request invariant. */
async function checkOneRequest(property: string, body: GeneratedBody, headers: GeneratedHeaders): Promise<void> {
  freshCase();
  const expected = expectationFor(body, headers);
  const { result, elapsedMs } = await send(eventOf(body, headers));
  tally.record(property, outcomeOf(result), elapsedMs);

  expect(elapsedMs).toBeLessThan(PER_CASE_BUDGET_MS);
  expect(result.statusCode).toBe(expected.status);
  const answer = jsonBody(result);
  const details = publishedDetails();

  if (expected.status === 415) {
    expect(answer).toEqual({ message: expect.any(String) });
  }
  if (expected.status === 400) {
    const errors = expectFieldErrors(answer);
    const paths = errors.map((error) => error.path);
    const shown = Math.min(expected.errorPaths!.length, MAX_ERRORS_IN_BODY - 1);
    expect(paths.slice(0, shown)).toEqual(expected.errorPaths!.slice(0, shown));
  }
  if (expected.status !== 202) {
    expect(details).toEqual([]);
    return;
  }
  const ids = expectAccepted(answer);
  expect(result.headers).not.toHaveProperty('Idempotent-Replayed');
  expect(details).toHaveLength(1);
  const [detail] = details;
  const order = expected.order!;
  expect(detail.items).toEqual(order.items);
  expect(detail.customerId).toEqual(order.customerId);
  if (order.orderId !== undefined) expect(detail.orderId).toBe(order.orderId);
  expect({ orderId: detail.orderId, eventId: detail.eventId }).toEqual(ids);
}

const RUNS = { any: 200, orderShaped: 200, huge: 100, invalidUtf8: 100, methods: 100, sequences: 100, callers: 100, concurrent: 100 };

describe('any request', () => {
  test('gets a contract answer in bounded time: 202, 400 naming the fields, or 415; only valid orders published, as sent', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, anyHeaders, (body, headers) => checkOneRequest('any request', body, headers)),
      propertyParameters(RUNS.any),
    );
    expectReached('any request', ['202', '400', '415'], RUNS.any);
  }, propertyTimeout(RUNS.any, 250));

  test('order-shaped bodies, with __proto__ / constructor / prototype keys at every level, pollute nothing and publish exactly the valid orders', async () => {
    await fc.assert(
      fc.asyncProperty(encoded(orderText), (body) => checkOneRequest('order-shaped', body, JSON_HEADERS)),
      propertyParameters(RUNS.orderShaped),
    );
    expectReached('order-shaped', ['202', '400'], RUNS.orderShaped);
  }, propertyTimeout(RUNS.orderShaped, 250));

  test('huge and deeply nested bodies, under the 64 KiB limit and past it, are answered in bounded time', async () => {
    const mostlyJson = fc.oneof({ weight: 3, arbitrary: fc.constant(JSON_HEADERS) }, { weight: 1, arbitrary: anyHeaders });
    await fc.assert(
      fc.asyncProperty(encoded(hugeText), mostlyJson, (body, headers) => checkOneRequest('huge or deep', body, headers)),
      propertyParameters(RUNS.huge),
    );
    expectReached('huge or deep', ['202', '400'], RUNS.huge);
  }, propertyTimeout(RUNS.huge, 500));

  test('a valid order with invalid UTF-8 bytes anywhere in its base64 body is a 400 at (root), never published', async () => {
    await fc.assert(
      fc.asyncProperty(validOrderWithInvalidUtf8, async (body) => {
        expect(expectationFor(body, JSON_HEADERS).status).toBe(400);
        await checkOneRequest('invalid UTF-8', body, JSON_HEADERS);
      }),
      propertyParameters(RUNS.invalidUtf8),
    );
  }, propertyTimeout(RUNS.invalidUtf8, 250));

  test('any method but POST publishes nothing: 204 for a preflight, else 405', async () => {
    const method = fc.oneof(fc.constant('OPTIONS'), fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'post', 'options', 'CONNECT'), fc.string({ maxLength: 10 }))
      .filter((name) => name !== 'POST');
    await fc.assert(
      fc.asyncProperty(method, anyBody, anyHeaders, async (httpMethod, body, headers) => {
        freshCase();
        const { result } = await send(eventOf(body, headers, httpMethod));
        tally.record('other methods', outcomeOf(result));
        expect(result.statusCode).toBe(httpMethod === 'OPTIONS' ? 204 : 405);
        expect(publishedDetails()).toEqual([]);
      }),
      propertyParameters(RUNS.methods),
    );
    expectReached('other methods', ['204', '405'], RUNS.methods);
  }, propertyTimeout(RUNS.methods, 250));
});

// ---- Idempotency: a model of the contract's table ----

/** A small pool, so that random sequences reuse keys and bodies often. */
const POOL_BODIES: Record<string, string> = {
  'A': '{"items":[{"sku":"A","qty":1}]}',
  'A, other key order and spacing': ' {\n "items" : [ { "qty" : 1 , "sku" : "A" } ] } ',
  'B': '{"customerId":"c-1","items":[{"sku":"B","qty":2}]}',
  'C, orderId order-1': '{"orderId":"order-1","items":[{"sku":"C","qty":1}]}',
  'D, orderId order-1': '{"orderId":"order-1","items":[{"sku":"D","qty":3}]}',
  'E, orderId k1 (a header key elsewhere)': '{"orderId":"k1","items":[{"sku":"E","qty":1}]}',
  'invalid': '{"items":[]}',
};
const POOL_KEYS = ['k1', 'k2', 'order-1', undefined] as const;

const pooledRequest = fc.record({
  key: fc.constantFrom(...POOL_KEYS),
  body: fc.constantFrom(...Object.keys(POOL_BODIES)),
  base64: fc.boolean(),
});
/** Fewer keys and bodies: concurrent requests with one key are what the claim is for. */
const contendedRequest = fc.record({
  key: fc.constantFrom('k1', 'k2', undefined),
  body: fc.constantFrom('A', 'A, other key order and spacing', 'B', 'C, orderId order-1', 'invalid'),
  base64: fc.boolean(),
});
/** Cognito users as API Gateway's authorizer reports them (ID token: `cognito:username`; access token: `username`). */
const COGNITO_CLAIMS: Record<string, Record<string, string>> = {
  alice: { 'sub': 'sub-alice', 'cognito:username': 'alice' },
  bob: { sub: 'sub-bob', username: 'bob' },
};
/** A request that reached the function without the identity its authorization should have verified. */
const NO_IDENTITY = 'no identity';

type PooledRequest = {
  readonly key: string | undefined;
  readonly body: string;
  readonly base64: boolean;
  /** A key of COGNITO_CLAIMS or NO_IDENTITY; undefined with authorization `none`. */
  readonly caller?: string;
};

function pooledEvent(request: PooledRequest): APIGatewayProxyEvent {
  const text = POOL_BODIES[request.body];
  const headers = { 'Content-Type': 'application/json', ...(request.key === undefined ? {} : { 'Idempotency-Key': request.key }) };
  const claims = request.caller === undefined ? undefined : COGNITO_CLAIMS[request.caller];
  const requestContext = claims === undefined ? undefined : { authorizer: { claims } } as Partial<APIGatewayProxyEvent['requestContext']>;
  return request.base64
    ? apiEvent({ body: Buffer.from(text, 'utf8').toString('base64'), isBase64Encoded: true, headers, requestContext })
    : apiEvent({ body: text, headers, requestContext });
}

/** The order a pooled body means, or undefined when it is invalid. */
function pooledOrder(request: PooledRequest): OrderRequest | undefined {
  const validation = validateOrderRequest(JSON.parse(POOL_BODIES[request.body]));
  return validation.ok ? validation.value : undefined;
}

/**
 * The contract's deduplication key: the header, else the body's orderId (separate key spaces),
 * else none; scoped per caller, so that two callers never share a key.
 */
function deduplicationKeyOf(request: PooledRequest, order: OrderRequest): string | undefined {
  const caller = request.caller ?? 'anonymous';
  if (request.key !== undefined) return `${caller}|header:${request.key}`;
  return order.orderId === undefined ? undefined : `${caller}|orderId:${order.orderId}`;
}

/** The model: replays, 422s and publishes follow from the keys and orders seen so far. */
async function checkSequence(property: string, harness: Harness, requests: readonly PooledRequest[]): Promise<void> {
  freshCase(harness);
  const firstUse = new Map<string, { order: OrderRequest; body: string }>();
  let expectedPublishes = 0;
  for (const request of requests) {
    const { result, elapsedMs } = await send(pooledEvent(request), harness);
    tally.record(property, outcomeOf(result), elapsedMs);
    expect(elapsedMs).toBeLessThan(PER_CASE_BUDGET_MS);
    const order = pooledOrder(request);
    const key = order && deduplicationKeyOf(request, order);
    const first = key === undefined ? undefined : firstUse.get(key);
    if (request.caller === NO_IDENTITY) {
      expect(result.statusCode).toBe(403);
    } else if (order === undefined) {
      expect(result.statusCode).toBe(400);
      expectFieldErrors(jsonBody(result));
    } else if (first === undefined) {
      expect(result.statusCode).toBe(202);
      expect(result.headers).not.toHaveProperty('Idempotent-Replayed');
      expectAccepted(jsonBody(result));
      expectedPublishes++;
      if (key !== undefined) firstUse.set(key, { order, body: result.body });
      const claims = request.caller === undefined ? undefined : COGNITO_CLAIMS[request.caller];
      const submittedBy = claims && { type: 'cognito', id: claims.sub, username: claims['cognito:username'] ?? claims.username };
      expect(publishedDetails(harness).at(-1)?.submittedBy).toEqual(submittedBy);
    } else if (isDeepStrictEqual(first.order, order)) {
      expect(result.statusCode).toBe(202);
      expect(result.headers?.['Idempotent-Replayed']).toBe('true');
      expect(result.body).toBe(first.body);
    } else {
      expect(result.statusCode).toBe(422);
      expect(jsonBody(result)).toEqual({ message: expect.stringMatching(/already used for a different order/) });
    }
    expect(publishedDetails(harness)).toHaveLength(expectedPublishes);
  }
}

describe('idempotency', () => {
  test('in any sequence: same key and order replays the first answer, another order is 422, one publish per key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pooledRequest, { minLength: 1, maxLength: 12 }), (requests) => checkSequence('sequences', noAuth, requests)),
      propertyParameters(RUNS.sequences),
    );
    expectReached('sequences', ['202', '202 replayed', '400', '422'], RUNS.sequences);
  }, propertyTimeout(RUNS.sequences, 1_000));

  test('with Cognito authorization: keys are scoped per caller, each publish names its caller, no identity is a 403', async () => {
    const cognito = await loadHarness({ AUTHORIZATION_MODE: 'cognito' });
    const callerRequest = fc.record({
      caller: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...Object.keys(COGNITO_CLAIMS)) }, { weight: 1, arbitrary: fc.constant(NO_IDENTITY) }),
      key: fc.constantFrom('k1', 'k2', undefined),
      body: fc.constantFrom('A', 'A, other key order and spacing', 'B', 'C, orderId order-1', 'D, orderId order-1', 'invalid'),
      base64: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(callerRequest, { minLength: 1, maxLength: 12 }), (requests) => checkSequence('callers', cognito, requests)),
      propertyParameters(RUNS.callers),
    );
    expectReached('callers', ['202', '202 replayed', '400', '403', '422'], RUNS.callers);
  }, propertyTimeout(RUNS.callers, 1_000));

  test('concurrently, in any interleaving: at most one publish per key, 409 only while the key is in use', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(contendedRequest, { minLength: 2, maxLength: 6 }), async (scheduler, requests) => {
        freshCase();
        noAuth.answerPutEvents = () => scheduler.schedule(Promise.resolve(HEALTHY_PUT_EVENTS), 'PutEvents answers');
        const logs = captureLogs();
        let results: APIGatewayProxyResult[];
        try {
          const answers = requests.map((request, index) =>
            scheduler.schedule(Promise.resolve(), `request ${index} arrives`).then(() => noAuth.api.handler(pooledEvent(request), lambdaContext())));
          results = await scheduler.waitFor(Promise.all(answers));
        } finally {
          logs.restore();
        }

        const byKey = new Map<string, Array<{ order: OrderRequest; result: APIGatewayProxyResult }>>();
        let unkeyed = 0;
        requests.forEach((request, index) => {
          const result = results[index];
          tally.record('concurrent', outcomeOf(result));
          expect([202, 400, 409, 422]).toContain(result.statusCode);
          const order = pooledOrder(request);
          if (order === undefined) {
            expect(result.statusCode).toBe(400);
            return;
          }
          const key = deduplicationKeyOf(request, order);
          if (key === undefined) {
            expect(result.statusCode).toBe(202);
            unkeyed++;
            return;
          }
          byKey.set(key, [...(byKey.get(key) ?? []), { order, result }]);
        });

        for (const uses of byKey.values()) {
          // The one request that claimed the key published and answered first-hand.
          const firstHand = uses.filter(({ result }) => result.statusCode === 202 && result.headers?.['Idempotent-Replayed'] === undefined);
          expect(firstHand).toHaveLength(1);
          const [winner] = firstHand;
          for (const { order, result } of uses) {
            if (result.statusCode === 202) {
              expect(isDeepStrictEqual(order, winner.order)).toBe(true);
              expect(result.body).toBe(winner.result.body);
            }
            if (result.statusCode === 422) expect(isDeepStrictEqual(order, winner.order)).toBe(false);
            if (result.statusCode === 409) {
              expect(uses.length).toBeGreaterThan(1);
              // A whole number of seconds, at most the invocation's remaining time (30 s in lambdaContext()).
              expect(result.headers?.['Retry-After']).toMatch(/^[1-9]\d*$/);
              expect(Number(result.headers?.['Retry-After'])).toBeLessThanOrEqual(30);
            }
          }
        }
        expect(publishedDetails()).toHaveLength(unkeyed + byKey.size);
      }),
      propertyParameters(RUNS.concurrent),
    );
    expectReached('concurrent', ['202', '202 replayed', '400', '409', '422'], RUNS.concurrent);
  }, propertyTimeout(RUNS.concurrent, 1_000));
});

describe('the run settings', () => {
  test('FAST_CHECK_RUNS replaces every default; FAST_CHECK_SEED and FAST_CHECK_PATH replay one failure', () => {
    expect(propertyParameters(200, {})).toEqual({ numRuns: 200 });
    expect(propertyParameters(200, { FAST_CHECK_RUNS: '5000' })).toEqual({ numRuns: 5000 });
    expect(propertyParameters(200, { FAST_CHECK_SEED: '-1226386776', FAST_CHECK_PATH: '6:0:1' })).toEqual({ numRuns: 200, seed: -1226386776, path: '6:0:1' });
    expect(propertyTimeout(200, 250, { FAST_CHECK_RUNS: '5000' })).toBe(60_000 + 5000 * 250);
  });

  test.each([['0'], ['-3'], ['1.5'], ['many']])('FAST_CHECK_RUNS=%s is refused with a clear message', (runs) => {
    expect(() => propertyParameters(200, { FAST_CHECK_RUNS: runs })).toThrow(`FAST_CHECK_RUNS must be a positive whole number, got "${runs}"`);
  });

  test('a FAST_CHECK_SEED that is not an integer is refused', () => {
    expect(() => propertyParameters(200, { FAST_CHECK_SEED: 'abc' })).toThrow('FAST_CHECK_SEED must be the integer seed fast-check printed, got "abc"');
  });
});
