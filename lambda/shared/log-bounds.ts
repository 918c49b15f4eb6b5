/**
 * Keeps every log line one bounded CloudWatch event, whatever a producer sends.
 *
 * CloudWatch Logs caps an event at 256 KiB and splits or truncates a longer line, which
 * breaks its JSON and hides it from the Logs Insights queries. An SQS body can be 256 KiB
 * on its own, and producer-controlled values reach the log (raw ids of an invalid event,
 * error messages, field paths, keys), so each value is bounded here, once, for every line
 * the shared Logger writes, instead of at each call site.
 */

/** Ids are at most 128 characters when valid; a longer one is already wrong, its start identifies it. */
const ID_KEYS = new Set(['eventId', 'orderId', 'customerId', 'sku', 'messageId', 'requestId', 'idempotencyKey']);

export const LOG_LIMITS = {
  idChars: 256,
  stackChars: 4_000,
  stringChars: 2_000,
  keyChars: 200,
  arrayItems: 25,
  objectKeys: 50,
  /** JSON bytes of one line's attributes; the rest of the line is omitted once it is spent. */
  lineBytes: 32 * 1024,
} as const;

const OMITTED = '[omitted: log line size limit]';

/** `value` cut to `max` UTF-16 units (never inside a surrogate pair), saying how long it was. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value[max - 1]) ? max - 1 : max;
  return `${value.slice(0, end)}...[truncated, ${value.length} chars]`;
}

function stringLimit(key: string): number {
  if (ID_KEYS.has(key)) return LOG_LIMITS.idChars;
  return key === 'stack' ? LOG_LIMITS.stackChars : LOG_LIMITS.stringChars;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function boundedArray(items: unknown[]): unknown[] {
  if (items.length <= LOG_LIMITS.arrayItems) return items;
  return [...items.slice(0, LOG_LIMITS.arrayItems), `...[${items.length - LOG_LIMITS.arrayItems} more items]`];
}

function boundedObject(object: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(object);
  const kept = keys.slice(0, LOG_LIMITS.objectKeys);
  const bounded: Record<string, unknown> = {};
  for (const key of kept) bounded[truncate(key, LOG_LIMITS.keyChars)] = object[key];
  if (keys.length > kept.length) bounded['...'] = `${keys.length - kept.length} more keys`;
  return bounded;
}

/**
 * A JSON.stringify replacer for Powertools Logger's `jsonReplacerFn`. It runs for every
 * key of a line before Powertools' own rules (which turn Errors into objects whose fields
 * then pass through here too). Stateful per line: JSON.stringify calls it first with the
 * empty key for the whole line, which resets the byte budget.
 */
export function createBoundedLogReplacer(): (key: string, value: unknown) => unknown {
  let spent = 0;
  let exhausted = false;
  return (key, value) => {
    if (key === '') {
      spent = 0;
      exhausted = false;
      return value;
    }
    // A key too long to keep is dropped with its value (an Error's own properties are
    // copied by Powertools under their original names, so they cannot be renamed here).
    if (key.length > LOG_LIMITS.keyChars) return undefined;
    if (exhausted) return undefined;
    let bounded = value;
    if (typeof value === 'string') bounded = truncate(value, stringLimit(key));
    else if (Array.isArray(value)) bounded = boundedArray(value);
    else if (isPlainObject(value)) bounded = boundedObject(value);
    const cost = key.length + 4 + (typeof bounded === 'string' ? Buffer.byteLength(JSON.stringify(bounded)) : 2);
    if (spent + cost > LOG_LIMITS.lineBytes) {
      exhausted = true;
      return OMITTED;
    }
    spent += cost;
    return bounded;
  };
}
