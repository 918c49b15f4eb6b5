import type { APIGatewayProxyEvent } from 'aws-lambda';
import { FieldError, ORDER_LIMITS } from '../shared/order-contract';

export type BodyResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: FieldError[] };

/** Module scope: `fatal` makes invalid UTF-8 an error instead of silently becoming U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function rootError(message: string): BodyResult {
  return { ok: false, errors: [{ path: '(root)', message }] };
}

/**
 * Decodes and parses the request body. The size limit is on bytes (what the contract
 * promises), checked here because the browser-safe validation never sees raw bytes.
 */
export function readJsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): BodyResult {
  if (event.body === null || event.body === undefined || event.body === '') {
    return rootError('Request body is required');
  }
  const decoded = event.isBase64Encoded ? decodeBase64(event.body) : { text: event.body, size: Buffer.byteLength(event.body, 'utf8') };
  if (decoded.size > ORDER_LIMITS.maxBodyBytes) {
    return rootError(`Request body must be at most ${ORDER_LIMITS.maxBodyBytes} bytes`);
  }
  const text = decoded.text;
  if (text === undefined) {
    return rootError('Request body must be UTF-8 text');
  }
  if (text.trim() === '') {
    return rootError('Request body is required');
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return rootError('Request body must be valid JSON');
  }
}

/** `text` is undefined when the bytes are not valid UTF-8 (the size is still reported first). */
function decodeBase64(body: string): { text?: string; size: number } {
  const bytes = Buffer.from(body, 'base64');
  try {
    return { text: utf8.decode(bytes), size: bytes.length };
  } catch {
    return { size: bytes.length };
  }
}
