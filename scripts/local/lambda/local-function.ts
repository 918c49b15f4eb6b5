/**
 * A Lambda function run locally from its bundle, with Lambda's execution model:
 *
 * - Each instance ("execution environment") is a child process (function-host.ts) with the
 *   function's own environment. The handlers read their config and create their SDK clients
 *   at module init, and the API and the worker need different variables: separate processes
 *   give each exactly its env and module state, as separate Lambda functions have.
 * - An instance runs one invocation at a time (Powertools' BatchProcessor, logger context and
 *   idempotency context are module-level and assume exactly that); concurrent invocations get
 *   more instances, up to `maxConcurrency`, then wait. Instances are reused (warm starts).
 * - The timeout counts from the invocation start as the function process sees it: the host
 *   sets the context's deadline when the invoke arrives, and the runner stops the instance at
 *   that same deadline. A timeout kills the instance (Lambda stops the environment), so does
 *   a crash; the next invocation gets a fresh one (cold start). A test can kill an instance by
 *   PID to simulate a crash mid-invocation: nothing of that invocation survives except what
 *   it already wrote. Lambda's own lines for these (log-lines.ts) go to the log.
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { FromHost, InvokeContext, SerializedError, ToHost } from './function-protocol';
import { InvokeStatus, platformFailureLines } from './log-lines';

export interface LocalFunctionOptions {
  /** Physical function name (context.functionName, logs). */
  readonly functionName: string;
  /** Short label for log prefixes, e.g. `api`, `worker`. */
  readonly label: string;
  readonly handlerFile: string;
  readonly exportName: string;
  /** The complete environment of the function's processes. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly memorySize: number;
  readonly logGroupName: string;
  readonly maxConcurrency: number;
  /** Every line an instance prints (stdout and stderr). */
  readonly onLine: (label: string, line: string) => void;
  /** The runner's own notes (cold starts, timeouts, crashes). */
  readonly onNote?: (message: string) => void;
}

/** When an invocation ran, as the function process saw it. */
export interface InvokeTiming {
  /** Epoch ms the invocation started: when the function process received it (else when it was sent). */
  readonly startedAt: number;
  /** Epoch ms of the context's deadline (what getRemainingTimeInMillis counts down to), if the invoke arrived. */
  readonly deadline?: number;
}

/** An instance held for one invocation: `invoke` once, or `release` it unused. */
export interface Reservation {
  /** False when the instance's init failed (or the runner is stopping): invoke reports why. */
  readonly initialised: boolean;
  invoke(event: unknown): Promise<InvokeOutcome>;
  release(): void;
}

export type InvokeOutcome = InvokeTiming & (
  | { readonly ok: true; readonly value: unknown; readonly requestId: string; readonly durationMs: number }
  | {
    readonly ok: false;
    /** `error`: the handler threw; `timeout`/`crash`/`init`: the environment failed. */
    readonly kind: 'error' | 'timeout' | 'crash' | 'init';
    readonly error: SerializedError;
    readonly requestId: string;
    readonly durationMs: number;
  });

/** How an instance's process starts: a host script and node's flags for it. */
interface HostProcess {
  readonly file: string;
  readonly execArgv: string[];
}

let bundledHost: string | undefined;

/**
 * The package's bin runs on a user's machine without tsx: it forks its own bundled copy of
 * function-host.ts instead (tools/local/cli.ts). Call before the first instance starts.
 */
export function useBundledFunctionHost(file: string): void {
  bundledHost = file;
}

