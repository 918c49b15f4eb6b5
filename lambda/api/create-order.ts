/**
 * Creating an order: publish one OrderCreated event and answer with its ids, at most once per
 * deduplication key within the window (Powertools idempotency on the orders table).
 *
 * Powertools gives the contract's table almost verbatim: a conditional IN_PROGRESS claim (a
 * concurrent retry gets IdempotencyAlreadyInProgressError -> 409), the stored response for a
 * completed key (-> replay), a payload hash (a different body -> IdempotencyValidationError ->
 * 422), and a claim released when publishing throws (-> 5xx, and the retry publishes). The
 * claim expires with the invocation's remaining time, so a process that died holding it
 * blocks its key for at most the function timeout.
 *
 * The order's ACCEPTED record is the completion (lambda/shared/order-record-persistence.ts):
 * once it is written, Powertools' own completion write is skipped, and a retry that meets the
 * claim still IN_PROGRESS answers as a replay when the record is there, 409 when it is not.
 *
 * The order's ACCEPTED record is written after PutEvents succeeds, never before: a status
 * must not claim an order that was never published. The window this leaves: between
 * PutEvents and that write (or if the write fails) the order has no record yet and reads
 * answer 404 for a moment; the worker creates the record from the event if it gets there
 * first, and the API's create-only write then keeps the worker's later state.
 */
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ApiConfig } from './config';
import { buildOrderCreatedDetail } from './order-created';
import { publishOrderCreated } from './publish';
import { errorMessageOf, LOG_EVENTS, logOutcome } from '../shared/log';
import { OrderAccepted, OrderCreatedDetail, OrderRequest, SubmittedBy } from '../shared/order-contract';
import { MaybeCommitted, OrderRecordPersistenceLayer } from '../shared/order-record-persistence';
import { acceptedRecord, callerScope, OrderStateStore } from '../shared/order-state';

/** The payload Powertools hashes: `key` is the idempotency key, `request` is validated against the stored hash. */
export interface KeyedRequest {
  readonly key: string;
  readonly request: OrderRequest;
  /** Not hashed: the key already carries the caller's scope. */
  readonly submittedBy?: SubmittedBy;
}

/** What the idempotent function returns (and Powertools stores, when the order record is not the completion). */
type Published = OrderAccepted & MaybeCommitted & { readonly replayed?: true };

export interface CreateResult {
  readonly accepted: OrderAccepted;
  /** The stored answer of an earlier request with the same key and body. */
  readonly replayed: boolean;
  readonly itemCount: number;
}

/** PutEvents failed or refused the event: nothing was published (the claim, if any, is released). */
export class OrderNotPublishedError extends Error {
  /** Explicit: the bundle is minified, so the class's own name is not kept. */
  public readonly name = 'OrderNotPublishedError';
  constructor(public readonly ids: OrderAccepted, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * Fixed rather than Powertools' default (the function name), so a retry that arrives after a
 * deploy renamed the function still finds its key.
 */
const IDEMPOTENCY_KEY_PREFIX = 'orders-api.create';

/**
 * What Powertools hashes into the key, and what it compares on a replay: fields of the
 * KeyedRequest above. Field paths only: the API bundle carries a field-path reader instead of
 * the JMESPath engine (lambda/api/field-path-search.ts).
 */
export const IDEMPOTENCY_KEY_PATH = 'key';
export const PAYLOAD_VALIDATION_PATH = 'request';

/** Built once at cold start: clients and configuration live for the container. */
export function createOrderCreation(config: ApiConfig) {
  const client = new DynamoDBClient({});
  const persistenceStore = new OrderRecordPersistenceLayer(config.ordersTableName, client, true);
  const orderState = new OrderStateStore(config.ordersTableName, client);
  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: IDEMPOTENCY_KEY_PATH,
    payloadValidationJmesPath: PAYLOAD_VALIDATION_PATH,
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: config.idempotencyWindowSeconds,
    // Called only when Powertools answers from a COMPLETED record instead of running the function.
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });

