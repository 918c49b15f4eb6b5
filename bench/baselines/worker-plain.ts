/**
 * Warm-cost baseline of the worker: per record, the AWS calls the worker makes for a new
 * order, with the same SDK client and nothing of Powertools (no batch processor, idempotency
 * layer, logger or metrics): the conditional PutItem claim on the idempotency table, the two
 * consistent GetItems of the order record (already processed? current version), its PutItem
 * and the UpdateItem that completes the claim. Records run in parallel, as Powertools' batch
 * processor runs them; failed ones are reported back.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

const dynamodb = new DynamoDBClient({});
const idempotencyTable = process.env.IDEMPOTENCY_TABLE_NAME!;
const ordersTable = process.env.ORDERS_TABLE_NAME!;

async function processRecord(record: SQSRecord): Promise<void> {
  const detail = JSON.parse(record.body).detail;
  const claim = `plain#${detail.eventId}`;
  await dynamodb.send(new PutItemCommand({
    TableName: idempotencyTable,
    Item: { id: { S: claim }, status: { S: 'INPROGRESS' } },
    ConditionExpression: 'attribute_not_exists(id)',
  }));
  const orderKey = { id: { S: `plain-order#${detail.orderId}` } };
  await dynamodb.send(new GetItemCommand({ TableName: ordersTable, Key: orderKey, ConsistentRead: true }));
  await dynamodb.send(new GetItemCommand({ TableName: ordersTable, Key: orderKey, ConsistentRead: true }));
  const processedAt = new Date().toISOString();
  await dynamodb.send(new PutItemCommand({
    TableName: ordersTable,
    Item: { ...orderKey, status: { S: 'PROCESSED' }, eventId: { S: detail.eventId }, processedAt: { S: processedAt } },
  }));
  await dynamodb.send(new UpdateItemCommand({
    TableName: idempotencyTable,
    Key: { id: { S: claim } },
    UpdateExpression: 'SET #status = :status',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': { S: 'COMPLETED' } },
  }));
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const outcomes = await Promise.allSettled(event.Records.map(processRecord));
  return {
    batchItemFailures: outcomes
      .map((outcome, index) => (outcome.status === 'rejected' ? { itemIdentifier: event.Records[index].messageId } : undefined))
      .filter((failure): failure is { itemIdentifier: string } => failure !== undefined),
  };
};
