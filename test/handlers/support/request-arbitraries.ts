/**
 * fast-check generators of POST /orders requests: bodies from noise to valid orders, raw or
 * base64, huge and deeply nested, with `__proto__` / `constructor` / `prototype` keys at every
 * level; Content-Type and Idempotency-Key variants among unrelated headers.
 *
 * Bodies are built as JSON text, never by serializing JS objects: text can say what no JS
 * object holds (duplicate keys, `1e400`, `1.0`), and a `__proto__` key reaches the handler
 * exactly as an attacker would send it.
 */
import * as fc from 'fast-check';
import { ORDER_LIMITS } from '../../../lambda/shared/order-contract';

const { maxBodyBytes, maxItems, maxSkuLength, maxQty, maxIdLength } = ORDER_LIMITS;

export interface GeneratedBody {
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
}

export interface GeneratedHeaders {
  /** What the event carries; null as API Gateway sends a request without headers. */
  readonly headers: Record<string, string> | null;
  /** The Content-Type sent (under whatever name casing), if any. */
  readonly contentType?: string;
  /** The Idempotency-Key sent, if any. */
  readonly idempotencyKey?: string;
}

const text = (value: string) => JSON.stringify(value);
const array = (items: readonly string[]) => `[${items.join(',')}]`;
const repeated = (one: string, count: number) => array(Array<string>(count).fill(one));
type Entry = readonly [string, string];
const object = (entries: readonly Entry[]) => `{${entries.map(([key, value]) => `${text(key)}:${value}`).join(',')}}`;
const nonBlank = (value: string) => value.trim() !== '';

/** Any code point, plus lone surrogates (legal in JSON text, not in Unicode) and JSON's own punctuation. */
const anyCharacter = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) },
  { weight: 2, arbitrary: fc.constantFrom(...'{}[]":,\\ \t\n\r\u0000\ufeff'.split('')) },
);
const anyString = (maxLength: number) => fc.string({ unit: anyCharacter, maxLength });

/** Any JSON value, as text. */
export const anyJsonText = fc.json({ maxDepth: 3, stringUnit: anyCharacter });

export const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const dangerousKey = fc.constantFrom(...DANGEROUS_KEYS);

/** What a pollution attempt nests under a dangerous key (the lodash-merge payloads and kin). */
const pollutingValue = fc.constantFrom(
  object([['polluted', text('yes')]]),
  object([['prototype', object([['polluted', text('yes')]])]]),
  object([['__proto__', object([['polluted', text('yes')], ['isAdmin', 'true']])]]),
  object([['toString', text('polluted')], ['hasOwnProperty', 'null'], ['valueOf', '1']]),
  'null', '1', text('polluted'), '[]',
);

/** Keys the schema does not allow, and the contract's own names again (duplicate keys: the last wins). */
const unknownKey = fc.oneof(
  fc.constantFrom('items', 'sku', 'qty', 'orderId', 'customerId', 'Items', 'items ', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'polluted', 'a.b', '[0]', ''),
  anyString(60),
);

/** Extra entries for an object of a mostly valid order: usually none. */
const rareExtras: fc.Arbitrary<Entry[]> = fc.oneof(
  { weight: 30, arbitrary: fc.constant<Entry[]>([]) },
  { weight: 1, arbitrary: fc.array(fc.tuple(dangerousKey, fc.oneof(pollutingValue, anyJsonText)), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.tuple(unknownKey, anyJsonText), { minLength: 1, maxLength: 3 }) },
);

/** Extra entries for every object of a hostile order: at least one dangerous key. */
const hostileExtras: fc.Arbitrary<Entry[]> = fc.tuple(
  fc.array(fc.tuple(dangerousKey, fc.oneof(pollutingValue, anyJsonText)), { minLength: 1, maxLength: 3 }),
  fc.array(fc.tuple(unknownKey, anyJsonText), { maxLength: 1 }),
).map(([dangerous, unknown]) => [...dangerous, ...unknown]);

