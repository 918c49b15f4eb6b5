/**
 * One step of a multi-stage pipeline, inside the idempotency claim of (step, eventId): the
 * step's processor, then the step's state on the order, then the event that moves the order
 * on (the step's completed event, or OrderCompensationRequested after a refusal). A throw
 * anywhere releases the claim and the record is retried; what a retry finds already recorded
 * is not run again, only published again (publication is at least once).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context, SQSRecord } from 'aws-lambda';
import type { WorkerConfig } from './config';
import type { OrderStep, RecordResult } from './idempotency';
import type { ReceivedOrderDetail } from './order-event';
import { attemptOf } from './order-status';
import type { OutcomePublisher } from './outcome-events';
import { isPermanentOrderError } from './permanent-order-error';
import { processingContext } from './processing-context';
import { checkedResult } from './processor-result';
import type { OrderProcessorFunction } from './public-types';
import type { StepConfig } from './step-config';
import { compensationRequestDetail, StepInput, stepCompletedDetail } from './step-events';
import { LOG_EVENTS, logOutcome } from '../shared/log';
import { recordProcessed, recordRejectedByProcessor } from '../shared/metrics';
import { FAILURE_INJECTION_SKU, ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE } from '../shared/order-contract';
import { callerScope, OrderRecord, OrderStateStore } from '../shared/order-state';
import { applyStepOutcome, completedResults, StepOutcome, stepsOf, stepsToCompensate } from '../shared/order-steps';
import { putEvent } from '../shared/put-event';

export interface PipelineStepDependencies {
  readonly config: WorkerConfig;
  readonly step: StepConfig;
  readonly store: OrderStateStore;
  readonly outcomes: OutcomePublisher;
  readonly processor: OrderProcessorFunction;
  readonly lambdaContext: () => Context;
}

/**
 * A step publishes after its state write (the event that moves the order on), so its claim is
 * completed by Powertools and a duplicate publishes nothing again: no result is `committed`.
 */
