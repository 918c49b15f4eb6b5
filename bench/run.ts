/**
 * `npm run bench`: measures, in one run on this machine, the bundles' sizes, their cold init
 * against an empty process and two baselines, their warm cost against plain handlers, the
 * local end-to-end throughput against moto's own rates, and the synth time; writes
 * bench/results.json and bench/RESULTS.md, then docs/cost.md from them (bench/cost/).
 * Everything talks to 127.0.0.1 only. `npm run bench -- --help` lists the sizes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBaselines } from './bundles/build-baselines';
import { bundleSize, findBundles } from './bundles/find-bundles';
import { functionEnvironments } from './cold-init/function-env';
import { ColdInitSubject, measureColdInit } from './cold-init/measure-cold-init';
import { writeCostPage } from './cost/generate';
import { BenchOptions, BenchUsageError, parseBenchOptions } from './options';
import { bundleProcessor } from './processors/bundle-processor';
import {
  BUILT_IN_WORKER, CUSTOM_PROCESSOR_VARIANTS, customBundleSize, customProcessorResult, TRIVIAL_PROCESSOR_ENTRY,
} from './processors/custom-processors';
import { writeResultsMarkdown } from './report/results-markdown';
import { BenchResults, MachineInfo, RESULTS_SCHEMA_VERSION, ThroughputResults } from './results';
import { round } from './stats';
import { measureSynth } from './synth/measure-synth';
import { callsPerOrder, countCallsPerOrder, measureEndToEnd } from './throughput/end-to-end';
import { measureRawRates, RawRate } from './throughput/raw-rates';
import { measureWarmApi, measureWarmWorker, WORKER_BATCH_SIZE } from './warm/measure-warm';
import { createEmulatorClients } from '../scripts/local/emulator/clients';
import { resetEmulator, startEmulator } from '../scripts/local/emulator/moto-server';
import { provisionStack } from '../scripts/local/emulator/provision';
import { synthesizeLocalStack } from '../scripts/local/template/local-stack';
import { readSynthesizedStack, SynthesizedStack } from '../scripts/local/template/synthesized-stack';
import { readWorkflowModel } from '../scripts/local/template/workflow-model';

const REPO_ROOT = path.resolve(__dirname, '..');

export async function runBench(options: BenchOptions, print: (message: string) => void = (message) => console.error(message)): Promise<BenchResults> {
  const started = performance.now();
  const log = (message: string) => print(`bench [${((performance.now() - started) / 1000).toFixed(1)} s]: ${message}`);
  const date = new Date().toISOString();
  const loadAverageStart = os.loadavg()[0];
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bench-'));
  // Baseline builds live inside the repo (the naive one requires its packages from
  // node_modules), one directory per run so that a test run and `npm run bench` can overlap.
  const buildDir = path.join(REPO_ROOT, 'bench', '.build', `${process.pid}-${Date.now()}`);
  const emulator = await startEmulator();
  try {
    log(`emulator at ${emulator.endpoint}; synthesizing the reference stack`);
    const stack = readSynthesizedStack(synthesizeLocalStack(path.join(workDir, 'cdk.out')));
    const model = readWorkflowModel(stack);
    const clients = createEmulatorClients(emulator.endpoint);
    const provisioned = await provisionStack(stack, clients).finally(() => clients.destroy());

    // 1. Bundle sizes.
    const bundles = findBundles(REPO_ROOT);
    const sizes = bundles.map((bundle) => bundleSize(bundle, REPO_ROOT));
    const functionBundles = bundles.filter((bundle) => bundle.kind === 'function');
    log(`bundles: ${sizes.map((size) => `${size.name} ${(size.bytes / 1024).toFixed(0)} KiB`).join(', ')}`);
    // The trivial processor as a user's: synthesized through OrderProcessor.fromEntry, its bundle taken from cdk.out.
    const customBundles = CUSTOM_PROCESSOR_VARIANTS.map((variant, index) => {
      const bundled = bundleProcessor(REPO_ROOT, path.join(REPO_ROOT, TRIVIAL_PROCESSOR_ENTRY), path.join(workDir, `processor-${index}`), variant.bundling);
      const size = customBundleSize(variant.name, bundled.file);
      return { variant, inputs: bundled.inputs, file: bundled.file, assemblyDir: bundled.assemblyDir, size };
    });
    log(`custom processor bundles: ${customBundles.map((custom) => `${custom.variant.name} ${(custom.size.bytes / 1024).toFixed(0)} KiB`).join(', ')}`);

    // 2. Cold init, with the baselines built now.
    const baselines = buildBaselines(REPO_ROOT, functionBundles.map((bundle) => bundle.name), buildDir);
    const envs = functionEnvironments(stack, provisioned.resolveContext, emulator.endpoint,
      [...functionBundles.map((bundle) => bundle.file), baselines.clientOnly]);
    const envOf = (file: string) => envs.get(file)!;
    const subjects: ColdInitSubject[] = [];
    for (const bundle of functionBundles) {
      subjects.push({ name: bundle.name, kind: 'function', file: bundle.file, env: envOf(bundle.file).lambda });
      const naive = baselines.naive.get(bundle.name);
      if (naive) subjects.push({ name: `${bundle.name} (naive)`, kind: 'naive', file: naive, env: envOf(bundle.file).lambda });
      if (bundle.name !== BUILT_IN_WORKER) continue;
      // The built-in worker's environment: the same function, only its code differs.
      for (const custom of customBundles) {
        subjects.push({ name: custom.variant.name, kind: 'custom-processor', file: custom.file, env: envOf(bundle.file).lambda, relativeTo: bundle.name });
      }
    }
    const apiBundle = functionBundles.find((bundle) => bundle.name === 'api')!;
    subjects.push({ name: 'client-only', kind: 'client-only', file: baselines.clientOnly, env: envOf(apiBundle.file).lambda });
    if (baselines.clientOnlyStock) {
      subjects.push({ name: 'client-only (stock flags)', kind: 'client-only', file: baselines.clientOnlyStock, env: envOf(apiBundle.file).lambda });
    }
    log(`cold init: ${subjects.length} subjects x ${options.pairs} pairs`);
    const { results: coldInit, failures: coldInitFailures } = measureColdInit(subjects, options.pairs, log);
    coldInitFailures.forEach((failure) => log(`cold init: ${failure.name} failed to load, not measured: ${failure.error}`));

    // 3. Warm cost against moto.
    const workerBundle = functionBundles.find((bundle) => bundle.name === 'worker')!;
    log('warm cost: api and worker beside their plain baselines');
    const runId = date.replace(/\D/g, '').slice(0, 14);
    const warmApi = await measureWarmApi(
      { handlerFile: apiBundle.file, baselineFile: baselines.apiPlain, env: envOf(apiBundle.file).emulator }, options.warmInvocations, runId);
    const warmWorker = await measureWarmWorker(
      { handlerFile: workerBundle.file, baselineFile: baselines.workerPlain, env: envOf(workerBundle.file).emulator }, options.warmInvocations);

    // 4. Throughput: moto's raw rates, the calls per order, then the timed end-to-end run.
    log(`raw emulator rates: ${options.rawCalls} calls each at concurrency ${options.concurrency}`);
    const raw = await measureRawRates(emulator.endpoint, {
      eventBusName: model.eventBus && 'logicalId' in model.eventBus ? provisioned.physical(model.eventBus.logicalId).ref : 'default',
      tableName: provisioned.physical(model.ordersTableLogicalId ?? model.idempotencyTableLogicalId!).ref,
    }, options.rawCalls, options.concurrency);
    await resetEmulator(emulator.endpoint);
    log(`counting AWS calls per order on ${options.countedOrders} orders`);
    const calls = await countCallsPerOrder(emulator.endpoint, stack.assemblyDir, options.countedOrders, 120_000);
    await resetEmulator(emulator.endpoint);
    // The same count with a team's processor (the trivial one, through fromEntry): the worker runtime's calls, not the processor's own.
    log(`counting AWS calls per order with ${customBundles[0].variant.name}`);
    const customCalls = await countCallsPerOrder(emulator.endpoint, customBundles[0].assemblyDir, options.countedOrders, 120_000);
    await resetEmulator(emulator.endpoint);
    log(`end to end: ${options.orders} orders at concurrency ${options.concurrency}`);
    const endToEnd = await measureEndToEnd(emulator.endpoint, emulator.pid, stack.assemblyDir, options.orders, options.concurrency, 240_000);
    const customProcessorCalls = { processor: customBundles[0].variant.name, ...customCalls };
    const throughput = { ...throughputResults(endToEnd, raw, calls), customProcessorCalls };

    // 5. Synth.
    log(`synth: ${options.synthRuns} run(s)`);
    const synth = measureSynth(REPO_ROOT, options.synthRuns, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir() });

    const builtInSize = sizes.find((size) => size.name === BUILT_IN_WORKER)!;
    const customProcessors = customBundles.map((custom) => customProcessorResult(custom.variant, custom.size, custom.inputs, builtInSize, coldInit));
    const results: BenchResults = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      date,
      quick: options.quick,
      sizes: {
        pairs: options.pairs,
        orders: options.orders,
        concurrency: options.concurrency,
        rawCalls: options.rawCalls,
        warmInvocations: options.warmInvocations,
        countedOrders: options.countedOrders,
        synthRuns: options.synthRuns,
      },
      machine: machineInfo(loadAverageStart),
      bundles: sizes,
      buildFlags: baselines.handlerFlags,
      coldInit,
      coldInitFailures,
      customProcessors,
      warm: { api: warmApi, worker: warmWorker, workerBatchSize: WORKER_BATCH_SIZE },
      throughput,
      synth,
      functions: functionSettings(stack, model.eventSource.batchSize, model.workerFunction.logicalId),
      stack: {
        alarms: Object.values(stack.template.Resources).filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm').length,
        dashboards: Object.values(stack.template.Resources).filter((resource) => resource.Type === 'AWS::CloudWatch::Dashboard').length,
      },
      durationSeconds: round((performance.now() - started) / 1000, 1),
    };
    fs.mkdirSync(options.outDir, { recursive: true });
    fs.writeFileSync(path.join(options.outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeResultsMarkdown(results, path.join(options.outDir, 'RESULTS.md'));
    if (options.cost) writeCostPage(results, path.join(REPO_ROOT, 'docs', 'cost.md'));
    log(`wrote ${path.join(options.outDir, 'results.json')} and RESULTS.md${options.cost ? ', docs/cost.md' : ''} in ${results.durationSeconds} s`);
    return results;
  } finally {
    await emulator.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

/** The operations the orders path needs from moto (SendMessage is done inside PutEvents by the rule). */
const PATH_OPERATIONS = ['PutEvents', 'PutItem', 'GetItem', 'UpdateItem', 'ReceiveMessage', 'DeleteMessageBatch'];

