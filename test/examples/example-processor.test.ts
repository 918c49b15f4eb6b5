/**
 * The example app's three steps (examples/app/processor/) on moto's DynamoDB:
 *
 * - validation (validation.ts): unknown skus, too many skus and a malformed card are refused,
 *   a sku stocked only in the table is known, and nothing is written;
 * - payment (payment.ts, payment-gateway.ts): the fake gateway declines cards ending in 0002,
 *   authorizes once per eventId, and its compensation voids the authorization exactly once;
 * - stock (inventory.ts): stock is reserved once per eventId however often the event is
 *   delivered, an unknown or out-of-stock sku rejects the order (PermanentOrderError, with a
 *   reason a person can read), and the lazily written catalogue stock never overwrites a restock.
 *
 * The functions are called directly, without the worker's own once-per-eventId guard, as a
 * redelivery after a crash between the side effect and the step's recorded status would call them.
 */
import { type AttributeValue, CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CATALOGUE } from '../../examples/app/processor/catalogue';
import { MAX_SKUS_PER_ORDER, reserveStock } from '../../examples/app/processor/inventory';
import { authorizePayment, CARD_ON_FILE, voidAuthorization } from '../../examples/app/processor/payment';
import { declines, FakePaymentGateway } from '../../examples/app/processor/payment-gateway';
import { validateOrder } from '../../examples/app/processor/validation';
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

