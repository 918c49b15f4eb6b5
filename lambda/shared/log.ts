/**
 * One structured log line per outcome. The runbook's Logs Insights queries
 * (src/observability/log-queries.ts) filter on `msg`, `outcome` and `level`, so the pairs
 * below are part of the operational contract: change them together with the queries.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createBoundedLogReplacer } from './log-bounds';
import { CompactLogFormatter } from './log-formatter';

/**
 * Module scope: created once per container; the service name comes from POWERTOOLS_SERVICE_NAME.
 * Every value of every line is bounded (log-bounds.ts), so a line stays one CloudWatch event.
 */
export const logger = new Logger({ jsonReplacerFn: createBoundedLogReplacer(), logFormatter: new CompactLogFormatter() });

export const LOG_EVENTS = {
  validationFailed: { msg: 'validation_failed', outcome: 'rejected' },
  unsupportedMediaType: { msg: 'unsupported_media_type', outcome: 'rejected' },
  idempotencyKeyReused: { msg: 'idempotency_key_reused', outcome: 'rejected' },
  requestInProgress: { msg: 'request_in_progress', outcome: 'rejected' },
  idempotentReplay: { msg: 'idempotent_replay', outcome: 'replayed' },
  storeFailed: { msg: 'store_failed', outcome: 'error' },
  methodNotAllowed: { msg: 'method_not_allowed', outcome: 'rejected' },
  callerUnidentified: { msg: 'caller_unidentified', outcome: 'rejected' },
  orderAccepted: { msg: 'order_accepted', outcome: 'published' },
  publishFailed: { msg: 'publish_failed', outcome: 'error' },
  orderProcessed: { msg: 'order_processed', outcome: 'processed' },
  orderRejected: { msg: 'order_rejected', outcome: 'rejected' },
  stepCompleted: { msg: 'step_completed', outcome: 'processed' },
  stepCompensated: { msg: 'step_compensated', outcome: 'compensated' },
  outcomePublishFailed: { msg: 'outcome_publish_failed', outcome: 'error' },
  duplicate: { msg: 'duplicate', outcome: 'duplicate_ignored' },
  processingFailed: { msg: 'processing_failed', outcome: 'failed' },
  attemptTimingOut: { msg: 'attempt_timing_out', outcome: 'failed' },
  orderStateWriteFailed: { msg: 'order_state_write_failed', outcome: 'error' },
  operationRefused: { msg: 'operation_refused', outcome: 'rejected' },
  redriveStarted: { msg: 'redrive_started', outcome: 'started' },
  redriveRefused: { msg: 'redrive_refused', outcome: 'rejected' },
  operationFailed: { msg: 'operation_failed', outcome: 'error' },
  queueAgeUnavailable: { msg: 'queue_age_unavailable', outcome: 'degraded' },
} as const;

export type LogEvent = (typeof LOG_EVENTS)[keyof typeof LOG_EVENTS];

/**
 * Writes `event` with `message === msg` (Powertools always writes `message`; the queries
 * read `msg`). `msg` and `outcome` come first, before any attribute that could use up the
 * line's size budget (log-bounds.ts), and no attribute can overwrite them.
 */
export function logOutcome(level: 'info' | 'warn' | 'error', event: LogEvent, attributes: Record<string, unknown> = {}): void {
  const { msg: _msg, outcome: _outcome, ...rest } = attributes;
  logger[level](event.msg, { msg: event.msg, outcome: event.outcome, ...rest });
}

/** The message of anything thrown, for the `errorMessage` field of the failure queries. */
export function errorMessageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
