/**
 * Which `Idempotency-Key` a submission carries. The API replays its first answer for a key
 * sent again with the same body (within its window, 24 h by default) and refuses the key with a
 * different body (422), so the rule here is: one key per order body. A draft keeps its key
 * until a body different from the one already sent under it goes out; then it gets a new one.
 */

export interface DraftKey {
  readonly key: string;
  /** The exact JSON first sent under `key`; undefined while the key is unused. */
  readonly sentBody?: string;
}

/** A fresh, unused key for a new order draft. */
export function newDraftKey(): DraftKey {
  return { key: newIdempotencyKey() };
}

/**
 * The key to send `body` with: the draft's own key when it is unused or was sent with this
 * very body (a retry, or a resubmit of an unchanged draft: the API answers with the same
 * order), else a new key (a changed order is a new order, and the old key would get a 422).
 */
export function keyForBody(current: DraftKey, body: string): DraftKey {
  if (current.sentBody === undefined || current.sentBody === body) {
    return { key: current.key, sentBody: body };
  }
  return { key: newIdempotencyKey(), sentBody: body };
}

/**
 * A random UUID (v4): 36 printable ASCII characters, inside the API's 1-255 (0x21-0x7E).
 * `crypto.randomUUID` exists only in secure contexts (https, localhost, 127.0.0.1); a page
 * opened over plain http from another host still has `getRandomValues`, so build one from that.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
