/**
 * Item sizes by DynamoDB's published rules, which the cost model's write and read units rest on.
 */
import { itemBytes } from '../../bench/throughput/dynamo-units';

test('names and strings count their UTF-8 bytes; a number about one byte per two significant digits, plus one', () => {
  expect(itemBytes({ id: { S: 'abc' } })).toBe(2 + 3);
  expect(itemBytes({ né: { S: 'é' } })).toBe(3 + 2);
  expect(itemBytes({ n: { N: '12345' } })).toBe(1 + 4);
  expect(itemBytes({ n: { N: '-0.5' } })).toBe(1 + 2);
  expect(itemBytes({ b: { BOOL: true }, z: { NULL: true } })).toBe(2 + 2);
});

test('a list or map: 3 bytes, plus 1 per element, plus its contents (a map entry\'s name included)', () => {
  expect(itemBytes({ l: { L: [{ S: 'ab' }, { N: '1' }] } })).toBe(1 + 3 + (1 + 2) + (1 + 2));
  expect(itemBytes({ m: { M: { sku: { S: 'SKU-1' }, qty: { N: '2' } } } })).toBe(1 + 3 + (1 + 3 + 5) + (1 + 3 + 2));
});