export function createPipelineStep(deps: PipelineStepDependencies): OrderStep {
  const { config, step, store, outcomes, processor } = deps;
  const events = new EventBridgeClient({});
  const pipeline = { names: step.names };

  const write = (detail: ReceivedOrderDetail, read: OrderRecord | undefined, outcome: StepOutcome) =>
    store.update(detail, (current) => applyStepOutcome(current, detail, pipeline, step.name, outcome), { record: read });

  /** Publishes what the step's recorded state means for the order: idempotent, so a retry may do it again. */
  async function announce(detail: ReceivedOrderDetail, written: OrderRecord): Promise<void> {
    const steps = stepsOf(written, pipeline);
    const mine = steps[step.name];
    const results = completedResults(steps);
    if (step.mode === 'compensate') return;
    if (mine.status === 'COMPLETED') {
      await putEvent(events, step.target, step.completedEvent!, stepCompletedDetail(detail, step.name, results, mine.at ?? written.updatedAt));
      if (step.isLast) await outcomes.publish(written);
    } else if (mine.status === 'REJECTED') {
      const toCompensate = stepsToCompensate(steps, step.name, step.compensated);
      if (toCompensate.length > 0) {
        await putEvent(events, step.target, ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE,
          compensationRequestDetail(detail, toCompensate, step.name, mine.reason ?? '', results));
      }
      await outcomes.publish(written);
    }
  }

  async function announceCompensated(detail: ReceivedOrderDetail, written: OrderRecord, input: StepInput): Promise<void> {
    const { remaining, rejectedStep, reason } = input.compensation!;
    if (remaining.length === 0) return;
    const results = completedResults(stepsOf(written, pipeline));
    await putEvent(events, step.target, ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE,
      compensationRequestDetail(detail, remaining, rejectedStep, reason, results));
  }

  function context(detail: ReceivedOrderDetail, record: SQSRecord, input: StepInput) {
    return {
      ...processingContext(detail, record, deps.lambdaContext(), config.maxReceiveCount),
      step: step.name,
      results: input.results,
      ...(input.compensation ? { compensation: { rejectedStep: input.compensation.rejectedStep, reason: input.compensation.reason } } : {}),
    };
  }

  async function process(detail: ReceivedOrderDetail, record: SQSRecord, input: StepInput): Promise<RecordResult> {
    const stored = await store.get(callerScope(detail.submittedBy), detail.orderId);
    const ours = stored === undefined || stored.eventId === detail.eventId;
    const mine = stepsOf(stored, pipeline)[step.name];
    if (ours && stored !== undefined && (mine.status === 'COMPLETED' || mine.status === 'REJECTED')) {
      // The state write is the commit of the processor's work: an earlier attempt ran it.
      await announce(detail, stored);
      return { ...result(detail, stored), replayed: true };
    }
    if (!ours || stored?.status === 'PROCESSED' || stored?.status === 'REJECTED') {
      // Another event owns the orderId, or the order settled: nothing of ours to do.
      return { orderId: detail.orderId, eventId: detail.eventId, processedAt: new Date().toISOString(), status: 'PROCESSED' };
    }
    if (step.index === 0 && config.failureInjectionEnabled && detail.items.some((item) => item.sku === FAILURE_INJECTION_SKU)) {
      throw new Error(`Injected failure: the order contains sku ${FAILURE_INJECTION_SKU}`);
    }
    const attempts = attemptOf(record);
    let outcome: StepOutcome;
    try {
      const returned = checkedResult(await processor(detail, context(detail, record, input)));
      outcome = { kind: 'completed', at: new Date().toISOString(), attempts, ...(returned !== undefined ? { result: returned } : {}) };
    } catch (error) {
      if (!isPermanentOrderError(error)) throw error;
      outcome = { kind: 'rejected', at: new Date().toISOString(), attempts, reason: error.message };
    }
    const written = await write(detail, stored, outcome);
    if (written === undefined) {
      return { orderId: detail.orderId, eventId: detail.eventId, processedAt: new Date().toISOString(), status: 'PROCESSED' };
    }
    logStep(detail, record, written);
    await announce(detail, written);
    return result(detail, written);
  }

  async function compensate(detail: ReceivedOrderDetail, record: SQSRecord, input: StepInput): Promise<RecordResult> {
    const stored = await store.get(callerScope(detail.submittedBy), detail.orderId);
    const mine = stepsOf(stored, pipeline)[step.name];
    const done = () => ({ orderId: detail.orderId, eventId: detail.eventId, processedAt: new Date().toISOString(), status: 'REJECTED' as const });
    if (stored === undefined || stored.eventId !== detail.eventId) return done();
    if (mine.status === 'COMPENSATED') {
      await announceCompensated(detail, stored, input);
      return { ...done(), replayed: true };
    }
    // A PermanentOrderError here is a failure like any other: an undo must not be given up on silently.
    await processor(detail, context(detail, record, input));
    const written = await write(detail, stored, { kind: 'compensated', at: new Date().toISOString(), attempts: attemptOf(record) }) ?? stored;
    logOutcome('info', LOG_EVENTS.stepCompensated, {
      eventId: detail.eventId,
      orderId: detail.orderId,
      step: step.name,
      rejectedStep: input.compensation?.rejectedStep,
      submittedBy: detail.submittedBy,
    });
    await announceCompensated(detail, written, input);
    return done();
  }

  function logStep(detail: ReceivedOrderDetail, record: SQSRecord, written: OrderRecord): void {
    const mine = stepsOf(written, pipeline)[step.name];
    const ids = { eventId: detail.eventId, orderId: detail.orderId, step: step.name, submittedBy: detail.submittedBy };
    if (mine.status === 'REJECTED') {
      logOutcome('warn', LOG_EVENTS.orderRejected, { ...ids, attempt: attemptOf(record) });
      recordRejectedByProcessor();
    } else if (written.status === 'PROCESSED') {
      logOutcome('info', LOG_EVENTS.orderProcessed, { ...ids, itemCount: detail.items.length, totalQty: detail.items.reduce((sum, item) => sum + item.qty, 0) });
      recordProcessed(detail.createdAt, written.processedAt ?? written.updatedAt);
    } else {
      logOutcome('info', LOG_EVENTS.stepCompleted, ids);
    }
  }

  return {
    run: step.mode === 'compensate' ? compensate : process,
    // A duplicate that meets the claim held is retried until the claim completes or expires.
    recorded: async () => undefined,
  };
}

function result(detail: ReceivedOrderDetail, record: OrderRecord): RecordResult {
  return {
    orderId: detail.orderId,
    eventId: detail.eventId,
    processedAt: record.processedAt ?? record.updatedAt,
    status: record.status === 'REJECTED' ? 'REJECTED' : 'PROCESSED',
  };
}
