/**
 * Plain JSON values <-> DynamoDB attribute values, for the order records (strings, numbers,
 * booleans, lists and maps; undefined properties are left out). Hand-written because the SDK's
 * util-dynamodb is not a declared dependency; the shapes stored here need nothing more.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export function toItem(value: object): Record<string, AttributeValue> {
  return toMap(value as Record<string, unknown>);
}

export function fromItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, fromAttribute(value)]));
}

function toMap(value: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined).map(([name, inner]) => [name, toAttribute(inner)]));
}

function toAttribute(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number' && Number.isFinite(value)) return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  if (typeof value === 'object') return { M: toMap(value as Record<string, unknown>) };
  throw new TypeError(`Cannot store a ${typeof value} in DynamoDB`);
}

function fromAttribute(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.M !== undefined) return fromItem(value.M);
  throw new TypeError(`Unsupported DynamoDB attribute value: ${Object.keys(value).join(', ')}`);
}
