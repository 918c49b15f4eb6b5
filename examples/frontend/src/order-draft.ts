/**
 * The form's state and its bridge to the API's own rules: the draft becomes the exact JSON the
 * API will receive, and that JSON is checked with `validateOrderRequest` from lambda/shared,
 * the function the API handler runs. No rule is restated here.
 */
import type { FieldError, OrderRequest } from '../../../lambda/shared/order-contract';
import { validateOrderRequest } from '../../../lambda/shared/order-validation';

export interface ItemDraft {
  /** Stable React key and DOM id part; never sent. */
  readonly key: string;
  readonly sku: string;
  /** As typed: the number input's value, `''` when empty or not a number. */
  readonly qty: string;
}

export interface OrderDraft {
  readonly customerId: string;
  readonly items: readonly ItemDraft[];
}

let nextKey = 0;
export function newItem(sku = '', qty = '1'): ItemDraft {
  nextKey += 1;
  return { key: `item${nextKey}`, sku, qty };
}

export function emptyDraft(): OrderDraft {
  return { customerId: '', items: [newItem()] };
}

/**
 * The request body for a draft. An empty customerId is left out (it is optional); everything
 * else is sent as typed, so the client checks exactly what the server will check.
 */
export function toRequestBody(draft: OrderDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    items: draft.items.map((item) => ({ sku: item.sku, qty: item.qty.trim() === '' ? undefined : Number(item.qty) })),
  };
  if (draft.customerId !== '') {
    body.customerId = draft.customerId;
  }
  return body;
}

export type DraftValidation =
  | { readonly ok: true; readonly request: OrderRequest }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export function validateDraft(draft: OrderDraft): DraftValidation {
  const result = validateOrderRequest(toRequestBody(draft));
  return result.ok ? { ok: true, request: result.value } : { ok: false, errors: result.errors };
}

/** Error messages by field path (`customerId`, `items`, `items[0].sku`, …). */
export type ErrorsByPath = ReadonlyMap<string, readonly string[]>;

export function groupByPath(errors: readonly FieldError[]): ErrorsByPath {
  const byPath = new Map<string, string[]>();
  for (const { path, message } of errors) {
    const messages = byPath.get(path) ?? [];
    if (!messages.includes(message)) {
      byPath.set(path, [...messages, message]);
    }
  }
  return byPath;
}

/** Paths the form can show next to a field: customerId, items, items[i], items[i].sku, items[i].qty. */
export function isFormPath(path: string, itemCount: number): boolean {
  if (path === 'customerId' || path === 'items') {
    return true;
  }
  const match = /^items\[(\d+)\](?:\.(sku|qty))?$/.exec(path);
  return match !== null && Number(match[1]) < itemCount;
}

/** DOM id of the input a path points at, for focusing the first invalid field. */
export function inputIdFor(path: string, items: readonly ItemDraft[]): string | undefined {
  if (path === 'customerId') {
    return 'customerId';
  }
  if (path === 'items') {
    return 'add-item';
  }
  const match = /^items\[(\d+)\](?:\.(sku|qty))?$/.exec(path);
  const item = match ? items[Number(match[1])] : undefined;
  return item ? `${item.key}-${match?.[2] ?? 'sku'}` : undefined;
}

/** Human-readable field name for a path: `items[1].qty` -> `Item 2 quantity`. */
export function describePath(path: string): string {
  if (path === 'customerId') return 'Customer ID';
  if (path === 'orderId') return 'Order ID';
  if (path === 'items') return 'Items';
  if (path === '(root)') return 'Request';
  const match = /^items\[(\d+)\](?:\.(sku|qty))?$/.exec(path);
  if (match) {
    const field = match[2] === 'sku' ? ' SKU' : match[2] === 'qty' ? ' quantity' : '';
    return `Item ${Number(match[1]) + 1}${field}`;
  }
  return path;
}

/** `2 × SKU-1, 1 × SKU-2` (the first few), for the recent-orders list. */
export function summarizeItems(items: readonly { sku: string; qty: number }[], shown = 3): string {
  const parts = items.slice(0, shown).map((item) => `${item.qty} × ${item.sku}`);
  if (items.length > shown) {
    parts.push(`+${items.length - shown} more`);
  }
  return parts.join(', ');
}

/** The shared rules phrase messages as predicates ("must not be empty"); show them as sentences. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