/**
 * `items` in the order `seed` picks (seed 0: as given). A seed rather than fc.shuffledSubarray
 * in a `chain`: `map` keeps the parts shrinkable, so a failure shrinks to a small input.
 */
function permuted<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let i = result.length - 1; i > 0 && seed > 0; i--) {
    // mulberry32: enough mixing that every order is about as likely.
    state = (state + 0x6d2b79f5) | 0; // eslint-disable-line no-bitwise
    let t = Math.imul(state ^ (state >>> 15), state | 1); // eslint-disable-line no-bitwise
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61); // eslint-disable-line no-bitwise
    const j = ((t ^ (t >>> 14)) >>> 0) % (i + 1); // eslint-disable-line no-bitwise
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}
const orderSeed = fc.nat({ max: 1_000_000 });

/** The entries in a random order; each `undefined` is a field left out. */
function objectText(fields: ReadonlyArray<fc.Arbitrary<Entry | undefined>>, extras: fc.Arbitrary<Entry[]>): fc.Arbitrary<string> {
  return fc.tuple(fc.tuple(...fields), extras, orderSeed)
    .map(([own, extra, seed]) => object(permuted([...own.filter((entry): entry is Entry => entry !== undefined), ...extra], seed)));
}

/** A field that is usually there (left out once in `freq`). */
const field = (name: string, value: fc.Arbitrary<string>, freq: number) =>
  fc.option(value.map((valueText): Entry => [name, valueText]), { freq, nil: undefined });
/** A field that is there once in `freq`. */
const rareField = (name: string, value: fc.Arbitrary<string>, freq: number) =>
  fc.oneof(
    { weight: freq - 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: value.map((valueText): Entry => [name, valueText]) },
  );

/** Multi-byte characters, so that sizes in bytes, UTF-16 units and characters (code points) differ. */
const wideCharacter = fc.constantFrom('€', 'ü', '漢', '😀', '\u{10FFFF}');

/** Always valid: ASCII or wide characters within the limit, which counts code points (64 emoji are 128 UTF-16 units). */
const validSku = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: maxSkuLength }).filter(nonBlank),
  fc.string({ unit: wideCharacter, minLength: 1, maxLength: maxSkuLength }),
  fc.constantFrom('SKU-1', 'FAIL-ME', 'S'.repeat(maxSkuLength), '😀'.repeat(maxSkuLength)),
  // Valid values that break code keying a plain object by them (`bySku[sku]`).
  fc.constantFrom(...DANGEROUS_KEYS, 'toString', 'hasOwnProperty'),
);

/** Just under, at and just over a length limit (in characters), in ASCII and in wide characters. */
const aroundLength = (max: number) => fc.oneof(
  fc.integer({ min: max - 1, max: max + 1 }).map((length) => 'S'.repeat(length)),
  fc.tuple(fc.integer({ min: max - 1, max: max + 1 }), wideCharacter).map(([length, wide]) => wide.repeat(length)),
);

const skuText = fc.oneof(
  { weight: 40, arbitrary: validSku.map(text) },
  { weight: 4, arbitrary: aroundLength(maxSkuLength).map(text) },
  { weight: 2, arbitrary: fc.constantFrom('', ' \t ', '\ufeff', '\ud800', 'a\udc00b').map(text) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(text) },
  { weight: 1, arbitrary: anyString(maxSkuLength + 10).map(text) },
  { weight: 1, arbitrary: anyJsonText },
);

const qtyText = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: 1, max: maxQty }).map(String) },
  { weight: 8, arbitrary: fc.constantFrom(0, 1, maxQty, maxQty + 1).map(String) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('-1', '-0', '1.5', '1.0', '1e2', '1E-7', '1e400', '-1e400', '9007199254740993', '"2"', 'null', 'true', '[]', '{}'),
  },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: anyJsonText },
);

