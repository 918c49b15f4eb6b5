/**
 * A worker whose last attempt times out still leaves its order FAILED: on moto through the local
 * runner, with the real worker bundle. A proxy in front of moto (the worker's own
 * AWS_ENDPOINT_URL, no handler change) holds the answer to Powertools' idempotency claim, so
 * every attempt hangs until the runner kills the worker at its timeout, as Lambda does: no
 * catch block runs. On the last of `maxReceiveCount` attempts the worker records FAILED just
 * before its deadline; SQS then moves the message to the DLQ.
 */
import { AwsProxy, startAwsProxy } from './support/aws-proxy';
import { GOOD_ORDER, postOrder, queueDepth, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';
import { deadlineMarginMs } from '../../lambda/worker/last-attempt-deadline';

jest.setTimeout(60_000);

const MAX_RECEIVE_COUNT = 2;
/** The worker gets half of it per attempt (3 s, a 300 ms margin): room for a cold start and two calls to moto under load. */
const VISIBILITY_TIMEOUT_SECONDS = 6;
/** Longer than any attempt: the claim's answer never reaches the worker before its timeout. */
const HOLD_CLAIM_MS = 20_000;

const emulator = useEmulator();
const appDir = useSynthesizedStack({ maxReceiveCount: MAX_RECEIVE_COUNT });
let run: RunningWorkflow | undefined;
let proxy: AwsProxy | undefined;

afterEach(async () => {
  await run?.stop();
  await proxy?.close();
});

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

test('every attempt times out: the last one records FAILED with the timeout as lastError, and the message is in the DLQ', async () => {
  // Powertools' claim (and its takeover of an expired one) is the only PutItem of an INPROGRESS record.
  proxy = await startAwsProxy(emulator.endpoint(), ({ operation, body }) =>
    operation === 'PutItem' && body.includes('"INPROGRESS"') ? { delayAfterMs: HOLD_CLAIM_MS } : undefined);
  run = await runWorkflow(emulator.endpoint(), appDir(), {
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    workerConcurrency: 1,
    workerEnv: { AWS_ENDPOINT_URL: proxy.url },
  });
  const { local } = run;
  expect(local.worker.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
  const timeoutMs = local.worker.timeoutSeconds * 1000;

  const accepted = await postOrder(local.apiUrl, GOOD_ORDER);
  expect(accepted.status).toBe(202);
  const { orderId, eventId } = accepted.body;

  await waitFor('the message in the DLQ', async () => (await queueDepth(run!.sqs, local.outputs.DlqUrl)) === 1, 40_000);
  expect(await queueDepth(run.sqs, local.outputs.MainQueueUrl)).toBe(0);

  const { status, body: order } = await getJson(`${local.apiUrl}/orders/${encodeURIComponent(orderId)}`);
  expect(status).toBe(200);
  expect(order).toMatchObject({ orderId, eventId, status: 'FAILED', attempts: MAX_RECEIVE_COUNT });
  expect(order.lastError).toMatch(new RegExp(
    `^The attempt was still running \\d+ ms before the function's timeout \\(attempt ${MAX_RECEIVE_COUNT} of ${MAX_RECEIVE_COUNT}\\); ` +
    'the message goes to the dead-letter queue$'));
  expect(order.history.map((change: { status: string }) => change.status)).toEqual(['ACCEPTED', 'FAILED']);

  // Both attempts timed out; only the last one recorded anything, and nothing was a processing failure.
  const deliveries = run.batches.filter((batch) => batch.event.Records.some((record) => record.body.includes(eventId)));
  expect(deliveries.map((batch) => batch.outcome)).toEqual(['timeout', 'timeout']);
  const [notice] = run.logged('worker', 'attempt_timing_out', eventId);
  expect(run.logged('worker', 'attempt_timing_out', eventId)).toHaveLength(1);
  expect(notice).toMatchObject({ level: 'ERROR', orderId, receiveCount: String(MAX_RECEIVE_COUNT), errorMessage: order.lastError });
  expect(notice.remainingMs as number).toBeLessThanOrEqual(deadlineMarginMs(timeoutMs));
  expect(run.logged('worker', 'processing_failed', eventId)).toHaveLength(0);
  expect(run.logged('worker', 'order_processed', eventId)).toHaveLength(0);

  // Stamped inside the last invocation, before the runner killed it at its deadline.
  const stampedBeforeDeadlineMs = deliveries[1].deadline! - Date.parse(order.updatedAt);
  expect(stampedBeforeDeadlineMs).toBeGreaterThan(0);

  console.log(`last attempt timing out: worker timeout ${timeoutMs} ms (margin ${deadlineMarginMs(timeoutMs)} ms); the timer fired with ` +
    `${String(notice.remainingMs)} ms left, FAILED stamped ${stampedBeforeDeadlineMs} ms before the deadline; ${deliveries.length} deliveries, then the DLQ`);
});
