/**
 * Item 4: orders through the whole local path (the runner's API Gateway, the API function's
 * processes, EventBridge -> SQS in moto, the event source poller, the worker's processes)
 * at a fixed concurrency, timed from the first POST until the worker has logged every order
 * processed. Also what each order costs in AWS calls (counted on a small run through a
 * proxy) and in log bytes (the handlers' lines, EMF included), for the cost model.
 */
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoCallRecorder, DynamoUnits, dynamoUnitsPerOrder } from './dynamo-units';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';
import { startLocalWorkflow } from '../../scripts/local/index';
import { startAwsProxy } from '../../test/integration/support/aws-proxy';
import { postOrder, PostResult, waitFor } from '../../test/integration/support/harness';
import { percentile, round } from '../stats';
import { processCpuMs, totalCpuMs } from './process-cpu';

export interface EndToEndResult {
  readonly orders: number;
  readonly concurrency: number;
  readonly acceptedPerSecond: number;
  readonly processedPerSecond: number;
  readonly postP50Ms: number;
  readonly postP99Ms: number;
  readonly postMaxMs: number;
  readonly seconds: number;
  readonly workerInvocations: number;
  readonly recordsPerInvocation: number;
  /** Handler log bytes per order (newline included), by function; EMF lines counted in both. */
  readonly logBytesPerOrder: Record<string, number>;
  readonly emfBytesPerOrder: Record<string, number>;
  readonly logLinesPerOrder: Record<string, number>;
  /**
   * CPU ms per order of the timed run, by process group: the function processes (API and
   * worker instances), the emulator (moto), and this process (the runner's gateway and
   * poller, and the load generator). Undefined where /proc is not available.
   */
  readonly cpuMsPerOrder?: { readonly functions: number; readonly emulator: number; readonly runnerAndClients: number };
  /** Orders/s this machine's cores could serve at that CPU cost per order if the path had them to itself. */
  readonly cpuCeilingPerSecond?: number;
  /** Distinct CloudWatch metrics (namespace, dimension values, name) the EMF lines created: each is a billed custom metric. */
  readonly customMetrics: string[];
}

export interface CallCounts {
  readonly orders: number;
  /** Function -> AWS operation -> calls per order. */
  readonly perOrder: Record<string, Record<string, number>>;
  /** The poller's (Lambda's event source) calls per order: one receive and one delete per batch. */
  readonly pollerPerOrder: Record<string, number>;
  readonly workerInvocations: number;
  /** The DynamoDB calls' capacity units per order (item sizes, the index's writes). */
  readonly dynamo: DynamoUnits;
}

interface RunOptions {
  readonly emulatorEndpoint: string;
  /** The moto_server process, for its CPU time. */
  readonly emulatorPid?: number;
  readonly appDir: string;
  readonly orders: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly functionEndpoint?: string;
}

/** `namespace|dim=value,...|name` of every metric one EMF line declares. */
function emfMetrics(line: Record<string, unknown>): string[] {
  const aws = line._aws as { CloudWatchMetrics?: Array<{ Namespace: string; Dimensions?: string[][]; Metrics?: Array<{ Name: string }> }> };
  const out: string[] = [];
  for (const directive of aws?.CloudWatchMetrics ?? []) {
    const dimensionSets = directive.Dimensions?.length ? directive.Dimensions : [[]];
    for (const dimensions of dimensionSets) {
      const dims = dimensions.map((name) => `${name}=${String(line[name])}`).join(',');
      for (const metric of directive.Metrics ?? []) out.push(`${directive.Namespace}|${dims}|${metric.Name}`);
    }
  }
  return out;
}

/** Until the worker has logged `orders` orders processed; a timeout says how far it got and how many batches failed. */
async function waitForOrders(processed: ReadonlySet<string>, orders: number, timeoutMs: number, failedBatches: () => number): Promise<void> {
  try {
    await waitFor(`${orders} orders processed`, () => processed.size >= orders, timeoutMs, 50);
  } catch (error) {
    throw new Error(`${(error as Error).message} (${processed.size} processed, ${failedBatches()} worker batches failed or timed out)`);
  }
}

/** Every operation's calls per order: the functions' and the event source's together. */
export function callsPerOrder(calls: CallCounts): Record<string, number> {
  const total: Record<string, number> = { ...calls.pollerPerOrder };
  for (const operations of Object.values(calls.perOrder)) {
    for (const [operation, count] of Object.entries(operations)) total[operation] = (total[operation] ?? 0) + count;
  }
  return total;
}

