/**
 * The runbook's Logs Insights queries (src/observability/log-queries.ts) run against the
 * log lines the handlers really write, for one order followed from the API to the worker.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { envelope, lambdaContext, postJson, sqsEvent, sqsRecord } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { loadApiHandler, loadWorkerHandler } from './support/load-handlers';
import { captureLogs, LogCapture, LogLine } from './support/log-capture';
import { OrderCreatedDetail } from '../../lambda/shared/order-contract';
import { LocalFunction } from '../../scripts/local/lambda/local-function';
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

  // Every write is one JSON object on one line. Besides the log lines, each invocation wrote one
  // EMF line of business metrics (3 API, 3 worker), which none of the runbook queries matches.
  const written = logs.lines();
  const emfLines = written.filter((line) => '_aws' in line);
  expect(emfLines).toHaveLength(6);
  for (const query of [DUPLICATES_QUERY, FAILURES_QUERY]) {
    expect(emfLines.filter((line) => logLineMatches(query, line))).toEqual([]);
  }
  expect(emfLines.filter((line) => logLineMatches(CORRELATE_QUERY, line, { [EVENT_ID_PLACEHOLDER]: order.eventId }))).toEqual([]);
  // Every log line says what happened.
  const lines = written.filter((line) => !('_aws' in line));
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
  // Each condition on the handler's own fields finds the line on its own: the level one in
  // particular must match Powertools' capitals, so an ERROR from anywhere in the worker is found
  // even without msg processing_failed. (The record.status ones match Lambda's platform events:
  // test/construct/failures-query.test.ts.)
  for (const condition of FAILURES_QUERY.anyOf.filter((c) => !c.field.startsWith('record.'))) {
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

describe("Lambda's own lines, as the local runner writes them (Lambda's JSON log format)", () => {
  /** A function whose handler throws, never returns, or kills its own process, by event. */
  const HANDLER = `exports.handler = async (event) => {
    if (event.mode === 'throw') throw Object.assign(new Error('boom'), { orderCount: 3 });
    if (event.mode === 'crash') process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  };`;
  let dir: string;
  let fn: LocalFunction;
  const lines: Array<Record<string, unknown>> = [];
  const invoke = (mode: string) => fn.invoke({ mode });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-lines-'));
    fs.writeFileSync(path.join(dir, 'index.js'), HANDLER);
    fn = new LocalFunction({
      functionName: 'orders-worker',
      label: 'worker',
      handlerFile: path.join(dir, 'index.js'),
      exportName: 'handler',
      environment: { AWS_REGION: 'us-east-1', PATH: process.env.PATH ?? '' },
      timeoutMs: 500,
      memorySize: 256,
      logGroupName: '/aws/lambda/orders-worker',
      maxConcurrency: 1,
      onLine: (_label, line) => lines.push(JSON.parse(line)),
    });
  });
  afterAll(async () => {
    await fn.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    lines.length = 0;
  });

  test("a handler that throws: the Node.js runtime's ERROR line, which the failures query finds", async () => {
    const outcome = await invoke('throw');

    expect(outcome).toMatchObject({ ok: false, kind: 'error' });
    await waitForLines(3);
    const runtimeLine = lines.find((line) => line.level !== undefined)!;
    expect(runtimeLine).toEqual({
      timestamp: expect.any(String),
      level: 'ERROR',
      requestId: outcome.requestId,
      message: { errorType: 'Error', errorMessage: 'boom', stackTrace: expect.arrayContaining([expect.stringMatching(/^Error: boom/)]), orderCount: 3 },
    });
    expect(logLineMatches(FAILURES_QUERY, runtimeLine)).toBe(true);
    expect(systemRecords()).toEqual([
      { type: 'platform.runtimeDone', record: expect.objectContaining({ requestId: outcome.requestId, status: 'error', errorType: 'Error' }) },
      { type: 'platform.report', record: expect.objectContaining({ requestId: outcome.requestId, status: 'error', errorType: 'Error' }) },
    ]);
  });

  test('a timeout: platform.runtimeDone and platform.report with status "timeout", no text line, no level', async () => {
    const outcome = await invoke('hang');

    expect(outcome).toMatchObject({ ok: false, kind: 'timeout', durationMs: 500 });
    expect(outcome.deadline! - outcome.startedAt).toBe(500);
    await waitForLines(2);
    expect(lines).toEqual([
      { time: expect.any(String), type: 'platform.runtimeDone', record: { requestId: outcome.requestId, status: 'timeout', metrics: { durationMs: 500, producedBytes: 0 } } },
      {
        time: expect.any(String),
        type: 'platform.report',
        record: { requestId: outcome.requestId, status: 'timeout', metrics: { durationMs: 500, billedDurationMs: 500, memorySizeMB: 256 } },
      },
    ]);
  });

  test('a crash: platform.runtimeDone and platform.report with status "failure" and errorType "Runtime.ExitError"', async () => {
    const outcome = await invoke('crash');

    expect(outcome).toMatchObject({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with signal: SIGKILL' } });
    await waitForLines(2);
    expect(systemRecords()).toEqual([
      { type: 'platform.runtimeDone', record: expect.objectContaining({ requestId: outcome.requestId, status: 'failure', errorType: 'Runtime.ExitError' }) },
      { type: 'platform.report', record: expect.objectContaining({ requestId: outcome.requestId, status: 'failure', errorType: 'Runtime.ExitError' }) },
    ]);
  });

  /**
   * Lambda's system events carry no `level` and no `msg`: the failures query finds a timeout
   * or a crash by `record.status`, the way Logs Insights flattens the nested JSON.
   */
  test.each([['a timeout', 'hang'], ['a crash', 'crash'], ['a handler error', 'throw']])('the failures query finds %s as the runner writes it', async (_case, mode) => {
    const outcome = await invoke(mode);
    await waitForLines(mode === 'throw' ? 3 : 2);

    const found = lines.filter((line) => logLineMatches(FAILURES_QUERY, line));
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(found.filter((line) => line.type === 'platform.report')).toEqual([
      expect.objectContaining({ record: expect.objectContaining({ requestId: outcome.requestId }) }),
    ]);
  });

  function systemRecords() {
    return lines.filter((line) => line.type !== undefined).map(({ type, record }) => ({ type, record }));
  }

  /** The runtime's line comes through the instance's stdout, the platform's from the runner: either may come first. */
  async function waitForLines(count: number) {
    for (let attempt = 0; attempt < 50 && lines.length < count; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines).toHaveLength(count);
  }

});
