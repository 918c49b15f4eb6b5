/**
 * A processor's result is kept on the order record and on its OrderProcessed event: a JSON
 * object, bounded so both stay small. Anything else fails the attempt loudly (logged, retried
 * like any failure, in the end the DLQ), never stored truncated.
 */
import type { JsonObject } from './public-types';

/** UTF-8 bytes of the result as JSON. */
export const MAX_RESULT_BYTES = 4_096;

export class ProcessorResultError extends Error {
  /** Explicit: bundles are minified, so the class's own name is not kept. */
  public readonly name = 'ProcessorResultError';
}

/** The result as stored: a JSON copy (Dates become strings, undefined properties go), or undefined. */
export function checkedResult(value: unknown): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ProcessorResultError(`The processor must return a JSON object or nothing, not ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new ProcessorResultError(`The processor's result is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_RESULT_BYTES) {
    throw new ProcessorResultError(`The processor's result is ${bytes} bytes as JSON, over the ${MAX_RESULT_BYTES} allowed: ` +
      'store large data elsewhere (a table, S3) and return its key');
  }
  return JSON.parse(json) as JsonObject;
}