const validId = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: maxIdLength }).filter(nonBlank),
  fc.uuid(),
  fc.constantFrom(...DANGEROUS_KEYS, 'toString', 'hasOwnProperty'),
);

const idText = fc.oneof(
  { weight: 30, arbitrary: validId.map(text) },
  { weight: 4, arbitrary: aroundLength(maxIdLength).map(text) },
  { weight: 2, arbitrary: fc.constantFrom('', '   ', '\udbff', 'order-😀').map(text) },
  { weight: 1, arbitrary: anyJsonText },
);

/**
 * Order-shaped JSON, each object of it (the order and every item) given `extras`. Each part is
 * valid most of the time, so that about half of the orders are valid and the rest are wrong
 * in one or a few places, which is where validation bugs hide.
 */
function orderShaped(extras: fc.Arbitrary<Entry[]>): fc.Arbitrary<string> {
  const itemText = fc.oneof(
    { weight: 30, arbitrary: objectText([field('sku', skuText, 50), field('qty', qtyText, 50)], extras) },
    { weight: 1, arbitrary: anyJsonText },
  );
  const itemsText = fc.oneof(
    { weight: 30, arbitrary: fc.array(itemText, { minLength: 1, maxLength: 3 }).map(array) },
    { weight: 1, arbitrary: fc.constant('[]') },
    // At the item limit and one over it: the same item repeated.
    { weight: 3, arbitrary: fc.tuple(itemText, fc.constantFrom(maxItems, maxItems + 1)).map(([one, count]) => repeated(one, count)) },
    { weight: 1, arbitrary: anyJsonText },
  );
  return objectText([field('items', itemsText, 50), rareField('customerId', idText, 2), rareField('orderId', idText, 3)], extras);
}

/** Mostly valid orders, and orders with `__proto__` / `constructor` / `prototype` keys in every object. */
export const orderText = fc.oneof(
  { weight: 3, arbitrary: orderShaped(rareExtras) },
  { weight: 1, arbitrary: orderShaped(hostileExtras) },
);

/** Valid orders only, ASCII text (every byte index is a character boundary). */
export const validAsciiOrder = fc.record(
  {
    items: fc.array(
      fc.record({ sku: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: maxSkuLength }).filter(nonBlank), qty: fc.integer({ min: 1, max: maxQty }) }),
      { minLength: 1, maxLength: 5 },
    ),
    customerId: validId,
    orderId: validId,
  },
  { requiredKeys: ['items'] },
);

const validOrderText = fc.record(
  {
    items: fc.array(fc.record({ sku: validSku, qty: fc.integer({ min: 1, max: maxQty }) }), { minLength: 1, maxLength: maxItems }),
    customerId: validId,
    orderId: validId,
  },
  { requiredKeys: ['items'] },
).map((order) => JSON.stringify(order));

/** A size in bytes: right at the limit, or anywhere up to twice it. */
const sizeAroundLimit = fc.oneof(
  fc.integer({ min: maxBodyBytes - 4, max: maxBodyBytes + 4 }),
  fc.integer({ min: 1, max: 2 * maxBodyBytes }),
);

