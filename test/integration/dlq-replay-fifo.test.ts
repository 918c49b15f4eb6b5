/**
 * The replay tool on FIFO queues (moto, real SDK): each message keeps its group and is sent
 * with a deduplication id of its own, so SQS's 5-minute deduplication can neither drop a replay
 * (a lost order: the tool deletes it from the DLQ after a "successful" send) nor let a second
 * replay of the same DLQ message through twice.
 */
import { createHash } from 'node:crypto';
import {
  Message, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageBatchCommandOutput, SendMessageBatchRequestEntry,
  SendMessageCommand, SendMessageCommandOutput, SQSClient,
} from '@aws-sdk/client-sqs';
import { queueDepth, receiveAll, useEmulator } from './support/harness';
import { assertCliBundleBuilt, createQueuePair, runReplayCli } from './support/replay-dlq';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';
import { resetEmulator } from '../../scripts/local/emulator/moto-server';
import { replayDeadLetterQueue } from '../../tools/replay-dlq/replay';

jest.setTimeout(60_000);

const emulator = useEmulator();
let sqs: SQSClient;
beforeAll(() => {
  sqs = new SQSClient(emulatorClientConfig(emulator.endpoint()));
});
afterAll(() => sqs.destroy());
beforeEach(() => resetEmulator(emulator.endpoint()));

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * A client on which FIFO deduplication behaves as SQS documents it: a send whose
 * MessageDeduplicationId the queue saw in the last 5 minutes is reported successful and dropped,
 * also when that first message has been deleted or moved to the DLQ since. moto compares only
 * with the messages still in the queue, so this middleware remembers every id sent through the
 * client and drops the repeats itself, answering as SQS does.
 */
function withSqsDeduplicationWindow(): { client: SQSClient; dropped: string[] } {
  const client = new SQSClient(emulatorClientConfig(emulator.endpoint()));
  const seen = new Set<string>();
  const dropped: string[] = [];
  const isRepeat = (queueUrl: string, id: string | undefined) => {
    if (id === undefined) return false;
    const key = `${queueUrl}#${id}`;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  };
  client.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName === 'SendMessageCommand') {
      const input = args.input as { QueueUrl: string; MessageBody: string; MessageDeduplicationId?: string };
      if (!isRepeat(input.QueueUrl, input.MessageDeduplicationId)) return next(args);
      dropped.push(input.MessageDeduplicationId!);
      const output: SendMessageCommandOutput = { $metadata: {}, MessageId: `dropped-${dropped.length}`, MD5OfMessageBody: md5(input.MessageBody) };
      return { output, response: {} };
    }
    if (context.commandName === 'SendMessageBatchCommand') {
      const input = args.input as { QueueUrl: string; Entries: SendMessageBatchRequestEntry[] };
      const repeats = input.Entries.filter((entry) => isRepeat(input.QueueUrl, entry.MessageDeduplicationId));
      dropped.push(...repeats.map((entry) => entry.MessageDeduplicationId!));
      input.Entries = input.Entries.filter((entry) => !repeats.includes(entry));
      const result = input.Entries.length > 0 ? await next(args) : { output: { $metadata: {}, Successful: [], Failed: [] }, response: {} };
      const output = result.output as SendMessageBatchCommandOutput;
      output.Successful = [...output.Successful ?? [], ...repeats.map((entry) => ({
        Id: entry.Id!, MessageId: `dropped-${entry.Id}`, MD5OfMessageBody: md5(entry.MessageBody!),
      }))];
      return result;
    }
    return next(args);
  }, { step: 'initialize', name: 'sqsDeduplicationWindow' });
  return { client, dropped };
}

/** Receives from the main queue once, without keeping them: with maxReceiveCount 1 the next receive parks them in the DLQ. */
async function failOnce(queueUrl: string): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  const { Messages: again = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  expect(again).toEqual([]); // moved to the DLQ instead
  return Messages;
}

