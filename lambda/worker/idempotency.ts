/**
 * At most one successful processing per eventId on top of SQS at-least-once delivery
 * (Powertools idempotency, DynamoDB table: partition key `id`, TTL attribute `expiration`).
 * The order record's write is the completion (lambda/shared/order-record-persistence.ts): a
 * duplicate that meets the claim still IN_PROGRESS is acknowledged when the order record shows
 * the work done, and retried by SQS when it does not.
 */
import { createHash } from 'node:crypto';
import { IdempotencyConfig, IdempotencyRecordStatus, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import type { WorkerConfig } from './config';
import type { ReceivedOrderDetail } from './order-event';
import type { StepConfig } from './step-config';
import type { StepInput } from './step-events';
import { MaybeCommitted, OrderRecordPersistenceLayer } from '../shared/order-record-persistence';

/**
 * What the idempotent step stores as the response of a completed eventId (keep it small: it is
 * in every idempotency record), marked `replayed` when returned for a duplicate. Records
 * written before REJECTED existed have no `status`: they were PROCESSED.
 */
export interface RecordResult extends MaybeCommitted {
  readonly orderId: string;
  readonly eventId: string;
  /** When the order was settled (processed or rejected). */
  readonly processedAt: string;
  readonly status?: 'PROCESSED' | 'REJECTED';
  readonly replayed?: true;
}

/** The part of the work that runs at most once to completion per eventId. */
export interface OrderStep {
  /** The work, inside the claim; a result whose order record write is the completion is `committed`. */
  run(detail: ReceivedOrderDetail, record: SQSRecord, input: StepInput): Promise<RecordResult>;
  /** Outside the claim, for a duplicate that meets it held: the earlier attempt's result (replayed) when its record write is there. */
  recorded(detail: ReceivedOrderDetail, input: StepInput): Promise<RecordResult | undefined>;
}

/**
 * Fixed instead of Powertools' default (the Lambda function name), so a redelivery that
 * lands after a deploy replaced or renamed the function is still recognised.
 */
const IDEMPOTENCY_KEY_PREFIX = 'orders-worker.order-created';

/**
 * What must be identical for a second message with the same eventId to count as the same
 * order. Powertools stores a hash of it with the claim and throws IdempotencyValidationError
 * when a later message with that eventId hashes differently, so a producer bug (or an
 * attacker) reusing an eventId for another order fails loudly and lands in the DLQ instead
 * of being acknowledged as a duplicate and silently dropped.
 *
 * Deliberately NOT the whole detail: the API derives eventId from the client's idempotency
 * key and body, and when the API dies after PutEvents and the client retries, it publishes
 * the SAME eventId again with a LATER `createdAt` (and a new envelope id and time). That
 * second event is the same order and must be deduplicated, so `createdAt` and the envelope
 * stay out of the hash. `customerId` is null in the hash when absent.
 */
export const PAYLOAD_VALIDATION_PATH = 'payload';

/**
 * What Powertools reads the key and the payload hash from: field paths of this object, so the
 * bundle needs no JMESPath engine (lambda/api/field-path-search.ts stands in for it). The key and
 * the hash are the ones `powertools_json(body).detail.eventId` and
 * `powertools_json(body).detail.[orderId, customerId, items, attributes]` gave: the same values,
 * taken from the same raw body, so records written by either version match.
 */
interface IdempotentInput {
  readonly eventId: string;
  readonly payload: readonly unknown[];
  readonly record: SQSRecord;
  readonly detail: ReceivedOrderDetail;
  readonly input: StepInput;
}

export const EVENT_KEY_PATH = 'eventId';

/**
 * The idempotency key of an event in this worker: the eventId itself for the workflow's own
 * processor (with or without stages, so records of a deployment before its first stage still
 * match), qualified by the step for a stage and by `compensate` for a stage's undo.
 */
export function idempotencyKeyOf(eventId: string, step: StepConfig | undefined): string {
  if (step === undefined || (step.index === 0 && step.mode === 'process')) return eventId;
  return step.mode === 'compensate' ? `${eventId}#${step.name}#compensate` : `${eventId}#${step.name}`;
}

/** The raw detail's fields, as the JMESPath multiselect gave them (a missing field is null). */
function hashedPayload(record: SQSRecord): unknown[] {
  const detail = (JSON.parse(record.body) as { detail: Record<string, unknown> }).detail;
  return [detail.orderId ?? null, detail.customerId ?? null, detail.items ?? null, detail.attributes ?? null];
}

/**
 * The business step threw and then Powertools could not release its claim (DeleteItem
 * failed). Powertools reports only the release failure; this keeps the failure that
 * actually decided the order's fate. The claim stays IN_PROGRESS until this invocation's
 * deadline passes, so the retry waits for it rather than running twice.
 */
export class ClaimReleaseFailedError extends Error {
  /** Explicit: the bundle is minified, so the class's own name is not kept. */
  public readonly name = 'ClaimReleaseFailedError';
  constructor(public readonly processingError: unknown, public readonly releaseError: unknown) {
    super(processingError instanceof Error ? processingError.message : String(processingError), { cause: processingError });
  }
}

/**
 * A message reuses an eventId that was claimed for a different order. Never processed,
 * never acknowledged: it fails on every delivery and ends in the DLQ for a human.
 */
export class EventIdConflictError extends Error {
  /** Explicit: the bundle is minified, so the class's own name is not kept. */
  public readonly name = 'EventIdConflictError';
  constructor(validationError: Error) {
    super('eventId already used for a different order: its orderId, customerId or items differ from the event first ' +
      `claimed under this eventId, so it is neither processed nor treated as a duplicate (${validationError.name}: ${validationError.message})`,
    { cause: validationError });
  }
}

const NO_STEP_INPUT: StepInput = { results: {} };

/** Built once at cold start; the handler only registers each invocation's context. */
export function createIdempotentOrderProcessing(config: WorkerConfig, step: OrderStep, client: DynamoDBClient) {
  const persistenceStore = new OrderRecordPersistenceLayer(config.idempotencyTableName, client);

  const idempotencyConfig = new IdempotencyConfig({
    // The producer's id, not the SQS messageId: EventBridge or a DLQ replay can deliver
    // the same event as a new message.
    eventKeyJmesPath: EVENT_KEY_PATH,
    payloadValidationJmesPath: PAYLOAD_VALIDATION_PATH,
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: config.idempotencyExpirySeconds,
    // Powertools v2 calls responseHook only when it returns the stored result of a
    // COMPLETED record instead of running the function, i.e. exactly for a duplicate.
    // (An IN_PROGRESS record throws IdempotencyAlreadyInProgressError instead, and the
    // message is retried.) Marking the result, rather than logging here, lets the record
    // handler log the duplicate with the ids and messageId of the record it is handling.
    responseHook: (response) =>
      typeof response === 'object' && response !== null && !Array.isArray(response)
        ? { ...response, replayed: true }
        : { replayed: true },
  });

  // What the business step threw, per record object: Powertools replaces it when the
  // release of the claim fails too. Weak, so a record's entry goes with the record.
  const processingErrors = new WeakMap<SQSRecord, unknown>();

  // One argument: makeIdempotent inspects a second one for a Lambda context.
  const processIdempotently = makeIdempotent(
    async ({ record, detail, input }: IdempotentInput): Promise<RecordResult> => {
      try {
        return await step.run(detail, record, input);
      } catch (error) {
        processingErrors.set(record, error);
        throw error;
      }
    },
    { persistenceStore, config: idempotencyConfig, keyPrefix: IDEMPOTENCY_KEY_PREFIX },
  );

  /** `detail` is the record's body, already validated (parseOrderCreatedRecord). */
  async function processOnce(record: SQSRecord, detail: ReceivedOrderDetail, input: StepInput = NO_STEP_INPUT): Promise<RecordResult> {
    const payload = hashedPayload(record);
    try {
      return await processIdempotently({ eventId: idempotencyKeyOf(detail.eventId, config.step), payload, record, detail, input });
    } catch (error) {
      const processingError = processingErrors.get(record);
      // After the business step has thrown, the only error Powertools raises in its place
      // is the failed release (IdempotencyPersistenceLayerError): keep both.
      if (processingError !== undefined && error !== processingError) {
        throw new ClaimReleaseFailedError(processingError, error);
      }
      if (error instanceof Error && error.name === 'IdempotencyAlreadyInProgressError') {
        const earlier = await step.recorded(detail, input);
        if (earlier) return earlier;
      }
      if (error instanceof Error && error.name === 'IdempotencyValidationError') {
        const legacy = completedUnderAnEarlierHash(error, payload);
        if (legacy) return legacy;
        throw new EventIdConflictError(error);
      }
      throw error;
    } finally {
      processingErrors.delete(record);
    }
  }

  return { idempotencyConfig, processOnce };
}

/**
 * A COMPLETED record written by an earlier version of the worker, for the same order: its
 * redelivery is a duplicate like any other, not a conflict to park in the DLQ. Two such
 * versions: before payload validation there is no hash at all; before `attributes` the hash
 * left them out, which for an event without order attributes is LEGACY_PAYLOAD's hash.
 * (Old records expire with the idempotency window.)
 */
function completedUnderAnEarlierHash(error: Error, payload: readonly unknown[]): RecordResult | undefined {
  const stored = (error as { existingRecord?: { payloadHash?: string; getStatus(): string; getResponse(): unknown } }).existingRecord;
  if (!stored || stored.getStatus() !== IdempotencyRecordStatus.COMPLETED) return undefined;
  const [orderId, customerId, items, attributes] = payload;
  const sameOrder = !stored.payloadHash || (attributes === null && stored.payloadHash === powertoolsHash([orderId, customerId, items]));
  return sameOrder ? { ...(stored.getResponse() as RecordResult), replayed: true } : undefined;
}

/** Powertools' payload hash: md5, base64, of the JSON with every object's keys sorted case-insensitively. */
export function powertoolsHash(value: unknown): string {
  return createHash('md5').update(JSON.stringify(sortedForHash(value))).digest('base64');
}

function sortedForHash(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedForHash);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(object).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))) sorted[key] = sortedForHash(object[key]);
  return sorted;
}