function throughputResults(endToEnd: ThroughputResults['endToEnd'], raw: RawRate[], counted: ThroughputResults['calls']): ThroughputResults {
  // The counting run POSTs one order at a time (batches of one); the timed run's batches are
  // what the event source's receives and deletes per order really are.
  const batchesPerOrder = round(endToEnd.workerInvocations / endToEnd.orders, 3);
  const calls = { ...counted, pollerPerOrder: { ReceiveMessage: batchesPerOrder, DeleteMessageBatch: batchesPerOrder } };
  const perOrder = callsPerOrder(calls);
  const ceilingByOperation: Record<string, number> = {};
  let serialSeconds = 0;
  for (const operation of PATH_OPERATIONS) {
    const rate = raw.find((candidate) => candidate.operation === operation);
    const count = perOrder[operation] ?? 0;
    if (!rate || count === 0) continue;
    ceilingByOperation[operation] = round(rate.callsPerSecond / count, 1);
    serialSeconds += count / rate.callsPerSecond;
  }
  const [slowestOperation, slowestCeilingPerSecond] = Object.entries(ceilingByOperation).sort((a, b) => a[1] - b[1])[0] ?? ['none', NaN];
  const serialCeilingPerSecond = round(1 / serialSeconds, 1);
  return {
    endToEnd,
    raw,
    calls,
    ceilingByOperation,
    slowestOperation,
    slowestCeilingPerSecond,
    ratioToSlowest: round(slowestCeilingPerSecond / endToEnd.processedPerSecond, 2),
    serialCeilingPerSecond,
    ratioToSerial: round(serialCeilingPerSecond / endToEnd.processedPerSecond, 2),
  };
}

function functionSettings(stack: SynthesizedStack, batchSize: number, workerLogicalId: string): BenchResults['functions'] {
  const out: Record<string, BenchResults['functions'][string]> = {};
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function' || typeof resource.Properties?.FunctionName !== 'string') continue;
    const props = resource.Properties;
    const name = String(props.FunctionName).split('-').pop()!;
    out[name] = {
      memorySize: Number(props.MemorySize ?? 128),
      timeoutSeconds: Number(props.Timeout ?? 3),
      architecture: String(props.Architectures?.[0] ?? 'x86_64'),
      ...(props.LoggingConfig?.SystemLogLevel ? { systemLogLevel: String(props.LoggingConfig.SystemLogLevel) } : {}),
      ...(logicalId === workerLogicalId ? { batchSize } : {}),
    };
  }
  return out;
}

function machineInfo(loadAverageStart: number): MachineInfo {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverageStart: round(loadAverageStart, 2),
    loadAverageEnd: round(os.loadavg()[0], 2),
  };
}

if (require.main === module) {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2), process.env, REPO_ROOT);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(error instanceof BenchUsageError && /^Help:/.test((error as Error).message) ? 0 : 2);
  }
  runBench(options).catch((error) => {
    console.error(`bench failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  });
}