/** The TypeScript host runs through tsx's loader, resolved from here (not from the child's cwd), and only when used. */
function hostProcess(): HostProcess {
  if (bundledHost !== undefined) return { file: bundledHost, execArgv: [] };
  return { file: path.join(__dirname, 'function-host.ts'), execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
}
/** Lambda allows 10 s of init; starting node + the TS loader on a busy laptop needs some slack on top. */
const INIT_TIMEOUT_MS = 30_000;

export class LocalFunction {
  private readonly instances = new Set<Instance>();
  private readonly idle: Instance[] = [];
  private readonly waiting: Array<(instance: Instance | undefined) => void> = [];
  private stopped = false;
  private currentOptions: LocalFunctionOptions;

  constructor(options: LocalFunctionOptions) {
    this.currentOptions = options;
  }

  /** The settings new instances start with (the environment changes with `updateEnvironment`). */
  get options(): LocalFunctionOptions {
    return this.currentOptions;
  }

  /**
   * Lambda's UpdateFunctionConfiguration for the environment: `changes` are merged in, and
   * every instance started with the old environment is retired (idle ones at once, busy ones
   * when their invocation ends), so every invocation from now on sees the new values.
   */
  updateEnvironment(changes: Readonly<Record<string, string>>): void {
    this.currentOptions = { ...this.currentOptions, environment: { ...this.currentOptions.environment, ...changes } };
    for (const instance of this.idle.splice(0)) void instance.kill();
    for (const instance of this.instances) instance.retire();
  }

  /** Runs one invocation on an idle instance, a new one, or the next one to become free. */
  async invoke(event: unknown): Promise<InvokeOutcome> {
    return (await this.reserve()).invoke(event);
  }

  /**
   * Holds an initialised instance (or one whose init failed) for one invocation. The SQS
   * pollers reserve before they receive, so a local cold start (node and the TypeScript
   * loader: up to seconds on a busy laptop, a large share of a seconds-long local visibility
   * timeout) does not run on the received messages' clock; in AWS a cold start is a small
   * share of a visibility timeout of minutes.
   */
  async reserve(): Promise<Reservation> {
    const waitStarted = Date.now();
    const instance = await this.acquire();
    const ready = instance ? await instance.ready : undefined;
    let released = false;
    const release = () => {
      if (released || !instance) return;
      released = true;
      this.release(instance);
    };
    return {
      initialised: ready?.ok === true,
      invoke: async (event) => {
        if (instance?.retired) {
          // Held since before an environment change: the invocation runs on a fresh instance, as on Lambda.
          release();
          return this.invoke(event);
        }
        try {
          return await this.invokeOn(instance, ready, event, waitStarted);
        } finally {
          release();
        }
      },
      release,
    };
  }

  private async invokeOn(instance: Instance | undefined, ready: Ready | undefined, event: unknown, waitStarted: number): Promise<InvokeOutcome> {
    const requestId = randomUUID();
    if (!instance || !ready) {
      const error = { errorType: 'Runtime.Stopped', errorMessage: 'the local runner is stopping' };
      return { ok: false, kind: 'crash', error, requestId, durationMs: 0, startedAt: Date.now() };
    }
    if (!ready.ok) {
      return { ok: false, kind: 'init', error: ready.error, requestId, durationMs: Date.now() - waitStarted, startedAt: waitStarted };
    }
    return instance.invoke(event, requestId);
  }

  /** PIDs of the running instances (for tests that simulate a crash). */
  pids(): number[] {
    return [...this.instances].map((instance) => instance.pid).filter((pid): pid is number => pid !== undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.splice(0).forEach((resume) => resume(undefined));
    await Promise.all([...this.instances].map((instance) => instance.kill()));
  }

  private async acquire(): Promise<Instance | undefined> {
    if (this.stopped) return undefined;
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.instances.size < this.options.maxConcurrency) {
      return this.spawn();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(instance: Instance): void {
    const next = this.waiting.shift();
    if (instance.alive && !instance.retired && !this.stopped) {
      if (next) next(instance);
      else this.idle.push(instance);
      return;
    }
    this.instances.delete(instance);
    if (instance.retired) void instance.kill();
    if (next) next(this.stopped ? undefined : this.spawn());
  }

  private spawn(): Instance {
    const instance = new Instance(this.options, () => {
      this.instances.delete(instance);
      const index = this.idle.indexOf(instance);
      if (index >= 0) this.idle.splice(index, 1);
    });
    this.instances.add(instance);
    return instance;
  }
}

type Ready = { ok: true } | { ok: false; error: SerializedError };

/** One execution environment (child process). */
class Instance {
  public readonly ready: Promise<Ready>;
  private readonly child: ChildProcess;
  private pending?: {
    id: string;
    resolve: (outcome: InvokeOutcome) => void;
    /** When the runner sent the invoke; replaced by the host's own start once it reports it. */
    started: number;
    deadline?: number;
    timer: NodeJS.Timeout;
  };
  private exited = false;
  /** Killed, or its init failed: never handed another invocation. */
  private doomed = false;
  /** Started with an environment that has since changed (LocalFunction.updateEnvironment). */
  public retired = false;

  constructor(private readonly options: LocalFunctionOptions, onExit: () => void) {
    const host = hostProcess();
    this.child = fork(host.file, [options.handlerFile, options.exportName], {
      env: options.environment,
      cwd: path.dirname(options.handlerFile),
      execArgv: host.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    // Failed IPC sends to an instance that just died surface through 'exit'.
    this.child.on('error', () => undefined);
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => options.onLine(options.label, line));
    }

    this.ready = new Promise<Ready>((resolve) => {
      const timer = setTimeout(() => {
        resolve({ ok: false, error: { errorType: 'Runtime.InitTimeout', errorMessage: `init did not finish in ${INIT_TIMEOUT_MS} ms` } });
        void this.kill();
      }, INIT_TIMEOUT_MS);
      this.child.on('message', (message: FromHost) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          options.onNote?.(`${options.label}: new instance (pid ${this.child.pid}), init ${message.initDurationMs} ms`);
          resolve({ ok: true });
        } else if (message.type === 'init-error') {
          clearTimeout(timer);
          this.doomed = true;
          options.onNote?.(`${options.label}: init failed: ${message.error.errorType}: ${message.error.errorMessage}`);
          resolve({ ok: false, error: message.error });
        } else if (message.type === 'started' && this.pending?.id === message.id) {
          this.startedOnHost(message.startedAt, message.deadline);
        } else if (message.type === 'result' && this.pending?.id === message.id) {
          const durationMs = Date.now() - this.pending.started;
          if (!message.ok) this.writePlatformLines(message.id, 'error', durationMs, message.error.errorType);
          this.settle(message.ok
            ? { ok: true, value: message.value, requestId: message.id, durationMs }
            : { ok: false, kind: 'error', error: message.error, requestId: message.id, durationMs });
        }
      });
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        clearTimeout(timer);
        onExit();
        const error = {
          errorType: 'Runtime.ExitError',
          errorMessage: `Runtime exited ${signal ? `with signal: ${signal}` : `with error: exit status ${code}`}`,
        };
        resolve({ ok: false, error });
        if (this.pending) {
          const durationMs = Date.now() - this.pending.started;
          options.onNote?.(`${options.label}: instance ${this.child.pid} died during request ${this.pending.id} (${error.errorMessage})`);
          this.writePlatformLines(this.pending.id, 'failure', durationMs, error.errorType);
          this.settle({ ok: false, kind: 'crash', error, requestId: this.pending.id, durationMs });
        }
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited && !this.doomed;
  }

  /** Its environment is outdated: a held or running invocation still runs on it, then it stops (release). */
  retire(): void {
    this.retired = true;
  }

  invoke(event: unknown, requestId: string): Promise<InvokeOutcome> {
    const { options } = this;
    const context: InvokeContext = {
      awsRequestId: requestId,
      functionName: options.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${options.environment.AWS_REGION}:123456789012:function:${options.functionName}`,
      memoryLimitInMB: String(options.memorySize),
      logGroupName: options.logGroupName,
      logStreamName: options.environment.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local',
    };
    if (!this.alive) {
      const error = { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited before the invocation' };
      return Promise.resolve({ ok: false, kind: 'crash', error, requestId, durationMs: 0, startedAt: Date.now() });
    }
    return new Promise((resolve) => {
      // Until the host reports its start, the clock runs from the send (a host that never
      // reports is still stopped after the timeout).
      const timer = setTimeout(() => this.timeOut(requestId), options.timeoutMs);
      this.pending = { id: requestId, resolve, started: Date.now(), timer };
      const message: ToHost = { type: 'invoke', id: requestId, event, context, timeoutMs: options.timeoutMs };
      this.child.send(message);
    });
  }

  /** The environment is stopped at the deadline the function itself counts down to. */
  private startedOnHost(startedAt: number, deadline: number): void {
    const pending = this.pending!;
    clearTimeout(pending.timer);
    pending.started = startedAt;
    pending.deadline = deadline;
    pending.timer = setTimeout(() => this.timeOut(pending.id), Math.max(0, deadline - Date.now()));
  }

  /** Lambda stops the environment of a timed-out invocation; so do we. */
  private timeOut(requestId: string): void {
    const { options } = this;
    if (this.pending?.id !== requestId) return;
    const seconds = (options.timeoutMs / 1000).toFixed(2);
    options.onNote?.(`${options.label}: request ${requestId} timed out after ${seconds} s; instance ${this.child.pid} is stopped`);
    this.writePlatformLines(requestId, 'timeout', options.timeoutMs);
    this.settle({
      ok: false,
      kind: 'timeout',
      requestId,
      durationMs: options.timeoutMs,
      error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` },
    });
    void this.kill();
  }

  private writePlatformLines(requestId: string, status: InvokeStatus, durationMs: number, errorType?: string): void {
    const lines = platformFailureLines({ requestId, status, errorType, durationMs, memorySizeMB: this.options.memorySize });
    for (const line of lines) this.options.onLine(this.options.label, line);
  }

  async kill(): Promise<void> {
    this.doomed = true;
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      process.kill(this.child.pid!, 'SIGKILL');
    } catch {
      return;
    }
    await exited;
  }

  private settle(outcome: DistributiveOmit<InvokeOutcome, keyof InvokeTiming>): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve({ ...outcome, startedAt: pending.started, deadline: pending.deadline } as InvokeOutcome);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
