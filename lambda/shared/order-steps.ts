/**
 * An order's steps when the workflow has stages: the workflow's own processor (`main`), then
 * each stage in order. Each step's state lives on the order record (`steps`), and the order's
 * status follows from them: PROCESSED when the last step completes, REJECTED when a step
 * refuses it, FAILED when a step's last attempt fails. Like the order's status, a step's state
 * never moves backwards: a late or duplicate event changes nothing.
 */
import type { JsonObject } from './order-contract';
import {
  acceptedRecord, boundedError, MAX_HISTORY, OrderFacts, OrderRecord, StatusChange,
} from './order-state';
import type { OrderStatus, StageView, StepStatus } from './order-status';

export { STEP_STATUSES } from './order-status';
export type { StageView, StepStatus } from './order-status';

export interface StepState {
  /** The step's place in the pipeline: 0 is the workflow's own processor. */
  readonly index: number;
  readonly status: StepStatus;
  /** When the step's state last changed (absent while PENDING). */
  readonly at?: string;
  /** Deliveries of the step's event to its worker so far. */
  readonly attempts: number;
  readonly lastError?: string;
  /** REJECTED: the PermanentOrderError's message. */
  readonly reason?: string;
  /** COMPLETED: what the step's processor returned. */
  readonly result?: JsonObject;
}

/** The pipeline, as every step's worker knows it. */
export interface Pipeline {
  /** Every step's name, in order (`main` first). */
  readonly names: readonly string[];
}

/** What one attempt of a step (or of its compensation) found. */
export type StepOutcome =
  | { readonly kind: 'completed'; readonly at: string; readonly attempts: number; readonly result?: JsonObject }
  | { readonly kind: 'rejected'; readonly at: string; readonly attempts: number; readonly reason: string }
  | { readonly kind: 'failed'; readonly at: string; readonly attempts: number; readonly error: string; readonly final: boolean }
  | { readonly kind: 'compensated'; readonly at: string; readonly attempts: number }
  | { readonly kind: 'compensation-failed'; readonly at: string; readonly attempts: number; readonly error: string; readonly final: boolean };

/** A step that has settled for good in the direction of the outcome: nothing may overwrite it. */
function settledFor(state: StepState | undefined, outcome: StepOutcome): boolean {
  if (state === undefined) return false;
  const compensation = outcome.kind === 'compensated' || outcome.kind === 'compensation-failed';
  if (compensation) return state.status === 'COMPENSATED';
  return state.status === 'COMPLETED' || state.status === 'REJECTED' || state.status === 'COMPENSATED' || state.status === 'COMPENSATION_FAILED';
}

/** Every step of the pipeline, PENDING where the record has nothing yet. */
export function stepsOf(record: OrderRecord | undefined, pipeline: Pipeline): Record<string, StepState> {
  const steps: Record<string, StepState> = {};
  pipeline.names.forEach((name, index) => {
    steps[name] = record?.steps?.[name] ?? { index, status: 'PENDING', attempts: 0 };
  });
  return steps;
}

/**
 * The record after `outcome` of step `step`, or undefined when nothing must be written: the
 * record belongs to another event that reused the orderId, the step already settled, or (for a
 * step's own work) the order is already final.
 */
export function applyStepOutcome(
  current: OrderRecord | undefined, facts: OrderFacts, pipeline: Pipeline, step: string, outcome: StepOutcome,
): OrderRecord | undefined {
  if (current !== undefined && current.eventId !== facts.eventId) return undefined;
  const base = current ?? acceptedRecord(facts, facts.createdAt);
  const steps = stepsOf(base, pipeline);
  const before = steps[step];
  if (before === undefined) throw new Error(`Step ${step} is not one of ${pipeline.names.join(', ')}`);
  if (settledFor(before, outcome)) return undefined;
  const compensation = outcome.kind === 'compensated' || outcome.kind === 'compensation-failed';
  // A step's own work on an order that is already PROCESSED or REJECTED is a late delivery.
  if (!compensation && (base.status === 'PROCESSED' || base.status === 'REJECTED')) return undefined;

  const after = stepAfter(before, outcome);
  const isLast = before.index === pipeline.names.length - 1;
  const status = orderStatusAfter(base.status, outcome, isLast);
  const history = status === base.status && after.status === before.status
    ? base.history
    : [...base.history, historyEntry(status, step, after.status, outcome.at)].slice(-MAX_HISTORY);
  return {
    ...base,
    status,
    updatedAt: outcome.at,
    attempts: Math.max(base.attempts, outcome.attempts),
    ...orderFieldsAfter(outcome, step, isLast),
    steps: { ...steps, [step]: after },
    history,
    version: (current?.version ?? 0) + 1,
  };
}

