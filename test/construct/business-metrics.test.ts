/**
 * The business metrics on the construct side: the namespace prop and its validation, the
 * failure-rate alarm, the dashboard row, and the proof that the alarm and the dashboard name
 * exactly the metrics the handlers emit, as do the metricXxx() methods (the handlers run here with the environment the template
 * gives them, and their EMF lines are compared with the template).
 */
import { Token } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { onlyResource, Synthesized, synthWorkflow } from './synth';
import { PermanentOrderError } from '../../lambda/worker/permanent-order-error';
import { OrderRejectionReason, OrdersWorkflow, OrdersWorkflowProps } from '../../src';
import { EmittedMetric, emittedMetrics } from '../handlers/support/emf';
import { apiEvent, envelope, lambdaContext, orderDetail, postJson, sqsEvent, sqsRecord } from '../handlers/support/events';
import { FakeIdempotencyTable } from '../handlers/support/fake-idempotency-table';
import { Env, loadApiHandler, loadWorkerHandler } from '../handlers/support/load-handlers';
import { captureLogs } from '../handlers/support/log-capture';

const stackId = (construct: OrdersWorkflow['failureRateAlarm'] | OrdersWorkflow['apiFunction'], synth: Synthesized) =>
  synth.stack.getLogicalId(construct.node.defaultChild as never);

function functionEnv(synth: Synthesized, fn: 'apiFunction' | 'workerFunction'): Record<string, string> {
  return synth.template.toJSON().Resources[stackId(synth.workflow[fn], synth)].Properties.Environment.Variables;
}

/** A metric as `namespace | name | dimensions` (dimension order does not matter to CloudWatch). */
function key(namespace: string, name: string, dimensions: Record<string, string>): string {
  const sorted = Object.keys(dimensions).sort().map((dim) => [dim, dimensions[dim]]);
  return `${namespace} | ${name} | ${JSON.stringify(sorted)}`;
}

/** The failure-rate alarm's metrics, from the template. */
function alarmMetricKeys(synth: Synthesized): string[] {
  const alarm = synth.template.toJSON().Resources[stackId(synth.workflow.failureRateAlarm, synth)].Properties;
  return alarm.Metrics.filter((query: any) => query.MetricStat).map(({ MetricStat: { Metric } }: any) =>
    key(Metric.Namespace, Metric.MetricName, Object.fromEntries(Metric.Dimensions.map((d: any) => [d.Name, d.Value]))));
}

/** The dashboard body as JSON, with the tokens in it (region, ARNs) replaced by a placeholder. */
function dashboardBody(synth: Synthesized): { widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }> } {
  const body = onlyResource(synth.template, 'AWS::CloudWatch::Dashboard').props.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text);
}

/** Every metric row of the dashboard in `namespace`: key and statistic. */
function dashboardMetrics(synth: Synthesized, namespace: string): Array<{ key: string; stat?: string; title?: string }> {
  return dashboardBody(synth).widgets.flatMap((widget) => (widget.properties.metrics ?? [])
    .filter((row) => row[0] === namespace)
    .map((row) => {
      const options = (typeof row[row.length - 1] === 'object' ? row[row.length - 1] : {}) as { stat?: string };
      const strings = row.filter((part): part is string => typeof part === 'string');
      const dims: Record<string, string> = {};
      for (let i = 2; i < strings.length; i += 2) dims[strings[i]] = strings[i + 1];
      return { key: key(strings[0], strings[1], dims), stat: options.stat, title: widget.properties.title };
    }));
}

