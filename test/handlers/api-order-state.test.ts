/**
 * The API's ACCEPTED record: written after PutEvents succeeded (never for an order that was
 * not published), create-only (never over a later status), and best effort (the order is
 * out, so a failed write still answers 202).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { lambdaContext, postJson } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { loadApiHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const ORDER = { customerId: 'cust-1', items: [{ sku: 'SKU-1', qty: 2 }] };

function setUp() {
  const api = loadApiHandler();
  api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  const table = new FakeIdempotencyTable(api);
  const post = (order: unknown, headers: Record<string, string> = {}) => api.handler(postJson(order, headers), lambdaContext());
  return { api, table, post };
}

const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as { orderId: string; eventId: string };

test('an accepted order is recorded ACCEPTED with its facts, attempts 0 and a one-entry history', async () => {
  const { table, post } = setUp();
  const result = await post(ORDER, { 'Idempotency-Key': 'k-1' });
  const { orderId, eventId } = json(result);

  expect(result.statusCode).toBe(202);
  expect(table.orders()).toEqual([{
    id: `order#anonymous#${orderId}`,
    scope: 'anonymous',
    orderId,
    eventId,
    status: 'ACCEPTED',
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
    customerId: 'cust-1',
    items: [{ sku: 'SKU-1', qty: 2 }],
    attempts: 0,
    history: [{ status: 'ACCEPTED', at: expect.any(String) }],
    version: 1,
  }]);
});

test('an order that was not published gets no record', async () => {
  const { api, table, post } = setUp();
  api.eventBridge.on(api.PutEventsCommand).rejects(new Error('EventBridge down'));

  const result = await post(ORDER, { 'Idempotency-Key': 'k-2' });

  expect(result.statusCode).toBe(502);
  expect(table.orders()).toEqual([]);
});

test('the ACCEPTED write never overwrites a record the worker already wrote', async () => {
  const { table, post } = setUp();
  const first = json(await post({ ...ORDER, orderId: 'order-1' }));
  const [stored] = [...table.orderItems.values()];
  table.seed({ ...stored, status: { S: 'PROCESSED' } });

  // Another request naming the same orderId: a new event, but the record stays.
  await post({ ...ORDER, orderId: 'order-1' });

  expect(table.orders()).toEqual([expect.objectContaining({ orderId: 'order-1', eventId: first.eventId, status: 'PROCESSED' })]);
});

test('a failed ACCEPTED write still answers 202 (the order is published) and is logged', async () => {
  const { api, post } = setUp();
  api.dynamoDb.on(api.sdk.PutItemCommand).rejects(new Error('throttled'));

  const result = await post(ORDER);

  expect(result.statusCode).toBe(202);
  expect(logs.withMsg('order_state_write_failed')).toEqual([
    expect.objectContaining({ level: 'ERROR', orderId: json(result).orderId, status: 'ACCEPTED', errorMessage: 'throttled' }),
  ]);
});