test('a message parked within the 5-minute deduplication window is replayed, not dropped (and its group is kept)', async () => {
  const pair = await createQueuePair(sqs, 'orders', { fifo: true, maxReceiveCount: 1 });
  const { client, dropped } = withSqsDeduplicationWindow();
  // The producer (EventBridge, for the construct) sends the order; the worker fails it; SQS parks it.
  await client.send(new SendMessageCommand({
    QueueUrl: pair.main, MessageBody: 'order-1', MessageGroupId: 'customer-7', MessageDeduplicationId: 'event-1',
  }));
  expect(await failOnce(pair.main)).toHaveLength(1);
  expect(await queueDepth(sqs, pair.dlq)).toBe(1);
  // The window works: the producer's id, sent again now, is dropped.
  await client.send(new SendMessageCommand({ QueueUrl: pair.main, MessageBody: 'order-1', MessageGroupId: 'customer-7', MessageDeduplicationId: 'event-1' }));
  expect(dropped).toEqual(['event-1']);
  expect(await queueDepth(sqs, pair.main)).toBe(0);

  const result = await replayDeadLetterQueue({ sqs: client, dlqUrl: pair.dlq, mainQueueUrl: pair.main });
  client.destroy();
  expect(result).toMatchObject({ received: 1, replayed: 1, failed: 0, left: 0 });
  expect(dropped).toEqual(['event-1']); // the replay was not dropped
  const replayed = await receiveAll(sqs, pair.main);
  expect(replayed.map((message) => [message.Body, message.Attributes?.MessageGroupId])).toEqual([['order-1', 'customer-7']]);
  expect(replayed[0].Attributes?.MessageDeduplicationId).not.toBe('event-1');
});

test('the same DLQ message replayed twice (its delete failed) reaches the main queue once', async () => {
  const pair = await createQueuePair(sqs, 'orders', { fifo: true });
  await sqs.send(new SendMessageCommand({ QueueUrl: pair.dlq, MessageBody: 'order-1', MessageGroupId: 'customer-7', MessageDeduplicationId: 'event-1' }));
  // First run: the send succeeds, the delete from the DLQ does not (as if the tool was killed in between).
  const noDeletes = new SQSClient(emulatorClientConfig(emulator.endpoint()));
  noDeletes.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName === 'DeleteMessageBatchCommand') throw Object.assign(new Error('delete lost'), { name: 'NetworkingError' });
    return next(args);
  }, { step: 'initialize', name: 'failDeletes' });
  const first = await replayDeadLetterQueue({ sqs: noDeletes, dlqUrl: pair.dlq, mainQueueUrl: pair.main });
  noDeletes.destroy();
  expect(first).toMatchObject({ replayed: 1, failed: 1, left: 1, failures: [expect.objectContaining({ stage: 'delete' })] });
  expect(await queueDepth(sqs, pair.main)).toBe(1);

  // Second run, within the window: the same replay id, so SQS drops the copy; the DLQ is emptied.
  const second = await replayDeadLetterQueue({ sqs, dlqUrl: pair.dlq, mainQueueUrl: pair.main });
  expect(second).toMatchObject({ replayed: 1, failed: 0, left: 0 });
  expect(await queueDepth(sqs, pair.main)).toBe(1);
});

test('the bundled CLI keeps each group and its order, with a new deduplication id per message', async () => {
  assertCliBundleBuilt();
  const pair = await createQueuePair(sqs, 'orders', { fifo: true });
  const sent = ['a-1', 'b-1', 'a-2', 'a-3', 'b-2', 'a-4', 'b-3'];
  const entries = sent.map((body, index) => ({ Id: String(index), MessageBody: body, MessageGroupId: `group-${body[0]}`, MessageDeduplicationId: `original-${body}` }));
  const { Successful = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: pair.dlq, Entries: entries }));
  const dlqMessageIds = new Map(Successful.map((entry) => [sent[Number(entry.Id)], entry.MessageId!]));

  const run = runReplayCli(['--dlq-url', pair.dlq, '--main-queue-url', pair.main, '--endpoint', emulator.endpoint()]);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('Done (the DLQ has no more visible messages): received 7, replayed 7, failed 0, left in DLQ 0');

  const replayed = await receiveAll(sqs, pair.main);
  const inGroup = (group: string) => replayed.filter((message) => message.Attributes?.MessageGroupId === group).map((message) => message.Body);
  expect(inGroup('group-a')).toEqual(['a-1', 'a-2', 'a-3', 'a-4']);
  expect(inGroup('group-b')).toEqual(['b-1', 'b-2', 'b-3']);
  for (const message of replayed) {
    expect(message.Attributes?.MessageDeduplicationId).toBe(`dlq-replay:${dlqMessageIds.get(message.Body!)}`);
  }
});