  const publish = async (request: OrderRequest, key?: string, submittedBy?: SubmittedBy): Promise<Published> => {
    const detail = buildOrderCreatedDetail(request, { deduplicationKey: key, submittedBy });
    const ids = { orderId: detail.orderId, eventId: detail.eventId };
    try {
      await publishOrderCreated(detail, config);
    } catch (error) {
      throw new OrderNotPublishedError(ids, error);
    }
    return (await recordAccepted(detail)) ? { ...ids, committed: true } : ids;
  };

  /**
   * Best effort after publishing: the order is out, so failing the request now would only
   * make the client retry an order that exists. The worker writes the record if this did not.
   * True when this wrote the record (which then marks the request complete).
   */
  const recordAccepted = async (detail: OrderCreatedDetail): Promise<boolean> => {
    try {
      return await orderState.create(acceptedRecord(detail, detail.createdAt));
    } catch (error) {
      logOutcome('error', LOG_EVENTS.orderStateWriteFailed, {
        orderId: detail.orderId,
        eventId: detail.eventId,
        status: 'ACCEPTED',
        errorMessage: errorMessageOf(error),
        error,
      });
      return false;
    }
  };

  /** The ids of an earlier request with this key and body whose order record is written, if there is one. */
  const recorded = async (request: OrderRequest, key: string, submittedBy?: SubmittedBy): Promise<OrderAccepted | undefined> => {
    const { orderId, eventId } = buildOrderCreatedDetail(request, { deduplicationKey: key, submittedBy });
    const record = await orderState.get(callerScope(submittedBy), orderId);
    return record?.eventId === eventId ? { orderId, eventId } : undefined;
  };

  const publishOnce = makeIdempotent(
    async (input: KeyedRequest): Promise<Published> => {
      // This claim replaced one that expired IN_PROGRESS: if its holder recorded the order, answer as a replay.
      const earlier = persistenceStore.tookOverExpiredClaim(input as never) ? await recorded(input.request, input.key, input.submittedBy) : undefined;
      return earlier !== undefined ? { ...earlier, replayed: true, committed: true } : publish(input.request, input.key, input.submittedBy);
    },
    { persistenceStore, config: idempotencyConfig, keyPrefix: IDEMPOTENCY_KEY_PREFIX },
  );

  /** Powertools' stored response of a completed key, a claim still held (and maybe done), or this request's own result. */
  const createKeyed = async (request: OrderRequest, key: string, submittedBy?: SubmittedBy): Promise<Published> => {
    try {
      return (await publishOnce({ key, request, submittedBy })) as Published;
    } catch (error) {
      if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
      const earlier = await recorded(request, key, submittedBy);
      if (earlier === undefined) throw error;
      return { ...earlier, replayed: true };
    }
  };

  return {
    idempotencyConfig,
    /** Publishes (or replays) the order; throws Powertools' errors for a reused or busy key. */
    async create(request: OrderRequest, key: string | undefined, submittedBy?: SubmittedBy): Promise<CreateResult> {
      const itemCount = request.items.length;
      const { orderId, eventId, replayed } = key === undefined
        ? await publish(request, undefined, submittedBy)
        : await createKeyed(request, key, submittedBy);
      return { accepted: { orderId, eventId }, replayed: replayed === true, itemCount };
    },
    /**
     * Seconds until the claim that made a request 409 expires (the first request finishes or
     * its invocation times out), for `Retry-After`. Best effort: 1 when it cannot be read.
     */
    async secondsUntilClaimExpires(request: OrderRequest, key: string): Promise<number> {
      try {
        const record = await persistenceStore.getRecord({ key, request } as unknown as Parameters<typeof persistenceStore.getRecord>[0]);
        const expiresAt = record.inProgressExpiryTimestamp;
        return expiresAt === undefined ? 1 : Math.max(1, Math.ceil((expiresAt - Date.now()) / 1000));
      } catch {
        return 1;
      }
    },
  };
}
