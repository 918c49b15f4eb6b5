/**
 * The local runner's core: a synthesized stack with one OrdersWorkflow, on moto, with the real
 * handler bundles. It never imports aws-cdk-lib, so the package's bin (tools/local/cli.ts)
 * bundles it without the CDK; index.ts adds synthesizing this repo's own stack.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { apiKeyResources, mintApiKeys } from './api-gateway/api-keys';
import { prepareLocalAccess } from './api-gateway/local-access';
import { readApiGatewayModel } from './api-gateway/model';
import { startApiServer } from './api-gateway/server';
import { createEmulatorClients, LOCAL_ACCOUNT_ID, LOCAL_REGION } from './emulator/clients';
import { Emulator, startEmulator } from './emulator/moto-server';
import { provisionStack, ProvisionedStack } from './emulator/provision';
import { deliverToFunction } from './events/lambda-targets';
import {
  DEFAULT_FAILURE_INJECTION, FAILURE_INJECTION_ENV, FailureInjectionChoice, failureInjectionState, FailureInjectionState, withFailureInjection,
} from './lambda/failure-injection';
import { handlerEnvironment } from './lambda/handler-env';
import { LocalFunction } from './lambda/local-function';
import { LogListener, LogSink } from './logs';
import { LocalOutputs, localOutputs, writeOutputsFile } from './outputs';
import { watchQueueDepth } from './sqs/dlq-watch';
import { startMessageMoveTaskProxy } from './sqs/message-move-task';
import { WorkerBatchReport, WorkerPoller } from './sqs/worker-poller';
import { localWorkerTimeout } from './sqs/worker-timeout';
import { PhysicalResource } from './template/intrinsics';
import type { LocalStackProps } from './template/local-stack';
import { readSynthesizedStack, SynthesizedStack } from './template/synthesized-stack';
import { EventSourceModel, FunctionModel, readFunction, readWorkflowModel, StageWorkerModel, WorkflowModel } from './template/workflow-model';

export type { LocalOutputs } from './outputs';
export type { LogLine, LogListener } from './logs';
export type { WorkerBatchReport } from './sqs/worker-poller';

/** Which synthesized stack to run. */
export type TemplateSource =
  /**
   * This repo's stack (template/local-stack.ts), synthesized in-process; `props` override its
   * settings (a function of the stack when they need resources of it, such as a user pool).
   * `outdir` (replaced if it holds an earlier assembly) defaults to a temporary directory.
   */
  | { readonly props?: LocalStackProps; readonly outdir?: string }
  /** Any app already synthesized (`cdk synth` output dir), e.g. examples/app: the stack with one OrdersWorkflow. */
  | { readonly appDir: string; readonly stackName?: string };

