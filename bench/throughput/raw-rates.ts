/**
 * Item 4, the local ceiling: moto's own rate for each call the orders path makes, at the same
 * concurrency as the end-to-end run, with the real SDK clients, on the workflow's own
 * resources (PutEvents goes through the real rule into the main queue, as the API's does).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';
import { round } from '../stats';

export interface RawRate {
  /** The AWS operation. */
  readonly operation: string;
  readonly calls: number;
  readonly callsPerSecond: number;
  /** For ReceiveMessage/DeleteMessageBatch: messages moved per second. */
  readonly messagesPerSecond?: number;
}

export interface RawTargets {
  readonly eventBusName: string;
  readonly tableName: string;
}

/** `calls` calls of `call(i)`, `concurrency` at a time; calls per second of wall time. */
async function rate(operation: string, calls: number, concurrency: number, call: (index: number) => Promise<unknown>): Promise<RawRate> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, async () => {
    while (next < calls) await call(next++);
  }));
  return { operation, calls, callsPerSecond: round(calls / ((performance.now() - started) / 1000), 1) };
}

export async function measureRawRates(endpoint: string, targets: RawTargets, calls: number, concurrency: number): Promise<RawRate[]> {
  const config = { ...emulatorClientConfig(endpoint), maxAttempts: 1 };
  const events = new EventBridgeClient(config);
  const dynamodb = new DynamoDBClient(config);
  const sqs = new SQSClient(config);
  try {
    const run = randomUUID().slice(0, 8);
    const rates: RawRate[] = [];
    rates.push(await rate('PutEvents', calls, concurrency, (i) => events.send(new PutEventsCommand({
      Entries: [{ EventBusName: targets.eventBusName, Source: 'bench.raw', DetailType: 'OrderCreated', Detail: JSON.stringify({ eventId: `${run}-${i}` }) }],
    }))));
    const key = (i: number) => ({ id: { S: `raw-${run}-${i}` } });
    rates.push(await rate('PutItem', calls, concurrency, (i) => dynamodb.send(new PutItemCommand({
      TableName: targets.tableName, Item: { ...key(i), status: { S: 'INPROGRESS' } }, ConditionExpression: 'attribute_not_exists(id)',
    }))));
    rates.push(await rate('GetItem', calls, concurrency, (i) => dynamodb.send(new GetItemCommand({
      TableName: targets.tableName, Key: key(i), ConsistentRead: true,
    }))));
    rates.push(await rate('UpdateItem', calls, concurrency, (i) => dynamodb.send(new UpdateItemCommand({
      TableName: targets.tableName,
      Key: key(i),
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': { S: 'COMPLETED' } },
    }))));

    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-raw-${run}` }));
    rates.push(await rate('SendMessage', calls, concurrency, (i) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ i }) }))));
    // Receive then delete, batch by batch, until the queue is empty (at most `calls` receives each).
    let receives = 0;
    let deletes = 0;
    let moved = 0;
    let receiveMs = 0;
    let deleteMs = 0;
    let empty = false;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (!empty && receives < calls * 2) {
        let started = performance.now();
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
          QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0,
        }));
        receiveMs += performance.now() - started;
        receives++;
        if (Messages.length === 0) {
          empty = true;
          return;
        }
        started = performance.now();
        const entries = Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! }));
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: entries }));
        deleteMs += performance.now() - started;
        deletes++;
        moved += Messages.length;
      }
    }));
    // Summed call time / concurrency: each call type's share of the interleaved phase.
    const perSecond = (count: number, ms: number) => round(count / (ms / concurrency / 1000), 1);
    rates.push({ operation: 'ReceiveMessage', calls: receives, callsPerSecond: perSecond(receives, receiveMs), messagesPerSecond: perSecond(moved, receiveMs) });
    rates.push({ operation: 'DeleteMessageBatch', calls: deletes, callsPerSecond: perSecond(deletes, deleteMs), messagesPerSecond: perSecond(moved, deleteMs) });
    return rates;
  } finally {
    events.destroy();
    dynamodb.destroy();
    sqs.destroy();
  }
}