function stepAfter(before: StepState, outcome: StepOutcome): StepState {
  const common = { index: before.index, at: outcome.at, attempts: Math.max(before.attempts, outcome.attempts) };
  switch (outcome.kind) {
    case 'completed':
      return { ...common, status: 'COMPLETED', ...(outcome.result !== undefined ? { result: outcome.result } : {}) };
    case 'rejected':
      return { ...common, status: 'REJECTED', reason: boundedError(outcome.reason) };
    case 'failed':
      return { ...before, ...common, status: outcome.final ? 'FAILED' : before.status, lastError: boundedError(outcome.error) };
    case 'compensated':
      return { ...before, at: outcome.at, status: 'COMPENSATED' };
    case 'compensation-failed':
      return { ...before, at: outcome.at, status: outcome.final ? 'COMPENSATION_FAILED' : before.status, lastError: boundedError(outcome.error) };
  }
}

function orderStatusAfter(current: OrderStatus, outcome: StepOutcome, isLast: boolean): OrderStatus {
  switch (outcome.kind) {
    // A step completing on a FAILED order is a replay from that step's DLQ: the order goes on.
    case 'completed': return isLast ? 'PROCESSED' : 'ACCEPTED';
    case 'rejected': return 'REJECTED';
    case 'failed': return outcome.final ? 'FAILED' : current;
    default: return current;
  }
}

function orderFieldsAfter(outcome: StepOutcome, step: string, isLast: boolean): Partial<OrderRecord> {
  switch (outcome.kind) {
    case 'completed':
      return isLast ? { processedAt: outcome.at, ...(outcome.result !== undefined ? { result: outcome.result } : {}) } : {};
    case 'rejected': return { reason: boundedError(outcome.reason), rejectedStep: step };
    case 'failed': return { lastError: boundedError(outcome.error), ...(outcome.final ? { failedStep: step } : {}) };
    case 'compensation-failed': return { lastError: boundedError(outcome.error) };
    default: return {};
  }
}

function historyEntry(status: OrderStatus, step: string, stepStatus: StepStatus, at: string): StatusChange {
  return { status, at, step, stepStatus };
}

/** The results of the steps that completed, by step name, in pipeline order. */
export function completedResults(steps: Record<string, StepState>): Record<string, JsonObject> {
  const results: Record<string, JsonObject> = {};
  for (const [name, state] of Object.entries(steps).sort(([, a], [, b]) => a.index - b.index)) {
    if (state.status === 'COMPLETED' && state.result !== undefined) results[name] = state.result;
  }
  return results;
}

/**
 * The steps to compensate after step `rejected` refused the order: the completed steps before
 * it that have a compensation, latest first.
 */
export function stepsToCompensate(steps: Record<string, StepState>, rejected: string, compensated: readonly string[]): string[] {
  const limit = steps[rejected]?.index ?? 0;
  return Object.entries(steps)
    .filter(([name, state]) => state.index < limit && state.status === 'COMPLETED' && compensated.includes(name))
    .sort(([, a], [, b]) => b.index - a.index)
    .map(([name]) => name);
}

/** The steps in pipeline order, as GET /orders/{orderId} shows them. */
export function stageViews(record: OrderRecord): StageView[] | undefined {
  if (record.steps === undefined) return undefined;
  return Object.entries(record.steps)
    .sort(([, a], [, b]) => a.index - b.index)
    .map(([name, state]) => ({
      name,
      status: state.status,
      ...(state.at !== undefined ? { at: state.at } : {}),
      attempts: state.attempts,
      ...(state.lastError !== undefined ? { lastError: state.lastError } : {}),
      ...(state.reason !== undefined ? { reason: state.reason } : {}),
    }));
}
