/**
 * Load with redelivery at scale: 1,000 orders POSTed to the local API with
 * bounded concurrency while SQS redelivers a share of the messages whose first invocation is
 * still running, and still every order is processed exactly once: none lost, none doubled,
 * none parked in the DLQ. Prints the throughput, the POST latency percentiles and how many
 * redeliveries happened. Bounded in time: a hard deadline fails the test.
 *
 * How the redeliveries are made (support/at-scale.ts): a worker timeout allowed to outlive the
 * visibility timeout, and every 40th completion write (the order's PROCESSED record, a PutItem to
 * the orders table: the completion of the claim) held past it by a proxy in front of moto. The
 * whole batch of that record stays in flight past its visibility timeout, so its messages are
 * received again while it runs: the completed ones come back as duplicates, the held one finds
 * its claim IN_PROGRESS and its order not yet PROCESSED, fails, and is retried until it is a
 * duplicate too.
 */
import { AT_SCALE, describeRetries, holdEveryNthCompletion, postOrdersAtScale, redeliveryStats } from './support/at-scale';
import { AwsProxy, startAwsProxy } from './support/aws-proxy';
import { allIdempotencyRecords, allOrderRecords, queueDepth, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';

const {
  orders: ORDERS, concurrency: CONCURRENCY, visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS, workerTimeoutSeconds: WORKER_TIMEOUT_SECONDS,
} = AT_SCALE;

jest.setTimeout(AT_SCALE.deadlineMs + 30_000);

const emulator = useEmulator();
const appDir = useSynthesizedStack();
let run: RunningWorkflow | undefined;
let proxy: AwsProxy | undefined;

afterEach(async () => {
  await run?.stop();
  await proxy?.close();
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

test(`load: ${ORDERS} orders with concurrency ${CONCURRENCY}, messages redelivered while in flight -> exactly ${ORDERS} processed, 0 in the DLQ, 0 lost, 0 doubled`, async () => {
  const deadline = Date.now() + AT_SCALE.deadlineMs;
  const remaining = () => Math.max(1_000, deadline - Date.now());
  const processed = new Map<string, number>();
  let duplicateDeliveries = 0;
  let inProgressRetries = 0;
  // Only the worker talks through the proxy: its PutItem to the orders table is the order's PROCESSED record.
  let ordersTable = '';
  const holds = holdEveryNthCompletion(({ operation, body }) => operation === 'PutItem' && ordersTable !== '' && body.toString().includes(`"${ordersTable}"`));
  proxy = await startAwsProxy(emulator.endpoint(), holds.decide);
  run = await runWorkflow(emulator.endpoint(), appDir(), {
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    workerTimeoutSeconds: WORKER_TIMEOUT_SECONDS,
    workerEnv: { AWS_ENDPOINT_URL: proxy.url },
    onLog: (line) => {
      if (line.source !== 'worker') return;
      const eventId = line.json?.eventId as string | undefined;
      if (line.json?.msg === 'order_processed' && eventId) processed.set(eventId, (processed.get(eventId) ?? 0) + 1);
      if (line.json?.msg === 'duplicate') duplicateDeliveries++;
      if (line.json?.msg === 'processing_failed' && /already an execution in progress/.test(String(line.json.errorMessage))) inProgressRetries++;
    },
  });
  const { local } = run;
  ordersTable = local.outputs.OrdersTableName ?? '';
  expect(ordersTable).not.toBe('');

  const started = performance.now();
  const { results, seconds: postSeconds, retried } = await postOrdersAtScale(local.apiUrl, (index) => ({
    orderId: `load-${index}`, customerId: `cust-${index % 50}`, items: [{ sku: `SKU-${index % 7}`, qty: 1 + (index % 3) }],
  }), deadline);

  expect(results.filter((result) => result.status !== 202).map(({ status, body }) => ({ status, body }))).toEqual([]);
  const posted = new Set(results.map((result) => result.body.eventId as string));
  expect(posted.size).toBe(ORDERS);

  await waitFor(`${ORDERS} orders processed`, () => processed.size >= ORDERS, remaining(), 250);
  const endToEndSeconds = (performance.now() - started) / 1000;
  await waitFor('the main queue to be empty', async () => (await queueDepth(run!.sqs, local.outputs.MainQueueUrl)) === 0, remaining(), 250);

  // Exactly once, from the tables themselves: one claim per posted eventId, each completed by its
  // order's PROCESSED record, nothing else.
  const records = await allIdempotencyRecords(run.dynamodb, local.outputs.DynamoTableName);
  expect(records).toHaveLength(ORDERS);
  const orders = await allOrderRecords(run.dynamodb, ordersTable);
  expect(orders.filter((order) => order.status !== 'PROCESSED')).toEqual([]);
  expect(new Set(orders.map((order) => order.eventId))).toEqual(posted);
  // Doubled = processed twice. The redeliveries below must all be absorbed by the worker's
  // idempotency: counted and reported, never processed again.
  expect([...processed.values()].filter((count) => count !== 1)).toEqual([]);
  expect([...processed.keys()].filter((eventId) => !posted.has(eventId))).toEqual([]);
  expect(await queueDepth(run.sqs, local.outputs.DlqUrl)).toBe(0);
  expect(Date.now()).toBeLessThan(deadline);

  // Redelivery at scale really happened, and while the first invocation was still running.
  const { redeliveries, redeliveredMessages, inFlight: inFlightRedeliveries, maxDeliveries } = redeliveryStats(run.batches);
  expect(holds.held()).toBeGreaterThanOrEqual(Math.floor(ORDERS / AT_SCALE.slowCompletionEvery));
  expect(redeliveries).toBeGreaterThan(0);
  expect(inFlightRedeliveries).toBeGreaterThan(0);
  expect(duplicateDeliveries).toBeGreaterThan(0);
  expect(maxDeliveries).toBeLessThan(local.worker.maxReceiveCount!);

  const latencies = results.map((result) => result.ms).sort((a, b) => a - b);
  const invocations = run.batches.length;
  console.log([
    `load: ${ORDERS} orders, ${CONCURRENCY} concurrent clients, visibility timeout ${VISIBILITY_TIMEOUT_SECONDS} s, worker timeout ${WORKER_TIMEOUT_SECONDS} s, ` +
      `${holds.held()} completions held ${AT_SCALE.slowCompletionMs} ms`,
    `  POST: ${(ORDERS / postSeconds).toFixed(0)} orders/s, latency p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms; ` +
      describeRetries(retried),
    `  end to end: all ${ORDERS} processed after ${endToEndSeconds.toFixed(1)} s (${(ORDERS / endToEndSeconds).toFixed(0)} orders/s), ` +
      `${invocations} worker invocations (${(ORDERS / invocations).toFixed(2)} records each)`,
    `  redeliveries: ${redeliveries} (${redeliveredMessages} messages, ${(100 * redeliveredMessages / ORDERS).toFixed(1)}%), ` +
      `${inFlightRedeliveries} while an earlier delivery was still running; at most ${maxDeliveries} deliveries of one message`,
    `  absorbed: ${duplicateDeliveries} duplicate deliveries, ${inProgressRetries} retries of a claim still in progress`,
    `  result: ${orders.length} PROCESSED, 0 lost, 0 processed twice, 0 in the DLQ`,
  ].join('\n'));
});
