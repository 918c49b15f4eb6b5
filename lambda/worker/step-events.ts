/**
 * The events that carry an order from one step to the next: a step's completed event (read by
 * the next stage's worker) and OrderCompensationRequested (read by a stage's compensation
 * worker). Both carry the order as OrderCreated does, so the order itself is read by the same
 * reader; the step fields are read here.
 */
import * as z from 'zod/mini';
import type { ReceivedOrderDetail } from './order-event';
import { InvalidOrderEventError } from './order-event';
import type { JsonObject, OrderCompensationRequestedDetail, OrderStepCompletedDetail } from './public-types';
import type { StepConfig } from './step-config';
import { SCHEMA_VERSION } from '../shared/order-contract';
import { toFieldErrors } from '../shared/order-validation';

const stepName = z.string().check(z.minLength(1), z.maxLength(64));
const results = z.record(z.string(), z.record(z.string(), z.unknown()));

const completedFields = z.object({ step: stepName, results });
const compensationFields = z.object({
  step: stepName,
  remaining: z.array(stepName),
  rejectedStep: stepName,
  reason: z.string(),
  results,
});

/** What a step's worker knows of the earlier steps, beside the order. */
export interface StepInput {
  /** What the earlier steps returned, by step name. */
  readonly results: Record<string, JsonObject>;
  /** A compensation: what to undo after this step, and why. */
  readonly compensation?: { readonly remaining: readonly string[]; readonly rejectedStep: string; readonly reason: string };
}

/**
 * The step fields of the record's event, checked against what this worker expects: the main
 * step reads OrderCreated (no step fields), a stage the previous step's completed event, a
 * compensation worker a request naming its own step.
 */
export function readStepInput(body: string, step: StepConfig, ids: { eventId: string; orderId: string }): StepInput {
  if (step.mode === 'process' && step.index === 0) return { results: {} };
  const detail = (JSON.parse(body) as { detail?: unknown }).detail;
  if (step.mode === 'process') {
    const parsed = completedFields.safeParse(detail);
    if (!parsed.success) throw invalid(`Invalid step completed event for ${step.name}`, parsed.error.issues, ids);
    const previous = step.names[step.index - 1];
    if (parsed.data.step !== previous) {
      throw new InvalidOrderEventError(`Step ${step.name} follows ${previous}, not ${parsed.data.step}`,
        [{ path: 'step', message: `must be ${previous}` }], ids);
    }
    return { results: parsed.data.results as Record<string, JsonObject> };
  }
  const parsed = compensationFields.safeParse(detail);
  if (!parsed.success) throw invalid(`Invalid OrderCompensationRequested event for ${step.name}`, parsed.error.issues, ids);
  if (parsed.data.step !== step.name) {
    throw new InvalidOrderEventError(`This worker compensates ${step.name}, not ${parsed.data.step}`,
      [{ path: 'step', message: `must be ${step.name}` }], ids);
  }
  const { remaining, rejectedStep, reason } = parsed.data;
  return { results: parsed.data.results as Record<string, JsonObject>, compensation: { remaining, rejectedStep, reason } };
}

function invalid(message: string, issues: Parameters<typeof toFieldErrors>[0], ids: { eventId: string; orderId: string }): InvalidOrderEventError {
  const fieldErrors = toFieldErrors(issues).slice(0, 20);
  return new InvalidOrderEventError(`${message}: ${fieldErrors.slice(0, 5).map((e) => `${e.path} ${e.message}`).join('; ')}`, fieldErrors, ids);
}

/** The order as every event carries it. */
function orderFields(order: ReceivedOrderDetail) {
  return {
    eventId: order.eventId,
    orderId: order.orderId,
    createdAt: order.createdAt,
    ...(order.customerId !== undefined ? { customerId: order.customerId } : {}),
    items: order.items,
    ...(order.attributes !== undefined ? { attributes: order.attributes } : {}),
    ...(order.submittedBy !== undefined ? { submittedBy: order.submittedBy } : {}),
  };
}

export function stepCompletedDetail(
  order: ReceivedOrderDetail, step: string, allResults: Record<string, JsonObject>, completedAt: string,
): OrderStepCompletedDetail {
  return {
    schemaVersion: SCHEMA_VERSION,
    ...orderFields(order),
    step,
    results: allResults,
    completedAt,
    outcomeId: `${order.eventId}:${step}:completed`,
  };
}

export function compensationRequestDetail(
  order: ReceivedOrderDetail, toCompensate: readonly string[], rejectedStep: string, reason: string, allResults: Record<string, JsonObject>,
): OrderCompensationRequestedDetail {
  const [step, ...remaining] = toCompensate;
  return {
    schemaVersion: SCHEMA_VERSION,
    ...orderFields(order),
    step,
    remaining,
    rejectedStep,
    reason,
    results: allResults,
    outcomeId: `${order.eventId}:${step}:compensate`,
  };
}
