/**
 * The deduplication key of a create request (HTTP contract, POST /orders): the
 * `Idempotency-Key` header when present, else the body's `orderId`; neither means the
 * request is never deduplicated.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue } from './http';
import { FieldError, OrderRequest } from '../shared/order-contract';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** 1 to 255 printable ASCII characters (0x21-0x7E), as the contract says. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export type KeyResult =
  | { readonly ok: true; readonly header?: string }
  | { readonly ok: false; readonly errors: FieldError[] };

/** Reads and checks the header only: the body's orderId is validated with the rest of the body. */
export function readIdempotencyKeyHeader(headers: APIGatewayProxyEvent['headers'] | null | undefined): KeyResult {
  const header = headerValue(headers, IDEMPOTENCY_KEY_HEADER);
  if (header === undefined) {
    return { ok: true };
  }
  if (!KEY_PATTERN.test(header)) {
    return {
      ok: false,
      errors: [{ path: `headers.${IDEMPOTENCY_KEY_HEADER}`, message: 'must be 1 to 255 printable ASCII characters (no spaces)' }],
    };
  }
  return { ok: true, header };
}

/** The key a request is deduplicated on, and which of the request's parts it came from. */
export interface DeduplicationKey {
  readonly value: string;
  readonly source: typeof IDEMPOTENCY_KEY_HEADER | 'orderId';
}

/**
 * The header, else the body's orderId, scoped so that two callers never share a key.
 * `scope` is the caller's identity when the API knows it (authorization other than none),
 * else one shared scope. The source is part of the value, so a header that happens to equal
 * another request's orderId is a different key.
 */
export function deduplicationKey(scope: string, header: string | undefined, request: OrderRequest): DeduplicationKey | undefined {
  if (header !== undefined) return { value: `${scope}|header:${header}`, source: IDEMPOTENCY_KEY_HEADER };
  if (request.orderId !== undefined) return { value: `${scope}|orderId:${request.orderId}`, source: 'orderId' };
  return undefined;
}