async function runOrders(options: RunOptions) {
  const processed = new Set<string>();
  const logBytes: Record<string, number> = {};
  const emfBytes: Record<string, number> = {};
  const logLines: Record<string, number> = {};
  const metrics = new Set<string>();
  let workerInvocations = 0;
  let workerRecords = 0;
  let failedBatches = 0;
  const endpointEnv = options.functionEndpoint ? { AWS_ENDPOINT_URL: options.functionEndpoint } : undefined;
  const local = await startLocalWorkflow({
    port: 0,
    emulatorEndpoint: options.emulatorEndpoint,
    template: { appDir: options.appDir },
    // The template's visibility timeout and worker timeout, as on AWS: the local 2 s default
    // would time out and redeliver batches that a loaded machine runs slowly.
    visibilityTimeoutSeconds: 'template',
    quiet: true,
    apiEnv: endpointEnv,
    workerEnv: endpointEnv,
    onLog: (line) => {
      if (line.source === 'local' || line.source === 'moto') return;
      logBytes[line.source] = (logBytes[line.source] ?? 0) + Buffer.byteLength(line.line) + 1;
      logLines[line.source] = (logLines[line.source] ?? 0) + 1;
      if (line.json && '_aws' in line.json) {
        emfBytes[line.source] = (emfBytes[line.source] ?? 0) + Buffer.byteLength(line.line) + 1;
        emfMetrics(line.json).forEach((metric) => metrics.add(metric));
      }
      const eventId = line.json?.eventId;
      if (line.source === 'worker' && line.json?.msg === 'order_processed' && typeof eventId === 'string') processed.add(eventId);
    },
    onWorkerBatch: (report) => {
      workerInvocations++;
      workerRecords += report.event.Records.length;
      if (report.outcome !== 'ok' || report.failedMessageIds.length > 0) failedBatches++;
    },
  });
  try {
    const run = randomUUID().slice(0, 8);
    const deadline = Date.now() + options.timeoutMs;
    // Untimed warm-up: one order per client, so every API and worker instance the run uses has
    // started (cold starts are item 2's subject, not the steady rate's).
    await Promise.all(Array.from({ length: options.concurrency }, (_, index) =>
      postOrder(local.apiUrl, { orderId: `warm-${run}-${index}`, customerId: 'cust-warm', items: [{ sku: 'SKU-1', qty: 1 }] })));
    await waitFor('the warm-up orders processed', () => processed.size >= options.concurrency, Math.max(1_000, deadline - Date.now()), 50);
    processed.clear();
    for (const counts of [logBytes, emfBytes, logLines]) for (const key of Object.keys(counts)) delete counts[key];
    workerInvocations = 0;
    workerRecords = 0;
    const results: PostResult[] = [];
    const functionPids = [...local.api.pids(), ...local.worker.pids()];
    const emulatorPids = options.emulatorPid !== undefined ? [options.emulatorPid] : [];
    const cpuBefore = { functions: totalCpuMs(functionPids), emulator: totalCpuMs(emulatorPids), runner: process.cpuUsage() };
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: options.concurrency }, async () => {
      while (next < options.orders) {
        const index = next++;
        if (Date.now() > deadline) throw new Error(`deadline passed after ${results.length} POSTs`);
        results.push(await postOrder(local.apiUrl, { orderId: `bench-${run}-${index}`, customerId: `cust-${index % 50}`, items: [{ sku: `SKU-${index % 7}`, qty: 1 + (index % 3) }] }));
      }
    }));
    const postSeconds = (performance.now() - started) / 1000;
    const refused = results.filter((result) => result.status !== 202);
    if (refused.length > 0) throw new Error(`${refused.length} POSTs were not accepted, e.g. ${refused[0].status} ${JSON.stringify(refused[0].body)}`);
    await waitForOrders(processed, options.orders, Math.max(1_000, deadline - Date.now()), () => failedBatches);
    const seconds = (performance.now() - started) / 1000;
    const runner = process.cpuUsage(cpuBefore.runner);
    // Instances started during the run are not in functionPids: count them from their start.
    const newPids = [...local.api.pids(), ...local.worker.pids()].filter((pid) => !functionPids.includes(pid));
    const functionsMs = totalCpuMs(functionPids) + totalCpuMs(newPids) - cpuBefore.functions;
    const emulatorMs = totalCpuMs(emulatorPids) - cpuBefore.emulator;
    const haveProc = options.emulatorPid !== undefined && processCpuMs(options.emulatorPid) !== undefined;
    const cpuMsPerOrder = haveProc ? {
      functions: round(functionsMs / options.orders, 2),
      emulator: round(emulatorMs / options.orders, 2),
      runnerAndClients: round((runner.user + runner.system) / 1000 / options.orders, 2),
    } : undefined;
    const latencies = results.map((result) => result.ms).sort((a, b) => a - b);
    const perOrder = (counts: Record<string, number>) =>
      Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, round(value / options.orders, 1)]));
    const result: EndToEndResult = {
      orders: options.orders,
      concurrency: options.concurrency,
      acceptedPerSecond: round(options.orders / postSeconds, 1),
      processedPerSecond: round(options.orders / seconds, 1),
      postP50Ms: round(percentile(latencies, 50), 1),
      postP99Ms: round(percentile(latencies, 99), 1),
      postMaxMs: round(latencies[latencies.length - 1], 1),
      seconds: round(seconds, 2),
      workerInvocations,
      recordsPerInvocation: round(workerRecords / Math.max(1, workerInvocations), 2),
      logBytesPerOrder: perOrder(logBytes),
      emfBytesPerOrder: perOrder(emfBytes),
      logLinesPerOrder: Object.fromEntries(Object.entries(logLines).map(([key, value]) => [key, round(value / options.orders, 2)])),
      customMetrics: [...metrics].sort(),
      ...(cpuMsPerOrder ? {
        cpuMsPerOrder,
        cpuCeilingPerSecond: round(os.cpus().length * 1000 / (cpuMsPerOrder.functions + cpuMsPerOrder.emulator + cpuMsPerOrder.runnerAndClients), 1),
      } : {}),
    };
    return { result, functionNames: { api: local.api.functionName, worker: local.worker.functionName } };
  } finally {
    await local.stop();
  }
}

