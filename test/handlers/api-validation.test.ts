/**
 * Every bad request is a 400 that names the bad field, and nothing is published.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { apiEvent, lambdaContext, postJson } from './support/events';
import { LoadedApi, loadApiHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { FieldError, ORDER_LIMITS } from '../../lambda/shared/order-contract';

const item = { sku: 'SKU-1', qty: 1 };
const withItem = (overrides: Record<string, unknown>) => postJson({ items: [{ ...item, ...overrides }] });
const withoutKey = (key: 'sku' | 'qty') => {
  const { [key]: _omitted, ...rest } = item;
  return postJson({ items: [rest] });
};
const base64 = (text: string) => apiEvent({ body: Buffer.from(text, 'utf8').toString('base64'), isBase64Encoded: true });
/** Valid JSON, one byte over the limit. */
const oversized = () => {
  const json = JSON.stringify({ items: [item] });
  return apiEvent({ body: json + ' '.repeat(ORDER_LIMITS.maxBodyBytes - json.length + 1) });
};
/** Fewer characters than the limit but more bytes (a 3-byte character): the limit is on bytes. */
const oversizedInBytes = () => apiEvent({ body: JSON.stringify({ items: [item], note: '€'.repeat(22_000) }) });

const cases: Array<[string, string, () => APIGatewayProxyEvent]> = [
  ['missing body', '(root)', () => apiEvent({ body: null })],
  ['empty string body', '(root)', () => apiEvent({ body: '' })],
  ['whitespace-only body', '(root)', () => apiEvent({ body: '  \n ' })],
  ['malformed JSON', '(root)', () => apiEvent({ body: '{"items": [' })],
  ['array body', '(root)', () => apiEvent({ body: '[{"sku":"SKU-1","qty":1}]' })],
  ['null body', '(root)', () => apiEvent({ body: 'null' })],
  ['string JSON body', '(root)', () => apiEvent({ body: '"an order"' })],
  ['number JSON body', '(root)', () => apiEvent({ body: '42' })],
  ['body over 64 KiB', '(root)', oversized],
  ['body over 64 KiB in bytes but not in characters', '(root)', oversizedInBytes],
  ['base64-encoded body with empty items', 'items', () => base64('{"items":[]}')],
  ['base64-encoded body that is not UTF-8', '(root)', () => apiEvent({ body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'), isBase64Encoded: true })],
  ['items missing', 'items', () => postJson({ customerId: 'c-1' })],
  ['items not an array', 'items', () => postJson({ items: 'SKU-1' })],
  ['items an object', 'items', () => postJson({ items: { sku: 'SKU-1', qty: 1 } })],
  ['items empty', 'items', () => postJson({ items: [] })],
  ['101 items', 'items', () => postJson({ items: Array.from({ length: ORDER_LIMITS.maxItems + 1 }, () => item) })],
  ['item not an object', 'items[0]', () => postJson({ items: [1] })],
  ['item null', 'items[1]', () => postJson({ items: [item, null] })],
  ['item an array', 'items[0]', () => postJson({ items: [['SKU-1', 1]] })],
  ['sku missing', 'items[0].sku', () => withoutKey('sku')],
  ['sku empty', 'items[0].sku', () => withItem({ sku: '' })],
  ['sku whitespace only', 'items[0].sku', () => withItem({ sku: ' \t ' })],
  ['sku 65 characters', 'items[0].sku', () => withItem({ sku: 'S'.repeat(ORDER_LIMITS.maxSkuLength + 1) })],
  ['sku a number', 'items[0].sku', () => withItem({ sku: 12345 })],
  ['sku null', 'items[0].sku', () => withItem({ sku: null })],
  ['qty missing', 'items[0].qty', () => withoutKey('qty')],
  ['qty 0', 'items[0].qty', () => withItem({ qty: 0 })],
  ['qty negative', 'items[0].qty', () => withItem({ qty: -3 })],
  ['qty 1.5', 'items[0].qty', () => withItem({ qty: 1.5 })],
  ['qty "2" (a string)', 'items[0].qty', () => withItem({ qty: '2' })],
  ['qty 10001', 'items[0].qty', () => withItem({ qty: ORDER_LIMITS.maxQty + 1 })],
  ['qty null', 'items[0].qty', () => withItem({ qty: null })],
  ['qty "NaN"', 'items[0].qty', () => withItem({ qty: 'NaN' })],
  ['qty 1e400 (Infinity once parsed)', 'items[0].qty', () => apiEvent({ body: '{"items":[{"sku":"SKU-1","qty":1e400}]}' })],
  ['qty bad in the third item', 'items[2].qty', () => postJson({ items: [item, item, { sku: 'SKU-3', qty: 0 }] })],
  ['customerId empty', 'customerId', () => postJson({ items: [item], customerId: '' })],
  ['customerId 129 characters', 'customerId', () => postJson({ items: [item], customerId: 'c'.repeat(ORDER_LIMITS.maxIdLength + 1) })],
  ['customerId a number', 'customerId', () => postJson({ items: [item], customerId: 42 })],
  ['orderId empty', 'orderId', () => postJson({ items: [item], orderId: '' })],
  ['orderId whitespace only', 'orderId', () => postJson({ items: [item], orderId: '   ' })],
  ['orderId 129 characters', 'orderId', () => postJson({ items: [item], orderId: 'o'.repeat(ORDER_LIMITS.maxIdLength + 1) })],
  ['orderId null', 'orderId', () => postJson({ items: [item], orderId: null })],
  ['unknown top-level field', 'priority', () => postJson({ items: [item], priority: 'high' })],
  ['unknown item field', 'items[0].price', () => postJson({ items: [{ ...item, price: 9.99 }] })],
  ['unknown field with an odd name', '["a.b"]', () => postJson({ 'items': [item], 'a.b': 1 })],
];

let api: LoadedApi;
let logs: LogCapture;

beforeAll(() => {
  api = loadApiHandler();
});

beforeEach(() => {
  api.eventBridge.reset();
  logs = captureLogs();
});

afterEach(() => logs.restore());

interface BadRequestBody {
  message: string;
  errors: FieldError[];
}

async function invoke(event: APIGatewayProxyEvent) {
  const result = await api.handler(event, lambdaContext());
  return { ...result, json: JSON.parse(result.body) as BadRequestBody };
}

test(`at least 25 distinct bad requests are covered (${cases.length})`, () => {
  expect(cases.length).toBeGreaterThanOrEqual(25);
  expect(new Set(cases.map(([name]) => name)).size).toBe(cases.length);
});

test.each(cases)('%s -> 400 naming %s', async (_name, expectedPath, makeEvent) => {
  const result = await invoke(makeEvent());

  expect(result.statusCode).toBe(400);
  expect(result.headers?.['Content-Type']).toBe('application/json');
  expect(result.json.message).toBe('Invalid order');
  expect(result.json.errors.map((error) => error.path)).toContain(expectedPath);
  for (const error of result.json.errors) {
    expect(error).toEqual({ path: expect.any(String), message: expect.stringMatching(/\S/) });
  }
  expect(api.eventBridge.calls()).toHaveLength(0);

  const [line] = logs.withMsg('validation_failed');
  expect(line).toMatchObject({ level: 'INFO', message: 'validation_failed', outcome: 'rejected', errorPaths: expect.arrayContaining([expectedPath]) });
});

test.each([
  ['characters', oversized],
  ['bytes', oversizedInBytes],
])('the size limit is reported as such (over in %s)', async (_unit, makeEvent) => {
  const event = makeEvent();
  expect(event.body!.length).toBeLessThan(ORDER_LIMITS.maxBodyBytes + 2);

  const result = await invoke(event);

  expect(result.json.errors).toEqual([{ path: '(root)', message: `Request body must be at most ${ORDER_LIMITS.maxBodyBytes} bytes` }]);
});

test('every bad field is reported in one response', async () => {
  const result = await invoke(
    postJson({
      items: [{ sku: '', qty: 0, colour: 'red' }, 'not-an-item', { sku: 'SKU-3', qty: 1.5 }, { qty: 2 }],
      customerId: '',
      orderId: 5,
      foo: 1,
      bar: 2,
    }),
  );

  expect(result.statusCode).toBe(400);
  expect(result.json.errors.map((error) => error.path).sort()).toEqual(
    ['items[0].sku', 'items[0].qty', 'items[0].colour', 'items[1]', 'items[2].qty', 'items[3].sku', 'customerId', 'orderId', 'foo', 'bar'].sort(),
  );
  expect(api.eventBridge.calls()).toHaveLength(0);
});

test('a too-long item list still reports the bad items inside it', async () => {
  const items = Array.from({ length: ORDER_LIMITS.maxItems + 1 }, (_, index) => (index === 7 ? { sku: 'SKU', qty: -1 } : item));
  const result = await invoke(postJson({ items }));

  expect(result.json.errors.map((error) => error.path)).toEqual(expect.arrayContaining(['items', 'items[7].qty']));
});

test('messages say what is wrong in words', async () => {
  const result = await invoke(postJson({ items: [{ qty: '2' }, { sku: ' ', qty: 10_001 }], extra: true }));

  expect(result.json.errors).toEqual(
    expect.arrayContaining([
      { path: 'items[0].sku', message: 'is required' },
      { path: 'items[0].qty', message: 'must be a number' },
      { path: 'items[1].sku', message: 'must not be empty' },
      { path: 'items[1].qty', message: 'must be at most 10000' },
      { path: 'extra', message: 'is not an allowed field' },
    ]),
  );
});

test('a flood of unknown fields is capped in the response and the log line', async () => {
  const fields = Object.fromEntries(Array.from({ length: 600 }, (_, index) => [`k${index}`, 0]));
  const result = await invoke(postJson({ items: [item], ...fields }));

  expect(result.statusCode).toBe(400);
  expect(result.json.errors).toHaveLength(501);
  expect(result.json.errors[500]).toEqual({ path: '(root)', message: '100 more errors not shown' });
  const [line] = logs.withMsg('validation_failed');
  expect(line.errorCount).toBe(600);
  expect(line.errorPaths).toHaveLength(20);
});

test('the item count is checked first and always reported; only the first 100 items are validated', async () => {
  const small = { sku: 'A', qty: 1 };
  const items = Array.from({ length: 3_000 }, (_, index) => (index === 3 || index === 150 ? { sku: '', qty: 1 } : small));
  const event = postJson({ items });
  expect(Buffer.byteLength(event.body!)).toBeLessThanOrEqual(ORDER_LIMITS.maxBodyBytes);

  const started = performance.now();
  const result = await invoke(event);
  const elapsed = performance.now() - started;

  expect(result.statusCode).toBe(400);
  expect(result.json.errors).toEqual([
    { path: 'items', message: 'must contain at most 100 items' },
    { path: 'items[3].sku', message: 'must not be empty' },
  ]);
  expect(elapsed).toBeLessThan(500);
});

test.each([
  ['sku', 'items[0].sku', { items: [{ sku: 'A\ud800B', qty: 1 }] }],
  ['customerId', 'customerId', { customerId: '\udfffc', items: [item] }],
  ['orderId', 'orderId', { orderId: 'o\ud83d', items: [item] }],
])('a lone surrogate in %s is a 400 (not well-formed Unicode) and nothing is published', async (_field, path, order) => {
  const result = await invoke(apiEvent({ body: JSON.stringify(order) }));

  expect(result.statusCode).toBe(400);
  expect(result.json.errors).toEqual([{ path, message: 'must be well-formed Unicode (no unpaired surrogates)' }]);
  expect(api.eventBridge.calls()).toHaveLength(0);
});

test('a surrogate PAIR (an emoji) is well-formed and accepted', async () => {
  api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0 });
  const result = await invoke(postJson({ customerId: 'fan-😀', items: [{ sku: 'SKU-😀', qty: 1 }] }));

  expect(result.statusCode).toBe(202);
});

test('unknown key names are echoed cut to 40 characters, so a 400 never echoes more than a bounded slice of them', async () => {
  const long = 'x'.repeat(5_000);
  const result = await invoke(postJson({ items: [{ ...item, [long]: 1 }], [`${long}y`]: 1 }));

  expect(result.statusCode).toBe(400);
  expect(result.json.errors).toHaveLength(2);
  for (const error of result.json.errors) {
    expect(error.message).toBe('is not an allowed field');
    expect(error.path).toContain(`${'x'.repeat(40)}…`);
    expect(error.path).not.toContain('x'.repeat(41));
  }
  expect(result.body.length).toBeLessThan(300);
});
