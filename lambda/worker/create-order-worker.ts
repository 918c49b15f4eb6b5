/**
 * `createOrderWorker(processor)`: the worker's guarantees around a team's business step. An SQS
 * consumer of OrderCreated events; records are processed in parallel and only the failed ones
 * are returned for redelivery.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { readWorkerConfig } from './config';
import { ClaimReleaseFailedError, createIdempotentOrderProcessing, RecordResult } from './idempotency';
import { AttemptTimingOutError, LastAttemptDeadlines } from './last-attempt-deadline';
import { InvalidOrderEventError, parseOrderCreatedRecord, RawIds, ReceivedOrderDetail } from './order-event';
import { attemptOf, createOrderStatus } from './order-status';
import { createOrderStep } from './order-step';
import { createOutcomePublisher } from './outcome-events';
import { createPipelineStep } from './pipeline-step';
import type { OrderProcessorFunction, OrderWorkerHandler } from './public-types';
import { readStepInput } from './step-events';
import { errorMessageOf, LOG_EVENTS, logger, logOutcome } from '../shared/log';
import { metrics, publishMetrics, recordDuplicate, recordFailed } from '../shared/metrics';
import { OrderRecord, OrderStateStore } from '../shared/order-state';

/**
 * Builds the worker's Lambda handler around `processor`. Call it once, at module scope: it reads
 * the environment the construct sets and builds its clients there (a missing setting fails the
 * function's init, loudly).
 */
