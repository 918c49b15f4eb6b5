/**
 * The idempotent create of the HTTP contract (POST /orders): replay, 422, 409, 415, the
 * Idempotency-Key header, and ids that survive a crash. The table is the in-memory fake with
 * DynamoDB's conditional-write semantics; the real thing on moto is in test/integration.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent, lambdaContext, postJson, UUID_V4 } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { LoadedApi, loadApiHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { OrderCreatedDetail } from '../../lambda/shared/order-contract';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const ORDER = { customerId: 'cust-1', items: [{ sku: 'SKU-1', qty: 2 }] };
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function setUp(env: Record<string, string> = {}) {
  const api = loadApiHandler({ CORS_ALLOW_ORIGINS: 'https://shop.example', ...env });
  api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  const table = new FakeIdempotencyTable(api);
  const post = (order: unknown, headers: Record<string, string> = {}) => api.handler(postJson(order, headers), lambdaContext());
  return { api, table, post };
}

/** The claim as its holder's invocation deadline leaves it: still IN_PROGRESS, past its in-progress expiry. */
function expireClaim(table: FakeIdempotencyTable): void {
  const [claim] = [...table.items.values()];
  table.seed({ ...claim, in_progress_expiration: { N: String(Date.now() - 1) } });
}

function json(result: APIGatewayProxyResult): Record<string, unknown> {
  return JSON.parse(result.body) as Record<string, unknown>;
}

function published(api: LoadedApi): OrderCreatedDetail[] {
  return api.eventBridge.commandCalls(api.PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => JSON.parse(entry.Detail!) as OrderCreatedDetail);
}

describe('a retry with the same Idempotency-Key and body', () => {
  test('gets the first answer again, marked as replayed, and publishes nothing more', async () => {
    const { api, post } = setUp();
    const first = await post(ORDER, { 'Idempotency-Key': 'draft-1' });
    const retry = await post(ORDER, { 'Idempotency-Key': 'draft-1', 'Origin': 'https://shop.example' });

    expect(first.statusCode).toBe(202);
    expect(first.headers).not.toHaveProperty('Idempotent-Replayed');
    expect(retry.statusCode).toBe(202);
    expect(json(retry)).toEqual(json(first));
    expect(retry.headers).toMatchObject({
      'Idempotent-Replayed': 'true',
      'Access-Control-Allow-Origin': 'https://shop.example',
      'Access-Control-Expose-Headers': 'Idempotent-Replayed, Retry-After',
    });
    expect(published(api)).toHaveLength(1);
    expect(logs.withMsg('order_accepted')).toHaveLength(1);
    expect(logs.withMsg('idempotent_replay')).toEqual([expect.objectContaining({ outcome: 'replayed', ...json(first) })]);
  });

  test('is the same body however its keys are ordered or spaced', async () => {
    const { api } = setUp();
    const headers = { 'Idempotency-Key': 'draft-2' };
    const first = await api.handler(postJson({ items: [{ sku: 'A', qty: 1 }], customerId: 'c' }, headers), lambdaContext());
    const reordered = await api.handler(apiEvent({ body: '{ "customerId" : "c", "items": [ {"qty":1, "sku":"A"} ] }', headers }), lambdaContext());

    expect(reordered.headers?.['Idempotent-Replayed']).toBe('true');
    expect(json(reordered)).toEqual(json(first));
    expect(published(api)).toHaveLength(1);
  });

  test('the key is held for the window (IDEMPOTENCY_WINDOW_SECONDS, default 24 h) by its claim, and the order record marks it complete', async () => {
    for (const [env, seconds] of [[{}, 86_400], [{ IDEMPOTENCY_WINDOW_SECONDS: '600' }, 600]] as const) {
      const { table, post } = setUp(env);
      const before = Math.floor(Date.now() / 1000);
      const { eventId } = json(await post(ORDER, { 'Idempotency-Key': 'draft-window' }));

      const [record] = table.records();
      expect(record.status).toBe('INPROGRESS');
      expect(table.orders()).toEqual([expect.objectContaining({ status: 'ACCEPTED', eventId })]);
      expect(record.expiration).toBeGreaterThanOrEqual(before + seconds);
      expect(record.expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + seconds);
    }
  });
});

