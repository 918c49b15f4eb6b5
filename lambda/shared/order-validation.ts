/**
 * Validation rules for an order request: the one source of truth for the API handler, the
 * worker's event reader, the frontend form and the gateway model (projenrc/order-request-schema.ts).
 * Browser-safe: no Node.js imports, only zod and the contract.
 *
 * Written with `zod/mini` (the same zod 4 package and core, as functions instead of methods) so
 * a bundle carries only the checks it uses: ~20 KB minified instead of classic zod's ~90 KB,
 * which every handler bundle parsed at cold start. Same rules, same issues and
 * messages: only the spelling differs (`.check(z.maxLength(...))` for `.max(...)`).
 */
import * as z from 'zod/mini';
import { attributeProblems, canonicalAttributes } from './order-attributes';
import { ATTRIBUTE_LIMITS, FieldError, JsonObject, ORDER_LIMITS, OrderItem, OrderRequest } from './order-contract';

const { maxItems, maxSkuLength, maxQty, maxIdLength } = ORDER_LIMITS;

/** A field's type error: "is required" reads better than zod's "received undefined". */
function typeError(expected: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${expected}`);
}

/**
 * A UTF-16 surrogate that is not half of a pair. JSON allows `"\ud800"`, but such a string
 * is not valid Unicode: it cannot be encoded as UTF-8 (DynamoDB and other services reject or
 * mangle it), so it must never be published or stored.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Non-empty after trimming, but not trimmed: the value is published exactly as sent. */
function nonBlankString(maxLength: number) {
  return z.string({ error: typeError('a string') }).check(
    z.maxLength(maxLength, `must be at most ${maxLength} characters`),
    z.refine((value) => value.trim().length > 0, 'must not be empty'),
    z.refine((value) => !LONE_SURROGATE.test(value), 'must be well-formed Unicode (no unpaired surrogates)'),
  );
}

const qtySchema = z.number({ error: typeError('a number') }).check(
  z.int('must be a whole number'),
  z.gte(1, 'must be at least 1'),
  z.lte(maxQty, `must be at most ${maxQty}`),
);

/**
 * An optional `attributes` object of at most `maxBytes`. Passed through as JSON.parse made it
 * (`z.unknown()` copies nothing), checked by order-attributes.ts. The gateway model sees `{}`
 * here: it accepts any attributes and leaves the limits to the handler.
 */
export function attributesSchema(maxBytes: number) {
  const checked = z.unknown().check((payload) => {
    for (const problem of attributeProblems(payload.value, maxBytes)) {
      payload.issues.push({ code: 'custom', message: problem.message, path: problem.path, input: payload.value });
    }
  });
  // What the check guarantees, which zod cannot infer from a custom check.
  return z.optional(checked as unknown as z.ZodMiniType<JsonObject>);
}

/**
 * The fields of one item. The request schema rejects unknown item fields; the worker's
 * event schema reuses the same field rules but tolerates additions (a tolerant reader).
 */
export const orderItemFields = {
  sku: nonBlankString(maxSkuLength),
  qty: qtySchema,
  attributes: attributesSchema(ATTRIBUTE_LIMITS.maxItemBytes),
};

/** orderId, customerId and eventId. */
export const identifierSchema = nonBlankString(maxIdLength);

const TOO_MANY_ITEMS = `must contain at most ${maxItems} items`;

const itemsSchema = (item: z.ZodMiniType<OrderItem>) =>
  z.array(item, { error: typeError('an array of items') }).check(
    z.minLength(1, 'must contain at least 1 item'),
    z.maxLength(maxItems, TOO_MANY_ITEMS),
  );

export const orderItemsSchema = itemsSchema(z.object(orderItemFields, { error: 'must be an object' }));

export const orderRequestSchema = z.strictObject(
  {
    items: itemsSchema(z.strictObject(orderItemFields, { error: 'must be an object' })),
    customerId: z.optional(identifierSchema),
    orderId: z.optional(identifierSchema),
    attributes: attributesSchema(ATTRIBUTE_LIMITS.maxOrderBytes),
  },
  { error: 'Request body must be a JSON object' },
);

export type OrderValidationResult =
  | { readonly ok: true; readonly value: OrderRequest }
  | { readonly ok: false; readonly errors: FieldError[] };

/**
 * Validates a parsed JSON value as an order request and reports every bad field.
 *
 * The item count is checked first and always reported; then only the first `maxItems` items
 * are validated, so the work per request stays bounded however many items are sent, and an
 * order one item too long still learns which of its items are bad.
 */
export function validateOrderRequest(input: unknown): OrderValidationResult {
  const items = isPlainObject(input) ? input.items : undefined;
  const tooMany = Array.isArray(items) && items.length > maxItems;
  const bounded = tooMany ? { ...input as object, items: items.slice(0, maxItems) } : input;
  const result = orderRequestSchema.safeParse(bounded);
  if (result.success && !tooMany) {
    return { ok: true, value: withCanonicalAttributes(result.data as OrderRequest) };
  }
  const countError: FieldError[] = tooMany ? [{ path: 'items', message: TOO_MANY_ITEMS }] : [];
  return { ok: false, errors: [...countError, ...(result.success ? [] : toFieldErrors(result.error.issues))] };
}

/** Key order of attributes carries no meaning: sorted, the same order hashes and derives the same ids. */
export function withCanonicalAttributes<T extends { attributes?: JsonObject; items: readonly OrderItem[] }>(order: T): T {
  return {
    ...order,
    ...(order.attributes !== undefined ? { attributes: canonicalAttributes(order.attributes) } : {}),
    items: order.items.map((item) => (item.attributes !== undefined ? { ...item, attributes: canonicalAttributes(item.attributes) } : item)),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Unknown keys are chosen by the client and echoed in the 400 body and the log line: each is
 * cut to this many characters, so a response never echoes more than a bounded slice of them.
 */
export const MAX_ECHOED_KEY_LENGTH = 40;

function echoedKey(key: string): string {
  const characters = Array.from(key);
  return characters.length <= MAX_ECHOED_KEY_LENGTH ? key : `${characters.slice(0, MAX_ECHOED_KEY_LENGTH).join('')}…`;
}

/**
 * Maps zod issues to the contract's FieldError. zod reports all unknown keys of an
 * object in one issue; each gets its own error so a client can point at every field.
 */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, echoedKey(key)]), message: 'is not an allowed field' }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['items', 2, 'qty']` -> `items[2].qty`; `[]` -> `(root)`; odd keys are quoted: `["a.b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) {
    return '(root)';
  }
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') {
        return `[${segment}]`;
      }
      const key = String(segment);
      if (!IDENTIFIER.test(key)) {
        return `[${JSON.stringify(key)}]`;
      }
      return index === 0 ? key : `.${key}`;
    })
    .join('');
}