const NESTINGS = {
  array: (depth: number) => '['.repeat(depth) + ']'.repeat(depth),
  object: (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  proto: (depth: number) => '{"__proto__":'.repeat(depth) + '{"polluted":"yes"}' + '}'.repeat(depth),
  constructor: (depth: number) => '{"constructor":{"prototype":'.repeat(depth) + '{"polluted":"yes"}' + '}}'.repeat(depth),
};
const item = '{"sku":"SKU-1","qty":1}';
/** Where a deep value sits in the order. */
const PLACES = [
  (deep: string) => deep,
  (deep: string) => `{"items":${deep}}`,
  (deep: string) => `{"items":[${deep}]}`,
  (deep: string) => `{"items":[{"sku":${deep},"qty":1}]}`,
  (deep: string) => `{"items":[{"sku":"SKU-1","qty":1,"__proto__":${deep}}]}`,
  (deep: string) => `{"items":[${item}],"constructor":${deep}}`,
];

/** Huge and deeply nested bodies, under the 64 KiB limit and past it. */
export const hugeText = fc.oneof(
  // A valid order padded with spaces to a size around the limit.
  fc.tuple(validOrderText, sizeAroundLimit).map(([order, size]) => order + ' '.repeat(Math.max(0, size - Buffer.byteLength(order)))),
  // Far more items than allowed, or thousands of non-objects.
  fc.tuple(fc.integer({ min: maxItems + 1, max: 4_000 }), fc.constantFrom(item, '1', 'null', '{"__proto__":{"polluted":"yes"}}'))
    .map(([count, one]) => `{"items":${repeated(one, count)}}`),
  // Thousands of unknown keys.
  fc.tuple(fc.integer({ min: 1, max: 8_000 }), fc.constantFrom('k', '__proto__', 'constructor'))
    .map(([count, prefix]) => `{"items":[${item}],${Array.from({ length: count }, (_, index) => `"${prefix}${index}":0`).join(',')}}`),
  // Nesting tens of thousands deep.
  fc.tuple(fc.constantFrom(...Object.values(NESTINGS)), fc.integer({ min: 1, max: 40_000 }), fc.constantFrom(...PLACES))
    .map(([nest, depth, place]) => place(nest(depth))),
);

const asBody = (body: string | null, isBase64Encoded = false): GeneratedBody => ({ body, isBase64Encoded });
const base64 = (bytes: Uint8Array | string) => Buffer.from(bytes as Uint8Array).toString('base64');

/** The text as sent, or as its UTF-8 bytes in base64 (binary media types). */
export const encoded = (texts: fc.Arbitrary<string>): fc.Arbitrary<GeneratedBody> =>
  fc.tuple(texts, fc.boolean()).map(([body, inBase64]) => (inBase64 ? asBody(base64(Buffer.from(body, 'utf8')), true) : asBody(body)));

/** Byte sequences that are never valid UTF-8 before an ASCII byte. */
const INVALID_UTF8 = [
  [0x80], [0xbf], [0xfe], [0xff], [0xc0, 0xaf], [0xc1, 0xbf], // stray continuation, never-used, overlong 2-byte
  [0xe0, 0x80, 0xaf], [0xf0, 0x80, 0x80, 0xaf], // overlong 3- and 4-byte
  [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], // UTF-8-encoded surrogates (CESU)
  [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], // past U+10FFFF
  [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], // truncated sequences
];

/** A valid order's base64 body with invalid UTF-8 spliced in at any byte (inside a sku, between tokens...). */
export const validOrderWithInvalidUtf8 = fc.tuple(validAsciiOrder, fc.constantFrom(...INVALID_UTF8), fc.nat())
  .map(([order, invalid, at]) => {
    const bytes = Buffer.from(JSON.stringify(order), 'utf8');
    const index = at % (bytes.length + 1);
    return asBody(base64(Buffer.concat([bytes.subarray(0, index), Buffer.from(invalid), bytes.subarray(index)])), true);
  });

/** Every kind of body, weighted so that valid orders are common enough to exercise publishing. */
export const anyBody: fc.Arbitrary<GeneratedBody> = fc.oneof(
  { weight: 8, arbitrary: encoded(orderText) },
  { weight: 2, arbitrary: encoded(anyJsonText) },
  { weight: 2, arbitrary: encoded(anyString(200)) },
  { weight: 1, arbitrary: encoded(hugeText) },
  { weight: 1, arbitrary: validOrderWithInvalidUtf8 },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => asBody(base64(bytes), true)) },
  // Not base64 at all, though flagged as such.
  { weight: 1, arbitrary: anyString(100).map((body) => asBody(body, true)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(asBody(null), asBody(''), asBody(' \n\t'), asBody('', true), asBody('\ufeff{"items":[{"sku":"A","qty":1}]}'), asBody(base64('\ufeff{"items":[{"sku":"A","qty":1}]}'), true)),
  },
);

