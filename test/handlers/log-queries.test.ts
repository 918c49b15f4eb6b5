/**
 * The runbook's Logs Insights queries (src/observability/log-queries.ts) run against the
 * log lines the handlers really write, for one order followed from the API to the worker.
 */
import { envelope, lambdaContext, postJson, sqsEvent, sqsRecord } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { loadApiHandler, loadWorkerHandler } from './support/load-handlers';
import { captureLogs, LogCapture, LogLine } from './support/log-capture';
import { OrderCreatedDetail } from '../../lambda/shared/order-contract';
import {
  CORRELATE_QUERY,
  DUPLICATES_QUERY,
  EVENT_ID_PLACEHOLDER,
  FAILURES_QUERY,
  logLineMatches,
  LogQuerySpec,
  ORDER_ID_PLACEHOLDER,
} from '../../src/observability/log-queries';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

/** Publishes through the API handler and returns the ids it answered with and the detail it really sent. */
async function placeOrder(api: ReturnType<typeof loadApiHandler>, order: unknown) {
  api.eventBridge.reset();
  api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0 });
  const result = await api.handler(postJson(order), lambdaContext());
  expect(result.statusCode).toBe(202);
  const [call] = api.eventBridge.commandCalls(api.PutEventsCommand);
  const detail = JSON.parse(call.args[0].input.Entries![0].Detail!) as OrderCreatedDetail;
  return { ...(JSON.parse(result.body) as { eventId: string; orderId: string }), detail };
}

function only(lines: LogLine[]): LogLine {
  expect(lines).toHaveLength(1);
  return lines[0];
}

/** The query's displayed fields (not Logs Insights' own @fields) are all present on the line. */
function expectFieldsPresent(spec: LogQuerySpec, line: LogLine) {
  for (const field of spec.fields.filter((name) => !name.startsWith('@'))) {
    expect(line).toHaveProperty([field]);
  }
}

test('the runbook queries find exactly the lines they are meant to', async () => {
  const api = loadApiHandler();
  const worker = loadWorkerHandler();
  new FakeIdempotencyTable(worker);
  const runWorker = (...details: OrderCreatedDetail[]) =>
    worker.handler(sqsEvent(...details.map((detail) => sqsRecord(envelope(detail)))), lambdaContext());

  // One order end to end, then the same event delivered again, then a FAIL-ME order in a batch with another order.
  const order = await placeOrder(api, { customerId: 'cust-1', items: [{ sku: 'SKU-1', qty: 2 }] });
  await runWorker(order.detail);
  await runWorker(order.detail);
  const poisoned = await placeOrder(api, { items: [{ sku: 'FAIL-ME', qty: 1 }] });
  const other = await placeOrder(api, { items: [{ sku: 'SKU-2', qty: 1 }] });
  expect((await runWorker(poisoned.detail, other.detail)).batchItemFailures).toHaveLength(1);

  // Every write is one JSON object on one line, and every line says what happened.
  const lines = logs.lines();
  expect(lines.length).toBe(7); // API: 3 accepted; worker: processed, duplicate, processed + failed
  for (const line of lines) {
    expect(line).toEqual(
      expect.objectContaining({ msg: expect.any(String), outcome: expect.any(String), level: expect.any(String), timestamp: expect.any(String) }),
    );
    expect(line.message).toBe(line.msg);
  }
  const apiLines = lines.filter((line) => line.service === 'orders-api');
  const workerLines = lines.filter((line) => line.service === 'orders-worker');
  expect(apiLines.length + workerLines.length).toBe(lines.length);

  const accepted = only(apiLines.filter((line) => line.msg === 'order_accepted' && line.eventId === order.eventId));
  const processed = only(workerLines.filter((line) => line.msg === 'order_processed' && line.eventId === order.eventId));
  const duplicate = only(workerLines.filter((line) => line.msg === 'duplicate'));
  const failed = only(workerLines.filter((line) => line.msg === 'processing_failed'));

  // Duplicates query: the duplicate line, and nothing a normal run writes.
  expect(logLineMatches(DUPLICATES_QUERY, duplicate)).toBe(true);
  expect(duplicate).toMatchObject({ outcome: 'duplicate_ignored', eventId: order.eventId, orderId: order.orderId });
  expectFieldsPresent(DUPLICATES_QUERY, duplicate);
  expect(workerLines.filter((line) => logLineMatches(DUPLICATES_QUERY, line))).toEqual([duplicate]);

  // Failures query: the failed record, at level exactly ERROR (what the query says), and nothing else.
  expect(logLineMatches(FAILURES_QUERY, failed)).toBe(true);
  expect(failed.level).toBe('ERROR');
  expect(failed).toMatchObject({ outcome: 'failed', eventId: poisoned.eventId, orderId: poisoned.orderId, errorMessage: expect.stringContaining('FAIL-ME') });
  expectFieldsPresent(FAILURES_QUERY, failed);
  expect(workerLines.filter((line) => logLineMatches(FAILURES_QUERY, line))).toEqual([failed]);
  // Each condition on its own finds the line: the level one in particular must match Powertools'
  // capitals, so an ERROR from anywhere in the worker is found even without msg processing_failed.
  for (const condition of FAILURES_QUERY.anyOf) {
    expect(logLineMatches({ ...FAILURES_QUERY, anyOf: [condition] }, failed)).toBe(true);
  }

  // A plain processed line matches neither.
  expect(logLineMatches(DUPLICATES_QUERY, processed)).toBe(false);
  expect(logLineMatches(FAILURES_QUERY, processed)).toBe(false);

  // Correlation query: the same order in both log groups, by eventId or by orderId.
  const byEventId = { [EVENT_ID_PLACEHOLDER]: order.eventId };
  expect(logLineMatches(CORRELATE_QUERY, accepted, byEventId)).toBe(true);
  expect(logLineMatches(CORRELATE_QUERY, processed, byEventId)).toBe(true);
  expectFieldsPresent(CORRELATE_QUERY, accepted);
  expectFieldsPresent(CORRELATE_QUERY, processed);
  expect(lines.filter((line) => logLineMatches(CORRELATE_QUERY, line, byEventId)).map((line) => [line.service, line.msg])).toEqual([
    ['orders-api', 'order_accepted'],
    ['orders-worker', 'order_processed'],
    ['orders-worker', 'duplicate'],
  ]);
  const byOrderId = { [ORDER_ID_PLACEHOLDER]: order.orderId };
  expect(logLineMatches(CORRELATE_QUERY, accepted, byOrderId)).toBe(true);
  expect(logLineMatches(CORRELATE_QUERY, processed, byOrderId)).toBe(true);
  // Unsubstituted placeholders match nothing real.
  expect(lines.filter((line) => logLineMatches(CORRELATE_QUERY, line))).toEqual([]);
});

test('an API publish failure is an ERROR line carrying the ids and the error message', async () => {
  const api = loadApiHandler();
  api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });

  await api.handler(postJson({ items: [{ sku: 'SKU-1', qty: 1 }] }), lambdaContext());

  const line = only(logs.lines());
  expect(line).toMatchObject({ level: 'ERROR', msg: 'publish_failed', message: 'publish_failed', outcome: 'error', errorMessage: expect.stringContaining('ThrottlingException') });
  expect(logLineMatches(CORRELATE_QUERY, line, { [EVENT_ID_PLACEHOLDER]: String(line.eventId) })).toBe(true);
});
