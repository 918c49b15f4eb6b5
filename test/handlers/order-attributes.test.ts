/**
 * `attributes` on an order and its items: field-level 400s for each limit, published and stored
 * as sent (keys sorted), part of the request's hash but not its key order, no prototype polluted
 * by any of them; and the worker's payload check across the upgrade that added them.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import * as fc from 'fast-check';
import { apiEvent, envelope, lambdaContext, orderDetail, sqsRecord } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { loadApiHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { propertyParameters, propertyTimeout } from './support/property-settings';
import { guardPrototypes } from './support/prototype-guard';
import { attributesText } from './support/request-arbitraries';
import { workerHarness } from './support/worker-harness';
import { withSortedKeys } from '../../lambda/shared/order-attributes';
import { ATTRIBUTE_LIMITS, JsonValue, OrderCreatedDetail } from '../../lambda/shared/order-contract';
import { fromOrderItem } from '../../lambda/shared/order-state';
import { parseOrderCreatedRecord } from '../../lambda/worker/order-event';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

function setUp() {
  const api = loadApiHandler();
  api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  const table = new FakeIdempotencyTable(api);
  const post = (body: string, headers: Record<string, string> = {}) => api.handler(apiEvent({ body, headers }), lambdaContext());
  const published = (): OrderCreatedDetail[] => api.eventBridge.commandCalls(api.PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? []).map((entry) => JSON.parse(entry.Detail!) as OrderCreatedDetail);
  return { api, table, post, published };
}

const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as { errors?: Array<{ path: string; message: string }>; eventId?: string };
const orderWith = (attributes: string, itemAttributes?: string) =>
  `{"items":[{"sku":"SKU-1","qty":1${itemAttributes === undefined ? '' : `,"attributes":${itemAttributes}`}}],"attributes":${attributes}}`;
/** `{"blob":"xx..."}` of exactly `bytes` UTF-8 bytes. */
const ofBytes = (bytes: number) => JSON.stringify({ blob: 'x'.repeat(bytes - '{"blob":""}'.length) });
const keys = (count: number) => JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i])));
const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

describe('POST /orders refuses attributes over a limit with a field-level 400, and publishes nothing', () => {
  const { maxOrderBytes, maxItemBytes, maxDepth, maxKeys, maxKeyLength } = ATTRIBUTE_LIMITS;
  const refused: Array<[string, string, string, RegExp]> = [
    ['order attributes of 4,097 bytes', orderWith(ofBytes(maxOrderBytes + 1)), 'attributes', /^must be at most 4096 bytes as JSON$/],
    ['item attributes of 1,025 bytes', orderWith('{}', ofBytes(maxItemBytes + 1)), 'items[0].attributes', /^must be at most 1024 bytes as JSON$/],
    ['an object 6 deep', orderWith(nested(maxDepth + 1)), 'attributes.a.a.a.a.a', /more than 5 deep/],
    ['an array 6 deep in an item', orderWith('{}', '{"l":[[[[[]]]]]}'), 'items[0].attributes.l[0][0][0][0]', /more than 5 deep/],
    ['65 keys', orderWith(keys(maxKeys + 1)), 'attributes', /^must have at most 64 keys/],
    ['65 keys counting nested ones', orderWith(JSON.stringify({ a: JSON.parse(keys(maxKeys)) })), 'attributes', /^must have at most 64 keys/],
    ['a key of 129 characters', orderWith(JSON.stringify({ ['k'.repeat(maxKeyLength + 1)]: 1 })), 'attributes', /key longer than 128/],
    ['a `__proto__` key', orderWith('{"ok":1,"__proto__":{"polluted":"yes"}}'), 'attributes.__proto__', /^is a reserved key$/],
    ['a nested `__proto__` key in an item', orderWith('{}', '{"a":{"__proto__":{}}}'), 'items[0].attributes.a.__proto__', /^is a reserved key$/],
    ['a lone surrogate in a value', orderWith('{"note":"a\\ud800"}'), 'attributes.note', /well-formed Unicode/],
    ['a lone surrogate in a key', orderWith('{"\\udc00":1}'), 'attributes', /key that is not well-formed Unicode/],
    ['1e400 (Infinity once parsed)', orderWith('{"price":1e400}'), 'attributes.price', /^must be a finite number$/],
    ['an array', orderWith('[{"a":1}]'), 'attributes', /^must be a JSON object$/],
    ['a string', orderWith('"vip"'), 'attributes', /^must be a JSON object$/],
    ['null', orderWith('null'), 'attributes', /^must be a JSON object$/],
    ['a number, on an item', orderWith('{}', '3'), 'items[0].attributes', /^must be a JSON object$/],
  ];

  test.each(refused)('%s', async (_case, body, path, message) => {
    const { post, published } = setUp();

    const response = await post(body);

    expect(response.statusCode).toBe(400);
    expect(json(response).errors).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect(published()).toEqual([]);
  });

  test.each([
    ['order attributes of exactly 4,096 bytes', orderWith(ofBytes(maxOrderBytes))],
    ['item attributes of exactly 1,024 bytes', orderWith('{}', ofBytes(maxItemBytes))],
    ['an object 5 deep', orderWith(nested(maxDepth))],
    ['64 keys', orderWith(keys(maxKeys))],
    ['a key of 128 characters', orderWith(JSON.stringify({ ['k'.repeat(maxKeyLength)]: 1 }))],
    ['`constructor` and `prototype` keys', orderWith('{"constructor":{"prototype":{"x":1}}}')],
  ])('accepts %s (at the limit)', async (_case, body) => {
    const { post, published } = setUp();

    expect((await post(body)).statusCode).toBe(202);
    expect(published()).toHaveLength(1);
  });
});

