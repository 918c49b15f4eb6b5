/**
 * Item 4, the local ceiling: moto's own rate for each call the orders path makes, at the same
 * concurrency as the end-to-end run, with the real SDK clients, on the workflow's own
 * resources (PutEvents goes through the real rule into the main queue, as the API's does).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, Message, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
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

/**
 * SQS in rounds that keep the queue as short as the orders path keeps it (moto scans the whole
 * queue on every receive, so a deep queue would understate the rate): each round sends 10
 * messages per client, then every client receives once (up to 10) and deletes what it got
 * with one DeleteMessageBatch. Each phase is timed alone, so each call type has its own rate.
 */
async function measureQueueRates(sqs: SQSClient, queueUrl: string, calls: number, concurrency: number): Promise<RawRate[]> {
  const totals = { send: { calls: 0, ms: 0 }, receive: { calls: 0, ms: 0, messages: 0 }, delete: { calls: 0, ms: 0, messages: 0 } };
  const phase = async (run: (client: number) => Promise<void>) => {
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, (_, client) => run(client)));
    return performance.now() - started;
  };
  // `calls` sends in all (10 per client per round); receives and deletes are a tenth of that.
  while (totals.send.calls < calls) {
    totals.send.ms += await phase(async (client) => {
      for (let i = 0; i < 10; i++) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ client, i }) }));
    });
    totals.send.calls += concurrency * 10;
    const received: Message[][] = [];
    totals.receive.ms += await phase(async (client) => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0,
      }));
      received[client] = Messages;
    });
    totals.receive.calls += concurrency;
    totals.receive.messages += received.reduce((sum, messages) => sum + messages.length, 0);
    totals.delete.ms += await phase(async (client) => {
      const entries = (received[client] ?? []).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! }));
      if (entries.length === 0) return;
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      totals.delete.calls++;
      totals.delete.messages += entries.length;
    });
    // What a round left behind (a receive can return fewer than 10) is received by the next one.
  }
  const perSecond = (count: number, ms: number) => round(count / (ms / 1000), 1);
  return [
    { operation: 'SendMessage', calls: totals.send.calls, callsPerSecond: perSecond(totals.send.calls, totals.send.ms) },
    {
      operation: 'ReceiveMessage',
      calls: totals.receive.calls,
      callsPerSecond: perSecond(totals.receive.calls, totals.receive.ms),
      messagesPerSecond: perSecond(totals.receive.messages, totals.receive.ms),
    },
    {
      operation: 'DeleteMessageBatch',
      calls: totals.delete.calls,
      callsPerSecond: perSecond(totals.delete.calls, totals.delete.ms),
      messagesPerSecond: perSecond(totals.delete.messages, totals.delete.ms),
    },
  ];
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
    rates.push(...await measureQueueRates(sqs, QueueUrl!, calls, concurrency));
    return rates;
  } finally {
    events.destroy();
    dynamodb.destroy();
    sqs.destroy();
  }
}
