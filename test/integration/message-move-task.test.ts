/**
 * The runner's emulation of SQS's message move task (scripts/local/sqs/message-move-task.ts) on
 * moto, through the SDK's own commands, as any tool sees it: SQS's error codes, one active task
 * per source, the rate bound, bodies and message attributes kept, cancel, and every other SQS
 * call forwarded to moto unchanged.
 */
import {
  CancelMessageMoveTaskCommand, CreateQueueCommand, GetQueueAttributesCommand, ListMessageMoveTasksCommand, ReceiveMessageCommand,
  SendMessageCommand, SQSClient, StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { receiveAll, useEmulator, waitFor } from './support/harness';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';
import { resetEmulator } from '../../scripts/local/emulator/moto-server';
import { MessageMoveTaskProxy, startMessageMoveTaskProxy } from '../../scripts/local/sqs/message-move-task';

jest.setTimeout(60_000);

const emulator = useEmulator();
let proxy: MessageMoveTaskProxy;
let sqs: SQSClient;
let queues: { main: string; dlq: string; mainArn: string; dlqArn: string; lone: string; loneArn: string };

beforeEach(async () => {
  await resetEmulator(emulator.endpoint());
  proxy = await startMessageMoveTaskProxy({ upstream: emulator.endpoint() });
  sqs = new SQSClient(emulatorClientConfig(proxy.url));
  const arnOf = async (url: string) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'mmt-dlq' }))).QueueUrl!;
  const dlqArn = await arnOf(dlq);
  const main = (await sqs.send(new CreateQueueCommand({
    QueueName: 'mmt-main', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
  }))).QueueUrl!;
  const lone = (await sqs.send(new CreateQueueCommand({ QueueName: 'mmt-lone' }))).QueueUrl!;
  queues = { main, dlq, dlqArn, mainArn: await arnOf(main), lone, loneArn: await arnOf(lone) };
});

afterEach(async () => {
  await proxy.close();
  sqs.destroy();
});

async function fillDlq(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await sqs.send(new SendMessageCommand({
      QueueUrl: queues.dlq, MessageBody: `order-${i}`, MessageAttributes: { attempt: { DataType: 'Number', StringValue: String(i) } },
    }));
  }
}

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: Error) => ({ name: error.name, message: error.message }));

test('moves every message with its body and attributes, at most MaxNumberOfMessagesPerSecond; RUNNING -> COMPLETED', async () => {
  await fillDlq(4);
  const started = Date.now();
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({
    SourceArn: queues.dlqArn, DestinationArn: queues.mainArn, MaxNumberOfMessagesPerSecond: 2,
  }));
  expect(TaskHandle).toEqual(expect.any(String));

  const [running] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn }))).Results!;
  expect(running).toMatchObject({ TaskHandle, Status: 'RUNNING', SourceArn: queues.dlqArn, DestinationArn: queues.mainArn, ApproximateNumberOfMessagesToMove: 4 });

  const done = await waitFor('the task to complete', async () => {
    const [task] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn }))).Results!;
    return task.Status === 'COMPLETED' && task;
  });
  // 4 messages at 2 a second: two batches of 2, each taking at least its second.
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  expect(done).toEqual(expect.objectContaining({ ApproximateNumberOfMessagesMoved: 4, MaxNumberOfMessagesPerSecond: 2 }));
  expect(done).not.toHaveProperty('TaskHandle');

  const moved = await receiveAll(sqs, queues.main);
  expect(moved.map((message) => [message.Body, message.MessageAttributes?.attempt?.StringValue]).sort())
    .toEqual([['order-0', '0'], ['order-1', '1'], ['order-2', '2'], ['order-3', '3']]);
  expect(moved.every((message) => message.Attributes?.ApproximateReceiveCount === '1')).toBe(true);
  expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.dlq }))).Messages ?? []).toEqual([]);
});

test('one active task per source: a second start is UnsupportedOperation; cancel stops it (CANCELLED, some moved)', async () => {
  await fillDlq(5);
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({
    SourceArn: queues.dlqArn, DestinationArn: queues.mainArn, MaxNumberOfMessagesPerSecond: 1,
  }));
  expect(await errorOf(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queues.dlqArn }))))
    .toEqual({ name: 'UnsupportedOperation', message: expect.stringContaining('already a task running') });

  await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
  await proxy.idle();
  const [cancelled] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn }))).Results!;
  expect(cancelled.Status).toBe('CANCELLED');
  expect(cancelled.ApproximateNumberOfMessagesMoved).toBeLessThan(5);
  expect(await errorOf(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })))).toMatchObject({ name: 'ResourceNotFoundException' });

  // Without a destination: back to the DLQ's source queue. Listed newest first.
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queues.dlqArn }));
  await proxy.idle();
  const tasks = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn, MaxResults: 10 }))).Results!;
  expect(tasks.map((task) => task.Status)).toEqual(['COMPLETED', 'CANCELLED']);
  expect((await receiveAll(sqs, queues.main)).length).toBe(5);
});

test('SQS\'s errors: not a DLQ, unknown queue, bad rate, missing source', async () => {
  expect(await errorOf(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queues.loneArn }))))
    .toEqual({ name: 'UnsupportedOperation', message: 'Source queue must be configured as a Dead Letter Queue.' });
  expect(await errorOf(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: 'arn:aws:sqs:us-east-1:123456789012:nope' }))))
    .toMatchObject({ name: 'ResourceNotFoundException' });
  expect(await errorOf(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queues.dlqArn, MaxNumberOfMessagesPerSecond: 501 }))))
    .toMatchObject({ name: 'InvalidParameterValue' });
  expect(await errorOf(sqs.send(new ListMessageMoveTasksCommand({ SourceArn: undefined as unknown as string }))))
    .toMatchObject({ name: 'MissingParameter' });
  expect((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn }))).Results).toEqual([]);
});