describe('accepted attributes', () => {
  const body = '{"items":[{"sku":"SKU-1","qty":2,"attributes":{"price":3.5,"currency":"EUR"}}],' +
    '"attributes":{"shipTo":{"zip":"69001","city":"Lyon"},"big":1e300,"#key.with:odd|chars":true}}';

  test('are published on the event (schema 1.1, keys sorted) and stored on the ACCEPTED record as JSON text', async () => {
    const { post, published, table } = setUp();

    expect((await post(body)).statusCode).toBe(202);

    const [detail] = published();
    expect(detail.schemaVersion).toBe('1.1');
    expect(JSON.stringify(detail.attributes)).toBe('{"#key.with:odd|chars":true,"big":1e+300,"shipTo":{"city":"Lyon","zip":"69001"}}');
    expect(JSON.stringify(detail.items)).toBe('[{"sku":"SKU-1","qty":2,"attributes":{"currency":"EUR","price":3.5}}]');
    const [item] = [...table.orderItems.values()];
    expect(item.attributes).toEqual({ S: JSON.stringify(detail.attributes) });
    expect(item.items.L![0].M!.attributes).toEqual({ S: JSON.stringify(detail.items[0].attributes) });
    expect(fromOrderItem(item)).toMatchObject({ status: 'ACCEPTED', attributes: detail.attributes, items: detail.items });
    // And the worker reads the event it was published as.
    expect(parseOrderCreatedRecord(envelope(detail))).toEqual(detail);
  });

  test('key order is not significant: the same body reordered with the same Idempotency-Key is a replay', async () => {
    const { post, published } = setUp();
    const headers = { 'Idempotency-Key': 'k-1' };
    const reordered = '{"attributes":{"#key.with:odd|chars":true,"shipTo":{"city":"Lyon","zip":"69001"},"big":1e300},' +
      '"items":[{"attributes":{"currency":"EUR","price":3.5},"qty":2,"sku":"SKU-1"}]}';

    const first = await post(body, headers);
    const replay = await post(reordered, headers);

    expect(replay.statusCode).toBe(202);
    expect(replay.headers?.['Idempotent-Replayed']).toBe('true');
    expect(json(replay)).toEqual(json(first));
    expect(published()).toHaveLength(1);
  });

  test('key order is not significant for the ids either: after the window, the reordered body gets the same eventId', async () => {
    const { post, published, table } = setUp();
    const headers = { 'Idempotency-Key': 'k-2' };
    const first = json(await post(orderWith('{"b":1,"a":{"y":2,"x":1}}'), headers));
    table.items.clear(); // the window passed (the order records stay)

    const again = json(await post(orderWith('{"a":{"x":1,"y":2},"b":1}'), headers));

    expect(again).toEqual(first);
    expect(published().map((detail) => detail.eventId)).toEqual([first.eventId, first.eventId]);
  });

  test('a different attribute value with the same Idempotency-Key is a 422', async () => {
    const { post, published } = setUp();
    const headers = { 'Idempotency-Key': 'k-3' };
    await post(orderWith('{"price":3}', '{"gift":true}'), headers);

    expect((await post(orderWith('{"price":4}', '{"gift":true}'), headers)).statusCode).toBe(422);
    expect((await post(orderWith('{"price":3}', '{"gift":false}'), headers)).statusCode).toBe(422);
    expect((await post(orderWith('{"price":3}'), headers)).statusCode).toBe(422);
    expect(published()).toHaveLength(1);
  });
});

/** An own `__proto__` key anywhere, as JSON.parse makes it (the last of duplicate keys wins). */
function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.keys(value).some((key) => key === '__proto__' || hasProtoKey((value as Record<string, unknown>)[key]));
}

