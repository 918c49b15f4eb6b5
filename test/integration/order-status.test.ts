/**
 * Order status on moto through the local runner, with the real bundles: ACCEPTED -> PROCESSED,
 * FAIL-ME -> FAILED after maxReceiveCount, a late duplicate that must not regress a status,
 * and GET /orders paging across three pages (GET routes on the reads function, path parameters).
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { FAILING_ORDER, GOOD_ORDER, postOrder, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';

jest.setTimeout(120_000);

const emulator = useEmulator();
const appDir = useSynthesizedStack({ maxReceiveCount: 2 });
let run: RunningWorkflow | undefined;

afterEach(async () => {
  await run?.stop();
  run = undefined;
});

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const statusOf = async (apiUrl: string, orderId: string) => (await getJson(`${apiUrl}/orders/${encodeURIComponent(orderId)}`)).body?.status;

test('ACCEPTED -> PROCESSED; FAIL-ME -> FAILED after maxReceiveCount; a late duplicate does not regress either', async () => {
  // 4 s: the worker gets 2 s per attempt, enough on a loaded 2-core CI machine to fail by FAIL-ME
  // rather than by a timeout (at 1 s its 0.5 s did not cover a cold worker process there).
  run = await runWorkflow(emulator.endpoint(), appDir(), { pollQueue: false, visibilityTimeoutSeconds: 4 });
  const { local } = run;
  expect(local.worker.maxReceiveCount).toBe(2);

  const good = (await postOrder(local.apiUrl, GOOD_ORDER)).body;
  const bad = (await postOrder(local.apiUrl, FAILING_ORDER)).body;
  const accepted = await getJson(`${local.apiUrl}/orders/${good.orderId}`);
  expect(accepted).toEqual({
    status: 200,
    body: expect.objectContaining({ orderId: good.orderId, eventId: good.eventId, status: 'ACCEPTED', attempts: 0, items: GOOD_ORDER.items }),
  });
  expect(accepted.body.history).toEqual([{ status: 'ACCEPTED', at: accepted.body.createdAt }]);

  // Keep a copy of the good order's message to deliver late, after it was processed.
  const [copy] = (await run.sqs.send(new ReceiveMessageCommand({
    QueueUrl: local.outputs.MainQueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], VisibilityTimeout: 0,
  }))).Messages!.filter((message) => message.Body!.includes(good.eventId));
  local.worker.startPolling();

  await waitFor('the good order PROCESSED', async () => (await statusOf(local.apiUrl, good.orderId)) === 'PROCESSED', 30_000);
  const failed = await waitFor('the FAIL-ME order FAILED', async () => {
    const { body } = await getJson(`${local.apiUrl}/orders/${bad.orderId}`);
    return body?.status === 'FAILED' && body;
  }, 60_000);
  expect(failed).toMatchObject({ attempts: 2, lastError: expect.stringContaining('FAIL-ME') });
  expect(failed.history.map((change: { status: string }) => change.status)).toEqual(['ACCEPTED', 'FAILED']);

  // The late duplicate: the old copy of the processed order's message, delivered again.
  await local.worker.deliver([copy]);
  const processed = (await getJson(`${local.apiUrl}/orders/${good.orderId}`)).body;
  expect(processed.status).toBe('PROCESSED');
  expect(processed.history.map((change: { status: string }) => change.status)).toEqual(['ACCEPTED', 'PROCESSED']);
  expect(await statusOf(local.apiUrl, bad.orderId)).toBe('FAILED');

  expect((await getJson(`${local.apiUrl}/orders/unknown-order`)).status).toBe(404);
  expect((await getJson(`${local.apiUrl}/orders/${'x'.repeat(300)}`)).status).toBe(400);
});

test('GET /orders pages newest first across three pages with an opaque cursor', async () => {
  run = await runWorkflow(emulator.endpoint(), appDir(), { pollQueue: false });
  const { local } = run;
  const created: string[] = [];
  for (let index = 0; index < 5; index++) {
    created.push((await postOrder(local.apiUrl, { ...GOOD_ORDER, customerId: `cust-${index}` })).body.orderId);
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct createdAt milliseconds
  }

  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await getJson(`${local.apiUrl}/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status).toBe(200);
    seen.push(...page.body.orders.map((order: { orderId: string }) => order.orderId));
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor && pages < 10);

  expect(pages).toBe(3);
  expect(seen).toEqual([...created].reverse());
  expect((await getJson(`${local.apiUrl}/orders?limit=0`)).status).toBe(400);
  expect((await getJson(`${local.apiUrl}/orders?cursor=garbage`)).status).toBe(400);
});