describe('the order record as the completion', () => {
  test('a keyed create writes twice (the claim, the order record): no completion write', async () => {
    const { api, post } = setUp();
    await post(ORDER, { 'Idempotency-Key': 'draft-writes' });

    const writes = api.dynamoDb.calls().map((call) => call.args[0].constructor.name).filter((name) => name !== 'GetItemCommand');
    expect(writes).toEqual(['PutItemCommand', 'PutItemCommand']);
  });

  test('when the order record could not be written, Powertools completes the claim and a retry replays from it', async () => {
    const { api, table, post } = setUp();
    table.failNextOrderPut = new Error('InternalServerError');

    const first = await post(ORDER, { 'Idempotency-Key': 'draft-unrecorded' });
    expect(first.statusCode).toBe(202);
    expect(table.orders()).toEqual([]);
    expect(table.records()).toEqual([expect.objectContaining({ status: 'COMPLETED', data: json(first) })]);

    const retry = await post(ORDER, { 'Idempotency-Key': 'draft-unrecorded' });
    expect(retry.headers?.['Idempotent-Replayed']).toBe('true');
    expect(json(retry)).toEqual(json(first));
    expect(published(api)).toHaveLength(1);
  });

  test('a retry after the first claim expired finds the order recorded: a replay, nothing published again', async () => {
    const { api, table, post } = setUp();
    const first = await post(ORDER, { 'Idempotency-Key': 'draft-late' });
    expireClaim(table);

    const retry = await post(ORDER, { 'Idempotency-Key': 'draft-late' });

    expect(retry.headers?.['Idempotent-Replayed']).toBe('true');
    expect(json(retry)).toEqual(json(first));
    expect(published(api)).toHaveLength(1);
  });

  test('another body cannot take over an expired claim: still a 422 for the whole window', async () => {
    const { api, table, post } = setUp();
    await post(ORDER, { 'Idempotency-Key': 'draft-other' });
    expireClaim(table);

    const reused = await post({ ...ORDER, customerId: 'cust-2' }, { 'Idempotency-Key': 'draft-other' });

    expect(reused.statusCode).toBe(422);
    expect(published(api)).toHaveLength(1);
  });
});

describe('the deduplication key', () => {
  test('is the body\'s orderId when there is no header', async () => {
    const { api, post } = setUp();
    const order = { ...ORDER, orderId: 'order-7' };
    const first = await post(order);
    const retry = await post(order);
    const changed = await post({ ...order, items: [{ sku: 'SKU-1', qty: 3 }] });

    expect(json(first).orderId).toBe('order-7');
    expect(retry.headers?.['Idempotent-Replayed']).toBe('true');
    expect(json(retry)).toEqual(json(first));
    expect(changed.statusCode).toBe(422);
    expect(json(changed).message).toMatch(/orderId was already used for a different order/);
    expect(published(api)).toHaveLength(1);
  });

  test('is the header when both are sent: another key with the same orderId is another request', async () => {
    const { api, post } = setUp();
    const order = { ...ORDER, orderId: 'order-8' };
    const first = json(await post(order, { 'Idempotency-Key': 'k-1' }));
    const second = json(await post(order, { 'Idempotency-Key': 'k-2' }));

    expect(second.orderId).toBe('order-8');
    expect(second.eventId).not.toBe(first.eventId);
    expect(published(api)).toHaveLength(2);
  });

  test('a header equal to some orderId does not collide with that orderId\'s key', async () => {
    const { api, post } = setUp();
    await post({ ...ORDER, orderId: 'same' });
    const other = await post({ items: [{ sku: 'OTHER', qty: 1 }] }, { 'Idempotency-Key': 'same' });

    expect(other.statusCode).toBe(202);
    expect(published(api)).toHaveLength(2);
  });
});