test('property: no attributes, whatever their keys (`__proto__`, `constructor`, `prototype` at any depth), pollute a prototype; accepted ones are published and stored as sent', async () => {
  const { api, post, published, table } = setUp();
  await fc.assert(fc.asyncProperty(attributesText, attributesText, async (order, item) => {
    api.eventBridge.resetHistory();
    table.items.clear();
    table.orderItems.clear();
    const guard = guardPrototypes();
    try {
      const response = await post(orderWith(order, item));
      const [record] = [...table.orderItems.values()];
      const stored = record === undefined ? undefined : fromOrderItem(record);
      expect(guard.changes()).toEqual([]);
      expect([202, 400]).toContain(response.statusCode);
      if (hasProtoKey(JSON.parse(order)) || hasProtoKey(JSON.parse(item))) expect(response.statusCode).toBe(400);
      if (response.statusCode !== 202) return;
      const sorted = (text: string) => JSON.stringify(withSortedKeys(JSON.parse(text) as JsonValue));
      const [detail] = published();
      expect(JSON.stringify(detail.attributes)).toBe(sorted(order));
      expect(JSON.stringify(detail.items[0].attributes)).toBe(sorted(item));
      expect(JSON.stringify(stored?.attributes)).toBe(sorted(order));
    } finally {
      guard.restore();
    }
  }), propertyParameters(300));
}, propertyTimeout(300, 50));

describe('the worker\'s payload check across the upgrade that added attributes', () => {
  /** Powertools' hash before attributes: md5, base64, of [orderId, customerId, items] with keys sorted case-insensitively. */
  function oldPayloadHash(detail: OrderCreatedDetail): string {
    const sortKeys = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(sortKeys);
      if (typeof value !== 'object' || value === null) return value;
      const sortedKeys = Object.keys(value).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      return Object.fromEntries(sortedKeys.map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
    };
    const payload = sortKeys([detail.orderId, detail.customerId ?? null, detail.items]);
    return createHash('md5').update(JSON.stringify(payload)).digest('base64');
  }

  /** A 1.0 event completed by the worker before the upgrade: its COMPLETED record (with the result) carries the old hash. */
  async function completedBeforeTheUpgrade(detail: OrderCreatedDetail) {
    const harness = workerHarness();
    expect(await harness.deliver([sqsRecord(envelope(detail))])).toEqual([]);
    const [id, claim] = [...harness.table.items.entries()][0];
    expect(claim.validation.S).not.toBe(oldPayloadHash(detail)); // the hash now covers attributes too
    const result = { M: { orderId: { S: detail.orderId }, eventId: { S: detail.eventId }, processedAt: { S: detail.createdAt } } };
    harness.table.items.set(id, { ...claim, status: { S: 'COMPLETED' }, data: result, validation: { S: oldPayloadHash(detail) } });
    harness.processor.mockClear();
    return harness;
  }

  test.each([
    ['with a customerId', orderDetail({ schemaVersion: '1.0', items: [{ sku: 'SKU-1', qty: 2 }, { sku: 'SKU-2', qty: 1 }] })],
    ['without a customerId', orderDetail({ schemaVersion: '1.0', customerId: undefined })],
  ])('a 1.0 event (%s) completed under the old hash and redelivered after the upgrade is a duplicate', async (_case, detail) => {
    const { deliver, processor } = await completedBeforeTheUpgrade(detail);
    const redelivery = sqsRecord(envelope(detail));

    expect(await deliver([redelivery])).toEqual([]);

    expect(processor).not.toHaveBeenCalled();
    expect(logs.withMsg('duplicate')).toEqual([expect.objectContaining({ eventId: detail.eventId, messageId: redelivery.messageId })]);
  });

  test.each([
    ['order attributes', (detail: OrderCreatedDetail) => ({ ...detail, schemaVersion: '1.1', attributes: { price: 3 } })],
    ['item attributes', (detail: OrderCreatedDetail) => ({ ...detail, schemaVersion: '1.1', items: [{ ...detail.items[0], attributes: { gift: true } }] })],
    ['another qty', (detail: OrderCreatedDetail) => ({ ...detail, items: [{ ...detail.items[0], qty: 9 }] })],
  ])('the same eventId with %s is an EventIdConflictError (DLQ path), never processed', async (_case, change) => {
    const detail = orderDetail({ schemaVersion: '1.0' });
    const { deliver, processor } = await completedBeforeTheUpgrade(detail);
    const conflicting = sqsRecord(envelope(change(detail)));

    expect(await deliver([conflicting])).toEqual([conflicting.messageId]);

    expect(processor).not.toHaveBeenCalled();
    expect(logs.withMsg('processing_failed')).toEqual([expect.objectContaining({
      eventId: detail.eventId, error: expect.objectContaining({ name: 'EventIdConflictError' }),
    })]);
  });
});
