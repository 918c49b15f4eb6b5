import { readStepConfig, StepConfig } from './step-config';
import { positiveSeconds } from '../shared/env';
import type { EventTarget } from '../shared/put-event';

/** The worker function's settings, from the environment the construct sets. */
export interface WorkerConfig {
  readonly idempotencyTableName: string;
  /** How long a completed eventId is remembered; must outlive every SQS redelivery. */
  readonly idempotencyExpirySeconds: number;
  readonly failureInjectionEnabled: boolean;
  /** Where each order's status is recorded (the orders table). */
  readonly ordersTableName: string;
  /** The main queue's maxReceiveCount: a record failing on this receive goes to the DLQ, so its order is FAILED. */
  readonly maxReceiveCount: number;
  /** Where OrderProcessed, OrderRejected and OrderFailed go; undefined when outcome events are off. */
  readonly outcomeEvents?: EventTarget;
  /** With stages: the step this worker runs; undefined for a workflow without stages. */
  readonly step?: StepConfig;
}

/** Seven days: far beyond maxReceiveCount x visibility timeout of any sane queue setting. */
export const DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS = 604_800;

/**
 * Read once at cold start, because the idempotency objects are built at module scope.
 * A malformed value fails the init: silently falling back could shorten the dedupe
 * window or flip failure injection on/off without anyone noticing.
 */
export function readWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const idempotencyTableName = env.IDEMPOTENCY_TABLE_NAME?.trim();
  if (!idempotencyTableName) {
    throw new Error('IDEMPOTENCY_TABLE_NAME must be set to the idempotency table name');
  }
  const ordersTableName = env.ORDERS_TABLE_NAME?.trim();
  if (!ordersTableName) {
    throw new Error('ORDERS_TABLE_NAME must be set to the orders table name');
  }
  return {
    idempotencyTableName,
    ordersTableName,
    maxReceiveCount: positiveInteger('MAX_RECEIVE_COUNT', env.MAX_RECEIVE_COUNT),
    idempotencyExpirySeconds: positiveSeconds(env, 'IDEMPOTENCY_EXPIRY_SECONDS', DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS),
    failureInjectionEnabled: parseBoolean('FAILURE_INJECTION_ENABLED', env.FAILURE_INJECTION_ENABLED, true),
    outcomeEvents: readOutcomeTarget(env),
    step: readStepConfig(env),
  };
}

/** The construct sets both when outcome events are on, and neither otherwise. */
function readOutcomeTarget(env: NodeJS.ProcessEnv): EventTarget | undefined {
  const eventBusName = env.OUTCOME_EVENT_BUS_NAME?.trim();
  if (!eventBusName) return undefined;
  const eventSource = env.EVENT_SOURCE?.trim();
  if (!eventSource) throw new Error('EVENT_SOURCE must be set to the workflow\'s event source when OUTCOME_EVENT_BUS_NAME is set');
  return { eventBusName, eventSource };
}

function parseBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  const normalized = value?.trim().toLowerCase();
  if (normalized === undefined || normalized === '') {
    return fallback;
  }
  if (normalized !== 'true' && normalized !== 'false') {
    throw new Error(`${name} must be "true" or "false", got "${value}"`);
  }
  return normalized === 'true';
}

/** Required: guessing it would mark orders FAILED too early or never. */
function positiveInteger(name: string, value: string | undefined): number {
  const number = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isSafeInteger(number) || number <= 0) {
    throw new Error(`${name} must be a positive whole number, got "${value}"`);
  }
  return number;
}
