/**
 * The worker dies between the idempotency claim and its completion, and
 * the order is still processed exactly once, with claim expiry and redelivery in AWS's order.
 *
 * How the crash is made real rather than mocked: the worker's DynamoDB traffic goes through a
 * small proxy in front of moto (via the worker's own AWS_ENDPOINT_URL, no handler change).
 * When the worker's first PutItem - Powertools' conditional IN_PROGRESS claim - has been
 * written by moto, the test SIGKILLs the worker's process before the answer reaches it. That
 * is what an out-of-memory kill, a runtime crash or a hard timeout does in Lambda: the claim
 * is in the table, the business step never ran, completion never happens, the invocation
 * fails and the message stays on the queue. Recovery then relies only on the real
 * mechanisms: the claim expires at the invocation's deadline (Powertools'
 * in_progress_expiration, from the context's remaining time), SQS redelivers after the
 * visibility timeout, a fresh instance (cold start) takes the claim over and completes it.
 */
import { AwsProxy, startAwsProxy } from './support/aws-proxy';
import { committedWork, idempotencyRecord, GOOD_ORDER, postOrder, queueDepth, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';

jest.setTimeout(90_000);

const VISIBILITY_TIMEOUT_SECONDS = 2;
/**
 * Powertools computes the expiry as now + remaining time, a few event-loop turns after the
 * context's deadline was read: the expiry is at the deadline or a little after it.
 */
const EXPIRY_SLACK_MS = 250;

const emulator = useEmulator();
const appDir = useSynthesizedStack();
let run: RunningWorkflow | undefined;
let proxy: AwsProxy | undefined;

afterEach(async () => {
  await run?.stop();
  await proxy?.close();
});

test('a worker crash between the idempotency claim and completion: the claim expires before the redelivery, which processes the order exactly once', async () => {
  let crashed: { pids: number[]; claim?: Awaited<ReturnType<typeof idempotencyRecord>> } | undefined;
  let eventId = '';
  let armed = true;
  proxy = await startAwsProxy(emulator.endpoint(), ({ operation }) => {
    if (!armed || operation !== 'PutItem') return undefined;
    armed = false;
    return {
      afterAnswerWithheld: async () => {
        const pids = run!.local.worker.pids();
        for (const pid of pids) process.kill(pid, 'SIGKILL');
        // Under load the worker can claim the order before the POST's answer reaches the test:
        // the event id is known only then. The claim stays IN_PROGRESS until the redelivery.
        await waitFor('the POST to answer with the event id', () => eventId !== '', 10_000);
        crashed = { pids, claim: await idempotencyRecord(run!.dynamodb, run!.local.outputs.DynamoTableName, eventId) };
      },
    };
  });
  run = await runWorkflow(emulator.endpoint(), appDir(), {
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    workerConcurrency: 1,
    workerEnv: { AWS_ENDPOINT_URL: proxy.url },
  });
  const { local } = run;
  const timeoutMs = local.worker.timeoutSeconds * 1000;
  const visibilityMs = local.worker.visibilityTimeoutSeconds * 1000;
  // Locally the timeout is at most half the visibility timeout (worker-timeout.ts).
  expect(timeoutMs).toBeLessThanOrEqual(visibilityMs / 2);

  const accepted = await postOrder(local.apiUrl, GOOD_ORDER);
  expect(accepted.status).toBe(202);
  eventId = accepted.body.eventId;

  await waitFor('the worker to be killed after its claim', () => crashed, 15_000);
  expect(crashed!.claim).toMatchObject({ status: 'INPROGRESS', inProgressExpiration: expect.any(Number) });
  const expiry = crashed!.claim!.inProgressExpiration!;

  const completed = await waitFor('the order to be committed after the redelivery', async () => committedWork(run!.dynamodb, local.outputs, eventId), 40_000);
  expect(completed.eventId).toBe(eventId);
  await waitFor('the main queue to be empty', async () => (await queueDepth(run!.sqs, local.outputs.MainQueueUrl)) === 0);

  // Batch reports arrive once each invocation has returned and its deletes are done.
  const deliveriesOf = () => run!.batches.filter((batch) => batch.event.Records.some((item) => item.body.includes(eventId)));
  await waitFor('the successful delivery reported', () => deliveriesOf().some((batch) => batch.outcome === 'ok'));
  const deliveries = deliveriesOf();
  const [crash, retry] = deliveries;
  expect(crash).toMatchObject({ outcome: 'crash', deletedMessageIds: [] });
  expect(retry).toMatchObject({ outcome: 'ok', failedMessageIds: [] });

  // The claim lasts exactly the crashed invocation: from its start (as the function saw it)
  // plus the function timeout, i.e. the context's deadline.
  const expiryAfterStart = expiry - crash.startedAt;
  expect(expiryAfterStart).toBeGreaterThanOrEqual(timeoutMs);
  expect(expiryAfterStart).toBeLessThanOrEqual(timeoutMs + EXPIRY_SLACK_MS);
  expect(expiry - crash.deadline!).toBeGreaterThanOrEqual(0);
  expect(expiry - crash.deadline!).toBeLessThanOrEqual(EXPIRY_SLACK_MS);

  // AWS's order: the claim expired before the message became visible again, so the first
  // redelivery took it over. Deliveries: at least 2 (the crash needs a redelivery), at most 2
  // (a redelivery that found the claim still IN_PROGRESS would have failed and needed a third).
  expect(expiry).toBeLessThan(crash.receivedAt! + visibilityMs);
  expect(retry.receivedAt!).toBeGreaterThanOrEqual(crash.receivedAt! + visibilityMs - 50);
  expect(retry.startedAt).toBeGreaterThan(expiry);
  expect(deliveries.length).toBeGreaterThanOrEqual(2);
  expect(deliveries.length).toBeLessThanOrEqual(2);

  // Exactly once: the business step ran once (the crash came before it), no duplicate, nothing parked.
  expect(run.logged('worker', 'order_processed', eventId)).toHaveLength(1);
  expect(run.logged('worker', 'duplicate', eventId)).toHaveLength(0);
  expect(run.logged('worker', 'processing_failed', eventId)).toHaveLength(0);
  expect(await queueDepth(run.sqs, local.outputs.DlqUrl)).toBe(0);
  // A new instance (cold start) replaced the killed one.
  expect(local.worker.pids().some((pid) => crashed!.pids.includes(pid))).toBe(false);
  // Lambda's own record of the crash, as its JSON log format writes it (no level; status and errorType).
  const systemLines = run.logs.filter((line) => line.source === 'worker' && line.json?.type !== undefined).map((line) => line.json!);
  expect(systemLines).toEqual([
    expect.objectContaining({ type: 'platform.runtimeDone', record: expect.objectContaining({ requestId: crash.requestId, status: 'failure', errorType: 'Runtime.ExitError' }) }),
    expect.objectContaining({ type: 'platform.report', record: expect.objectContaining({ requestId: crash.requestId, status: 'failure', errorType: 'Runtime.ExitError' }) }),
  ]);

  console.log([
    'crash recovery:',
    `  worker timeout ${timeoutMs} ms, visibility timeout ${visibilityMs} ms`,
    `  crashed invocation: received +0 ms, started +${crash.startedAt - crash.receivedAt!} ms, claim expiry +${expiry - crash.receivedAt!} ms ` +
      `(start + ${expiryAfterStart} ms)`,
    `  redelivery: received +${retry.receivedAt! - crash.receivedAt!} ms, started +${retry.startedAt - crash.receivedAt!} ms, ${deliveries.length} deliveries in all`,
  ].join('\n'));
});
