/**
 * The API bundle's stand-in for the JMESPath engine (lambda/api/field-path-search.ts) must give
 * the engine's answer for every expression the API uses, on any input, and refuse the rest.
 */
import * as path from 'path';
import * as fc from 'fast-check';
import { IDEMPOTENCY_KEY_PATH, PAYLOAD_VALIDATION_PATH } from '../../lambda/api/create-order';
import { search } from '../../lambda/api/field-path-search';

// The engine as Powertools idempotency resolves it (npm keeps it under idempotency's own node_modules).
const idempotencyDir = path.dirname(require.resolve('@aws-lambda-powertools/idempotency'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { search: jmespath } = require(require.resolve('@aws-lambda-powertools/jmespath', { paths: [idempotencyDir] })) as {
  search: (expression: string, data: unknown) => unknown;
};

const FIELD_PATHS = [IDEMPOTENCY_KEY_PATH, PAYLOAD_VALIDATION_PATH, 'request.items', 'a.b.c'];

test.each(FIELD_PATHS)('gives the JMESPath engine\'s answer for %s on any JSON input', (fieldPath) => {
  fc.assert(fc.property(fc.oneof(
    fc.jsonValue(),
    fc.record({ key: fc.jsonValue(), request: fc.jsonValue() }),
    fc.record({ request: fc.record({ items: fc.jsonValue() }), a: fc.record({ b: fc.record({ c: fc.jsonValue() }) }) }),
  ), (data) => {
    expect(search(fieldPath, data)).toEqual(jmespath(fieldPath, data));
  }), { numRuns: 300 });
});

test('selects the key and the request of the API\'s keyed input', () => {
  const input = { key: 'cognito:abc#k-1', request: { items: [{ sku: 'A', qty: 1 }] } };
  expect(search(IDEMPOTENCY_KEY_PATH, input)).toBe('cognito:abc#k-1');
  expect(search(PAYLOAD_VALIDATION_PATH, input)).toEqual({ items: [{ sku: 'A', qty: 1 }] });
  expect(search(IDEMPOTENCY_KEY_PATH, { request: {} })).toBeNull();
});

test('selects own fields only: a prototype\'s members are not fields (the engine itself throws on these names)', () => {
  expect(search('__proto__', { key: 'k' })).toBeNull();
  expect(search('constructor', { key: 'k' })).toBeNull();
  expect(search('key.toString', { key: 'k' })).toBeNull();
});

test.each(['powertools_json(body).detail.eventId', 'items[0]', 'a || b', '`1`', ''])('refuses %p, naming the file to change', (expression) => {
  expect(() => search(expression, { body: '{}' })).toThrow(/field-path-search\.ts/);
});
