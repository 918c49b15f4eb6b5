/**
 * The `attributes` of an order and of its items: any JSON object the team chooses, within
 * ATTRIBUTE_LIMITS. Checked on the value JSON.parse produced, before anything copies it, so a
 * `__proto__` key is seen as the own key it is (and refused) rather than becoming a prototype.
 * Browser-safe: the frontend form shares it.
 */
import { ATTRIBUTE_LIMITS, JsonObject, JsonValue } from './order-contract';

export interface AttributeProblem {
  /** Relative to the attributes value: `['address', 'lines', 0]`. */
  readonly path: PropertyKey[];
  readonly message: string;
}

/** A few problems are enough to fix a value; the walk stops there, so its work stays bounded. */
const MAX_PROBLEMS = 10;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Copied with an ordinary assignment it would replace the copy's prototype; no business field needs the name. */
const RESERVED_KEY = '__proto__';

const encoder = new TextEncoder();

/** Why `value` is not acceptable as attributes of at most `maxBytes`; empty when it is. */
export function attributeProblems(value: unknown, maxBytes: number): AttributeProblem[] {
  if (!isPlainObject(value)) return [{ path: [], message: 'must be a JSON object' }];
  const problems: AttributeProblem[] = [];
  let keys = 0;
  const walk = (node: unknown, path: PropertyKey[], depth: number): void => {
    if (problems.length >= MAX_PROBLEMS) return;
    if (typeof node === 'string') {
      if (LONE_SURROGATE.test(node)) problems.push({ path, message: 'must be well-formed Unicode (no unpaired surrogates)' });
    } else if (typeof node === 'number') {
      // JSON.parse turns 1e400 into Infinity, which JSON.stringify would publish as null.
      if (!Number.isFinite(node)) problems.push({ path, message: 'must be a finite number' });
    } else if (Array.isArray(node) || isPlainObject(node)) {
      if (depth > ATTRIBUTE_LIMITS.maxDepth) {
        problems.push({ path, message: `must not nest objects and arrays more than ${ATTRIBUTE_LIMITS.maxDepth} deep` });
        return;
      }
      if (Array.isArray(node)) {
        node.forEach((inner, index) => walk(inner, [...path, index], depth + 1));
        return;
      }
      for (const key of Object.keys(node)) {
        keys++;
        if (key === RESERVED_KEY) problems.push({ path: [...path, key], message: 'is a reserved key' });
        else if (key.length > ATTRIBUTE_LIMITS.maxKeyLength) problems.push({ path, message: `has a key longer than ${ATTRIBUTE_LIMITS.maxKeyLength} characters` });
        else if (LONE_SURROGATE.test(key)) problems.push({ path, message: 'has a key that is not well-formed Unicode' });
        else walk(node[key], [...path, key], depth + 1);
      }
    } else if (typeof node !== 'boolean' && node !== null) {
      problems.push({ path, message: 'must be a JSON value' });
    }
  };
  walk(value, [], 1);
  if (keys > ATTRIBUTE_LIMITS.maxKeys) problems.unshift({ path: [], message: `must have at most ${ATTRIBUTE_LIMITS.maxKeys} keys (nested ones included)` });
  if (problems.length === 0 && serializedBytes(value) > maxBytes) {
    problems.push({ path: [], message: `must be at most ${maxBytes} bytes as JSON` });
  }
  return problems.slice(0, MAX_PROBLEMS);
}

/** UTF-8 bytes of the value as JSON. */
export function serializedBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/**
 * The same value with every object's keys sorted: key order carries no meaning, so two
 * requests that differ only in it are the same order (same ids, same idempotency hash).
 */
export function canonicalAttributes(value: JsonObject): JsonObject {
  return withSortedKeys(value) as JsonObject;
}

/** Any JSON value with every object's keys sorted (arrays keep their order). */
export function withSortedKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (isPlainObject(value)) {
    const sorted: JsonObject = {};
    for (const key of Object.keys(value).sort()) sorted[key] = withSortedKeys(value[key]);
    return sorted;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
