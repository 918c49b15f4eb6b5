/**
 * The create contract's invariant under a crash (docs/http-api.md, POST /orders): the API
 * process dies AFTER PutEvents and BEFORE it answers (and before it records completion). The
 * client sees a 5xx, retries with the same Idempotency-Key, and the order is still processed
 * exactly once.
 *
 * Why it holds: the dead invocation's claim blocks the key until that invocation would have
 * timed out (409 + Retry-After meanwhile, unless the order is recorded by then: a replay); then
 * the retry takes the key over and publishes the same eventId again (ids are derived from the
 * key and the body), which the worker drops as a duplicate, or, when the worker has recorded
 * the order meanwhile, answers as a replay and publishes nothing. Real processes, real bundles,
 * moto; the crash is a SIGKILL of the API function's process at the moment moto has answered
 * PutEvents.
 */
import { randomUUID } from 'node:crypto';
import { Duration } from 'aws-cdk-lib';
import { AwsProxy, startAwsProxy } from './support/aws-proxy';
import {
  GOOD_ORDER, postOrder, PostResult, queueDepth, receiveAll, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor,
} from './support/harness';

jest.setTimeout(90_000);

const API_TIMEOUT_SECONDS = 6;
const emulator = useEmulator();
const appDir = useSynthesizedStack({ apiTimeout: Duration.seconds(API_TIMEOUT_SECONDS) });
let run: RunningWorkflow | undefined;
let proxy: AwsProxy | undefined;

afterEach(async () => {
  await run?.stop();
  await proxy?.close();
});

/** A proxy for the API that SIGKILLs its process once moto has answered the first PutEvents. */
async function killApiAfterPutEvents(): Promise<{ killed: () => number[] }> {
  let killed: number[] = [];
  let armed = true;
  proxy = await startAwsProxy(emulator.endpoint(), ({ target }) => {
    if (!armed || target !== 'AWSEvents.PutEvents') return undefined;
    armed = false;
    return {
      afterAnswerWithheld: async () => {
        killed = run!.local.api.pids();
        for (const pid of killed) process.kill(pid, 'SIGKILL');
      },
    };
  });
  return { killed: () => killed };
}

test('the API dies after PutEvents, before answering: the retry with the same key is processed exactly once', async () => {
  const { killed } = await killApiAfterPutEvents();
  // The worker runs only when the test delivers (step 5): until then nobody records the order.
  run = await runWorkflow(emulator.endpoint(), appDir(), { apiEnv: { AWS_ENDPOINT_URL: proxy!.url }, apiConcurrency: 1, pollQueue: false });
  const { local } = run;
  const key = `draft-${randomUUID()}`;
  const post = () => postOrder(local.apiUrl, GOOD_ORDER, { 'Idempotency-Key': key });

  // 1. The crash: API Gateway answers 502 for a function that died; the event is on the bus.
  const crashed = await post();
  const crashedAt = Date.now();
  expect(crashed.status).toBe(502);
  expect(killed().length).toBe(1);
  expect(proxy!.forwarded.filter((operation) => operation === 'PutEvents')).toHaveLength(1);

  // 2. An immediate retry finds the dead invocation's claim: 409, retry after at most the API timeout.
  const busy = await post();
  expect(busy.status).toBe(409);
  const retryAfter = Number(busy.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(API_TIMEOUT_SECONDS);

  // 3. Retrying as told, the key is taken over once the claim has expired: 202, not a replay.
  const accepted = await waitFor('the retry to be accepted', async () => {
    const result: PostResult = await post();
    if (result.status !== 202 && result.status !== 409) throw new Error(`unexpected ${result.status}: ${JSON.stringify(result.body)}`);
    return result.status === 202 && result;
  }, 20_000, 500);
  expect(Date.now() - crashedAt).toBeLessThanOrEqual((API_TIMEOUT_SECONDS + 5) * 1000);
  expect(accepted.headers.get('idempotent-replayed')).toBeNull();
  const { eventId, orderId } = accepted.body;
  expect(proxy!.forwarded.filter((operation) => operation === 'PutEvents')).toHaveLength(2);

  // 4. From now on, the stored answer (the order's ACCEPTED record is the completion).
  const replay = await post();
  expect(replay.status).toBe(202);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(replay.body).toEqual({ eventId, orderId });

  // 5. The worker gets the event twice (same eventId) and processes it once.
  const messages = await waitFor('both copies in the main queue', async () => {
    const received = await receiveAll(run!.sqs, local.outputs.MainQueueUrl);
    return received.length === 2 && received;
  });
  for (const message of messages) await local.worker.deliver([message]);
  await waitFor('the second copy to be dropped as a duplicate', () => run!.logged('worker', 'duplicate', eventId).length === 1, 30_000);
  await waitFor('the main queue to be empty', async () => (await queueDepth(run!.sqs, local.outputs.MainQueueUrl)) === 0);
  expect(run.logged('worker', 'order_processed', eventId)).toEqual([expect.objectContaining({ orderId })]);
  expect(run.logged('api', 'order_accepted')).toHaveLength(1);
  expect(run.logged('api', 'idempotent_replay')).toHaveLength(1);
  expect(await queueDepth(run.sqs, local.outputs.DlqUrl)).toBe(0);
});

test('the API dies after PutEvents and the worker records the order before the retry: a replay, published once', async () => {
  await killApiAfterPutEvents();
  run = await runWorkflow(emulator.endpoint(), appDir(), { apiEnv: { AWS_ENDPOINT_URL: proxy!.url }, apiConcurrency: 1 });
  const { local } = run;
  const key = `draft-${randomUUID()}`;
  const postWithKey = () => postOrder(local.apiUrl, GOOD_ORDER, { 'Idempotency-Key': key });

  expect((await postWithKey()).status).toBe(502);
  await waitFor('the worker to process the published order', () => run!.logged('worker', 'order_processed').length === 1, 30_000);
  const [processed] = run.logged('worker', 'order_processed');

  // The dead invocation's claim is still held, and then taken over: both times the PROCESSED record answers.
  const whileHeld = await postWithKey();
  expect(whileHeld.status).toBe(202);
  expect(whileHeld.headers.get('idempotent-replayed')).toBe('true');
  expect(whileHeld.body).toEqual({ eventId: processed.eventId, orderId: processed.orderId });
  await new Promise((resolve) => setTimeout(resolve, API_TIMEOUT_SECONDS * 1000 + 500));
  const afterExpiry = await postWithKey();
  expect(afterExpiry.status).toBe(202);
  expect(afterExpiry.headers.get('idempotent-replayed')).toBe('true');
  expect(afterExpiry.body).toEqual(whileHeld.body);

  expect(proxy!.forwarded.filter((operation) => operation === 'PutEvents')).toHaveLength(1);
  expect(run.logged('worker', 'order_processed')).toHaveLength(1);
  expect(run.logged('worker', 'duplicate')).toHaveLength(0);
});