export interface LocalWorkflowOptions {
  /** Port of the local API on 127.0.0.1. 0 picks a free one. @default 3000 */
  readonly port?: number;
  /** Port of the moto_server the runner starts. @default a free port */
  readonly emulatorPort?: number;
  /** Use an emulator that is already running (the runner neither starts nor stops it); provisioning reuses what exists. */
  readonly emulatorEndpoint?: string;
  /**
   * Visibility timeout of the worker's queue in the emulator, in seconds, so a failing order
   * is retried (and reaches the DLQ) in seconds; `'template'` keeps the template's value.
   * The worker's timeout shrinks with it (at most half of it, less the batching window;
   * sqs/worker-timeout.ts), so a crashed invocation's claim expires before its message is
   * redelivered, as in AWS. Every stage worker's queue and timeout get the same treatment.
   * @default 2
   */
  readonly visibilityTimeoutSeconds?: number | 'template';
  /**
   * The worker's timeout in seconds, instead of the one derived from the visibility timeout.
   * A value near or above the visibility timeout lets an invocation outlive its messages'
   * invisibility, so a message is redelivered while its first invocation still runs: AWS's
   * settings rule that out; the load test uses it to exercise concurrent redelivery.
   * Applies to the stage workers too.
   * @default the template's timeout, at most (visibility timeout - batching window) / 2
   */
  readonly workerTimeoutSeconds?: number;
  /** Extra or overriding environment of the worker, e.g. `{ FAILURE_INJECTION_ENABLED: 'false' }` (wins over `failureInjection`). */
  readonly workerEnv?: Readonly<Record<string, string>>;
  /** Extra or overriding environment of every stage's (and compensation's) worker, e.g. a test's `AWS_ENDPOINT_URL`. */
  readonly stageWorkerEnv?: Readonly<Record<string, string>>;
  /**
   * The worker's failure injection (sku FAIL-ME): `on` and `off` override the stack's setting,
   * `template` keeps it. On by default, so the walk-through's failing order works although the
   * construct's default is off.
   * @default 'on'
   */
  readonly failureInjection?: FailureInjectionChoice;
  /** Extra or overriding environment of the API function. */
  readonly apiEnv?: Readonly<Record<string, string>>;
  /**
   * Start the SQS pollers at once. `false`: call `worker.startPolling()` or `worker.deliver()` (and
   * the same on each of `stageWorkers`) yourself. @default true
   */
  readonly pollQueue?: boolean;
  /** Parallel pollers (each one invocation at a time), per worker. @default the mapping's MaximumConcurrency, else 5 */
  readonly workerConcurrency?: number;
  /** Most API function instances at once (further requests wait for one). @default 4 */
  readonly apiConcurrency?: number;
  /** Print nothing; `onLog` still receives every line. @default false */
  readonly quiet?: boolean;
  /** Every log line: handlers (`api`, `worker`), the runner (`local`), moto (`moto`, with `emulatorLogs`). */
  readonly onLog?: LogListener;
  /** Print moto's request log too. @default false */
  readonly emulatorLogs?: boolean;
  /** Every worker invocation: the SQSEvent, its outcome, what was deleted and what stays. */
  readonly onWorkerBatch?: (report: WorkerBatchReport) => void;
  /** The same for every invocation of a stage worker (`report.functionName` says which). */
  readonly onStageWorkerBatch?: (report: WorkerBatchReport) => void;
  /** @default this repo's stack, synthesized into a temporary directory */
  readonly template?: TemplateSource;
  /** Also write the outputs to this JSON file (main.ts: `.local/outputs.json`). */
  readonly outputsFile?: string;
}

export interface LocalWorker {
  readonly functionName: string;
  /** Effective timeout in seconds (the template's, at most (visibility timeout - batching window) / 2, unless overridden). */
  readonly timeoutSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly batchSize: number;
  readonly maxReceiveCount?: number;
  /** One delivery of messages you received (with AttributeNames All), through the poller's code path. */
  deliver(messages: readonly Message[], receivedAt?: number): Promise<WorkerBatchReport>;
  startPolling(): void;
  stopPolling(): Promise<void>;
  /** PIDs of the worker's running instances (kill one to simulate a crash). */
  pids(): number[];
}

/**
 * Another SQS event source mapping of the stack (a stage's worker, or a stage's compensation
 * worker), run like the worker: its own poller and its own function instances.
 */
export interface LocalStageWorker extends LocalWorker {
  /** The function's `STEP_NAME` (the stage id), if it has one. */
  readonly stepName?: string;
  /** `process`, or `compensate` for a compensation worker; undefined without a step name. */
  readonly stepMode?: string;
  readonly queueUrl: string;
  readonly queueName: string;
  /** The queue's redrive target, if it has one. */
  readonly deadLetterQueueUrl?: string;
}

