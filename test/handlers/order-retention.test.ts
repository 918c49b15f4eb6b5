/**
 * `orderRetention`: every write of an order record (the API's ACCEPTED, the worker's outcomes)
 * stamps the TTL attribute `expiration` at the write time plus the retention; without the
 * setting no record carries it, so DynamoDB never deletes an order.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaContext, postJson } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { loadApiHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { toItem } from '../../lambda/shared/attribute-values';
import { orderRetentionSeconds } from '../../lambda/shared/order-retention';
import { acceptedRecord, OrderStateStore } from '../../lambda/shared/order-state';
import { ORDER_RETENTION_ENV } from '../../src/orders/order-retention';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const DAY = 86_400;
const ORDER = { customerId: 'cust-1', items: [{ sku: 'SKU-1', qty: 2 }] };
const FACTS = { orderId: 'o-1', eventId: 'e-1', createdAt: '2026-01-01T00:00:00.000Z', items: [{ sku: 'SKU-1', qty: 1 }] };

async function acceptedOrders(env: Record<string, string | undefined>) {
  const api = loadApiHandler(env);
  api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  const table = new FakeIdempotencyTable(api);
  const before = Math.floor(Date.now() / 1000);
  const result = await api.handler(postJson(ORDER, { 'Idempotency-Key': 'k-1' }), lambdaContext());
  expect(result.statusCode).toBe(202);
  return { orders: table.orders(), before, after: Math.floor(Date.now() / 1000) };
}

test('the API stamps expiration = now + retention on the ACCEPTED record', async () => {
  const { orders, before, after } = await acceptedOrders({ [ORDER_RETENTION_ENV]: String(30 * DAY) });
  expect(orders).toHaveLength(1);
  expect(orders[0].expiration).toBeGreaterThanOrEqual(before + 30 * DAY);
  expect(orders[0].expiration).toBeLessThanOrEqual(after + 30 * DAY);
});

test('without the setting the API writes no expiration: the order is kept', async () => {
  const { orders } = await acceptedOrders({ [ORDER_RETENTION_ENV]: undefined });
  expect(orders).toHaveLength(1);
  expect(orders[0]).not.toHaveProperty('expiration');
});

describe('the worker\'s writes (OrderStateStore.apply)', () => {
  const dynamoDb = mockClient(DynamoDBClient);
  beforeEach(() => dynamoDb.reset());

  test('a new outcome is stamped from its own write time, not the ACCEPTED one (expires after the last change)', async () => {
    const accepted = { ...acceptedRecord(FACTS, FACTS.createdAt), expiration: 1 };
    dynamoDb.on(GetItemCommand).resolves({ Item: toItem(accepted) });
    dynamoDb.on(PutItemCommand).resolves({});
    const store = new OrderStateStore('orders', new DynamoDBClient({}), 7 * DAY);
    const before = Math.floor(Date.now() / 1000);
    await store.apply(FACTS, { kind: 'processed', at: '2026-01-01T00:00:01.000Z', attempts: 1 });
    const item = dynamoDb.commandCalls(PutItemCommand)[0].args[0].input.Item!;
    expect(item.status).toEqual({ S: 'PROCESSED' });
    expect(Number(item.expiration.N)).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(Number(item.expiration.N)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 7 * DAY);
  });

  test('without a retention nothing is stamped', async () => {
    dynamoDb.on(GetItemCommand).resolves({});
    dynamoDb.on(PutItemCommand).resolves({});
    await new OrderStateStore('orders', new DynamoDBClient({}), undefined)
      .apply(FACTS, { kind: 'failed', at: FACTS.createdAt, attempts: 3, error: 'boom', final: true });
    expect(dynamoDb.commandCalls(PutItemCommand)[0].args[0].input.Item).not.toHaveProperty('expiration');
  });
});

test.each([['0'], ['-5'], ['1.5'], ['a week']])('a malformed %s fails the init instead of keeping or dropping orders unnoticed', (value) => {
  expect(() => orderRetentionSeconds({ [ORDER_RETENTION_ENV]: value })).toThrow(/ORDER_RETENTION_SECONDS must be a positive whole number of seconds/);
});

test('unset or blank means kept', () => {
  expect(orderRetentionSeconds({})).toBeUndefined();
  expect(orderRetentionSeconds({ [ORDER_RETENTION_ENV]: ' ' })).toBeUndefined();
});
