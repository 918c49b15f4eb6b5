/**
 * Warm-cost baseline of the API function: the AWS calls POST /orders makes for an order with
 * a deduplication key, with the same SDK clients, and nothing of Powertools (no logger, no
 * metrics, no idempotency layer) and no validation library: a conditional PutItem claim, the
 * PutEvents, the create-only PutItem of the order's ACCEPTED record and the UpdateItem that
 * completes the claim. The difference to the real handler is what our layers cost per request.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const dynamodb = new DynamoDBClient({});
const eventBridge = new EventBridgeClient({});
const table = process.env.ORDERS_TABLE_NAME!;
const bus = process.env.EVENT_BUS_NAME!;

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const request = JSON.parse(event.body ?? '{}');
  const key = `plain#${createHash('md5').update(String(request.orderId)).digest('base64')}`;
  const expiration = String(Math.floor(Date.now() / 1000) + 3600);
  await dynamodb.send(new PutItemCommand({
    TableName: table,
    Item: { id: { S: key }, status: { S: 'INPROGRESS' }, expiration: { N: expiration } },
    ConditionExpression: 'attribute_not_exists(id)',
  }));
  const ids = { orderId: String(request.orderId ?? randomUUID()), eventId: randomUUID() };
  await eventBridge.send(new PutEventsCommand({
    Entries: [{ EventBusName: bus, Source: 'bench.plain', DetailType: 'OrderCreated', Detail: JSON.stringify({ ...request, ...ids }) }],
  }));
  await dynamodb.send(new PutItemCommand({
    TableName: table,
    Item: { id: { S: `plain-order#${ids.orderId}` }, status: { S: 'ACCEPTED' }, eventId: { S: ids.eventId } },
    ConditionExpression: 'attribute_not_exists(id)',
  }));
  await dynamodb.send(new UpdateItemCommand({
    TableName: table,
    Key: { id: { S: key } },
    UpdateExpression: 'SET #status = :status, #data = :data',
    ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
    ExpressionAttributeValues: { ':status': { S: 'COMPLETED' }, ':data': { S: JSON.stringify(ids) } },
  }));
  return { statusCode: 202, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ids) };
};
