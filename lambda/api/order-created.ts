import { createHash, randomUUID } from 'node:crypto';
import { OrderCreatedDetail, OrderRequest, SCHEMA_VERSION, SubmittedBy } from '../shared/order-contract';

export interface OrderCreatedOptions {
  /** The request's deduplication key, already scoped to the caller. */
  readonly deduplicationKey?: string;
  /** The verified caller, when the API's authorization knows one. */
  readonly submittedBy?: SubmittedBy;
}

/**
 * The event for a validated request.
 *
 * Without a deduplication key, `eventId` (the worker's idempotency key) is fresh and `orderId`
 * is the client's or fresh, as the original contract says.
 *
 * With a key, both ids are derived from the key and the request, never random. That is what
 * keeps the contract's invariant when the API process dies after PutEvents and before it
 * records completion: the client's retry (once the claim has expired) publishes the SAME
 * eventId again, and the worker drops it as a duplicate. Random ids would make it a second
 * order. The request takes part so that the same key reused for a different order after the
 * window has passed is a new order, not a duplicate of the old one.
 */
export function buildOrderCreatedDetail(request: OrderRequest, options: OrderCreatedOptions = {}, now: Date = new Date()): OrderCreatedDetail {
  const { deduplicationKey, submittedBy } = options;
  const ids = deduplicationKey === undefined
    ? { eventId: randomUUID(), orderId: request.orderId ?? randomUUID() }
    : derivedIds(deduplicationKey, request);
  return {
    schemaVersion: SCHEMA_VERSION,
    ...ids,
    createdAt: now.toISOString(),
    ...(request.customerId !== undefined ? { customerId: request.customerId } : {}),
    items: request.items.map(({ sku, qty, attributes }) => ({ sku, qty, ...(attributes !== undefined ? { attributes } : {}) })),
    ...(submittedBy !== undefined ? { submittedBy } : {}),
    ...(request.attributes !== undefined ? { attributes: request.attributes } : {}),
  };
}

function derivedIds(deduplicationKey: string, request: OrderRequest): { eventId: string; orderId: string } {
  const name = `${deduplicationKey}\n${requestFingerprint(request)}`;
  return {
    eventId: nameBasedUuid(`event\n${name}`),
    orderId: request.orderId ?? nameBasedUuid(`order\n${name}`),
  };
}

/**
 * The request's business content in a fixed field order (key order and spacing of the body do
 * not count: validation sorted the attributes' keys). A request without attributes gives the
 * same fingerprint as before attributes existed, so its ids do not change with the upgrade.
 */
export function requestFingerprint(request: OrderRequest): string {
  const hasAttributes = request.attributes !== undefined || request.items.some((item) => item.attributes !== undefined);
  const items = request.items.map(({ sku, qty, attributes }) => (hasAttributes ? [sku, qty, attributes ?? null] : [sku, qty]));
  const fields = [request.orderId ?? null, request.customerId ?? null, items];
  const canonical = JSON.stringify(hasAttributes ? [...fields, request.attributes ?? null] : fields);
  return createHash('sha256').update(canonical).digest('hex');
}

/** This library's UUID v5 namespace (a random v4, fixed forever: changing it changes every derived id). */
const NAMESPACE = Buffer.from('6f1c1d3ea2b44b0e9a43f1d6c0b5e7a2', 'hex');

/**
 * RFC 9562 UUID version 5 (SHA-1, name-based). Written here rather than taken from the `uuid`
 * package, whose current major is ESM-only and cannot be loaded by this repo's jest.
 */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  // The version (5) and variant (10xx) fields are bit fields of these two bytes.
  hash[6] = (hash[6] & 0x0f) | 0x50; // eslint-disable-line no-bitwise
  hash[8] = (hash[8] & 0x3f) | 0x80; // eslint-disable-line no-bitwise
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