describe('the same key with a different body', () => {
  test('is a 422 naming the key reuse, and nothing is published', async () => {
    const { api, post } = setUp();
    await post(ORDER, { 'Idempotency-Key': 'draft-3' });
    const reused = await post({ ...ORDER, customerId: 'cust-2' }, { 'Idempotency-Key': 'draft-3' });

    expect(reused.statusCode).toBe(422);
    expect(json(reused)).toEqual({ message: 'This Idempotency-Key was already used for a different order. Send a new Idempotency-Key for a new order.' });
    expect(published(api)).toHaveLength(1);
    expect(logs.withMsg('idempotency_key_reused')).toEqual([expect.objectContaining({ outcome: 'rejected', keySource: 'Idempotency-Key' })]);
  });
});

describe('while the first request with the key is still running', () => {
  test('a retry is a 409 with Retry-After until the claim expires, and nothing is published', async () => {
    const { api, table, post } = setUp();
    await post(ORDER, { 'Idempotency-Key': 'draft-4' });
    const [claim] = [...table.items.values()];
    // Still running: its claim is held and its order not yet recorded.
    table.seed({ ...claim, in_progress_expiration: { N: String(Date.now() + 7_500) } });
    table.orderItems.clear();
    api.eventBridge.resetHistory();

    const busy = await post(ORDER, { 'Idempotency-Key': 'draft-4' });

    expect(busy.statusCode).toBe(409);
    expect(Number(busy.headers?.['Retry-After'])).toBeGreaterThanOrEqual(7);
    expect(Number(busy.headers?.['Retry-After'])).toBeLessThanOrEqual(8);
    expect(json(busy).message).toMatch(/still being processed/);
    expect(published(api)).toHaveLength(0);
  });

  test('once the claim of a request that died has expired, the retry publishes the SAME ids again', async () => {
    const { api, table, post } = setUp();
    const first = json(await post(ORDER, { 'Idempotency-Key': 'draft-5' }));
    // What an API process that died after PutEvents leaves: its claim, and no order record.
    expireClaim(table);
    table.orderItems.clear();

    const retry = await post(ORDER, { 'Idempotency-Key': 'draft-5' });

    expect(retry.statusCode).toBe(202);
    expect(retry.headers).not.toHaveProperty('Idempotent-Replayed');
    expect(json(retry)).toEqual(first);
    // Published twice with one eventId: the worker processes it once.
    expect(published(api).map((detail) => detail.eventId)).toEqual([first.eventId, first.eventId]);
    expect(table.orders()).toEqual([expect.objectContaining({ status: 'ACCEPTED', eventId: first.eventId })]);
  });
});

describe('ids of a keyed request', () => {
  test('are derived from the key and the body (UUID v5), so a retry after a lost claim republishes the same event', async () => {
    const a = json(await setUp().post(ORDER, { 'Idempotency-Key': 'k' }));
    const again = json(await setUp().post(ORDER, { 'Idempotency-Key': 'k' }));
    const otherBody = json(await setUp().post({ ...ORDER, customerId: 'other' }, { 'Idempotency-Key': 'k' }));
    const otherKey = json(await setUp().post(ORDER, { 'Idempotency-Key': 'k2' }));

    expect(a.eventId).toMatch(UUID_V5);
    expect(a.orderId).toMatch(UUID_V5);
    expect(again).toEqual(a);
    expect(otherBody.eventId).not.toBe(a.eventId);
    expect(otherBody.orderId).not.toBe(a.orderId);
    expect(otherKey.eventId).not.toBe(a.eventId);
  });

  test('without a key stay random (UUID v4), and claim no idempotency record (only the order\'s ACCEPTED record)', async () => {
    const { api, post } = setUp();
    const body = json(await post(ORDER));

    expect(body.eventId).toMatch(UUID_V4);
    expect(api.dynamoDb.calls().map((call) => (call.args[0].input as { Item?: { id?: { S?: string } } }).Item?.id?.S))
      .toEqual([`order#anonymous#${body.orderId}`]);
  });
});

