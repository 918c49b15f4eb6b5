/**
 * Issue 3, scenario 4: the worker dies between the idempotency claim and its completion, and
 * the order is still processed exactly once.
 *
 * How the crash is made real rather than mocked: the worker's DynamoDB traffic goes through a
 * small proxy in front of moto (via the worker's own AWS_ENDPOINT_URL, no handler change).
 * When the worker's first PutItem - Powertools' conditional IN_PROGRESS claim - has been
 * written by moto, the test SIGKILLs the worker's process before the answer reaches it. That
 * is what an out-of-memory kill, a runtime crash or a hard timeout does in Lambda: the claim
 * is in the table, the business step never ran, completion never happens, the invocation
 * fails and the message stays on the queue. Recovery then relies only on the real
 * mechanisms: the claim expires with the invocation's remaining time (Powertools'
 * in_progress_expiration), SQS redelivers after the visibility timeout, a fresh instance
 * (cold start) takes the claim over and completes the order.
 */
import { createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';
import { idempotencyRecord, GOOD_ORDER, postOrder, queueDepth, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';

jest.setTimeout(90_000);

const emulator = useEmulator();
const appDir = useSynthesizedStack();
let run: RunningWorkflow | undefined;
let proxy: Server | undefined;

afterEach(async () => {
  await run?.stop();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  proxy?.closeAllConnections();
});

/**
 * Forwards everything to moto; the first PutItem after arming is forwarded, and once moto has
 * answered, `onClaimWritten` runs and the worker never gets the answer.
 */
async function startDynamoDbProxy(target: string, onClaimWritten: () => Promise<void>): Promise<string> {
  let armed = true;
  proxy = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readAll(incoming);
      const isClaim = armed && incoming.headers['x-amz-target'] === 'DynamoDB_20120810.PutItem';
      if (isClaim) armed = false;
      const upstream = new URL(incoming.url ?? '/', target);
      const forwarded = httpRequest(upstream, { method: incoming.method, headers: incoming.headers }, (answer) => {
        void (async () => {
          const answerBody = await readAll(answer);
          if (isClaim) {
            await onClaimWritten();
            incoming.socket.destroy();
            return;
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(answerBody);
        })();
      });
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(body);
    })();
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', () => resolve()));
  const address = proxy.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

test('4. a worker crash between the idempotency claim and completion: the order is retried and processed exactly once', async () => {
  let crashed: { pids: number[]; claim?: Awaited<ReturnType<typeof idempotencyRecord>> } | undefined;
  let eventId = '';
  const proxyUrl = await startDynamoDbProxy(emulator.endpoint(), async () => {
    const pids = run!.local.worker.pids();
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    crashed = { pids, claim: await idempotencyRecord(run!.dynamodb, run!.local.outputs.DynamoTableName, eventId) };
  });
  run = await runWorkflow(emulator.endpoint(), appDir(), {
    visibilityTimeoutSeconds: 2,
    workerConcurrency: 1,
    workerEnv: { AWS_ENDPOINT_URL: proxyUrl },
  });
  const { local } = run;

  const accepted = await postOrder(local.apiUrl, GOOD_ORDER);
  expect(accepted.status).toBe(202);
  eventId = accepted.body.eventId;

  await waitFor('the worker to be killed after its claim', () => crashed, 15_000);
  // The claim the crashed invocation left behind, bounded by that invocation's remaining time.
  expect(crashed!.claim).toMatchObject({ status: 'INPROGRESS', inProgressExpiration: expect.any(Number) });
  expect(crashed!.claim!.inProgressExpiration!).toBeLessThanOrEqual(Date.now() + local.worker.timeoutSeconds * 1000);

  const completed = await waitFor('the order to be COMPLETED after the redelivery', async () => {
    const record = await idempotencyRecord(run!.dynamodb, local.outputs.DynamoTableName, eventId);
    return record?.status === 'COMPLETED' && record;
  }, 40_000);
  expect(completed.eventId).toBe(eventId);
  await waitFor('the main queue to be empty', async () => (await queueDepth(run!.sqs, local.outputs.MainQueueUrl)) === 0);

  // Batch reports arrive once each invocation has returned and its deletes are done.
  const deliveriesOf = () => run!.batches.filter((batch) => batch.event.Records.some((item) => item.body.includes(eventId)));
  await waitFor('the successful delivery reported', () => deliveriesOf().some((batch) => batch.outcome === 'ok'));
  const deliveries = deliveriesOf();
  expect(deliveries[0]).toMatchObject({ outcome: 'crash', deletedMessageIds: [] });
  expect(deliveries[deliveries.length - 1]).toMatchObject({ outcome: 'ok', failedMessageIds: [] });
  expect(deliveries.length).toBeLessThanOrEqual(local.worker.maxReceiveCount!);
  // Exactly once: the business step ran once (the crash came before it), no duplicate, nothing parked.
  expect(run.logged('worker', 'order_processed', eventId)).toHaveLength(1);
  expect(run.logged('worker', 'duplicate', eventId)).toHaveLength(0);
  expect(await queueDepth(run.sqs, local.outputs.DlqUrl)).toBe(0);
  // A new instance (cold start) replaced the killed one.
  expect(local.worker.pids().some((pid) => crashed!.pids.includes(pid))).toBe(false);
});