export interface LocalWorkflow {
  /** `http://127.0.0.1:<port>`, no trailing slash: POST `${apiUrl}/orders`. */
  readonly apiUrl: string;
  readonly outputs: LocalOutputs;
  readonly emulatorEndpoint: string;
  /** SQS with the emulated message move task in front of moto (outputs.SqsEndpoint): what the functions use for SQS. */
  readonly sqsEndpoint: string;
  readonly stackName: string;
  /** Whether FAIL-ME fails at start, and who decided (the runner, `workerEnv` or the stack). */
  readonly failureInjection: FailureInjectionState;
  readonly worker: LocalWorker;
  /** The stage workers, in step order (empty without stages); their batches go to `onStageWorkerBatch`. */
  readonly stageWorkers: readonly LocalStageWorker[];
  readonly api: { readonly functionName: string; pids(): number[] };
  /** What each method of the template requires, as the local API Gateway enforces it (e.g. `POST /orders`: `AWS_IAM`). */
  readonly methodAccess: ReadonlyArray<{ readonly route: string; readonly authorizationType: string; readonly apiKeyRequired: boolean }>;
  /**
   * Turns the worker's failure injection (`FAILURE_INJECTION_ENABLED`, sku FAIL-ME) on or off
   * while running, as updating the function's environment does on AWS: instances started with
   * the old value finish what they run and are replaced, so every later invocation sees it.
   */
  setFailureInjection(enabled: boolean): void;
  /** Stops pollers, API, function processes, and the emulator if the runner started it. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_API_PORT = 3000;
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 2;
/**
 * Lambda starts an SQS event source mapping with five concurrent batches. Locally this also
 * keeps the queue short, which matters: moto scans the whole queue on every receive.
 */
const DEFAULT_WORKER_CONCURRENCY = 5;
const DEFAULT_API_CONCURRENCY = 4;
export { FAILURE_INJECTION_ENV } from './lambda/failure-injection';

/** Synthesizes this repo's stack into `outdir` and returns the assembly directory (template/local-stack.ts). */
export type StackSynthesizer = (outdir: string, props?: LocalStackProps) => string;

/** `startLocalWorkflow` (index.ts) with the synthesizer injected; without one only `template: { appDir }` runs. */
export async function startWorkflow(requested: LocalWorkflowOptions, synthesize?: StackSynthesizer): Promise<LocalWorkflow> {
  const options = { ...requested, workerEnv: withFailureInjection(requested.workerEnv, requested.failureInjection) };
  const logs = new LogSink({ quiet: options.quiet, onLog: options.onLog });
  const log = (message: string) => logs.local(message);
  const cleanups = new Cleanups(log);
  try {
    const stack = loadStack(options.template, cleanups, synthesize);
    const model = readWorkflowModel(stack);
    const api = readApiGatewayModel(stack.template, model.restApiLogicalId);
    log(`stack ${stack.stackName} (${stack.assemblyDir})`);
    const emulatorEndpoint = await useEmulator(options, logs, cleanups);
    const clients = createEmulatorClients(emulatorEndpoint);
    cleanups.push(() => clients.destroy());
    const moveTasks = await startMessageMoveTaskProxy({ upstream: emulatorEndpoint, log });
    cleanups.push(() => moveTasks.close());

    const timing = queueTiming(stack, mainWorkerOf(model), options);
    const stageTimings = model.stageWorkers.map((stage) => queueTiming(stack, stage, options));
    const apiKeys = mintApiKeys(api.access.apiKeys);
    const provisioned = await provisionStack(stack, clients, {
      queueAttributeOverrides: new Map([
        // The stages' first: the main queue's setting wins should a stage share it.
        ...model.stageWorkers.map((stage, index): [string, Record<string, string>] =>
          [stage.queueLogicalId, { VisibilityTimeout: String(stageTimings[index].visibility) }]),
        [model.mainQueueLogicalId, { VisibilityTimeout: String(timing.visibility) }],
      ]),
      runnerResources: apiKeyResources(apiKeys),
      log,
    });
    const queue = provisioned.physical(model.mainQueueLogicalId);
    logTiming(timing, model, queue.attributes.QueueName, log);
    model.stageWorkers.forEach((stage, index) => log(stageWorkerLine(stage, stageTimings[index], provisioned, workerConcurrency(stage, options))));
    // The operations function names the operators group (OPERATORS_GROUP); the API function's environment still counts.
    const functionEnvironments = Object.assign({}, ...model.routeFunctions.map((fn) => fn.environment), model.apiFunction.environment);
    const access = await prepareLocalAccess({
      api, stack, provisioned, apiKeys, apiEnvironment: functionEnvironments, emulatorEndpoint, cognito: clients.cognito, log,
    });

    const functions = startFunctions(model, options, { worker: timing, stages: stageTimings }, {
      emulatorEndpoint, sqsEndpoint: moveTasks.url, provisioned, logs,
    });
    cleanups.push(() => functions.worker.stop(), () => functions.api.stop(), ...functions.routes.map(([, fn]) => () => fn.stop()),
      ...[...new Set(functions.stages)].filter((fn) => fn !== functions.worker).map((fn) => () => fn.stop()));
    const server = await startApiServer({
      model: api,
      functions: new Map([[model.apiFunction.logicalId, functions.api], ...functions.routes]),
      port: options.port ?? DEFAULT_API_PORT,
      accountId: LOCAL_ACCOUNT_ID,
      authorizer: access.authorizer,
      log,
    });
    cleanups.push(() => server.close());

    const poller = workerPoller(mainWorkerOf(model), options, {
      sqs: clients.sqs,
      queue,
      fn: functions.worker,
      maxReceiveCount: timing.maxReceiveCount,
      label: 'worker',
      onBatch: options.onWorkerBatch,
      log,
    });
    const stagePollers = model.stageWorkers.map((stage, index) => workerPoller(stage, options, {
      sqs: clients.sqs,
      queue: provisioned.physical(stage.queueLogicalId),
      fn: functions.stages[index],
      maxReceiveCount: stageTimings[index].maxReceiveCount,
      label: stage.function.functionName,
      onBatch: options.onStageWorkerBatch,
      log,
    }));
    const deadLetterQueues = [model.deadLetterQueueLogicalId, ...model.stageWorkers.map((stage) => stage.deadLetterQueueLogicalId)];
    for (const dlqLogicalId of new Set(deadLetterQueues.filter((id): id is string => id !== undefined))) {
      const dlq = provisioned.physical(dlqLogicalId);
      cleanups.push(watchQueueDepth(clients.sqs, dlq.ref, dlq.attributes.QueueName, log));
    }
    const subscribers = startRuleTargets(model, provisioned, functions.start, clients.sqs, log);
    cleanups.push(...subscribers.functions.map((fn) => () => fn.stop()), ...subscribers.deliveries);
    // Runs first on stop: no new invocations while the functions shut down.
    cleanups.push(() => poller.stop(), ...stagePollers.map((stagePoller) => () => stagePoller.stop()));
    if (options.pollQueue !== false && model.eventSource.enabled) poller.start();
    if (options.pollQueue !== false) {
      model.stageWorkers.forEach((stage, index) => {
        if (stage.eventSource.enabled) stagePollers[index].start();
      });
    }

    const injection = failureInjectionState(requested.workerEnv, requested.failureInjection ?? DEFAULT_FAILURE_INJECTION,
      model.workerFunction.environment[FAILURE_INJECTION_ENV]);
    const failureInjection = injection.enabled;
    let outputs = localOutputs(model, provisioned, server.url, { emulator: emulatorEndpoint, sqs: moveTasks.url }, failureInjection, access.outputs);
    if (options.outputsFile) writeOutputsFile(options.outputsFile, outputs);
    return {
      apiUrl: server.url,
      get outputs() {
        return outputs;
      },
      emulatorEndpoint,
      sqsEndpoint: moveTasks.url,
      stackName: stack.stackName,
      failureInjection: injection,
      worker: localWorker(mainWorkerOf(model), timing, poller, functions.worker),
      stageWorkers: model.stageWorkers.map((stage, index): LocalStageWorker => {
        const stageQueue = provisioned.physical(stage.queueLogicalId);
        return {
          ...localWorker(stage, stageTimings[index], stagePollers[index], functions.stages[index]),
          ...(stage.stepName !== undefined ? { stepName: stage.stepName, stepMode: stage.stepMode } : {}),
          queueUrl: stageQueue.ref,
          queueName: stageQueue.attributes.QueueName,
          ...(stage.deadLetterQueueLogicalId !== undefined ? { deadLetterQueueUrl: provisioned.physical(stage.deadLetterQueueLogicalId).ref } : {}),
        };
      }),
      setFailureInjection: (enabled) => {
        functions.worker.updateEnvironment({ [FAILURE_INJECTION_ENV]: String(enabled) });
        outputs = { ...outputs, FailureInjection: enabled };
        if (options.outputsFile) writeOutputsFile(options.outputsFile, outputs);
        log(`${model.workerFunction.functionName}: failure injection ${enabled ? 'on' : 'off'} (${FAILURE_INJECTION_ENV}=${enabled}); ` +
          'instances with the old value finish their batch and are replaced');
      },
      api: { functionName: model.apiFunction.functionName, pids: () => functions.api.pids() },
      methodAccess: api.routes.flatMap((route) => [...route.methods].map(([httpMethod, method]) => ({
        route: `${httpMethod} ${route.resourcePath}`, authorizationType: method.access.authorizationType, apiKeyRequired: method.access.apiKeyRequired,
      }))),
      stop: () => cleanups.run(),
    };
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}

/** Undo steps, run newest first, once (a second run waits for the first). A failing step is logged, not fatal. */
class Cleanups {
  private readonly steps: Array<() => Promise<void> | void> = [];
  private running?: Promise<void>;

  constructor(private readonly log: (message: string) => void) {}

  push(...steps: Array<() => Promise<void> | void>): void {
    this.steps.push(...steps);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await step();
        } catch (error) {
          this.log(`cleanup failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.running;
  }
}

function loadStack(source: TemplateSource | undefined, cleanups: Cleanups, synthesize: StackSynthesizer | undefined): SynthesizedStack {
  if (source && 'appDir' in source) return readSynthesizedStack(source.appDir, source.stackName);
  if (!synthesize) throw new Error('No synthesized app to run: pass the cloud assembly directory of your app (template: { appDir }, --app-dir cdk.out).');
  let outdir = source?.outdir;
  if (outdir && fs.existsSync(path.join(outdir, 'manifest.json'))) {
    // A previous run's assembly: replaced, so old asset copies do not pile up.
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  if (!outdir) {
    const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-local-'));
    // Last cleanup: the function processes load their code from here.
    cleanups.push(() => fs.rmSync(temporary, { recursive: true, force: true }));
    outdir = temporary;
  }
  return readSynthesizedStack(synthesize(outdir, source?.props));
}

/** The emulator's endpoint: a moto_server the runner starts (and stops), or the one the caller runs. */
async function useEmulator(options: LocalWorkflowOptions, logs: LogSink, cleanups: Cleanups): Promise<string> {
  if (options.emulatorEndpoint) {
    logs.local(`emulator: the one running at ${options.emulatorEndpoint} (its state is reused and kept)`);
    return options.emulatorEndpoint;
  }
  const emulator: Emulator = await startEmulator({
    port: options.emulatorPort,
    onLog: options.emulatorLogs ? (line) => logs.write('moto', line) : undefined,
  });
  cleanups.push(() => emulator.stop());
  logs.local(`emulator: moto_server pid ${emulator.pid} at ${emulator.endpoint}`);
  return emulator.endpoint;
}

interface QueueTiming {
  readonly visibility: number;
  readonly templateVisibility: number;
  readonly maxReceiveCount?: number;
  /** What localWorkerTimeout derives from the visibility timeout. */
  readonly derived: ReturnType<typeof localWorkerTimeout>;
  readonly workerTimeout: number;
  readonly workerTimeoutOverridden: boolean;
}

/** A worker as the runner runs it: its function, fed by its event source mapping from its queue. */
interface WorkerModel {
  readonly function: FunctionModel;
  readonly eventSource: EventSourceModel;
  readonly queueLogicalId: string;
}

function mainWorkerOf(model: WorkflowModel): WorkerModel {
  return { function: model.workerFunction, eventSource: model.eventSource, queueLogicalId: model.mainQueueLogicalId };
}

/** A worker queue's local visibility timeout and the worker timeout that goes with it (sqs/worker-timeout.ts). */
function queueTiming(stack: SynthesizedStack, worker: WorkerModel, options: LocalWorkflowOptions): QueueTiming {
  const queueProps = stack.template.Resources[worker.queueLogicalId].Properties ?? {};
  const templateVisibility = Number(queueProps.VisibilityTimeout ?? 30);
  const visibility = options.visibilityTimeoutSeconds === 'template'
    ? templateVisibility
    : options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
  const derived = localWorkerTimeout(worker.function.timeoutSeconds, visibility, worker.eventSource.maxBatchingWindowSeconds);
  return {
    visibility,
    templateVisibility,
    maxReceiveCount: redriveMaxReceiveCount(queueProps.RedrivePolicy),
    derived,
    workerTimeout: options.workerTimeoutSeconds ?? derived.timeoutSeconds,
    workerTimeoutOverridden: options.workerTimeoutSeconds !== undefined,
  };
}

function logTiming(timing: QueueTiming, model: WorkflowModel, queueName: string, log: (message: string) => void): void {
  const { visibility, templateVisibility, maxReceiveCount, derived, workerTimeout } = timing;
  const worker = model.workerFunction;
  if (visibility !== templateVisibility) {
    log(`${queueName}: visibility timeout ${visibility} s locally (template: ${templateVisibility} s; ` +
      '--visibility-timeout), so a failed order is retried within seconds' +
      (maxReceiveCount ? ` and reaches the DLQ after ${maxReceiveCount} receives (~${maxReceiveCount * visibility} s)` : ''));
  }
  if (timing.workerTimeoutOverridden && workerTimeout > derived.timeoutSeconds) {
    log(`${worker.functionName}: timeout ${workerTimeout} s (workerTimeoutSeconds), more than half the ${visibility} s visibility ` +
      'timeout: a message can be redelivered while its first invocation still runs, which AWS\'s settings rule out');
  } else if (workerTimeout < worker.timeoutSeconds) {
    log(`${worker.functionName}: timeout ${workerTimeout} s locally (template: ${worker.timeoutSeconds} s), at most half the ` +
      `${visibility} s visibility timeout, so a crashed invocation's claim expires before its message is redelivered, as in AWS` +
      (derived.preservesAwsOrder ? '' : ' (not with this batching window: raise --visibility-timeout)'));
  }
  if (Number(process.versions.node.split('.')[0]) < 22) {
    log(`handlers run on the local Node.js ${process.versions.node}; Lambda runs them on ${worker.runtime}`);
  }
  if (model.eventSource.hasFilterCriteria) {
    log('the event source mapping has FilterCriteria, which the local runner does not apply');
  }
}

/**
 * One line per stage worker, at start: its queue and batch settings, the local visibility
 * timeout and worker timeout (as logTiming says them for the worker), its DLQ.
 */
function stageWorkerLine(stage: StageWorkerModel, timing: QueueTiming, provisioned: ProvisionedStack, concurrency: number): string {
  const { visibility, templateVisibility, maxReceiveCount, derived, workerTimeout } = timing;
  const fn = stage.function;
  const source = stage.eventSource;
  const step = stage.stepName !== undefined ? ` (step ${stage.stepName}${stage.stepMode === 'compensate' ? ', compensation' : ''})` : '';
  const queueName = provisioned.physical(stage.queueLogicalId).attributes.QueueName;
  const dlqName = stage.deadLetterQueueLogicalId !== undefined
    ? provisioned.physical(stage.deadLetterQueueLogicalId).attributes.QueueName : undefined;
  const parts = [
    `stage worker ${fn.functionName}${step}: polls ${queueName}` + (source.enabled ? '' : ' (not started: the mapping is disabled in the template)') +
      ` with batches of up to ${source.batchSize}, a ${source.maxBatchingWindowSeconds} s batching window, ${concurrency} at a time` +
      (source.reportBatchItemFailures ? ', partial batch responses' : ''),
    `visibility timeout ${visibility} s` + (visibility !== templateVisibility ? ` locally (template: ${templateVisibility} s)` : ''),
    dlqName !== undefined
      ? `DLQ ${dlqName}` + (maxReceiveCount !== undefined ? ` after ${maxReceiveCount} receives (~${maxReceiveCount * visibility} s)` : '')
      : 'no DLQ',
    `timeout ${workerTimeout} s` + (workerTimeout !== fn.timeoutSeconds ? ` locally (template: ${fn.timeoutSeconds} s)` : '') +
      (timing.workerTimeoutOverridden && workerTimeout > derived.timeoutSeconds
        ? ' (workerTimeoutSeconds: more than half the visibility timeout, so a message can be redelivered while its first invocation still runs)'
        : workerTimeout < fn.timeoutSeconds && !derived.preservesAwsOrder ? ' (too long for this batching window: raise --visibility-timeout)' : ''),
  ];
  if (source.hasFilterCriteria) parts.push('its FilterCriteria are not applied locally');
  return parts.join('; ');
}

interface LocalFunctions {
  readonly api: LocalFunction;
  readonly worker: LocalFunction;
  /** One per stage worker (model.stageWorkers' order); a function that more than one mapping feeds is one LocalFunction. */
  readonly stages: readonly LocalFunction[];
  readonly routes: Array<[string, LocalFunction]>;
  /** Another function of the stack (a rule's Lambda target), with the template's timeout. */
  start(fn: FunctionModel, label: string): LocalFunction;
}

/** One local instance pool per function: the template's settings, plus what differs locally. */
function startFunctions(
  model: WorkflowModel, options: LocalWorkflowOptions, timings: { worker: QueueTiming; stages: readonly QueueTiming[] },
  context: { emulatorEndpoint: string; sqsEndpoint: string; provisioned: ProvisionedStack; logs: LogSink },
): LocalFunctions {
  const { emulatorEndpoint, sqsEndpoint, provisioned, logs } = context;
  const localFunction = (fn: FunctionModel, label: string, local: {
    overrides?: Readonly<Record<string, string>>; timeoutSeconds: number; maxConcurrency: number;
  }) => new LocalFunction({
    functionName: fn.functionName,
    label,
    handlerFile: fn.handlerFile,
    exportName: fn.exportName,
    environment: handlerEnvironment(fn, {
      emulatorEndpoint,
      sqsEndpoint,
      resolveContext: provisioned.resolveContext,
      overrides: local.overrides,
      onPlaceholder: (variable, reference, placeholder) =>
        logs.local(`${variable}: ${reference} is not emulated; locally it is "${placeholder}"`),
    }),
    timeoutMs: local.timeoutSeconds * 1000,
    memorySize: fn.memorySize,
    logGroupName: fn.logGroupName,
    maxConcurrency: local.maxConcurrency,
    onLine: (source, line) => logs.write(source, line),
    onNote: (message) => logs.local(message),
  });
  const worker = localFunction(model.workerFunction, 'worker', {
    overrides: options.workerEnv,
    timeoutSeconds: timings.worker.workerTimeout,
    maxConcurrency: workerConcurrency(mainWorkerOf(model), options),
  });
  // Labelled by the function's name: each stage worker's lines are told apart by it.
  const byFunction = new Map<string, LocalFunction>([[model.workerFunction.logicalId, worker]]);
  const stages = model.stageWorkers.map((stage, index) => {
    let fn = byFunction.get(stage.function.logicalId);
    if (!fn) {
      fn = localFunction(stage.function, stage.function.functionName, {
        overrides: options.stageWorkerEnv,
        timeoutSeconds: timings.stages[index].workerTimeout,
        maxConcurrency: workerConcurrency(stage, options),
      });
      byFunction.set(stage.function.logicalId, fn);
    }
    return fn;
  });
  return {
    start: (fn: FunctionModel, label: string) => localFunction(fn, label, {
      timeoutSeconds: fn.timeoutSeconds,
      maxConcurrency: options.apiConcurrency ?? DEFAULT_API_CONCURRENCY,
    }),
    worker,
    stages,
    api: localFunction(model.apiFunction, 'api', {
      overrides: options.apiEnv,
      timeoutSeconds: model.apiFunction.timeoutSeconds,
      maxConcurrency: options.apiConcurrency ?? DEFAULT_API_CONCURRENCY,
    }),
    // Labelled by the function name's last part (`orders-reads` -> `reads`), like the two above.
    routes: model.routeFunctions.map((fn): [string, LocalFunction] => [fn.logicalId, localFunction(fn, fn.functionName.split('-').pop() || fn.logicalId, {
      timeoutSeconds: fn.timeoutSeconds,
      maxConcurrency: options.apiConcurrency ?? DEFAULT_API_CONCURRENCY,
    })]),
  };
}

/**
 * The stack's functions that rules target (events/lambda-targets.ts), each run like the
 * workflow's own; one whose code the runner cannot load is reported and not run.
 */
function startRuleTargets(
  model: WorkflowModel, provisioned: ProvisionedStack, start: (fn: FunctionModel, label: string) => LocalFunction, sqs: SQSClient,
  log: (message: string) => void,
): { functions: LocalFunction[]; deliveries: Array<() => Promise<void>> } {
  const workflowFunctions = new Map([
    model.apiFunction, model.workerFunction, ...model.routeFunctions, ...model.stageWorkers.map((stage) => stage.function),
  ].map((fn) => [fn.logicalId, fn]));
  const started = new Map<string, LocalFunction>();
  const deliveries: Array<() => Promise<void>> = [];
  for (const target of provisioned.lambdaTargets) {
    let fn = started.get(target.functionLogicalId);
    if (!fn) {
      let fnModel: FunctionModel;
      try {
        fnModel = workflowFunctions.get(target.functionLogicalId) ?? readFunction(model.stack, target.functionLogicalId);
      } catch (error) {
        log(`rule ${target.ruleName}: its Lambda target ${target.functionLogicalId} is not run locally: ${(error as Error).message}`);
        continue;
      }
      fn = start(fnModel, fnModel.functionName.split('-').pop() || fnModel.logicalId);
      started.set(target.functionLogicalId, fn);
    }
    log(`rule ${target.ruleName}: its Lambda target ${fn.options.functionName} is run locally (events through ${target.queueUrl})`);
    deliveries.push(deliverToFunction(sqs, target, fn, log));
  }
  return { functions: [...started.values()], deliveries };
}

interface PollerContext {
  readonly sqs: SQSClient;
  readonly queue: PhysicalResource;
  readonly fn: LocalFunction;
  readonly maxReceiveCount?: number;
  /** How its log lines name the worker. */
  readonly label: string;
  readonly onBatch?: (report: WorkerBatchReport) => void;
  readonly log: (message: string) => void;
}

/** An event source mapping, locally: its batch settings, polling the provisioned queue. */
function workerPoller(worker: WorkerModel, options: LocalWorkflowOptions, context: PollerContext): WorkerPoller {
  return new WorkerPoller({
    label: context.label,
    sqs: context.sqs,
    queueUrl: context.queue.ref,
    queueArn: context.queue.attributes.Arn,
    queueName: context.queue.attributes.QueueName,
    region: LOCAL_REGION,
    function: context.fn,
    batchSize: worker.eventSource.batchSize,
    maxBatchingWindowSeconds: worker.eventSource.maxBatchingWindowSeconds,
    reportBatchItemFailures: worker.eventSource.reportBatchItemFailures,
    concurrency: workerConcurrency(worker, options),
    maxReceiveCount: context.maxReceiveCount,
    log: context.log,
    onBatch: context.onBatch,
  });
}

function localWorker(worker: WorkerModel, timing: QueueTiming, poller: WorkerPoller, fn: LocalFunction): LocalWorker {
  return {
    deliver: (messages, receivedAt) => poller.deliver(messages, receivedAt),
    startPolling: () => poller.start(),
    stopPolling: () => poller.stop(),
    pids: () => fn.pids(),
    functionName: worker.function.functionName,
    timeoutSeconds: timing.workerTimeout,
    visibilityTimeoutSeconds: timing.visibility,
    batchSize: worker.eventSource.batchSize,
    maxReceiveCount: timing.maxReceiveCount,
  };
}

function workerConcurrency(worker: WorkerModel, options: LocalWorkflowOptions): number {
  return options.workerConcurrency ?? worker.eventSource.maximumConcurrency ?? DEFAULT_WORKER_CONCURRENCY;
}

function redriveMaxReceiveCount(redrivePolicy: unknown): number | undefined {
  const policy = typeof redrivePolicy === 'string' ? JSON.parse(redrivePolicy) : redrivePolicy;
  const count = (policy as { maxReceiveCount?: unknown } | undefined)?.maxReceiveCount;
  return count === undefined ? undefined : Number(count);
}