describe('when publishing or the store fails', () => {
  test('a failed PutEvents releases the claim: 502, and the retry with the same key publishes', async () => {
    const { api, table, post } = setUp();
    api.eventBridge.on(api.PutEventsCommand).rejectsOnce(new Error('ThrottlingException')).resolves({ FailedEntryCount: 0 });

    const failed = await post(ORDER, { 'Idempotency-Key': 'draft-6' });
    expect(failed.statusCode).toBe(502);
    expect(json(failed).message).toMatch(/retrying with the same Idempotency-Key is safe/);
    expect(table.records()).toEqual([]);

    const retry = await post(ORDER, { 'Idempotency-Key': 'draft-6' });
    expect(retry.statusCode).toBe(202);
    expect(retry.headers).not.toHaveProperty('Idempotent-Replayed');
    expect(logs.withMsg('publish_failed')[0]).toMatchObject({ level: 'ERROR', eventId: json(retry).eventId, orderId: json(retry).orderId });
  });

  test('a store that cannot be written is a 503 and nothing is published', async () => {
    const { api } = setUp();
    api.dynamoDb.on(api.sdk.PutItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    const context = lambdaContext();

    const result = await api.handler(postJson(ORDER, { 'Idempotency-Key': 'draft-7' }), context);

    expect(result.statusCode).toBe(503);
    expect(json(result)).toEqual({ message: expect.stringMatching(/retrying with the same Idempotency-Key is safe/), requestId: context.awsRequestId });
    expect(published(api)).toHaveLength(0);
    expect(logs.withMsg('store_failed')[0]).toMatchObject({ level: 'ERROR', cause: 'ProvisionedThroughputExceededException' });
  });
});

describe('the Idempotency-Key header', () => {
  test.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a space', 'my key'],
    ['a non-ASCII character', 'clé'],
    ['a control character', 'a\tb'],
  ])('%s is a 400 naming the header, reported with the body\'s errors, and nothing is published', async (_case, key) => {
    const { api, post } = setUp();
    const result = await post({ items: [] }, { 'Idempotency-Key': key });

    expect(result.statusCode).toBe(400);
    expect(json(result).errors).toEqual([
      { path: 'headers.Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters (no spaces)' },
      { path: 'items', message: 'must contain at least 1 item' },
    ]);
    expect(published(api)).toHaveLength(0);
    expect(api.dynamoDb.calls()).toHaveLength(0);
  });

  test('of 255 printable characters, in any header case, is accepted', async () => {
    const { api } = setUp();
    const key = '!~'.repeat(127) + 'x';
    const result = await api.handler(postJson(ORDER, { 'idempotency-key': key }), lambdaContext());
    const retry = await api.handler(postJson(ORDER, { 'IDEMPOTENCY-KEY': key }), lambdaContext());

    expect(result.statusCode).toBe(202);
    expect(retry.headers?.['Idempotent-Replayed']).toBe('true');
  });
});

describe('the Content-Type', () => {
  test.each([
    ['missing', undefined],
    ['text/plain (a CORS "simple" request)', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['another JSON-ish type', 'application/vnd.api+json'],
  ])('%s is a 415 and nothing is published', async (_case, contentType) => {
    const { api } = setUp();
    const event = postJson(ORDER, { 'Idempotency-Key': 'draft-8' });
    event.headers = contentType === undefined ? {} : { 'content-type': contentType };

    const result = await api.handler(event, lambdaContext());

    expect(result.statusCode).toBe(415);
    expect(json(result)).toEqual({ message: 'Content-Type must be application/json' });
    expect(published(api)).toHaveLength(0);
    expect(api.dynamoDb.calls()).toHaveLength(0);
    expect(logs.withMsg('unsupported_media_type')).toHaveLength(1);
  });

  test.each(['application/json; charset=utf-8', 'Application/JSON', ' application/json ;charset=UTF-8'])('%s is accepted', async (contentType) => {
    const { api } = setUp();
    const event = postJson(ORDER);
    event.headers = { 'Content-Type': contentType };

    expect((await api.handler(event, lambdaContext())).statusCode).toBe(202);
  });
});