/** A fresh table of the fake payment gateway, keyed like the example's (lib/payment-gateway.ts). */
async function newGateway(): Promise<{ gateway: FakePaymentGateway; table: string }> {
  const table = `payment-gateway-${++tableCount}`;
  await dynamodb.send(new CreateTableCommand({
    TableName: table,
    AttributeDefinitions: [{ AttributeName: 'authorizationId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'authorizationId', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  return { gateway: new FakePaymentGateway(dynamodb, table), table };
}

async function rowsOf(table: string): Promise<Array<Record<string, AttributeValue>>> {
  return (await dynamodb.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
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

describe('validation (step main)', () => {
  const valid = (items: Array<{ sku: string; qty: number }>, attributes?: Record<string, string | number>) => ({ items, attributes });

  test('catalogue skus and a sku stocked only in the table are valid; nothing is written', async () => {
    const table = await newTable();
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { sku: { S: 'SKU-NEW' }, available: { N: '2' } } }));
    expect(await validateOrder(dynamodb, table, valid([{ sku: 'SKU-1', qty: 1 }, { sku: 'SKU-NEW', qty: 1 }, { sku: 'FAIL-ME', qty: 1 }])))
      .toEqual({ valid: true });
    expect(await validateOrder(dynamodb, table, valid([{ sku: 'SKU-2', qty: 1 }], { cardNumber: '4000000000000002' }))).toEqual({ valid: true });
    expect((await rowsOf(table)).map((row) => row.sku.S)).toEqual(['SKU-NEW']);
  });

  test('an unknown sku, a reservation row as a sku, too many skus and a malformed card are refused', async () => {
    const table = await newTable();
    await reserveStock(dynamodb, table, order('evt-1', [{ sku: 'SKU-1', qty: 1 }]));
    expect(await rejection(validateOrder(dynamodb, table, valid([{ sku: 'SKU-1', qty: 1 }, { sku: 'NO-SUCH-SKU', qty: 1 }]))))
      .toBe('unknown sku NO-SUCH-SKU');
    expect(await rejection(validateOrder(dynamodb, table, valid([{ sku: 'reservation#evt-1#SKU-1', qty: 1 }]))))
      .toBe('unknown sku reservation#evt-1#SKU-1');
    const wide = Array.from({ length: MAX_SKUS_PER_ORDER + 1 }, (_unused, index) => ({ sku: `SKU-${index}`, qty: 1 }));
    expect(await rejection(validateOrder(dynamodb, table, valid(wide))))
      .toBe(`too many skus: ${MAX_SKUS_PER_ORDER + 1} in one order, at most ${MAX_SKUS_PER_ORDER}`);
    for (const cardNumber of ['4242', '4242 4242 4242 4242', 4242424242424242, '42424242424242424242']) {
      expect(await rejection(validateOrder(dynamodb, table, valid([{ sku: 'SKU-1', qty: 1 }], { cardNumber }))))
        .toBe('invalid cardNumber: 12 to 19 digits expected');
    }
  });
});

describe('payment (stage payment and its compensation) at the fake gateway', () => {
  const paying = (eventId: string, cardNumber?: string) => ({
    eventId, orderId: `order-${eventId}`, ...(cardNumber !== undefined ? { attributes: { cardNumber } } : {}),
  });

  test('the gateway declines exactly the card numbers ending in 0002', () => {
    expect(declines('4000000000000002')).toBe(true);
    expect(declines('5555555555550002')).toBe(true);
    expect(declines(CARD_ON_FILE)).toBe(false);
    expect(declines('4000000000000020')).toBe(false);
    expect(declines('4000000000000012')).toBe(false);
  });

  test('a declined card refuses the order and leaves no authorization', async () => {
    const { gateway, table } = await newGateway();
    expect(await rejection(authorizePayment(gateway, paying('evt-declined', '4000000000000002')))).toBe('card declined');
    expect(await rowsOf(table)).toEqual([]);
  });

  test('one authorization per eventId, however often it runs; the card on file when the order names none', async () => {
    const { gateway, table } = await newGateway();
    const first = await authorizePayment(gateway, paying('evt-pay'));
    expect(first).toEqual({ authorizationId: 'auth-evt-pay' });
    expect(await authorizePayment(gateway, paying('evt-pay'))).toEqual(first);
    expect(await authorizePayment(gateway, paying('evt-pay'))).toEqual(first);
    await authorizePayment(gateway, paying('evt-card', '5555555555554444'));
    const rows = (await rowsOf(table)).sort((a, b) => a.authorizationId.S!.localeCompare(b.authorizationId.S!));
    expect(rows.map((row) => [row.authorizationId.S, row.orderId.S, row.cardLast4.S, row.status.S])).toEqual([
      ['auth-evt-card', 'order-evt-card', '4444', 'AUTHORIZED'],
      ['auth-evt-pay', 'order-evt-pay', '4242', 'AUTHORIZED'],
    ]);
  });

  test('the compensation voids the authorization exactly once, however often it runs', async () => {
    const { gateway, table } = await newGateway();
    const authorization = await authorizePayment(gateway, paying('evt-void'));
    const context = {
      step: 'payment',
      results: { main: { valid: true }, payment: authorization },
      compensation: { rejectedStep: 'stock', reason: 'out of stock: SKU-2 (ordered 10000, 500 available)' },
    };
    expect(await voidAuthorization(gateway, context)).toEqual({ authorizationId: 'auth-evt-void', voidedNow: true });
    const [voided] = await rowsOf(table);
    expect(await voidAuthorization(gateway, context)).toEqual({ authorizationId: 'auth-evt-void', voidedNow: false });
    expect(await voidAuthorization(gateway, context)).toEqual({ authorizationId: 'auth-evt-void', voidedNow: false });
    const rows = await rowsOf(table);
    expect(rows).toEqual([voided]);
    expect(rows[0]).toMatchObject({
      status: { S: 'VOIDED' }, voids: { N: '1' }, voidReason: { S: 'stock: out of stock: SKU-2 (ordered 10000, 500 available)' },
    });
  });

  test('a void with nothing to void fails (to be retried, then kept in the DLQ), never succeeds silently', async () => {
    const { gateway, table } = await newGateway();
    const unknown = voidAuthorization(gateway, { step: 'payment', results: { payment: { authorizationId: 'auth-never' } } });
    await expect(unknown).rejects.toThrow('the gateway has no authorization auth-never to void');
    await expect(unknown.catch((error) => isPermanentOrderError(error))).resolves.toBe(false);
    await expect(voidAuthorization(gateway, { step: 'payment', results: { main: { valid: true } } }))
      .rejects.toThrow('no authorizationId in the result of step payment');
    expect(await rowsOf(table)).toEqual([]);
  });
});
