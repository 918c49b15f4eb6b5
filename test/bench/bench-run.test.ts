/**
 * `npm run bench` end to end on a tiny size: every measurement runs (bundles, cold init with
 * both baselines, warm cost, moto's raw rates, the counted and the timed end-to-end runs,
 * synth) and results.json / RESULTS.md come out with the expected shape. Not a timing
 * assertion: the figures of a tiny run on a shared machine mean nothing, only that they exist.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findBundles } from '../../bench/bundles/find-bundles';
import { parseBenchOptions } from '../../bench/options';
import { CUSTOM_PROCESSOR_VARIANTS } from '../../bench/processors/custom-processors';
import { BenchResults } from '../../bench/results';
import { runBench } from '../../bench/run';
import { DYNAMO_WRITES } from '../../bench/throughput/dynamo-units';

jest.setTimeout(180_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
let outDir: string;
let results: BenchResults;

beforeAll(async () => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bench-test-'));
  const options = parseBenchOptions(
    ['--quick', '--pairs', '1', '--orders', '4', '--concurrency', '2', '--raw-calls', '4', '--warm-invocations', '1', '--counted-orders', '2', '--out', outDir, '--no-cost'],
    {}, REPO_ROOT);
  results = await runBench(options, () => undefined);
});

afterAll(() => {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

test('writes results.json (what runBench returned) and a dated RESULTS.md', () => {
  expect(JSON.parse(fs.readFileSync(path.join(outDir, 'results.json'), 'utf8'))).toEqual(results);
  const markdown = fs.readFileSync(path.join(outDir, 'RESULTS.md'), 'utf8');
  expect(markdown).toContain(results.date.slice(0, 10));
  expect(markdown).toContain(`Node.js ${process.version}`);
  for (const heading of ['## 1. Bundle sizes', '## 2. Cold init', '## 3. Warm cost', '## 4. End-to-end local throughput', '## 5. Synth']) {
    expect(markdown).toContain(heading);
  }
  expect(results.quick).toBe(true);
  expect(results.sizes).toMatchObject({ pairs: 1, orders: 4, concurrency: 2 });
  expect(results.machine.cpus).toBe(os.cpus().length);
});

test('measures every bundle in assets/ (functions and the replay CLI), with a cold init row and a naive baseline per function', () => {
  const bundles = findBundles(REPO_ROOT);
  expect(results.bundles.map((bundle) => bundle.name).sort()).toEqual(bundles.map((bundle) => bundle.name).sort());
  expect(results.bundles.map((bundle) => bundle.name)).toEqual(expect.arrayContaining(['api', 'worker', 'replay-dlq/cli']));
  for (const bundle of results.bundles) expect(bundle.bytes).toBe(fs.statSync(path.join(REPO_ROOT, bundle.path)).size);
  const functions = bundles.filter((bundle) => bundle.kind === 'function').map((bundle) => bundle.name);
  // This repo's stack deploys every bundle, so each one loads with its environment.
  expect(results.coldInitFailures).toEqual([]);
  expect(results.coldInit.filter((row) => row.kind === 'function').map((row) => row.name).sort()).toEqual([...functions].sort());
  expect(results.coldInit.filter((row) => row.kind === 'naive').map((row) => row.name).sort()).toEqual(functions.map((name) => `${name} (naive)`).sort());
  expect(results.coldInit.filter((row) => row.kind === 'client-only').map((row) => row.name)).toContain('client-only');
  for (const row of results.coldInit) {
    expect(row.ratio.n).toBe(1);
    expect(row.ratio.median).toBeGreaterThan(0);
    expect(row.emptyMs.median).toBeGreaterThan(0);
  }
});

test('a trivial processor through fromEntry is measured in the same run as the built-in worker, with its ratios', () => {
  const worker = results.bundles.find((bundle) => bundle.name === 'worker')!;
  const workerCold = results.coldInit.find((row) => row.name === 'worker' && row.kind === 'function')!;
  const customs = results.customProcessors ?? [];
  expect(customs.map((custom) => custom.name)).toEqual(CUSTOM_PROCESSOR_VARIANTS.map((variant) => variant.name));
  for (const custom of customs) {
    expect(custom.inputs).toContain('assets/runtime/worker/index.mjs');
    expect(custom.bundle.bytes).toBeGreaterThan(100_000);
    expect(custom.bytesRatio).toBe(Math.round((custom.bundle.bytes / worker.bytes) * 1000) / 1000);
    expect(custom.gzipRatio).toBe(Math.round((custom.bundle.gzipBytes / worker.gzipBytes) * 1000) / 1000);
    // Loaded with the built-in worker's environment, in the same rounds (the run's single pair).
    const row = results.coldInit.find((candidate) => candidate.name === custom.name)!;
    expect(row).toMatchObject({ kind: 'custom-processor', relativeTo: { name: 'worker', ratio: { n: 1 } } });
    expect(custom.coldInitRatio).toEqual(row.relativeTo!.ratio);
    expect(custom.coldInitRatio!.median).toBeCloseTo(row.ratio.median / workerCold.ratio.median, 2);
  }
  // fromEntry minifies by default; aws-lambda-nodejs' own default (unminified) must be larger.
  expect(customs[0].bundle.bytes).toBeLessThan(customs[1].bundle.bytes);
  const markdown = fs.readFileSync(path.join(outDir, 'RESULTS.md'), 'utf8');
  expect(markdown).toContain(`| ${customs[0].name} | \`fromEntry\` defaults (minified) | ${customs[0].bytesRatio}x | ${customs[0].gzipRatio}x |`);
});

test('warm cost: our handlers and the plain baselines each ran against moto', () => {
  for (const pair of [results.warm.api, results.warm.worker]) {
    expect(pair.handler.wallMs.n).toBe(1);
    expect(pair.baseline.wallMs.median).toBeGreaterThan(0);
    expect(pair.handler.cpuMs.median).toBeGreaterThan(0);
  }
});

test('throughput: the orders went through, moto\'s raw rates and the calls per order are there', () => {
  const { endToEnd, raw, calls } = results.throughput;
  expect(endToEnd.orders).toBe(4);
  expect(endToEnd.processedPerSecond).toBeGreaterThan(0);
  expect(endToEnd.postP99Ms).toBeGreaterThanOrEqual(endToEnd.postP50Ms);
  expect(raw.map((rate) => rate.operation)).toEqual(['PutEvents', 'PutItem', 'GetItem', 'UpdateItem', 'SendMessage', 'ReceiveMessage', 'DeleteMessageBatch']);
  // The API publishes once per order. Each side claims each order and writes its record, and that
  // record write is the claim's completion: no completion UpdateItem on either side.
  expect(calls.perOrder.api.PutEvents).toBe(1);
  expect(calls.perOrder.api.PutItem).toBeGreaterThanOrEqual(2);
  expect(calls.perOrder.worker.PutItem).toBeGreaterThanOrEqual(2);
  expect(calls.perOrder.api.UpdateItem ?? 0).toBe(0);
  expect(calls.perOrder.worker.UpdateItem ?? 0).toBe(0);
  // Capacity units: the API creates the order record, so it writes the keys-only index once per
  // order and the worker never does; every call is at least one unit.
  expect(calls.dynamo.indexWriteUnitsPerOrder).toEqual({ api: 1, worker: 0 });
  const writes = (name: 'api' | 'worker') => [...DYNAMO_WRITES].reduce((sum, op) => sum + (calls.perOrder[name][op] ?? 0), 0);
  expect(calls.dynamo.writeUnitsPerOrder.api).toBeGreaterThanOrEqual(writes('api') + 1);
  expect(calls.dynamo.writeUnitsPerOrder.worker).toBeGreaterThanOrEqual(writes('worker'));
  expect(calls.dynamo.readUnitsPerOrder.worker).toBeGreaterThanOrEqual(calls.perOrder.worker.GetItem);
  expect(calls.dynamo.largestItemBytes['order record']).toBeGreaterThan(200);
  // A team's processor runs inside the same runtime: the same calls and units per order.
  const custom = results.throughput.customProcessorCalls!;
  expect(custom.processor).toContain('fromEntry');
  expect(custom.perOrder).toEqual(calls.perOrder);
  expect(custom.dynamo.writeUnitsPerOrder).toEqual(calls.dynamo.writeUnitsPerOrder);
  expect(custom.dynamo.indexWriteUnitsPerOrder).toEqual({ api: 1, worker: 0 });
  expect(results.throughput.slowestCeilingPerSecond).toBeGreaterThan(0);
  expect(endToEnd.logBytesPerOrder.api).toBeGreaterThan(0);
  expect(endToEnd.customMetrics.length).toBeGreaterThan(0);
});

test('synth: one fresh TypeScript process, with its in-process share', () => {
  expect(results.synth.processMs.n).toBe(1);
  expect(results.synth.processMs.median).toBeGreaterThan(results.synth.inProcessMs.median);
  expect(results.stack.alarms).toBeGreaterThan(0);
  expect(results.functions.worker).toMatchObject({ batchSize: expect.any(Number), memorySize: expect.any(Number) });
});
