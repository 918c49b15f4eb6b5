/**
 * The business metrics on the local run: the real bundles write their EMF lines to stdout like
 * any log line, and the runner forwards them with the function's other lines.
 */
import { FAILING_ORDER, GOOD_ORDER, postOrder, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';

jest.setTimeout(90_000);

const emulator = useEmulator();
const appDir = useSynthesizedStack({ metricsNamespace: 'Local/Orders' });
let run: RunningWorkflow | undefined;

afterEach(async () => {
  await run?.stop();
  run = undefined;
});

/** The EMF lines one function printed: a `_aws` directive, the dimension values and the metric values at the top level. */
function emfLines(source: 'api' | 'worker') {
  return run!.logs.filter((line) => line.source === source && line.json?._aws !== undefined).map((line) => line.json!);
}

test('the API and the worker print one EMF line each per invocation, in the template\'s namespace', async () => {
  run = await runWorkflow(emulator.endpoint(), appDir());
  const accepted = await postOrder(run.local.apiUrl, GOOD_ORDER);
  expect(accepted.status).toBe(202);
  const rejected = await postOrder(run.local.apiUrl, { items: [] });
  expect(rejected.status).toBe(400);
  const failing = await postOrder(run.local.apiUrl, FAILING_ORDER);
  expect(failing.status).toBe(202);

  await waitFor('the worker to process the good order and fail the FAIL-ME one', async () =>
    run!.logged('worker', 'order_processed', accepted.body.eventId).length > 0
    && run!.logged('worker', 'processing_failed', failing.body.eventId).length > 0);
  await waitFor('the worker EMF lines', async () =>
    emfLines('worker').some((line) => 'OrdersProcessed' in line) && emfLines('worker').some((line) => 'OrdersFailed' in line));

  const api = emfLines('api');
  expect(api).toEqual(expect.arrayContaining([
    expect.objectContaining({
      _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'Local/Orders', Dimensions: [['service']], Metrics: [{ Name: 'OrdersAccepted', Unit: 'Count' }] }] },
      service: 'orders-api',
      OrdersAccepted: 1,
    }),
    expect.objectContaining({
      _aws: expect.objectContaining({ CloudWatchMetrics: [{ Namespace: 'Local/Orders', Dimensions: [['service', 'reason']], Metrics: [{ Name: 'OrdersRejected', Unit: 'Count' }] }] }),
      service: 'orders-api',
      reason: 'validation',
      OrdersRejected: 1,
    }),
  ]));
  expect(api.filter((line) => 'OrdersAccepted' in line)).toHaveLength(2);

  const processed = emfLines('worker').find((line) => 'OrdersProcessed' in line)!;
  expect(processed).toMatchObject({ service: 'orders-worker', OrdersProcessed: 1, ProcessingLatency: expect.any(Number) });
  expect(processed._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'Local/Orders', Dimensions: [['service']] }] });
  expect(emfLines('worker').find((line) => 'OrdersFailed' in line)).toMatchObject({ service: 'orders-worker', OrdersFailed: 1 });
});
