/**
 * A FAKE card payment gateway, inside the example so that it runs anywhere (on AWS and on the
 * local runner) without an account at a payment provider. It keeps its authorizations in a
 * DynamoDB table of its own (lib/payment-gateway.ts), one row per authorization:
 *
 *   { authorizationId, orderId, eventId, cardLast4, status: AUTHORIZED | VOIDED, authorizedAt,
 *     voidedAt?, voidReason?, voids? }
 *
 * Like a real gateway it takes an idempotency key: the same key authorizes once and answers with
 * the same authorization. Its one business rule: a card number ending in 0002 is declined.
 */
import {
  ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** Card numbers ending in this are declined (the rule the README states). */
export const DECLINED_CARD_SUFFIX = '0002';

export interface AuthorizeRequest {
  /** The same key authorizes once; a repeat answers with the same authorization. */
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly cardNumber: string;
}

export type AuthorizeAnswer =
  | { readonly approved: true; readonly authorizationId: string }
  | { readonly approved: false; readonly declineReason: string };

export interface VoidAnswer {
  /** False when the authorization had been voided already: nothing was done this time. */
  readonly voidedNow: boolean;
}

/** The gateway's decline rule. */
export function declines(cardNumber: string): boolean {
  return cardNumber.endsWith(DECLINED_CARD_SUFFIX);
}

export class FakePaymentGateway {
  constructor(private readonly dynamodb: DynamoDBClient, private readonly tableName: string) {}

  /** Authorizes a card once per idempotency key; a declined card writes nothing. */
  public async authorize(request: AuthorizeRequest): Promise<AuthorizeAnswer> {
    if (declines(request.cardNumber)) return { approved: false, declineReason: 'card declined' };
    const authorizationId = `auth-${request.idempotencyKey}`;
    try {
      await this.dynamodb.send(new PutItemCommand({
        TableName: this.tableName,
        Item: {
          authorizationId: { S: authorizationId },
          orderId: { S: request.orderId },
          eventId: { S: request.idempotencyKey },
          cardLast4: { S: request.cardNumber.slice(-4) },
          status: { S: 'AUTHORIZED' },
          authorizedAt: { S: new Date().toISOString() },
        },
        ConditionExpression: 'attribute_not_exists(authorizationId)',
      }));
    } catch (error) {
      // Authorized by an earlier request with this key: the same answer.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return { approved: true, authorizationId };
  }

  /**
   * Voids an authorization exactly once: a conditional update from AUTHORIZED to VOIDED. A
   * repeat finds it VOIDED and changes nothing. An authorization the gateway does not know is an
   * error (the caller retries, and its dead-letter queue keeps it): an undo is never skipped silently.
   */
  public async void(authorizationId: string, reason: string): Promise<VoidAnswer> {
    try {
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: { authorizationId: { S: authorizationId } },
        UpdateExpression: 'SET #status = :voided, voidedAt = :now, voidReason = :reason ADD voids :one',
        ConditionExpression: 'attribute_exists(authorizationId) AND #status = :authorized',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':voided': { S: 'VOIDED' },
          ':authorized': { S: 'AUTHORIZED' },
          ':now': { S: new Date().toISOString() },
          ':reason': { S: reason },
          ':one': { N: '1' },
        },
      }));
      return { voidedNow: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const row = await this.dynamodb.send(new GetItemCommand({
      TableName: this.tableName, Key: { authorizationId: { S: authorizationId } }, ConsistentRead: true,
    }));
    if (row.Item?.status?.S === 'VOIDED') return { voidedNow: false };
    throw new Error(`the gateway has no authorization ${authorizationId} to void`);
  }
}
