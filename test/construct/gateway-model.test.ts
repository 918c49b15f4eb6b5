/**
 * The API Gateway model of `validateAtGateway` against the handler's own validation. The model is
 * generated from the handler's zod schema; these tests prove the committed copy is current, that
 * the model never refuses an order the handler accepts, and that it refuses every body the handler
 * refuses for a reason JSON schema can state. A draft-04 validator (ajv-draft-04) stands in for
 * API Gateway's.
 */
import { readFileSync } from 'fs';
import Ajv from 'ajv-draft-04';
import * as fc from 'fast-check';
import { ORDER_LIMITS } from '../../lambda/shared/order-contract';
import { validateOrderRequest } from '../../lambda/shared/order-validation';
import { GENERATED_SCHEMA_FILE, renderOrderRequestSchemaModule } from '../../projenrc/order-request-schema';
import { ORDER_REQUEST_JSON_SCHEMA } from '../../src/api/order-request-schema.generated';
import { propertyParameters } from '../handlers/support/property-settings';
import { anyJsonText, orderText } from '../handlers/support/request-arbitraries';

const { maxItems, maxSkuLength, maxQty, maxIdLength } = ORDER_LIMITS;

/** The handler's `refine` rules: JSON schema cannot state them, so only the handler enforces them. */
const HANDLER_ONLY_MESSAGES = new Set(['must not be empty', 'must be well-formed Unicode (no unpaired surrogates)']);

const modelAccepts = new Ajv({ strict: true }).compile(ORDER_REQUEST_JSON_SCHEMA);
const handlerAccepts = (body: unknown) => validateOrderRequest(body).ok;
/** True when the handler refuses `body` for at least one reason the model can state too. */
const handlerRefusesExpressibly = (body: unknown) => {
  const result = validateOrderRequest(body);
  return !result.ok && result.errors.some((error) => !HANDLER_ONLY_MESSAGES.has(error.message));
};

const item = (sku = 'SKU-1', qty = 1) => ({ sku, qty });

test('the committed model is what the handler\'s zod schema generates (run `npx projen generate:order-request-schema`)', () => {
  expect(readFileSync(GENERATED_SCHEMA_FILE, 'utf8')).toBe(renderOrderRequestSchemaModule());
});

test('the model is JSON schema draft 4, API Gateway\'s dialect, and never says "integer"', () => {
  expect(ORDER_REQUEST_JSON_SCHEMA.$schema).toBe('http://json-schema.org/draft-04/schema#');
  // Draft 4's integer excludes `1.0` and `1e3` as written, which the handler accepts.
  expect(JSON.stringify(ORDER_REQUEST_JSON_SCHEMA)).not.toContain('"integer"');
  expect(JSON.stringify(ORDER_REQUEST_JSON_SCHEMA)).toContain('"multipleOf":1');
});

describe.each([
  ['an empty order', { items: [item()] }],
  ['every field at its limit', {
    items: Array.from({ length: maxItems }, (_, i) => item(`${i}`.padStart(maxSkuLength, 'S'), maxQty)),
    customerId: 'c'.repeat(maxIdLength),
    orderId: 'o'.repeat(maxIdLength),
  }],
  ['the smallest quantity', { items: [item('S', 1)] }],
  ['a quantity written 1.0 or 1e2 (JSON.parse gives 1 and 100)', { items: [item('A', JSON.parse('1.0')), item('B', JSON.parse('1e2'))] }],
  ['64 emoji (code points, not UTF-16 units, are counted)', { items: [item('😀'.repeat(maxSkuLength))] }],
  ['dangerous names as values', { items: [item('__proto__'), item('constructor')], orderId: 'toString' }],
  ['attributes on the order and its items', {
    items: [{ ...item(), attributes: { price: 3.5, currency: 'EUR', tags: ['gift'] } }, item('B')],
    attributes: { shipTo: { lines: ['1 rue X'], city: 'Lyon' }, priority: null, constructor: { prototype: 1 } },
  }],
])('a valid order: %s', (_name, body) => {
  test('the handler and the model both accept it', () => {
    expect(handlerAccepts(body)).toBe(true);
    expect(modelAccepts(body)).toBe(true);
  });
});

describe.each([
  ['null', null],
  ['an array', [item()]],
  ['a string', 'order'],
  ['no items', {}],
  ['items not an array', { items: 'SKU-1' }],
  ['no item', { items: [] }],
  ['one item too many', { items: Array.from({ length: maxItems + 1 }, () => item()) }],
  ['an item that is not an object', { items: ['SKU-1'] }],
  ['an item without sku', { items: [{ qty: 1 }] }],
  ['an item without qty', { items: [{ sku: 'SKU-1' }] }],
  ['a numeric sku', { items: [item(1 as unknown as string)] }],
  ['a sku one character too long', { items: [item('S'.repeat(maxSkuLength + 1))] }],
  ['65 emoji', { items: [item('😀'.repeat(maxSkuLength + 1))] }],
  ['qty 0', { items: [item('S', 0)] }],
  ['qty one over the limit', { items: [item('S', maxQty + 1)] }],
  ['a fractional qty', { items: [item('S', 1.5)] }],
  ['qty as a string', { items: [item('S', '1' as unknown as number)] }],
  ['an unknown item field', { items: [{ ...item(), price: 3 }] }],
  ['an unknown order field', { items: [item()], total: 3 }],
  ['a `__proto__` key, as JSON.parse gives it', JSON.parse('{"items":[{"sku":"S","qty":1}],"__proto__":{"polluted":true}}')],
  ['a null customerId', { items: [item()], customerId: null }],
  ['an orderId one character too long', { items: [item()], orderId: 'o'.repeat(maxIdLength + 1) }],
])('an invalid order: %s', (_name, body) => {
  test('the handler and the model both refuse it', () => {
    expect(handlerAccepts(body)).toBe(false);
    expect(modelAccepts(body)).toBe(false);
  });
});

describe.each([
  ['an empty sku', { items: [item('')] }],
  ['a blank orderId', { items: [item()], orderId: '   ' }],
  ['an unpaired surrogate', { items: [item('a\ud800b')] }],
])('refused by the handler only (JSON schema cannot state the rule): %s', (_name, body) => {
  test('the model lets it through, the handler refuses it', () => {
    expect(modelAccepts(body)).toBe(true);
    expect(handlerAccepts(body)).toBe(false);
  });
});

/** Order-shaped bodies (about half valid, the rest wrong in a few places) and any JSON. */
const anyParsedBody = fc.oneof({ weight: 4, arbitrary: orderText }, { weight: 1, arbitrary: anyJsonText })
  .map((text) => JSON.parse(text) as unknown);

test('property: the model never refuses a body the handler accepts', () => {
  fc.assert(fc.property(anyParsedBody, (body) => {
    if (handlerAccepts(body)) expect(modelAccepts(body)).toBe(true);
  }), propertyParameters(1000));
});

test('property: the model refuses every body the handler refuses for a reason JSON schema can state', () => {
  fc.assert(fc.property(anyParsedBody, (body) => {
    if (handlerRefusesExpressibly(body)) expect(modelAccepts(body)).toBe(false);
  }), propertyParameters(1000));
});
