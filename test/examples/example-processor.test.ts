/**
 * The example app's processor (examples/app/processor/inventory.ts) on moto's DynamoDB: stock is
 * reserved once per eventId however often the event is delivered, an unknown or out-of-stock sku
 * rejects the order (PermanentOrderError, with a reason a person can read), and the lazily
 * written catalogue stock never overwrites a restock. The processor function is called directly,
 * without the worker's own once-per-eventId guard, as a redelivery after a crash between the
 * transaction and the order's PROCESSED status would call it.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CATALOGUE } from '../../examples/app/processor/catalogue';
import { MAX_SKUS_PER_ORDER, reserveStock } from '../../examples/app/processor/inventory';
import { isPermanentOrderError } from '../../lambda/worker/permanent-order-error';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';
import { Emulator, startEmulator } from '../../scripts/local/emulator/moto-server';

let emulator: Emulator;
let dynamodb: DynamoDBClient;
let tableCount = 0;

beforeAll(async () => {
  emulator = await startEmulator();
  dynamodb = new DynamoDBClient(emulatorClientConfig(emulator.endpoint));
}, 60_000);

afterAll(async () => {
  dynamodb?.destroy();
  await emulator?.stop();
});

/** A fresh inventory table, keyed like the example's (lib/inventory.ts). */
async function newTable(): Promise<string> {
  const name = `inventory-${++tableCount}`;
  await dynamodb.send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  return name;
}

async function available(table: string, sku: string): Promise<number | undefined> {
  const row = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { sku: { S: sku } }, ConsistentRead: true }));
  return row.Item === undefined ? undefined : Number(row.Item.available.N);
}

/** The reason of the PermanentOrderError the call throws; fails the test if it resolves or throws anything else. */
async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeDefined();
  expect(isPermanentOrderError(error)).toBe(true);
  return (error as Error).message;
}

const order = (eventId: string, items: Array<{ sku: string; qty: number }>) => ({ eventId, items });

test('a redelivered event reserves nothing twice and answers with the same reservation', async () => {
  const table = await newTable();
  const delivery = order('evt-1', [{ sku: 'SKU-1', qty: 3 }, { sku: 'SKU-2', qty: 2 }]);

  const first = await reserveStock(dynamodb, table, delivery);
  const second = await reserveStock(dynamodb, table, delivery);
  const third = await reserveStock(dynamodb, table, delivery);

  expect(first).toEqual({ reservationId: 'res-evt-1', reserved: [{ sku: 'SKU-1', qty: 3 }, { sku: 'SKU-2', qty: 2 }] });
  expect(second).toEqual(first);
  expect(third).toEqual(first);
  expect(await available(table, 'SKU-1')).toBe(CATALOGUE['SKU-1'] - 3);
  expect(await available(table, 'SKU-2')).toBe(CATALOGUE['SKU-2'] - 2);
  // One reservation row per line, written once.
  const rows = await dynamodb.send(new ScanCommand({ TableName: table }));
  expect(rows.Items!.map((item) => item.sku.S).filter((sku) => sku!.startsWith('reservation#')).sort())
    .toEqual(['reservation#evt-1#SKU-1', 'reservation#evt-1#SKU-2']);
});

test('another event for the same skus reserves again', async () => {
  const table = await newTable();
  await reserveStock(dynamodb, table, order('evt-a', [{ sku: 'SKU-1', qty: 1 }]));
  await reserveStock(dynamodb, table, order('evt-b', [{ sku: 'SKU-1', qty: 1 }]));
  expect(await available(table, 'SKU-1')).toBe(CATALOGUE['SKU-1'] - 2);
});

test('a sku named twice in one order is one line with the summed quantity', async () => {
  const table = await newTable();
  const reservation = await reserveStock(dynamodb, table, order('evt-twice', [{ sku: 'SKU-2', qty: 1 }, { sku: 'SKU-2', qty: 4 }]));
  expect(reservation.reserved).toEqual([{ sku: 'SKU-2', qty: 5 }]);
  expect(await available(table, 'SKU-2')).toBe(CATALOGUE['SKU-2'] - 5);
});

test('an unknown sku rejects the whole order: nothing is reserved', async () => {
  const table = await newTable();
  expect(await rejection(reserveStock(dynamodb, table, order('evt-unknown', [{ sku: 'SKU-1', qty: 1 }, { sku: 'NO-SUCH-SKU', qty: 1 }]))))
    .toBe('unknown sku NO-SUCH-SKU');
  expect(await available(table, 'SKU-1')).toBe(CATALOGUE['SKU-1']);
  expect(await available(table, 'NO-SUCH-SKU')).toBeUndefined();
  // A sku shaped like a reservation row is no sku.
  expect(await rejection(reserveStock(dynamodb, table, order('evt-shaped', [{ sku: 'reservation#evt-1#SKU-1', qty: 1 }]))))
    .toBe('unknown sku reservation#evt-1#SKU-1');
});

test('more than is available rejects the order and says how much is left', async () => {
  const table = await newTable();
  await reserveStock(dynamodb, table, order('evt-most', [{ sku: 'SKU-2', qty: CATALOGUE['SKU-2'] - 1 }]));
  expect(await rejection(reserveStock(dynamodb, table, order('evt-short', [{ sku: 'SKU-2', qty: 2 }]))))
    .toBe('out of stock: SKU-2 (ordered 2, 1 available)');
  expect(await available(table, 'SKU-2')).toBe(1);
  // The last one can still be had.
  await reserveStock(dynamodb, table, order('evt-last', [{ sku: 'SKU-2', qty: 1 }]));
  expect(await available(table, 'SKU-2')).toBe(0);
});

test('a sku stocked in the table is known, and the catalogue never overwrites a restock', async () => {
  const table = await newTable();
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { sku: { S: 'SKU-NEW' }, available: { N: '2' } } }));
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { sku: { S: 'SKU-1' }, available: { N: '7' } } }));
  await reserveStock(dynamodb, table, order('evt-restocked', [{ sku: 'SKU-NEW', qty: 2 }, { sku: 'SKU-1', qty: 1 }]));
  expect(await available(table, 'SKU-NEW')).toBe(0);
  expect(await available(table, 'SKU-1')).toBe(6);
});

test('an order with more distinct skus than one transaction holds is rejected before any write', async () => {
  const table = await newTable();
  const items = Array.from({ length: MAX_SKUS_PER_ORDER + 1 }, (_unused, index) => ({ sku: `SKU-${index}`, qty: 1 }));
  expect(await rejection(reserveStock(dynamodb, table, order('evt-wide', items)))).toBe(`too many skus: ${MAX_SKUS_PER_ORDER + 1} in one order, at most ${MAX_SKUS_PER_ORDER}`);
  expect((await dynamodb.send(new ScanCommand({ TableName: table }))).Count).toBe(0);
});
