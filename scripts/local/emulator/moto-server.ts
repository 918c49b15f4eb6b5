/**
 * The AWS-API emulator (moto) as a child process: started on 127.0.0.1, stopped by its PID.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { findMotoServer } from '../../setup/moto';

export const EMULATOR_HOST = '127.0.0.1';
/** Said by the package's bin too, where `npm run setup` does not exist: pip first. */
export const MOTO_INSTALL_HINT = 'pip install "moto[server]" (in a checkout of cdk-orders-workflow, `npm run setup` installs it into the project\'s .venv)';

export interface EmulatorOptions {
  /** Port to bind; 0 or undefined picks a free one. */
  readonly port?: number;
  /** The moto server executable. @default moto_server on PATH, else the project's .venv (npm run setup) */
  readonly command?: string;
  /** How long to wait for the server to answer. @default 30 s */
  readonly startTimeoutMs?: number;
  /** Every line moto prints (its request log), e.g. for `--verbose`. */
  readonly onLog?: (line: string) => void;
}

export interface Emulator {
  /** `http://127.0.0.1:<port>`: the endpoint for SDK clients and `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** The last lines moto printed: moto's 500s reach the SDK as parse errors, the cause is here. */
  recentLog(): string[];
  /** SIGTERM by PID, SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** moto_server is not installed (or not on PATH). */
export class EmulatorMissingError extends Error {
  public readonly name = 'EmulatorMissingError';
  constructor(command: string, detail: string) {
    super(`${command} was not found (${detail}). Install the emulator with: ${MOTO_INSTALL_HINT}`);
  }
}

const LOG_TAIL_LINES = 200;
/**
 * A sitecustomize.py that moto's Python loads at startup: it memoizes a parser moto rebuilds
 * for every event EventBridge delivers (~250 ms each, see the file). Without it the local
 * workflow manages about 4 orders a second. The package's bin finds it beside its bundle (the
 * bundle task copies the folder there: .projenrc.ts).
 */
const MOTO_STARTUP_DIR = path.join(__dirname, 'moto-startup');
/** Exit code of a shell (or a pyenv shim) that cannot find the command. */
const COMMAND_NOT_FOUND = 127;

/** A port the OS says is free right now (another process may still take it before us; start retries). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, EMULATOR_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const fixedPort = options.port !== undefined && options.port !== 0;
  // A free port can be taken between our probe and moto's bind: try another one.
  const attempts = fixedPort ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = fixedPort ? options.port! : await findFreePort();
    try {
      return await startOnPort(port, options);
    } catch (error) {
      if (error instanceof EmulatorMissingError) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnPort(port: number, options: EmulatorOptions): Promise<Emulator> {
  const command = options.command ?? findMotoServer() ?? 'moto_server';
  const endpoint = `http://${EMULATOR_HOST}:${port}`;
  const tail: string[] = [];
  // Own process group: a Ctrl-C in the terminal reaches only the runner, which then stops
  // its pollers before it stops moto (no "connection refused" noise on the way out).
  const child = spawn(command, ['-H', EMULATOR_HOST, '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: {
      ...process.env,
      PYTHONUNBUFFERED: '1',
      PYTHONPATH: [MOTO_STARTUP_DIR, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
    },
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      options.onLog?.(line);
    });
  }
  const killOnExit = () => killQuietly(child, 'SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitUntilAnswering(endpoint, child, command, options.startTimeoutMs ?? 30_000, tail);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    killQuietly(child, 'SIGKILL');
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    pid: child.pid!,
    recentLog: () => [...tail],
    stop: () => {
      stopping ??= stopProcess(child).finally(() => process.removeListener('exit', killOnExit));
      return stopping;
    },
  };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, command: string, timeoutMs: number, tail: string[]): Promise<void> {
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('exit', (code, signal) => { exited = { code, signal }; });
  child.once('error', (error) => { spawnError = error; });

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) {
      throw spawnError.code === 'ENOENT'
        ? new EmulatorMissingError(command, 'not on PATH')
        : new Error(`Could not start ${command}: ${spawnError.message}`);
    }
    if (exited) {
      const output = tail.slice(-15).join('\n');
      if (exited.code === COMMAND_NOT_FOUND) {
        throw new EmulatorMissingError(command, output.trim() || 'command not found');
      }
      throw new Error(`${command} exited (code ${exited.code}, signal ${exited.signal}) before it answered on ${endpoint}:\n${output}`);
    }
    if (await answers(endpoint)) return;
    await sleep(100);
  }
  throw new Error(`${command} did not answer on ${endpoint} within ${timeoutMs} ms:\n${tail.slice(-15).join('\n')}`);
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killQuietly(child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceful = await Promise.race([
    exited.then(() => true),
    new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), 3_000); }),
  ]);
  clearTimeout(timer);
  if (!graceful) {
    killQuietly(child, 'SIGKILL');
    await exited;
  }
}

/** By PID (our own child, in its own process group), never by name. */
function killQuietly(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Clears every resource and message in the emulator (moto's own reset API). */
export async function resetEmulator(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) {
    throw new Error(`POST ${endpoint}/moto-api/reset answered ${response.status}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
