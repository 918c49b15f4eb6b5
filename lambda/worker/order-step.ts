/**
 * The work that runs at most once to completion per eventId, inside the idempotency claim:
 * the processor, then the order's status, then its outcome event. A throw anywhere releases
 * the claim and the record is retried; what a retry finds already settled is not run again.
 */
import type { Context, SQSRecord } from 'aws-lambda';
import type { WorkerConfig } from './config';
import type { OrderStep, RecordResult } from './idempotency';
import type { ReceivedOrderDetail } from './order-event';
import { attemptOf, OrderStatusWriter } from './order-status';
import type { OutcomePublisher } from './outcome-events';
import { isPermanentOrderError } from './permanent-order-error';
import { processingContext } from './processing-context';
import { checkedResult } from './processor-result';
import type { OrderProcessorFunction } from './public-types';
import { LOG_EVENTS, logOutcome } from '../shared/log';
import { recordProcessed, recordRejectedByProcessor } from '../shared/metrics';
import { FAILURE_INJECTION_SKU } from '../shared/order-contract';
import type { OrderRecord } from '../shared/order-state';

export interface OrderStepDependencies {
  readonly config: WorkerConfig;
  readonly orderStatus: OrderStatusWriter;
  readonly outcomes: OutcomePublisher;
  readonly processor: OrderProcessorFunction;
  /** The invocation's context (the idempotency wrapper passes the record alone). */
  readonly lambdaContext: () => Context;
}

export function createOrderStep(deps: OrderStepDependencies): OrderStep {
  const { config, orderStatus, outcomes, processor } = deps;

  // With outcome events, the claim is completed after publishing (so a duplicate publishes nothing
  // again); without, the status write is the completion and Powertools' own is skipped.
  const commit: { committed?: true } = outcomes.enabled ? {} : { committed: true };

  /** The status write is the commit of the processor's work: publish its outcome again (at least once), run nothing. */
  const replay = async (detail: ReceivedOrderDetail, settled: OrderRecord): Promise<RecordResult> => {
    await outcomes.publish(settled);
    return { ...settledResult(detail, settled), replayed: true, ...commit };
  };

  const run = async (detail: ReceivedOrderDetail, record: SQSRecord): Promise<RecordResult> => {
    // If the status is written, an earlier attempt ran the processor and then failed to publish the outcome.
    const stored = await orderStatus.readOrder(detail);
    if (stored.settled !== undefined) return replay(detail, stored.settled);
    if (config.failureInjectionEnabled && detail.items.some((item) => item.sku === FAILURE_INJECTION_SKU)) {
      throw new Error(`Injected failure: the order contains sku ${FAILURE_INJECTION_SKU}`);
    }
    let written: OrderRecord | undefined;
    try {
      const result = checkedResult(await processor(detail, processingContext(detail, record, deps.lambdaContext(), config.maxReceiveCount)));
      written = await orderStatus.recordProcessed(detail, record, stored, new Date().toISOString(), result);
    } catch (error) {
      if (!isPermanentOrderError(error)) throw error;
      written = await orderStatus.recordRejected(detail, record, stored, new Date().toISOString(), error.message);
    }
    // Another event that reused the orderId owns the record: nothing of ours to announce, and the claim must be completed.
    const ours = written !== undefined && written.eventId === detail.eventId;
    const result: RecordResult = ours
      ? { ...settledResult(detail, written!), ...commit }
      : { orderId: detail.orderId, eventId: detail.eventId, processedAt: new Date().toISOString(), status: 'PROCESSED' };
    // After the status write, the order's commit: one line and one count per order, even if a later step fails.
    logSettled(detail, record, result);
    if (ours) await outcomes.publish(written!);
    return result;
  };

  /** Only when the status write is the completion: otherwise the claim is released or completed, and the duplicate waits for it. */
  const recorded = async (detail: ReceivedOrderDetail): Promise<RecordResult | undefined> => {
    if (outcomes.enabled) return undefined;
    const { settled } = await orderStatus.readOrder(detail);
    return settled === undefined ? undefined : { ...settledResult(detail, settled), replayed: true };
  };

  return { run, recorded };
}

function logSettled(detail: ReceivedOrderDetail, record: SQSRecord, result: RecordResult): void {
  if (result.status === 'REJECTED') {
    logOutcome('warn', LOG_EVENTS.orderRejected, { eventId: detail.eventId, orderId: detail.orderId, submittedBy: detail.submittedBy, attempt: attemptOf(record) });
    recordRejectedByProcessor();
    return;
  }
  logOutcome('info', LOG_EVENTS.orderProcessed, {
    eventId: detail.eventId,
    orderId: detail.orderId,
    itemCount: detail.items.length,
    totalQty: detail.items.reduce((sum, item) => sum + item.qty, 0),
    submittedBy: detail.submittedBy,
  });
  recordProcessed(detail.createdAt, result.processedAt);
}

function settledResult(detail: ReceivedOrderDetail, record: OrderRecord): RecordResult {
  return {
    orderId: detail.orderId,
    eventId: detail.eventId,
    processedAt: record.processedAt ?? record.updatedAt,
    status: record.status === 'REJECTED' ? 'REJECTED' : 'PROCESSED',
  };
}