/** Runs both handlers with the template's environment through every outcome that writes a metric. */
async function emitEverything(synth: Synthesized): Promise<EmittedMetric[]> {
  const pick = (env: Record<string, string>): Env => ({
    POWERTOOLS_SERVICE_NAME: env.POWERTOOLS_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: env.POWERTOOLS_METRICS_NAMESPACE,
  });
  const logs = captureLogs();
  try {
    const api = loadApiHandler(pick(functionEnv(synth, 'apiFunction')));
    api.eventBridge.on(api.PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const table = new FakeIdempotencyTable(api);
    const order = { items: [{ sku: 'SKU-1', qty: 1 }] };
    const post = (body: unknown, headers = {}) => api.handler(postJson(body, headers), lambdaContext());
    await post(order, { 'Idempotency-Key': 'k' });
    await post({ items: [] });
    await post({ items: [{ sku: 'SKU-2', qty: 1 }] }, { 'Idempotency-Key': 'k' });
    const [claim] = [...table.items.values()];
    // Still running: its claim held, its order not yet recorded.
    table.seed({ ...claim, status: { S: 'INPROGRESS' }, in_progress_expiration: { N: String(Date.now() + 5_000) } });
    table.orderItems.clear();
    await post(order, { 'Idempotency-Key': 'k' });
    await api.handler(apiEvent({ body: '{}', headers: { 'Content-Type': 'text/plain' } }), lambdaContext());
    await api.handler(apiEvent({ httpMethod: 'GET' }), lambdaContext());
    const iamApi = loadApiHandler({ ...pick(functionEnv(synth, 'apiFunction')), AUTHORIZATION_MODE: 'iam' });
    await iamApi.handler(postJson(order), lambdaContext());

    const worker = loadWorkerHandler(pick(functionEnv(synth, 'workerFunction')));
    new FakeIdempotencyTable(worker);
    const good = sqsRecord(envelope(orderDetail()));
    await worker.handler(sqsEvent(good, sqsRecord('not json')), lambdaContext());
    await worker.handler(sqsEvent(good, sqsRecord(envelope(orderDetail()))), lambdaContext());
    worker.processor.mockRejectedValueOnce(new PermanentOrderError('unknown sku'));
    await worker.handler(sqsEvent(sqsRecord(envelope(orderDetail()))), lambdaContext());
    return emittedMetrics(logs.lines());
  } finally {
    logs.restore();
  }
}

describe('what the alarm and the dashboard name is what the handlers emit', () => {
  test.each<[string, OrdersWorkflowProps, string]>([
    ['default namespace', {}, 'OrdersWorkflow/TestStack-Orders-311A0410'],
    ['metricsNamespace and namePrefix', { namePrefix: 'shop', metricsNamespace: 'Shop/Orders' }, 'Shop/Orders'],
  ])('%s', async (_name, props, namespace) => {
    const synth = synthWorkflow(props);
    expect(functionEnv(synth, 'apiFunction').POWERTOOLS_METRICS_NAMESPACE).toBe(namespace);
    expect(functionEnv(synth, 'workerFunction').POWERTOOLS_METRICS_NAMESPACE).toBe(namespace);

    const emitted = await emitEverything(synth);
    const emittedKeys = [...new Set(emitted.map((metric) => key(metric.namespace, metric.name, metric.dimensions)))].sort();
    // Every metric, every rejection reason: 7 + 5 worker/API metrics.
    expect(emittedKeys).toEqual([
      key(namespace, 'DuplicatesIgnored', { service: 'orders-worker' }),
      key(namespace, 'OrdersAccepted', { service: 'orders-api' }),
      key(namespace, 'OrdersFailed', { service: 'orders-worker' }),
      key(namespace, 'OrdersProcessed', { service: 'orders-worker' }),
      ...['in_progress', 'key_reused', 'method_not_allowed', 'unidentified', 'unsupported_media_type', 'validation']
        .map((reason) => key(namespace, 'OrdersRejected', { reason, service: 'orders-api' })),
      key(namespace, 'OrdersRejected', { reason: 'processor', service: 'orders-worker' }),
      key(namespace, 'ProcessingLatency', { service: 'orders-worker' }),
    ].sort());

    // The alarm reads exactly the emitted OrdersProcessed and OrdersFailed.
    expect(alarmMetricKeys(synth).sort()).toEqual([
      key(namespace, 'OrdersFailed', { service: 'orders-worker' }),
      key(namespace, 'OrdersProcessed', { service: 'orders-worker' }),
    ]);
    // The dashboard shows every emitted metric, and nothing in the namespace that is not emitted.
    const shown = dashboardMetrics(synth, namespace);
    expect([...new Set(shown.map((row) => row.key))].sort()).toEqual(emittedKeys);
    // The metricXxx() methods name every emitted metric, and only emitted ones.
    const { workflow } = synth;
    const methods = [
      workflow.metricOrdersAccepted(), workflow.metricOrdersProcessed(), workflow.metricOrdersFailed(),
      workflow.metricDuplicatesIgnored(), workflow.metricProcessingLatency(),
      ...Object.values(OrderRejectionReason).map((reason) => workflow.metricOrdersRejected(reason)),
    ];
    expect(methods.map((metric) => key(metric.namespace, metric.metricName, metric.dimensions as Record<string, string>)).sort())
      .toEqual(emittedKeys);
  });
});

describe('failure-rate alarm', () => {
  test('failed / (processed + failed) over 5 minutes, above 5%, divide-by-zero guarded, missing data not breaching', () => {
    const synth = synthWorkflow({ namePrefix: 'shop' });
    const alarm = synth.template.toJSON().Resources[stackId(synth.workflow.failureRateAlarm, synth)].Properties;
    expect(alarm).toMatchObject({
      AlarmName: 'shop-order-failure-rate',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    const expression = alarm.Metrics.find((query: any) => query.Expression);
    expect(expression).toMatchObject({ Expression: 'IF((processed + failed) > 0, failed / (processed + failed), 0)', ReturnData: true });
    const stats = alarm.Metrics.filter((query: any) => query.MetricStat);
    expect(stats.map((query: any) => [query.Id, query.MetricStat.Metric.MetricName, query.MetricStat.Period, query.MetricStat.Stat,
      query.ReturnData]).sort()).toEqual([
      ['failed', 'OrdersFailed', 300, 'Sum', false],
      ['processed', 'OrdersProcessed', 300, 'Sum', false],
    ]);
    expect(synth.workflow.alarms).toContain(synth.workflow.failureRateAlarm);
    expect(alarm.AlarmActions).toBeUndefined();
  });

  test('failureRateAlarmThreshold sets the threshold and the dashboard annotation; alarmActions reach the alarm', () => {
    const synth = synthWorkflow({ failureRateAlarmThreshold: 0.2 }, (stack) => ({
      alarmActions: [new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Pager'))],
    }));
    const alarm = synth.template.toJSON().Resources[stackId(synth.workflow.failureRateAlarm, synth)].Properties;
    expect(alarm.Threshold).toBe(0.2);
    expect(alarm.AlarmDescription).toMatch(/^More than 20% of the worker's processing attempts failed in 5 minutes/);
    expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Pager/) }]);
    const row = dashboardBody(synth).widgets.find((widget) => widget.properties.title?.startsWith('Orders: accepted'))!;
    expect(row.properties).toMatchObject({ annotations: { horizontal: [{ value: 0.2, label: 'Failure-rate alarm', yAxis: 'right' }] } });
  });
});

describe('dashboard business row', () => {
  test('comes right after the alarm status: outcomes with the failure rate, rejections by reason, latency p50 / p99', () => {
    const synth = synthWorkflow();
    const widgets = dashboardBody(synth).widgets;
    expect(widgets.slice(0, 4).map((widget) => widget.properties.title)).toEqual([
      'Alarms',
      'Orders: accepted / processed / failed attempts / duplicates ignored (failure rate, right)',
      'Orders rejected by reason',
      'Processing latency, createdAt to processed (p50 / p99)',
    ]);
    const namespace = 'OrdersWorkflow/TestStack-Orders-311A0410';
    const shown = dashboardMetrics(synth, namespace);
    const latency = shown.filter((row) => row.key.includes('ProcessingLatency'));
    expect(latency.map((row) => row.stat)).toEqual(['p50', 'p99']);
    expect(shown.filter((row) => row.title === 'Orders rejected by reason')).toHaveLength(7);
    expect(shown.filter((row) => !row.key.includes('ProcessingLatency')).every((row) => row.stat === 'Sum')).toBe(true);
    expect(JSON.stringify(widgets[1].properties)).toContain('IF((processed + failed) > 0, failed / (processed + failed), 0)');
  });
});

describe('props', () => {
  const build = (props: OrdersWorkflowProps) => () => synthWorkflow(props);

  test.each<[string, OrdersWorkflowProps, RegExp]>([
    ['AWS/ namespace', { metricsNamespace: 'AWS/Orders' }, /metricsNamespace must not start with 'AWS\/'/],
    ['empty namespace', { metricsNamespace: '' }, /metricsNamespace must be 1 to 255 letters/],
    ['blank namespace', { metricsNamespace: '   ' }, /metricsNamespace must be 1 to 255 letters.*\(got '   '\)/],
    ['namespace with $', { metricsNamespace: 'orders$prod' }, /metricsNamespace must be 1 to 255 letters/],
    ['namespace of 256 characters', { metricsNamespace: 'a'.repeat(256) }, /metricsNamespace must be 1 to 255 letters/],
    ['threshold 0', { failureRateAlarmThreshold: 0 }, /failureRateAlarmThreshold must be a fraction greater than 0 and less than 1.*\(got 0\)/],
    ['threshold 1', { failureRateAlarmThreshold: 1 }, /failureRateAlarmThreshold must be a fraction.*\(got 1\)/],
    ['threshold as a percentage', { failureRateAlarmThreshold: 5 }, /failureRateAlarmThreshold must be a fraction.*\(got 5\)/],
    ['threshold NaN', { failureRateAlarmThreshold: NaN }, /failureRateAlarmThreshold must be a fraction.*\(got NaN\)/],
  ])('%s is refused', (_name, props, message) => {
    expect(build(props)).toThrow(message);
  });

  test('every namespace character CloudWatch allows, 255 of them, and tokens are accepted', () => {
    expect(build({ metricsNamespace: 'My.Orders-prod_1/eu#a:b c' })).not.toThrow();
    expect(build({ metricsNamespace: 'a'.repeat(255) })).not.toThrow();
    expect(build({ metricsNamespace: Token.asString({ Ref: 'Ns' }), failureRateAlarmThreshold: Token.asNumber({ Ref: 'T' }) }))
      .not.toThrow();
    expect(build({ failureRateAlarmThreshold: 0.999 })).not.toThrow();
  });
});
