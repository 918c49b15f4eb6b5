/**
 * Powertools' DynamoDB persistence layer, with the order record as the completion marker.
 *
 * Where the idempotent work ends by writing the order record (the API's ACCEPTED record, the
 * worker's status when it publishes nothing after it), that write already says the work is done, so Powertools'
 * completion write would be a second write saying the same: the work marks such a result
 * `committed` and the completion is skipped (one write less per order on each side). The claim
 * then stays IN_PROGRESS until its in-progress expiry; a request that meets it reads the order
 * record to tell "done" from "running".
 *
 * Two differences from Powertools' claim keep every guarantee with that longer IN_PROGRESS:
 * an expired IN_PROGRESS claim may be taken over only by the same payload (a different one
 * still fails validation for the whole window), and a takeover is remembered, so the work can
 * check whether the earlier holder finished before doing it again.
 */
import { IdempotencyItemAlreadyExistsError, IdempotencyRecordStatus, PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { AttributeValue, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { fromItem } from './attribute-values';

/** Set on a result whose order record write is the completion; never part of an answer (the API answers with the ids alone). */
export interface MaybeCommitted {
  readonly committed?: true;
}

export function isCommitted(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as MaybeCommitted).committed === true;
}

/** Powertools' default attribute names (and its default key, `id`), which these tables use. */
const ATTR = {
  key: 'id',
  expiry: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.expiryAttr,
  inProgressExpiry: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.inProgressExpiryAttr,
  status: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.statusAttr,
  data: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.dataAttr,
  validation: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.validationKeyAttr,
};

export class OrderRecordPersistenceLayer extends DynamoDBPersistenceLayer {
  private readonly takenOver = new Set<string>();

  /** `trackTakeovers`: remember takeovers for `tookOverExpiredClaim` (only a caller that asks should, or the set only grows). */
  constructor(private readonly table: string, private readonly dynamoDb: DynamoDBClient, private readonly trackTakeovers = false) {
    super({ tableName: table, awsSdkV3Client: dynamoDb });
  }

  /**
   * True once after the claim for `data` replaced an expired IN_PROGRESS claim of the same
   * payload: the earlier holder may have finished (its order record says so) or died.
   */
  public tookOverExpiredClaim(data: Parameters<DynamoDBPersistenceLayer['getRecord']>[0]): boolean {
    return this.takenOver.delete(this.getHashedIdempotencyKey(data));
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    if (record.getStatus() === IdempotencyRecordStatus.COMPLETED && isCommitted(record.responseData)) return;
    return super._updateRecord(record);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const item: Record<string, AttributeValue> = {
      ...this.getKey(record.idempotencyKey),
      [ATTR.expiry]: { N: String(record.expiryTimestamp) },
      [ATTR.status]: { S: record.getStatus() },
      ...(record.inProgressExpiryTimestamp !== undefined ? { [ATTR.inProgressExpiry]: { N: String(record.inProgressExpiryTimestamp) } } : {}),
      ...(record.payloadHash !== undefined ? { [ATTR.validation]: { S: record.payloadHash } } : {}),
    };
    const now = Date.now();
    const expiredClaim = '#status = :inprogress AND attribute_exists(#ipe) AND #ipe < :nowms';
    try {
      const output = await this.dynamoDb.send(new PutItemCommand({
        TableName: this.table,
        Item: item,
        // Powertools' three cases, the third only for the same payload (or a claim stored without one).
        ConditionExpression: [
          'attribute_not_exists(#id)',
          '#expiry < :now',
          `(${expiredClaim} AND attribute_not_exists(#validation))`,
          ...(record.payloadHash !== undefined ? [`(${expiredClaim} AND #validation = :hash)`] : []),
        ].join(' OR '),
        ExpressionAttributeNames: {
          '#id': ATTR.key, '#expiry': ATTR.expiry, '#status': ATTR.status, '#ipe': ATTR.inProgressExpiry, '#validation': ATTR.validation,
        },
        ExpressionAttributeValues: {
          ':now': { N: String(now / 1000) },
          ':nowms': { N: String(now) },
          ':inprogress': { S: IdempotencyRecordStatus.INPROGRESS },
          ...(record.payloadHash !== undefined ? { ':hash': { S: record.payloadHash } } : {}),
        },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      const old = output?.Attributes; // undefined output: a test double that answers nothing
      const oldExpiry = Number(old?.[ATTR.expiry]?.N);
      const tookOver = old?.[ATTR.status]?.S === IdempotencyRecordStatus.INPROGRESS && oldExpiry >= now / 1000;
      if (this.trackTakeovers && tookOver) this.takenOver.add(record.idempotencyKey);
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
      const stored = (error as { Item?: Record<string, AttributeValue> }).Item;
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        stored === undefined ? undefined : recordOf(fromItem(stored)),
      );
    }
  }
}

function recordOf(item: Record<string, unknown>): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey: item[ATTR.key] as string,
    status: item[ATTR.status] as (typeof IdempotencyRecordStatus)[keyof typeof IdempotencyRecordStatus],
    expiryTimestamp: item[ATTR.expiry] as number | undefined,
    inProgressExpiryTimestamp: item[ATTR.inProgressExpiry] as number | undefined,
    responseData: item[ATTR.data] as never,
    payloadHash: item[ATTR.validation] as string | undefined,
  });
}