export async function measureEndToEnd(
  emulatorEndpoint: string, emulatorPid: number | undefined, appDir: string, orders: number, concurrency: number, timeoutMs: number,
): Promise<EndToEndResult> {
  return (await runOrders({ emulatorEndpoint, emulatorPid, appDir, orders, concurrency, timeoutMs })).result;
}

/**
 * The AWS calls per order, counted: the functions talk to moto through a counting proxy (their
 * AWS_ENDPOINT_URL), so this small run is not the timed one. Each function gets its own proxy.
 */
export async function countCallsPerOrder(emulatorEndpoint: string, appDir: string, orders: number, timeoutMs: number): Promise<CallCounts> {
  const apiDynamo = dynamoCallRecorder();
  const workerDynamo = dynamoCallRecorder();
  const apiProxy = await startAwsProxy(emulatorEndpoint, (call) => apiDynamo.decide(call));
  const workerProxy = await startAwsProxy(emulatorEndpoint, (call) => workerDynamo.decide(call));
  const dynamodb = new DynamoDBClient(emulatorClientConfig(emulatorEndpoint));
  try {
    const processed = new Set<string>();
    let invocations = 0;
    let failedBatches = 0;
    const local = await startLocalWorkflow({
      port: 0,
      emulatorEndpoint,
      template: { appDir },
      visibilityTimeoutSeconds: 'template',
      quiet: true,
      apiEnv: { AWS_ENDPOINT_URL: apiProxy.url },
      workerEnv: { AWS_ENDPOINT_URL: workerProxy.url },
      onLog: (line) => {
        if (line.source === 'worker' && line.json?.msg === 'order_processed' && typeof line.json.eventId === 'string') processed.add(line.json.eventId);
      },
      onWorkerBatch: (report) => {
        invocations++;
        if (report.outcome !== 'ok' || report.failedMessageIds.length > 0) failedBatches++;
      },
    });
    let dynamo: DynamoUnits;
    try {
      const run = randomUUID().slice(0, 8);
      for (let index = 0; index < orders; index++) {
        const result = await postOrder(local.apiUrl, { orderId: `count-${run}-${index}`, customerId: 'cust-1', items: [{ sku: 'SKU-1', qty: 1 }] });
        if (result.status !== 202) throw new Error(`counting run: POST answered ${result.status}`);
      }
      await waitForOrders(processed, orders, timeoutMs, () => failedBatches);
      dynamo = await dynamoUnitsPerOrder({ api: apiDynamo.calls, worker: workerDynamo.calls }, orders, dynamodb);
    } finally {
      await local.stop();
    }
    const tally = (operations: string[]) => {
      const out: Record<string, number> = {};
      for (const operation of operations) out[operation] = (out[operation] ?? 0) + 1;
      return Object.fromEntries(Object.entries(out).map(([key, value]) => [key, round(value / orders, 2)]));
    };
    return {
      orders,
      perOrder: { api: tally(apiProxy.forwarded), worker: tally(workerProxy.forwarded) },
      pollerPerOrder: { ReceiveMessage: round(invocations / orders, 2), DeleteMessageBatch: round(invocations / orders, 2) },
      workerInvocations: invocations,
      dynamo,
    };
  } finally {
    dynamodb.destroy();
    await apiProxy.close();
    await workerProxy.close();
  }
}