export function createOrderWorker(processor: OrderProcessorFunction): OrderWorkerHandler {
  if (typeof processor !== 'function') throw new TypeError('createOrderWorker(processor): processor must be a function');
  const config = readWorkerConfig(process.env);
  metrics(); // fails the init without a metrics namespace, like a missing table
  // One client for the order record and the idempotency table: one connection pool, one TLS
  // handshake on a cold start instead of two.
  const dynamoDb = new DynamoDBClient({});
  const store = new OrderStateStore(config.ordersTableName, dynamoDb);
  const orderStatus = createOrderStatus(config, store);
  const outcomes = createOutcomePublisher(config.outcomeEvents);
  let invocationContext: Context | undefined;
  const lambdaContext = () => invocationContext!;
  // With stages, the step this worker runs; without, the single step it always was.
  const step = config.step !== undefined
    ? createPipelineStep({ config, step: config.step, store, outcomes, processor, lambdaContext })
    : createOrderStep({ config, orderStatus, outcomes, processor, lambdaContext });
  const { idempotencyConfig, processOnce } = createIdempotentOrderProcessing(config, step, dynamoDb);
  const batch = new BatchProcessor(EventType.SQS);
  const deadlines = new LastAttemptDeadlines();
  // Records whose OrderFailed is out: the deadline's FAILED write and the catch block's may both run for one record.
  const failedOutcomes = new WeakSet<SQSRecord>();

  /** Powertools passes the invocation's context as the record handler's second argument. */
  async function handleRecord(record: SQSRecord, context: Context): Promise<RecordResult> {
    let ids: RawIds = {};
    let detail: ReceivedOrderDetail | undefined;
    try {
      // Validate before the idempotent step so a malformed record never claims a key.
      const parsed = parseOrderCreatedRecord(record.body);
      ids = { eventId: parsed.eventId, orderId: parsed.orderId, submittedBy: parsed.submittedBy };
      const input = config.step === undefined ? undefined : readStepInput(record.body, config.step, parsed);
      detail = parsed;
      // A timeout runs no catch block: on the last attempt, the order is recorded FAILED just before it.
      const result = orderStatus.isLastAttempt(record)
        ? await deadlines.watch(context, () => processOnce(record, parsed, input), (remainingMs) => recordTimingOut(parsed, record, remainingMs))
        : await processOnce(record, parsed, input);
      if (result.replayed) logDuplicate(parsed, record, result);
      return result;
    } catch (error) {
      const known = error instanceof InvalidOrderEventError ? { ...error.ids, ...ids } : ids;
      logOutcome('error', LOG_EVENTS.processingFailed, {
        ...known,
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        ...failureFields(error),
      });
      // Every failed attempt, so that failed / (processed + failed) is the share of attempts that
      // fail now, not of orders that gave up minutes ago (the DLQ alarm covers those).
      recordFailed();
      // Before the record fails: on its last attempt this is what marks the order FAILED.
      if (detail) await recordFailure(detail, record, error);
      throw error;
    }
  }

  function logDuplicate(detail: ReceivedOrderDetail, record: SQSRecord, result: RecordResult): void {
    logOutcome('info', LOG_EVENTS.duplicate, {
      eventId: detail.eventId,
      orderId: detail.orderId,
      submittedBy: detail.submittedBy,
      messageId: record.messageId,
      originalProcessedAt: result.processedAt,
    });
    recordDuplicate();
  }

  /** Records the attempt's failure; on the last attempt the order is FAILED and OrderFailed goes out once. */
  async function recordFailure(detail: ReceivedOrderDetail, record: SQSRecord, error: unknown): Promise<void> {
    const failed = await orderStatus.recordFailure(detail, record, error);
    if (failed === undefined || failedOutcomes.has(record)) return;
    failedOutcomes.add(record);
    await publishFailed(failed);
  }

  /**
   * Once, when the last attempt fails: SQS moves the message to the DLQ whatever happens here,
   * so a PutEvents failure cannot be retried; it is logged, and the DLQ's alarms cover the order.
   */
  async function publishFailed(failed: OrderRecord): Promise<void> {
    try {
      await outcomes.publish(failed);
    } catch (publishError) {
      logOutcome('error', LOG_EVENTS.outcomePublishFailed, {
        eventId: failed.eventId, orderId: failed.orderId, status: 'FAILED', errorMessage: errorMessageOf(publishError), error: publishError,
      });
    }
  }

  /**
   * Not counted in OrdersFailed: the metrics of an invocation that times out are never published,
   * and a timed-out attempt that is not the last is not counted either (the Errors metric and
   * workerErrorsAlarm cover timeouts). Not a `processing_failed` line: the record has not failed
   * yet and may still complete, and recordFailuresAlarm counts records that did fail.
   */
  async function recordTimingOut(detail: ReceivedOrderDetail, record: SQSRecord, remainingMs: number): Promise<void> {
    const error = new AttemptTimingOutError(remainingMs, attemptOf(record), config.maxReceiveCount);
    logOutcome('error', LOG_EVENTS.attemptTimingOut, {
      eventId: detail.eventId,
      orderId: detail.orderId,
      submittedBy: detail.submittedBy,
      messageId: record.messageId,
      receiveCount: record.attributes?.ApproximateReceiveCount,
      remainingMs,
      errorMessage: error.message,
    });
    await recordFailure(detail, record, error);
  }

  /**
   * When every record of a batch fails, Powertools throws FullBatchFailureError (its
   * default) instead of returning them all: SQS redelivers the same records either way,
   * and the failed invocation shows in the function's Errors metric and alarm.
   */
  const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    invocationContext = context;
    logger.addContext(context);
    // Bounds an IN_PROGRESS claim to this invocation's timeout, so a crash after the claim
    // leaves a record that the next delivery may take over instead of a permanent lock.
    idempotencyConfig.registerLambdaContext(context);
    try {
      return await processPartialResponse(event, handleRecord, batch, { context });
    } finally {
      // No deadline timer may outlive the invocation; a FAILED write it started ends inside it.
      await deadlines.close();
      // One EMF line for the batch, also when every record failed and Powertools throws.
      publishMetrics();
    }
  };
  return handler as unknown as OrderWorkerHandler;
}

/** `errorMessage` is always the failure that decided the record; a failed claim release comes second. */
function failureFields(error: unknown): Record<string, unknown> {
  if (error instanceof ClaimReleaseFailedError) {
    const release = error.releaseError;
    return {
      errorMessage: errorMessageOf(error.processingError),
      error: error.processingError,
      releaseErrorMessage: `${errorMessageOf(release)}${release instanceof Error && release.cause !== undefined ? `: ${errorMessageOf(release.cause)}` : ''}`,
      releaseError: release,
    };
  }
  return { errorMessage: errorMessageOf(error), error };
}
