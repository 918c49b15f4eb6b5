import { format } from 'node:util';

/**
 * The log lines Lambda itself writes, in the shapes of Lambda's JSON log format
 * (`loggingFormat: JSON`), so the local logs read like the function's CloudWatch log group:
 *
 * - The Node.js runtime's line for an invocation that threw (aws-lambda-nodejs-runtime-
 *   interface-client, JSON mode): `console.error(error)` with the error as the message,
 *   `{ timestamp, level: "ERROR", requestId, message: { errorType, errorMessage, stackTrace,
 *   ...own properties } }`. (The text format's "Invoke Error" label is not written in JSON mode.)
 * - The platform's system events (Telemetry API event schema): `{ time, type, record }`
 *   with `platform.runtimeDone` and `platform.report`, whose `record.status` is `timeout`
 *   for a timeout and `failure` with `errorType: "Runtime.ExitError"` for a runtime that
 *   exited (crash, out of memory, kill). In JSON format there is no "Task timed out" or
 *   "Runtime exited" text line: the status is the record. System events carry no `level`.
 *
 * Only failed invocations get platform events, as in AWS with the construct's system log
 * level WARN: Lambda writes `platform.start` and a successful `platform.report` at INFO and a
 * successful `platform.runtimeDone` at DEBUG, but a runtimeDone or report whose status is not
 * `success` at WARN.
 */

export type InvokeStatus = 'error' | 'failure' | 'timeout';

export interface PlatformLineOptions {
  readonly requestId: string;
  readonly status: InvokeStatus;
  /** For `error` and `failure` (Lambda sets it only then). */
  readonly errorType?: string;
  readonly durationMs: number;
  readonly memorySizeMB: number;
}

/** `platform.runtimeDone` then `platform.report`, as Lambda writes them when an invocation did not succeed. */
export function platformFailureLines(options: PlatformLineOptions, now: Date = new Date()): string[] {
  const { requestId, status, errorType, durationMs, memorySizeMB } = options;
  const time = now.toISOString();
  const withError = errorType !== undefined && status !== 'timeout' ? { errorType } : {};
  const duration = Math.round(durationMs * 1000) / 1000;
  return [
    JSON.stringify({
      time,
      type: 'platform.runtimeDone',
      record: { requestId, status, ...withError, metrics: { durationMs: duration, producedBytes: 0 } },
    }),
    JSON.stringify({
      time,
      type: 'platform.report',
      // maxMemoryUsedMB is left out: the local runner does not measure it.
      record: { requestId, status, ...withError, metrics: { durationMs: duration, billedDurationMs: Math.ceil(durationMs), memorySizeMB } },
    }),
  ];
}

/** The runtime interface client's JSON error replacer: Errors become `{ errorType, errorMessage, stackTrace, ...own props }`. */
function runtimeErrorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return Object.assign({
      errorType: value.constructor?.name ?? 'UnknownError',
      errorMessage: value.message,
      stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    }, value);
  }
  return value;
}

/** What the Node.js runtime writes (JSON log format) when the handler throws or rejects. */
export function runtimeInvokeErrorLine(requestId: string, error: unknown, now: Date = new Date()): string {
  const message = error instanceof Error ? error : new Error(String(error));
  const line = { timestamp: now.toISOString(), level: 'ERROR', requestId, message };
  try {
    return JSON.stringify(line, runtimeErrorReplacer);
  } catch {
    // The runtime's fallback for what JSON cannot hold (cycles, BigInt): the formatted text.
    return JSON.stringify({ ...line, message: format(message) });
  }
}
