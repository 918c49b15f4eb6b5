/**
 * Item 3: warm cost against the emulator. Each handler runs in its own warm process (the
 * function's environment, pointed at moto) beside a plain baseline that makes the same AWS
 * calls without Powertools (bench/baselines/); invocations alternate between the two, so
 * they share the machine's and the emulator's load. Reported: API wall time per request
 * (as the caller waits for it) and worker CPU time per record in batches of 5 (what the
 * worker's processing costs on top of waiting for DynamoDB).
 */
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { envelope, orderDetail, postJson, sqsEvent, sqsRecord } from '../../test/handlers/support/events';
import { round, roundSpread, Spread, spreadOf } from '../stats';

const HOST = path.join(__dirname, 'invoke-host.cjs');
const WARM_UP = 5;
export const WORKER_BATCH_SIZE = 5;

export interface WarmPairResult {
  /** `api` (per request) or `worker` (per record of a batch of 5). */
  readonly name: string;
  readonly handler: { readonly wallMs: Spread; readonly cpuMs: Spread };
  readonly baseline: { readonly wallMs: Spread; readonly cpuMs: Spread };
  /** Medians: handler - baseline (ms) and handler / baseline. */
  readonly overheadWallMs: number;
  readonly overheadCpuMs: number;
  readonly ratioWall: number;
  readonly ratioCpu: number;
}

interface HostResult { ok: boolean; error?: string; wallMs: number; cpuMs: number; result?: any }

class WarmHost {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly waiting = new Map<number, (result: HostResult) => void>();
  public readonly ready: Promise<void>;

  constructor(file: string, env: Record<string, string>) {
    // stdout (the handler's log lines) is read and dropped, as Lambda's runtime takes it.
    this.child = fork(HOST, [file], { env, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child.stdout!.resume();
    let stderr = '';
    this.child.stderr!.on('data', (chunk) => { stderr += chunk; });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`${file} exited ${code} before it was ready: ${stderr}`)));
      this.child.on('message', (message: any) => {
        if (message.type === 'ready') resolve();
        if (message.type === 'result') {
          this.waiting.get(message.id)?.(message);
          this.waiting.delete(message.id);
        }
      });
    });
  }

  invoke(event: unknown): Promise<HostResult> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ type: 'invoke', id, event });
    });
  }

  stop(): void {
    this.child.kill();
  }
}

export interface WarmSubject {
  readonly handlerFile: string;
  readonly baselineFile: string;
  readonly env: Record<string, string>;
}

export async function measureWarmApi(subject: WarmSubject, invocations: number, runId: string): Promise<WarmPairResult> {
  let counter = 0;
  const event = () => {
    const index = counter++;
    return postJson({ orderId: `warm-${runId}-${index}`, customerId: `cust-${index % 50}`, items: [{ sku: `SKU-${index % 7}`, qty: 1 + (index % 3) }] });
  };
  const check = (result: HostResult, what: string) => {
    if (!result.ok || result.result?.statusCode !== 202) {
      throw new Error(`${what}: expected 202, got ${result.error ?? JSON.stringify(result.result)}`);
    }
  };
  return measurePair('api', subject, invocations, event, check, 1);
}

export async function measureWarmWorker(subject: WarmSubject, invocations: number): Promise<WarmPairResult> {
  const event = () => sqsEvent(...Array.from({ length: WORKER_BATCH_SIZE }, () => sqsRecord(envelope(orderDetail()))));
  const check = (result: HostResult, what: string) => {
    if (!result.ok || (result.result?.batchItemFailures ?? []).length > 0) {
      throw new Error(`${what}: a record failed: ${result.error ?? JSON.stringify(result.result)}`);
    }
  };
  return measurePair('worker', subject, invocations, event, check, WORKER_BATCH_SIZE);
}

async function measurePair(
  name: string, subject: WarmSubject, invocations: number, event: () => unknown,
  check: (result: HostResult, what: string) => void, perInvocation: number,
): Promise<WarmPairResult> {
  const handler = new WarmHost(subject.handlerFile, subject.env);
  const baseline = new WarmHost(subject.baselineFile, subject.env);
  try {
    await Promise.all([handler.ready, baseline.ready]);
    const samples = { handler: [] as HostResult[], baseline: [] as HostResult[] };
    for (let i = 0; i < WARM_UP + invocations; i++) {
      // Alternate which goes first, one at a time: neither waits behind the other's calls.
      const order = i % 2 === 0 ? (['handler', 'baseline'] as const) : (['baseline', 'handler'] as const);
      for (const which of order) {
        const result = await (which === 'handler' ? handler : baseline).invoke(event());
        check(result, `${name} ${which}`);
        if (i >= WARM_UP) samples[which].push(result);
      }
    }
    const summarize = (results: HostResult[]) => ({
      wallMs: roundSpread(spreadOf(results.map((result) => result.wallMs / perInvocation)), 2),
      cpuMs: roundSpread(spreadOf(results.map((result) => result.cpuMs / perInvocation)), 2),
    });
    const ours = summarize(samples.handler);
    const plain = summarize(samples.baseline);
    return {
      name,
      handler: ours,
      baseline: plain,
      overheadWallMs: round(ours.wallMs.median - plain.wallMs.median, 2),
      overheadCpuMs: round(ours.cpuMs.median - plain.cpuMs.median, 2),
      ratioWall: round(ours.wallMs.median / plain.wallMs.median, 2),
      ratioCpu: round(ours.cpuMs.median / plain.cpuMs.median, 2),
    };
  } finally {
    handler.stop();
    baseline.stop();
  }
}
