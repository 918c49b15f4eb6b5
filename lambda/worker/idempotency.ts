/**
 * At most one successful processing per eventId on top of SQS at-least-once delivery
 * (Powertools idempotency, DynamoDB table: partition key `id`, TTL attribute `expiration`).
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import type { WorkerConfig } from './config';
import { parseOrderCreatedRecord } from './order-event';
import { processOrder, ProcessResult } from './process-order';

/** What the idempotent step returns: the stored result, marked when it was replayed for a duplicate. */
export type RecordResult = ProcessResult & { readonly replayed?: true };

/**
 * Fixed instead of Powertools' default (the Lambda function name), so a redelivery that
 * lands after a deploy replaced or renamed the function is still recognised.
 */
const IDEMPOTENCY_KEY_PREFIX = 'orders-worker.order-created';

/** Built once at cold start; the handler only registers each invocation's context. */
export function createIdempotentOrderProcessing(config: WorkerConfig) {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: config.idempotencyTableName,
    awsSdkV3Client: new DynamoDBClient({}),
  });

  const idempotencyConfig = new IdempotencyConfig({
    // The producer's id, not the SQS messageId: EventBridge or a DLQ replay can deliver
    // the same event as a new message.
    eventKeyJmesPath: 'powertools_json(body).detail.eventId',
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

  // The record is the hashed payload (it is what eventKeyJmesPath reads). It is parsed
  // again in here rather than passed as a second argument, because makeIdempotent
  // inspects a second argument for a Lambda context.
  const processOnce = makeIdempotent(
    async (record: SQSRecord): Promise<RecordResult> =>
      processOrder(parseOrderCreatedRecord(record.body), { failureInjectionEnabled: config.failureInjectionEnabled }),
    { persistenceStore, config: idempotencyConfig, keyPrefix: IDEMPOTENCY_KEY_PREFIX },
  );

  return { idempotencyConfig, processOnce };
}
