/**
 * The shared validation module on its own: browser-safe, and its paths and results.
 */
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { formatPath, validateOrderRequest } from '../../lambda/shared/order-validation';

test('bundles for the browser with no Node.js built-ins (the frontend imports it)', () => {
  const result = buildSync({
    entryPoints: [path.join(__dirname, '../../lambda/shared/order-validation.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });

  expect(result.errors).toEqual([]);
  // Only zod and the project's own (contract) sources; no other package, no Node built-in.
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.filter((input) => input.startsWith('node:') || (input.includes('node_modules/') && !input.startsWith('node_modules/zod/')))).toEqual([]);
  expect(result.outputFiles[0].text).not.toMatch(/\brequire\(/);
});

test.each([
  [[], '(root)'],
  [['items'], 'items'],
  [['items', 2, 'qty'], 'items[2].qty'],
  [['items', 0], 'items[0]'],
  [['a.b'], '["a.b"]'],
  [['items', 1, 'unit price'], 'items[1]["unit price"]'],
  [[''], '[""]'],
])('formatPath(%j) is %s', (segments, expected) => {
  expect(formatPath(segments)).toBe(expected);
});

test('a valid request comes back as the order, without anything added', () => {
  expect(validateOrderRequest({ items: [{ sku: 'SKU-1', qty: 1 }] })).toEqual({ ok: true, value: { items: [{ sku: 'SKU-1', qty: 1 }] } });
  expect(validateOrderRequest({ orderId: 'o', customerId: 'c', items: [{ qty: 2, sku: 'S' }] })).toEqual({
    ok: true,
    value: { orderId: 'o', customerId: 'c', items: [{ sku: 'S', qty: 2 }] },
  });
});

test('a non-object is reported at the root', () => {
  expect(validateOrderRequest([])).toEqual({ ok: false, errors: [{ path: '(root)', message: 'Request body must be a JSON object' }] });
});
