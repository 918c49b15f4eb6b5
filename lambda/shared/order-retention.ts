/**
 * The optional TTL of order records (the construct's `orderRetention`): each write stamps
 * `expiration` (epoch seconds) at the write time plus the retention, so a record expires that long
 * after its last change. The orders table's TTL attribute is `expiration` already (Powertools'
 * default, which the API's idempotency records use too).
 */
import { ORDER_RETENTION_ENV } from '../../src/orders/order-retention';

/** Seconds to keep a record, or undefined (kept): a malformed value fails the init rather than keep or drop orders unnoticed. */
export function orderRetentionSeconds(env: NodeJS.ProcessEnv): number | undefined {
  const value = env[ORDER_RETENTION_ENV];
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new Error(`${ORDER_RETENTION_ENV} must be a positive whole number of seconds, got "${value}"`);
  }
  return seconds;
}

/** `record` with its `expiration`, or unchanged when records are kept. */
export function withExpiration<T extends object>(record: T, retentionSeconds: number | undefined, nowMillis = Date.now()): T {
  if (retentionSeconds === undefined) return record;
  return { ...record, expiration: Math.floor(nowMillis / 1000) + retentionSeconds };
}
