/**
 * Validation rules for an order request, shared by the API handler and (later) the
 * frontend form. Browser-safe: no Node.js imports, only zod and the contract.
 */
import * as z from 'zod';
import { FieldError, ORDER_LIMITS, OrderItem, OrderRequest } from './order-contract';

const { maxItems, maxSkuLength, maxQty, maxIdLength } = ORDER_LIMITS;

/** A field's type error: "is required" reads better than zod's "received undefined". */
function typeError(expected: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${expected}`);
}

/** Non-empty after trimming, but not trimmed: the value is published exactly as sent. */
function nonBlankString(maxLength: number) {
  return z
    .string({ error: typeError('a string') })
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine((value) => value.trim().length > 0, 'must not be empty');
}

const qtySchema = z
  .number({ error: typeError('a number') })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(maxQty, `must be at most ${maxQty}`);

/**
 * The fields of one item. The request schema rejects unknown item fields; the worker's
 * event schema reuses the same field rules but tolerates additions (a tolerant reader).
 */
export const orderItemFields = {
  sku: nonBlankString(maxSkuLength),
  qty: qtySchema,
};

/** orderId, customerId and eventId. */
export const identifierSchema = nonBlankString(maxIdLength);

/**
 * The item-count limit is a refinement rather than `.max()`: zod checks an array's
 * length before its elements and stops there, and a 101-item order should still learn
 * which of its items are bad.
 */
const itemsSchema = (item: z.ZodType<OrderItem>) =>
  z
    .array(item, { error: typeError('an array of items') })
    .min(1, 'must contain at least 1 item')
    .refine((items) => items.length <= maxItems, {
      error: `must contain at most ${maxItems} items`,
      when: (payload) => Array.isArray(payload.value),
    });

export const orderItemsSchema = itemsSchema(z.object(orderItemFields, { error: 'must be an object' }));

export const orderRequestSchema = z.strictObject(
  {
    items: itemsSchema(z.strictObject(orderItemFields, { error: 'must be an object' })),
    customerId: identifierSchema.optional(),
    orderId: identifierSchema.optional(),
  },
  { error: 'Request body must be a JSON object' },
);

export type OrderValidationResult =
  | { readonly ok: true; readonly value: OrderRequest }
  | { readonly ok: false; readonly errors: FieldError[] };

/** Validates a parsed JSON value as an order request and reports every bad field. */
export function validateOrderRequest(input: unknown): OrderValidationResult {
  const result = orderRequestSchema.safeParse(input);
  if (result.success) {
    return { ok: true, value: result.data };
  }
  return { ok: false, errors: toFieldErrors(result.error.issues) };
}

/**
 * Maps zod issues to the contract's FieldError. zod reports all unknown keys of an
 * object in one issue; each gets its own error so a client can point at every field.
 */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not an allowed field' }));
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