const RESERVED_HEADERS = new Set(['content-type', 'idempotency-key']);

/** Header names API Gateway could pass, none of them the two that matter here. */
const otherHeaderName = fc.oneof(
  fc.constantFrom('Origin', 'Accept', 'X-Forwarded-For', 'User-Agent', 'Content-Length', 'Idempotency-Keys', 'X-Content-Type', '__proto__', 'constructor', 'prototype', 'toString'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }),
).filter((name) => !RESERVED_HEADERS.has(name.toLowerCase()));

/** Browsers and clients send these; only the media type before `;` counts, in any case. */
export const contentTypeValue = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON', ' application/json ;charset=UTF-8', 'application/json;', 'APPLICATION/JSON; charset=latin1'),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/vnd.api+json',
      'application/json-patch+json', 'application/jsonp', 'application /json', 'application/json, text/plain', 'json', '', ' ', '*/*',
    ),
  },
  { weight: 1, arbitrary: anyString(40) },
);

const printableAscii = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code));

export const idempotencyKeyValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: printableAscii, minLength: 1, maxLength: 255 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'a b', 'k'.repeat(255), 'k'.repeat(256), 'clé', 'a\tb', 'a\u0000b', '\u007f', ' key', 'key\n', '__proto__') },
  { weight: 2, arbitrary: anyString(300) },
);

const casings = (name: string) => fc.constantFrom(name, name.toLowerCase(), name.toUpperCase());

export const anyHeaders: fc.Arbitrary<GeneratedHeaders> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ headers: null }) },
  {
    weight: 40,
    arbitrary: fc.record({
      others: fc.array(fc.tuple(otherHeaderName, anyString(100)), { maxLength: 4 }),
      contentType: fc.option(fc.tuple(casings('Content-Type'), contentTypeValue), { freq: 20, nil: undefined }),
      idempotencyKey: fc.option(fc.tuple(casings('Idempotency-Key'), idempotencyKeyValue), { freq: 2, nil: undefined }),
      seed: orderSeed,
    }).map(({ others, contentType, idempotencyKey, seed }): GeneratedHeaders => {
      const entries = [...others, ...(contentType ? [contentType] : []), ...(idempotencyKey ? [idempotencyKey] : [])];
      return {
        // fromEntries defines own properties: a `__proto__` header stays a header.
        headers: Object.fromEntries(permuted(entries, seed)),
        contentType: contentType?.[1],
        idempotencyKey: idempotencyKey?.[1],
      };
    }),
  },
);

/** Keys of `attributes`: the dangerous names, the names a pollution payload aims at, and any text. */
const attributeKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DANGEROUS_KEYS, 'toString', 'polluted', 'isAdmin', 'hasOwnProperty') },
  { weight: 2, arbitrary: anyString(6) },
);
const attributeScalar = fc.oneof(
  fc.constantFrom('1', '-2.5', '1e400', 'true', 'false', 'null', text('polluted')),
  anyString(8).map(text),
);

/**
 * An `attributes` value as JSON text: mostly objects whose keys include `__proto__`,
 * `constructor` and `prototype` at every depth (up to one past the depth limit), sometimes
 * another JSON value.
 */
export const attributesText: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof({ maxDepth: 6, depthIdentifier: 'attributes' }, attributeScalar, tie('object'), tie('array')),
  object: fc.array(fc.tuple(attributeKey, tie('value')), { maxLength: 4 }).map(object),
  array: fc.array(tie('value'), { maxLength: 3 }).map(array),
})).object.chain((value) => fc.oneof({ weight: 9, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: attributeScalar }));
