/**
 * The API handler's successful path, publish failures, CORS and configuration.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent, lambdaContext, postJson, UUID_V4 } from './support/events';
import { LoadedApi, loadApiHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { readApiConfig } from '../../lambda/api/config';
import { ORDER_LIMITS, OrderCreatedDetail } from '../../lambda/shared/order-contract';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

function json(result: APIGatewayProxyResult): Record<string, unknown> {
  return JSON.parse(result.body) as Record<string, unknown>;
}

function publishedEntries(api: LoadedApi) {
  return api.eventBridge.commandCalls(api.PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
}

function publishedDetails(api: LoadedApi): OrderCreatedDetail[] {
  return publishedEntries(api).map((entry) => JSON.parse(entry.Detail!) as OrderCreatedDetail);
}

describe('a valid order', () => {
  let api: LoadedApi;
  beforeAll(() => {
    api = loadApiHandler();
  });
  beforeEach(() => {
    api.eventBridge.reset();
    api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  });

  test('is published as one OrderCreated entry and answered 202 with its ids', async () => {
    const before = Date.now();
    const result = await api.handler(postJson({ customerId: 'cust-123', items: [{ sku: 'SKU-1', qty: 2 }, { sku: 'SKU-2', qty: 1 }] }), lambdaContext());

    expect(result.statusCode).toBe(202);
    expect(result.headers).toEqual({ 'Content-Type': 'application/json' });
    const body = json(result);
    expect(Object.keys(body).sort()).toEqual(['eventId', 'orderId']);
    expect(body.eventId).toMatch(UUID_V4);
    expect(body.orderId).toMatch(UUID_V4);

    const calls = api.eventBridge.commandCalls(api.PutEventsCommand);
    expect(calls).toHaveLength(1);
    const entries = publishedEntries(api);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toEqual({ EventBusName: 'orders-bus', Source: 'myapp.orders', DetailType: 'OrderCreated', Detail: expect.any(String) });
    const detail = publishedDetails(api)[0];
    expect(detail).toEqual({
      schemaVersion: '1.1',
      eventId: body.eventId,
      orderId: body.orderId,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      customerId: 'cust-123',
      items: [{ sku: 'SKU-1', qty: 2 }, { sku: 'SKU-2', qty: 1 }],
    });
    expect(Date.parse(detail.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(detail.createdAt)).toBeLessThanOrEqual(Date.now());

    expect(logs.withMsg('order_accepted')).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'order_accepted', outcome: 'published', eventId: body.eventId, orderId: body.orderId, itemCount: 2 }),
    ]);
  });

  test('a log line carries the invocation\'s request id and cold start, not the function\'s name, ARN or memory its log group already names', async () => {
    const context = lambdaContext();
    await api.handler(postJson({ items: [{ sku: 'SKU-1', qty: 1 }] }), context);

    const [line] = logs.withMsg('order_accepted');
    expect(Object.keys(line).slice(0, 6)).toEqual(['level', 'message', 'timestamp', 'service', 'cold_start', 'function_request_id']);
    expect(line).toMatchObject({ function_request_id: context.awsRequestId, cold_start: expect.any(Boolean), service: expect.any(String) });
    for (const repeated of ['function_arn', 'function_name', 'function_memory_size', 'sampling_rate']) expect(line).not.toHaveProperty(repeated);
  });

  test('keeps the orderId the client sent, and omits customerId when none was sent', async () => {
    const result = await api.handler(postJson({ orderId: 'order-42', items: [{ sku: 'SKU-1', qty: 1 }] }), lambdaContext());

    expect(result.statusCode).toBe(202);
    expect(json(result).orderId).toBe('order-42');
    const detail = publishedDetails(api)[0];
    expect(detail.orderId).toBe('order-42');
    expect(detail).not.toHaveProperty('customerId');
  });

  test('accepts a base64-encoded body', async () => {
    const body = Buffer.from(JSON.stringify({ items: [{ sku: 'SKU-B64', qty: 3 }] })).toString('base64');
    const result = await api.handler(apiEvent({ body, isBase64Encoded: true }), lambdaContext());

    expect(result.statusCode).toBe(202);
    expect(publishedDetails(api)[0].items).toEqual([{ sku: 'SKU-B64', qty: 3 }]);
  });

  test('gives every request without a deduplication key fresh ids', async () => {
    const order = { items: [{ sku: 'SKU-1', qty: 1 }] };
    api.dynamoDb.resetHistory();
    const first = json(await api.handler(postJson(order), lambdaContext()));
    const second = json(await api.handler(postJson(order), lambdaContext()));

    expect(first.eventId).not.toBe(second.eventId);
    expect(first.orderId).not.toBe(second.orderId);
    expect(publishedDetails(api).map((detail) => detail.eventId)).toEqual([first.eventId, second.eventId]);
    // No idempotency record: only the two orders' ACCEPTED records, create-only.
    expect(api.dynamoDb.calls().map((call) => (call.args[0].input as { Item?: { id?: { S?: string } } }).Item?.id?.S))
      .toEqual([expect.stringMatching(/^order#anonymous#/), expect.stringMatching(/^order#anonymous#/)]);
  });

  test('accepts every limit exactly', async () => {
    const items = Array.from({ length: ORDER_LIMITS.maxItems }, (_, index) => ({ sku: `${index}`.padEnd(ORDER_LIMITS.maxSkuLength, 'S'), qty: ORDER_LIMITS.maxQty }));
    const order = { items, customerId: 'c'.repeat(ORDER_LIMITS.maxIdLength), orderId: 'o'.repeat(ORDER_LIMITS.maxIdLength) };
    const compact = JSON.stringify(order);
    const body = compact + ' '.repeat(ORDER_LIMITS.maxBodyBytes - Buffer.byteLength(compact));
    expect(Buffer.byteLength(body)).toBe(ORDER_LIMITS.maxBodyBytes);

    const result = await api.handler(apiEvent({ body }), lambdaContext());

    expect(result.statusCode).toBe(202);
    expect(publishedDetails(api)[0].items).toHaveLength(ORDER_LIMITS.maxItems);
  });

  test('publishes sku and ids exactly as sent (validation does not trim)', async () => {
    await api.handler(postJson({ customerId: ' c 1 ', items: [{ sku: ' SKU 1 ', qty: 1 }] }), lambdaContext());

    const detail = publishedDetails(api)[0];
    expect(detail.customerId).toBe(' c 1 ');
    expect(detail.items[0].sku).toBe(' SKU 1 ');
  });
});

describe('when the bus does not take the event', () => {
  let api: LoadedApi;
  beforeAll(() => {
    api = loadApiHandler({ CORS_ALLOW_ORIGINS: 'https://shop.example' });
  });
  beforeEach(() => api.eventBridge.reset());

  const order = () => postJson({ items: [{ sku: 'SKU-1', qty: 1 }] }, { origin: 'https://shop.example' });

  test('a failed entry is a 502 with the request id, logged at ERROR', async () => {
    api.eventBridge.on(api.PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const context = lambdaContext();

    const result = await api.handler(order(), context);

    expect(result.statusCode).toBe(502);
    expect(result.headers).toMatchObject({ 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': 'https://shop.example' });
    expect(json(result)).toEqual({ message: expect.any(String), requestId: context.awsRequestId });
    const [line] = logs.withMsg('publish_failed');
    expect(line).toMatchObject({
      level: 'ERROR',
      outcome: 'error',
      errorMessage: 'PutEvents rejected the event: InternalFailure (try again)',
      eventId: expect.stringMatching(UUID_V4),
      orderId: expect.stringMatching(UUID_V4),
    });
    expect(logs.withMsg('order_accepted')).toHaveLength(0);
  });

  test('a failed entry without details is still a failure', async () => {
    api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 1 });

    const result = await api.handler(order(), lambdaContext());

    expect(result.statusCode).toBe(502);
    expect(logs.withMsg('publish_failed')[0].errorMessage).toBe('PutEvents rejected the event: unknown error');
  });

  test('a thrown SDK error is a 502 with the request id, logged at ERROR', async () => {
    api.eventBridge.on(api.PutEventsCommand).rejects(new Error('AccessDeniedException: not allowed'));
    const context = lambdaContext();

    const result = await api.handler(order(), context);

    expect(result.statusCode).toBe(502);
    expect(json(result).requestId).toBe(context.awsRequestId);
    expect(logs.withMsg('publish_failed')[0]).toMatchObject({ level: 'ERROR', outcome: 'error', errorMessage: 'AccessDeniedException: not allowed' });
  });
});

describe('methods other than POST', () => {
  let api: LoadedApi;
  beforeAll(() => {
    api = loadApiHandler({ CORS_ALLOW_ORIGINS: 'https://shop.example' });
  });
  beforeEach(() => api.eventBridge.reset());

  test('GET is a 405 JSON answer and publishes nothing', async () => {
    const result = await api.handler(apiEvent({ httpMethod: 'GET' }), lambdaContext());

    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ 'Content-Type': 'application/json', 'Allow': 'POST' });
    expect(json(result)).toEqual({ message: 'Method not allowed' });
    expect(api.eventBridge.calls()).toHaveLength(0);
    expect(logs.withMsg('method_not_allowed')[0]).toMatchObject({ outcome: 'rejected', httpMethod: 'GET' });
  });

  test('an OPTIONS preflight from an allowed origin is a 204 with CORS headers', async () => {
    const result = await api.handler(apiEvent({ httpMethod: 'OPTIONS', headers: { Origin: 'https://shop.example' } }), lambdaContext());

    expect(result.statusCode).toBe(204);
    expect(result.body).toBe('');
    expect(result.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://shop.example',
      'Access-Control-Allow-Methods': 'POST,OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type,Idempotency-Key',
      'Vary': 'Origin',
    });
  });

  test('an OPTIONS preflight from another origin gets no CORS headers', async () => {
    const result = await api.handler(apiEvent({ httpMethod: 'OPTIONS', headers: { Origin: 'https://evil.example' } }), lambdaContext());

    expect(result.statusCode).toBe(204);
    expect(corsHeaderNames(result)).toEqual([]);
  });
});

function corsHeaderNames(result: APIGatewayProxyResult): string[] {
  return Object.keys(result.headers ?? {}).filter((name) => /^access-control-|^vary$/i.test(name));
}

describe('CORS', () => {
  const valid = (origin?: string) => postJson({ items: [{ sku: 'SKU-1', qty: 1 }] }, origin ? { origin } : {});
  const invalid = (origin: string) => apiEvent({ body: '{}', headers: { ORIGIN: origin } });
  const failing = (origin: string) => valid(origin);

  async function respond(env: string | undefined, makeEvent: () => APIGatewayProxyEvent, publish: 'ok' | 'fail' = 'ok') {
    const api = loadApiHandler({ CORS_ALLOW_ORIGINS: env });
    if (publish === 'ok') {
      api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0 });
    } else {
      api.eventBridge.on(api.PutEventsCommand).rejects(new Error('down'));
    }
    return api.handler(makeEvent(), lambdaContext());
  }

  const allowed = 'https://shop.example, https://admin.example/';

  test.each([
    ['202', () => valid('https://shop.example'), 'ok' as const, 202],
    ['400', () => invalid('https://shop.example'), 'ok' as const, 400],
    ['502', () => failing('https://shop.example'), 'fail' as const, 502],
  ])('an allowed origin gets its origin back on a %s', async (_status, makeEvent, publish, statusCode) => {
    const result = await respond(allowed, makeEvent, publish);

    expect(result.statusCode).toBe(statusCode);
    expect(result.headers).toMatchObject({ 'Access-Control-Allow-Origin': 'https://shop.example', 'Vary': 'Origin' });
  });

  test('a configured origin with a trailing slash still matches', async () => {
    const result = await respond(allowed, () => valid('https://admin.example'));

    expect(result.headers?.['Access-Control-Allow-Origin']).toBe('https://admin.example');
  });

  test.each([
    ['a disallowed origin', allowed, () => valid('https://evil.example')],
    ['a disallowed origin on a 400', allowed, () => invalid('https://evil.example')],
    ['no Origin header', allowed, () => valid()],
    ['CORS_ALLOW_ORIGINS unset', undefined, () => valid('https://shop.example')],
    ['CORS_ALLOW_ORIGINS empty', ' , ', () => valid('https://shop.example')],
    ['an origin that only differs in case', allowed, () => valid('https://SHOP.example')],
  ])('%s gets no CORS headers', async (_case, env, makeEvent) => {
    const result = await respond(env, makeEvent);

    expect(result.headers?.['Content-Type']).toBe('application/json');
    expect(corsHeaderNames(result)).toEqual([]);
  });

  test('`*` allows any origin, on success and on error', async () => {
    const ok = await respond('*', () => valid('https://anyone.example'));
    const bad = await respond('https://shop.example,*', () => invalid('https://anyone.example'));

    expect(ok.headers).toMatchObject({ 'Access-Control-Allow-Origin': '*', 'Vary': 'Origin' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers).toMatchObject({ 'Access-Control-Allow-Origin': '*' });
  });
});

describe('configuration', () => {
  test('source and detail type come from the environment when set', async () => {
    const api = loadApiHandler({ EVENT_SOURCE: 'acme.orders', EVENT_DETAIL_TYPE: 'OrderPlaced', EVENT_BUS_NAME: 'arn:aws:events:us-east-1:123456789012:event-bus/acme' });
    api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0 });

    await api.handler(postJson({ items: [{ sku: 'SKU-1', qty: 1 }] }), lambdaContext());

    expect(publishedEntries(api)[0]).toMatchObject({ EventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/acme', Source: 'acme.orders', DetailType: 'OrderPlaced' });
  });

  test('a missing EVENT_BUS_NAME fails the cold start with a clear message', () => {
    expect(() => loadApiHandler({ EVENT_BUS_NAME: undefined })).toThrow(/EVENT_BUS_NAME must be set/);
    expect(() => readApiConfig({ EVENT_BUS_NAME: '  ' })).toThrow(/EVENT_BUS_NAME must be set/);
  });

  test('defaults come from the contract', () => {
    expect(readApiConfig({ EVENT_BUS_NAME: 'bus', ORDERS_TABLE_NAME: 'orders' })).toEqual({
      eventBusName: 'bus',
      eventSource: 'myapp.orders',
      eventDetailType: 'OrderCreated',
      corsAllowOrigins: [],
      ordersTableName: 'orders',
      idempotencyWindowSeconds: 86_400,
      authorizationMode: 'none',
    });
  });

  test('a missing ORDERS_TABLE_NAME or a malformed window fails the cold start with a clear message', () => {
    expect(() => loadApiHandler({ ORDERS_TABLE_NAME: undefined })).toThrow(/ORDERS_TABLE_NAME must be set/);
    for (const window of ['0', '-5', '1.5', 'a day']) {
      expect(() => readApiConfig({ EVENT_BUS_NAME: 'bus', ORDERS_TABLE_NAME: 'orders', IDEMPOTENCY_WINDOW_SECONDS: window }))
        .toThrow(`IDEMPOTENCY_WINDOW_SECONDS must be a positive whole number of seconds, got "${window}"`);
    }
    expect(readApiConfig({ EVENT_BUS_NAME: 'bus', ORDERS_TABLE_NAME: 'orders', IDEMPOTENCY_WINDOW_SECONDS: '60' }).idempotencyWindowSeconds).toBe(60);
  });
});
