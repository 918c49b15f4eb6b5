/**
 * The operations routes on moto through the local runner, with the real bundles, in the default
 * mode (`none`: the order routes are open, the ops routes are AWS_IAM): FAIL-ME -> FAILED and the
 * DLQ depth in GET /ops/queues -> failure injection off -> POST /ops/redrive (202; a second POST
 * while it runs is 409) -> GET /ops/redrive until COMPLETED -> the orders PROCESSED, the DLQ empty.
 * The move task is the runner's emulation (scripts/local/sqs/message-move-task.ts), observable
 * through the SDK's own ListMessageMoveTasks; unsigned or badly signed calls move nothing.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ListMessageMoveTasksCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Answer, send, sigV4Headers } from './support/callers';
import { FAILING_ORDER, postOrder, queueDepth, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';

jest.setTimeout(180_000);

const emulator = useEmulator();
// One message a second: three take ~3 s, long enough to ask twice while the task runs.
const appDir = useSynthesizedStack({ maxReceiveCount: 2, redriveMessagesPerSecond: 1 });
let run: RunningWorkflow | undefined;
let sqs: SQSClient | undefined;

afterEach(async () => {
  await run?.stop();
  sqs?.destroy();
  run = sqs = undefined;
});

async function ops(method: 'GET' | 'POST', path: string, signed = true): Promise<Answer> {
  const { outputs } = run!.local;
  const url = `${run!.local.apiUrl}/ops/${path}`;
  const headers = signed
    ? await sigV4Headers(url, '', { accessKeyId: outputs.LocalAccessKeyId!, secretAccessKey: outputs.LocalSecretAccessKey! }, {}, method)
    : {};
  return send(url, { method, headers, body: method === 'POST' ? '' : undefined });
}

const statusOf = async (orderId: string) => (await send(`${run!.local.apiUrl}/orders/${orderId}`, { method: 'GET' })).body?.status;

test('FAIL-ME -> FAILED -> redrive with injection off -> PROCESSED; 409 while the task runs; the DLQ ends empty', async () => {
  // 4 s: the worker gets 2 s, enough on a busy machine to fail by FAIL-ME (and record FAILED) rather than by a timeout.
  run = await runWorkflow(emulator.endpoint(), appDir(), { visibilityTimeoutSeconds: 4 });
  const { local } = run;
  sqs = new SQSClient(emulatorClientConfig(local.sqsEndpoint));
  const dlqArn = `arn:aws:sqs:us-east-1:123456789012:${local.outputs.DlqUrl.split('/').pop()}`;

  const orders = await Promise.all([1, 2, 3].map(async () => (await postOrder(local.apiUrl, FAILING_ORDER)).body.orderId as string));
  for (const orderId of orders) await waitFor(`order ${orderId} FAILED`, async () => (await statusOf(orderId)) === 'FAILED', 60_000);
  const queues = await waitFor('GET /ops/queues to show 3 in the DLQ', async () => {
    const answer = await ops('GET', 'queues');
    return answer.body?.deadLetterQueue?.visible === 3 && answer;
  });
  expect(queues.status).toBe(200);
  expect(queues.body).toEqual({
    mainQueue: { visible: 0, inFlight: 0, oldestAgeSeconds: null },
    deadLetterQueue: { visible: 3, inFlight: 0, oldestAgeSeconds: null },
  });
  expect((await ops('GET', 'redrive')).status).toBe(404);

  // oldestAgeSeconds is CloudWatch's: moto holds no SQS metrics, so publish the datapoint SQS would.
  const cloudwatch = new CloudWatchClient(emulatorClientConfig(local.outputs.EmulatorEndpoint));
  await cloudwatch.send(new PutMetricDataCommand({
    Namespace: 'AWS/SQS',
    MetricData: [{ MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: dlqArn.split(':').pop()! }], Value: 37, Timestamp: new Date() }],
  }));
  cloudwatch.destroy();
  expect((await ops('GET', 'queues')).body.deadLetterQueue).toEqual({ visible: 3, inFlight: 0, oldestAgeSeconds: 37 });

  // Refused: nothing happens.
  expect((await ops('POST', 'redrive', false)).status).toBe(403);
  expect((await ops('GET', 'queues', false)).status).toBe(403);
  expect((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results).toEqual([]);
  expect(await queueDepth(run.sqs, local.outputs.DlqUrl)).toBe(3);

  expect(local.outputs.FailureInjection).toBe(true); // the template's default, which the console's FAIL-ME hint follows
  local.setFailureInjection(false);
  expect(local.outputs.FailureInjection).toBe(false);
  const started = await ops('POST', 'redrive');
  expect(started.status).toBe(202);
  expect(started.body).toEqual({ taskHandle: expect.any(String), approximateNumberOfMessagesToMove: 3 });

  const again = await ops('POST', 'redrive');
  expect(again.status).toBe(409);
  expect(again.body.task).toMatchObject({ status: 'RUNNING', taskHandle: started.body.taskHandle });

  const completed = await waitFor('the move task to complete', async () => {
    const answer = await ops('GET', 'redrive');
    return answer.body?.status === 'COMPLETED' && answer.body;
  }, 30_000);
  expect(completed).toMatchObject({
    approximateNumberOfMessagesMoved: 3, approximateNumberOfMessagesToMove: 3, sourceArn: dlqArn, maxNumberOfMessagesPerSecond: 1,
  });
  expect(completed).not.toHaveProperty('taskHandle'); // SQS hands it out only while the task runs

  for (const orderId of orders) await waitFor(`order ${orderId} PROCESSED`, async () => (await statusOf(orderId)) === 'PROCESSED', 60_000);
  const after = await ops('GET', 'queues');
  expect(after.body.deadLetterQueue).toMatchObject({ visible: 0, inFlight: 0 });

  // The same task through the SDK, as any tool sees it.
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
  expect(Results).toEqual([expect.objectContaining({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3, StartedTimestamp: expect.any(Number) })]);

  // Nothing left to move: 200, and no second task.
  const empty = await ops('POST', 'redrive');
  expect([empty.status, empty.body.approximateNumberOfMessagesToMove]).toEqual([200, 0]);
  expect((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }))).Results).toHaveLength(1);
});
