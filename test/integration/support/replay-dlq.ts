/**
 * Helpers of the DLQ replay tool's tests: queue pairs wired like the construct's (the main
 * queue's RedrivePolicy names the DLQ), the bundled CLI as a child process, and a proxy in
 * front of moto that can slow down or fail chosen SQS calls.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateQueueCommand, GetQueueAttributesCommand, Message, MessageAttributeValue, SendMessageBatchCommand,
  SendMessageBatchRequestEntry, SQSClient,
} from '@aws-sdk/client-sqs';
import { startAwsProxy } from './aws-proxy';
import { queueDepth, receiveAll } from './harness';

export const CLI_BUNDLE = path.join(__dirname, '..', '..', '..', 'assets', 'tools', 'replay-dlq', 'cli', 'index.js');

export function assertCliBundleBuilt(): void {
  if (!fs.existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} is missing: run \`npx projen bundle\` first`);
}

export interface QueuePair {
  readonly dlq: string;
  readonly main: string;
  readonly dlqArn: string;
}

export interface QueuePairOptions {
  readonly fifo?: boolean;
  /** Extra attributes of the main queue (a RedrivePolicy here replaces the one naming the DLQ). */
  readonly mainAttributes?: Record<string, string>;
  /** @default 5 */
  readonly maxReceiveCount?: number;
}

/** `<name>-dlq` and `<name>-main`, the main queue redriving into the DLQ (`.fifo` names when FIFO). */
export async function createQueuePair(sqs: SQSClient, name: string, options: QueuePairOptions = {}): Promise<QueuePair> {
  const suffix = options.fifo ? '.fifo' : '';
  const fifo: Record<string, string> = options.fifo ? { FifoQueue: 'true' } : {};
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq${suffix}`, Attributes: fifo }))).QueueUrl!;
  const dlqArn = await queueArn(sqs, dlq);
  const main = (await sqs.send(new CreateQueueCommand({
    QueueName: `${name}-main${suffix}`,
    Attributes: {
      ...fifo,
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 5 }),
      ...options.mainAttributes,
    },
  }))).QueueUrl!;
  return { dlq, main, dlqArn };
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes.QueueArn!;
}

export const ATTRIBUTES: Record<string, MessageAttributeValue> = {
  traceparent: { DataType: 'String', StringValue: '00-abc-def-01' },
  attempt: { DataType: 'Number', StringValue: '5' },
  blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3, 250]) },
};

/** Sends `bodies` in batches of 10, each with ATTRIBUTES and whatever `entry` adds. */
export async function fill(
  sqs: SQSClient, queueUrl: string, bodies: string[], entry: (body: string) => Partial<SendMessageBatchRequestEntry> = () => ({}),
): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    const entries: SendMessageBatchRequestEntry[] = bodies.slice(start, start + 10)
      .map((body, index) => ({ Id: String(index), MessageBody: body, MessageAttributes: ATTRIBUTES, ...entry(body) }));
    const output = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if ((output.Failed ?? []).length > 0) throw new Error(`fill ${queueUrl}: ${JSON.stringify(output.Failed)}`);
  }
}

export const bodiesOf = (messages: Array<Pick<Message, 'Body'>>) => messages.map((message) => message.Body!).sort();
export const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(2, '0')}`);

export async function visibleCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}

/**
 * Nothing lost and nothing doubled between the two queues: the depths (visible and in flight)
 * add up to `bodies`, the main queue holds no body twice, and no body is in both queues. A
 * message the tool still held when it stopped is in flight in the DLQ and cannot be read back
 * before its hold expires, so the DLQ side is checked by count and by what is visible.
 */
export async function expectNothingLostOrDoubled(sqs: SQSClient, pair: QueuePair, bodies: string[]): Promise<{ inMain: number; inDlq: number }> {
  const inMain = await queueDepth(sqs, pair.main);
  const inDlq = await queueDepth(sqs, pair.dlq);
  expect(inMain + inDlq).toBe(bodies.length);
  const main = bodiesOf(await receiveAll(sqs, pair.main));
  expect(main).toHaveLength(inMain);
  expect(new Set(main).size).toBe(main.length);
  const visibleInDlq = bodiesOf(await receiveAll(sqs, pair.dlq));
  expect(visibleInDlq.filter((body) => main.includes(body))).toEqual([]);
  expect([...main, ...visibleInDlq].every((body) => bodies.includes(body))).toBe(true);
  return { inMain, inDlq };
}

/** Only the variables given: no credentials, no profile, no region from this shell. */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', ...env };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Blocks this process until the CLI exits: not for tests whose proxy (startSqsProxy) must answer it. */
export function runReplayCli(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI_BUNDLE, ...args], { env: cliEnv(env), encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern`; rejects after `timeoutMs` or if the CLI exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit and how long it took after the signal. */
  interrupt(signal?: NodeJS.Signals): Promise<CliResult & { readonly msAfterSignal: number }>;
  /** The exit (SIGKILL after `timeoutMs`, then the promise rejects). */
  exited(timeoutMs?: number): Promise<CliResult>;
}

export function startReplayCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // 'exit' can come before the pipes are drained: 'close' is after both.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const exited = async (timeoutMs = 30_000): Promise<CliResult> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the replay CLI did not exit within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
    });
    try {
      const code = await Promise.race([exit, timeout]);
      await closed;
      return { code, stdout, stderr };
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput: async (pattern, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (child.exitCode !== null) throw new Error(`the replay CLI exited (${child.exitCode}) before printing ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`the replay CLI did not print ${pattern} within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    interrupt: async (signal = 'SIGINT') => {
      const sentAt = performance.now();
      child.kill(signal);
      const result = await exited();
      return { ...result, msAfterSignal: performance.now() - sentAt };
    },
    exited,
  };
}

export interface SqsProxy {
  /** `http://127.0.0.1:<port>`: pass as `--endpoint`. */
  readonly url: string;
  /** Delay before a request of this action is forwarded (its answer then comes that much later). */
  delayBeforeMs: (action: string) => number;
  /** Delay between moto's answer and passing it on: moto has done the work, the client waits. */
  delayAfterMs: (action: string) => number;
  /** When true for a request (checked after `delayBeforeMs`), it is answered 500 InternalError and never reaches moto. */
  failing: (action: string) => boolean;
  /** Actions forwarded to moto, in order. */
  readonly forwarded: string[];
  close(): Promise<void>;
}

/**
 * The shared AWS proxy (aws-proxy.ts) with behaviour a test can change while the CLI runs:
 * the CLI talks to it through `--endpoint`, so its real SDK sees slow or failing SQS calls.
 */
export async function startSqsProxy(target: string): Promise<SqsProxy> {
  const settings = { delayBeforeMs: (_action: string) => 0, delayAfterMs: (_action: string) => 0, failing: (_action: string) => false };
  const proxy = await startAwsProxy(target, ({ operation }) => ({
    delayBeforeMs: settings.delayBeforeMs(operation),
    delayAfterMs: settings.delayAfterMs(operation),
    fail: () => settings.failing(operation),
  }));
  return Object.assign(settings, { url: proxy.url, forwarded: proxy.forwarded, close: proxy.close });
}
