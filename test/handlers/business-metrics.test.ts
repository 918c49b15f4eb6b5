/**
 * The business metrics (Powertools Metrics, EMF) the handlers write: which metric, value, unit
 * and dimensions for each outcome, none for a replay or a duplicate, and one line per invocation
 * even when the invocation throws.
 */
import { emittedMetrics, isEmfLine } from './support/emf';
import { apiEvent, envelope, lambdaContext, orderDetail, postJson, sqsEvent, sqsRecord } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { Env, loadApiHandler, loadWorkerHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const NAMESPACE = 'Shop/Orders';
const ORDER = { customerId: 'cust-1', items: [{ sku: 'SKU-1', qty: 2 }] };
const API = { service: 'orders-api' };
const WORKER = { service: 'orders-worker' };

/** The metrics written since the last call, without the values' order mattering. */
function takeMetrics() {
  const metrics = emittedMetrics(logs.lines());
  logs.restore();
  logs = captureLogs();
  return metrics;
}

function setUpApi(env: Env = {}) {
  const api = loadApiHandler({ POWERTOOLS_METRICS_NAMESPACE: NAMESPACE, ...env });
  api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  const table = new FakeIdempotencyTable(api);
  const post = (order: unknown, headers: Record<string, string> = {}) => api.handler(postJson(order, headers), lambdaContext());
  return { api, table, post };
}

function setUpWorker() {
  const worker = loadWorkerHandler({ POWERTOOLS_METRICS_NAMESPACE: NAMESPACE });
  new FakeIdempotencyTable(worker);
  return (...bodies: string[]) => worker.handler(sqsEvent(...bodies.map((body) => sqsRecord(body))), lambdaContext());
}

const rejected = (reason: string) => [{
  namespace: NAMESPACE, name: 'OrdersRejected', unit: 'Count', dimensions: { ...API, reason }, values: [1],
}];

describe('API', () => {
  test('a first 202 is one OrdersAccepted (Count 1, dimension service); its replay writes no metric at all', async () => {
    const { post } = setUpApi();
    expect((await post(ORDER, { 'Idempotency-Key': 'k-1' })).statusCode).toBe(202);
    expect(takeMetrics()).toEqual([{ namespace: NAMESPACE, name: 'OrdersAccepted', unit: 'Count', dimensions: API, values: [1] }]);

    const replay = await post(ORDER, { 'Idempotency-Key': 'k-1' });
    expect(replay.headers).toHaveProperty('Idempotent-Replayed', 'true');
    expect(logs.lines().filter(isEmfLine)).toEqual([]);
  });

  test('a 400 is OrdersRejected with reason validation, and the reason does not stick to the next invocation', async () => {
    const { post } = setUpApi();
    expect((await post({ items: [] })).statusCode).toBe(400);
    expect(takeMetrics()).toEqual(rejected('validation'));
    // A bad Idempotency-Key header is a validation failure too.
    expect((await post(ORDER, { 'Idempotency-Key': ' ' })).statusCode).toBe(400);
    expect(takeMetrics()).toEqual(rejected('validation'));

    await post(ORDER);
    expect(takeMetrics()).toEqual([expect.objectContaining({ name: 'OrdersAccepted', dimensions: API })]);
  });

  test('415, 405 and 403 are OrdersRejected with reasons unsupported_media_type, method_not_allowed and unidentified', async () => {
    const { api } = setUpApi();
    await api.handler(apiEvent({ body: '{}', headers: { 'Content-Type': 'text/plain' } }), lambdaContext());
    expect(takeMetrics()).toEqual(rejected('unsupported_media_type'));
    await api.handler(apiEvent({ httpMethod: 'GET' }), lambdaContext());
    expect(takeMetrics()).toEqual(rejected('method_not_allowed'));

    const iam = setUpApi({ AUTHORIZATION_MODE: 'iam' });
    expect((await iam.post(ORDER)).statusCode).toBe(403);
    expect(takeMetrics()).toEqual(rejected('unidentified'));
  });

  test('422 and 409 are OrdersRejected with reasons key_reused and in_progress', async () => {
    const { api, table, post } = setUpApi();
    await post(ORDER, { 'Idempotency-Key': 'k-2' });
    takeMetrics();
    expect((await post({ ...ORDER, customerId: 'cust-2' }, { 'Idempotency-Key': 'k-2' })).statusCode).toBe(422);
    expect(takeMetrics()).toEqual(rejected('key_reused'));

    // The first request still running: its claim held, its order not yet recorded.
    const [claim] = [...table.items.values()];
    table.seed({ ...claim, in_progress_expiration: { N: String(Date.now() + 5_000) } });
    table.orderItems.clear();
    api.eventBridge.resetHistory();
    expect((await post(ORDER, { 'Idempotency-Key': 'k-2' })).statusCode).toBe(409);
    expect(takeMetrics()).toEqual(rejected('in_progress'));
  });

  test('a 5xx (publish failed) and a CORS preflight write no business metric and no "no metrics" warning', async () => {
    const { api, post } = setUpApi();
    api.eventBridge.on(api.PutEventsCommand).rejects(new Error('EventBridge down'));
    expect((await post(ORDER)).statusCode).toBe(502);
    await api.handler(apiEvent({ httpMethod: 'OPTIONS' }), lambdaContext());
    const lines = logs.lines();
    expect(lines.filter(isEmfLine)).toEqual([]);
    expect(lines.map((line) => line.msg)).toEqual(['publish_failed']);
  });
});

describe('worker', () => {
  test('a processed order: OrdersProcessed 1 and ProcessingLatency in Milliseconds (standard resolution) from createdAt', async () => {
    const run = setUpWorker();
    const createdAt = new Date(Date.now() - 1_500).toISOString();
    const before = Date.now();
    await run(envelope(orderDetail({ createdAt })));
    const after = Date.now();

    const metrics = takeMetrics();
    expect(metrics).toEqual([
      { namespace: NAMESPACE, name: 'OrdersProcessed', unit: 'Count', dimensions: WORKER, values: [1] },
      { namespace: NAMESPACE, name: 'ProcessingLatency', unit: 'Milliseconds', dimensions: WORKER, values: [expect.any(Number)] },
    ]);
    const [latency] = metrics[1].values;
    expect(latency).toBeGreaterThanOrEqual(before - Date.parse(createdAt));
    expect(latency).toBeLessThanOrEqual(after - Date.parse(createdAt));
  });

  test('a createdAt later than the worker clock is a latency of 0, never negative', async () => {
    const run = setUpWorker();
    await run(envelope(orderDetail({ createdAt: new Date(Date.now() + 60_000).toISOString() })));
    expect(takeMetrics().find((metric) => metric.name === 'ProcessingLatency')?.values).toEqual([0]);
  });

  test('a duplicate is DuplicatesIgnored 1, with no OrdersProcessed and no latency', async () => {
    const run = setUpWorker();
    const body = envelope(orderDetail());
    await run(body);
    takeMetrics();
    await run(body);
    expect(takeMetrics()).toEqual([{ namespace: NAMESPACE, name: 'DuplicatesIgnored', unit: 'Count', dimensions: WORKER, values: [1] }]);
  });

  test('one line per batch: every outcome of a mixed batch, failed records (injected and malformed) as OrdersFailed', async () => {
    const run = setUpWorker();
    const repeated = envelope(orderDetail());
    await run(repeated);
    takeMetrics();

    const response = await run(
      envelope(orderDetail()),
      envelope(orderDetail({ items: [{ sku: 'FAIL-ME', qty: 1 }] })),
      'not json',
      repeated,
      envelope(orderDetail()),
    );

    expect(response.batchItemFailures).toHaveLength(2);
    expect(logs.lines().filter(isEmfLine)).toHaveLength(1);
    const metrics = takeMetrics();
    const byName = Object.fromEntries(metrics.map((metric) => [metric.name, metric]));
    expect(Object.keys(byName).sort()).toEqual(['DuplicatesIgnored', 'OrdersFailed', 'OrdersProcessed', 'ProcessingLatency']);
    expect(byName.OrdersProcessed.values).toEqual([1, 1]);
    expect(byName.ProcessingLatency.values).toHaveLength(2);
    expect(byName.OrdersFailed).toEqual({ namespace: NAMESPACE, name: 'OrdersFailed', unit: 'Count', dimensions: WORKER, values: [1, 1] });
    expect(byName.DuplicatesIgnored.values).toEqual([1]);
  });

  test('every failed attempt counts: the same order failing twice is OrdersFailed twice', async () => {
    const run = setUpWorker();
    const poisoned = envelope(orderDetail({ items: [{ sku: 'FAIL-ME', qty: 1 }] }));
    await expect(run(poisoned)).rejects.toThrow(/All records failed/);
    await expect(run(poisoned)).rejects.toThrow(/All records failed/);
    // Published although Powertools threw for the whole batch.
    expect(takeMetrics()).toEqual([
      { namespace: NAMESPACE, name: 'OrdersFailed', unit: 'Count', dimensions: WORKER, values: [1] },
      { namespace: NAMESPACE, name: 'OrdersFailed', unit: 'Count', dimensions: WORKER, values: [1] },
    ]);
  });
});

test('a handler without POWERTOOLS_METRICS_NAMESPACE fails its init, naming the variable', () => {
  expect(() => loadApiHandler({ POWERTOOLS_METRICS_NAMESPACE: undefined })).toThrow(/POWERTOOLS_METRICS_NAMESPACE must be set/);
  expect(() => loadWorkerHandler({ POWERTOOLS_METRICS_NAMESPACE: ' ' })).toThrow(/POWERTOOLS_METRICS_NAMESPACE must be set/);
});
