/**
 * The 1,000-order scenario of load.test.ts (the built-in worker) and custom-processor.test.ts
 * (a team's processor): the orders POSTed 20 at a time, and redeliveries made on purpose. Every
 * 40th idempotency completion is held by a proxy longer than the visibility timeout, so that
 * record's batch is received again while it still runs. The visibility timeout itself leaves
 * ordinary batches room on a busy machine: at 2 s with 2.5 s holds, a CI run's loaded cores
 * pushed them past it too (41% of the messages redelivered), and the extra deliveries slowed
 * the run further.
 */
import type { ProxiedCall, ProxyAction } from './aws-proxy';
import { postOrder, PostResult } from './harness';
import type { WorkerBatchReport } from '../../../scripts/local/index';

export const AT_SCALE = {
  orders: 1_000,
  concurrency: 20,
  visibilityTimeoutSeconds: 5,
  /** Allowed to outlive the visibility timeout (AWS's settings rule that out): how a redelivery finds its first run still going. */
  workerTimeoutSeconds: 20,
  slowCompletionEvery: 40,
  slowCompletionMs: 6_000,
  /**
   * The scenario (POSTs, processing, checks) must finish within this: about 70 s on 2 idle
   * cores, 77 to 230 s beside the other test files of a CI run on the same cores.
   */
  deadlineMs: 300_000,
} as const;

/** A proxy rule that holds every `slowCompletionEvery`-th call `isCompletion` picks, and counts what it held. */
export function holdEveryNthCompletion(isCompletion: (call: ProxiedCall) => boolean) {
  let completions = 0;
  let held = 0;
  return {
    decide(call: ProxiedCall): ProxyAction | undefined {
      if (!isCompletion(call) || ++completions % AT_SCALE.slowCompletionEvery !== 0) return undefined;
      held++;
      return { delayBeforeMs: AT_SCALE.slowCompletionMs };
    },
    held: () => held,
  };
}

/** A client's tries per order: the first POST and up to three retries. */
const MAX_POST_ATTEMPTS = 4;

/** A POST the client saw fail before it got its 202, and what it got instead. */
export interface RetriedPost {
  readonly index: number;
  readonly answer: string;
}

/**
 * POSTs `AT_SCALE.orders` orders (`order(index)`), `AT_SCALE.concurrency` at a time, as the HTTP
 * contract's client does: a 409 (the same key in progress), a 5xx or a dropped connection is
 * retried with the same body (each order carries its orderId, its deduplication key), at most
 * `MAX_POST_ATTEMPTS` times. The retries are returned: an emulator stalled on loaded cores can
 * answer 503 or 504 now and then, and a retry of those must still give one order, not two.
 * Fails once `deadline` passes.
 */
export async function postOrdersAtScale(
  apiUrl: string, order: (index: number) => unknown, deadline: number,
): Promise<{ results: PostResult[]; seconds: number; retried: RetriedPost[] }> {
  const results: PostResult[] = [];
  const retried: RetriedPost[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: AT_SCALE.concurrency }, async () => {
    while (next < AT_SCALE.orders) {
      const index = next++;
      for (let attempt = 1; ; attempt++) {
        if (Date.now() > deadline) throw new Error(`deadline passed after ${results.length} POSTs`);
        const result = await postOrder(apiUrl, order(index)).catch((error: Error) => error);
        const retryable = result instanceof Error || result.status === 409 || result.status >= 500;
        if (!retryable || attempt >= MAX_POST_ATTEMPTS) {
          if (result instanceof Error) throw result;
          results.push(result);
          break;
        }
        retried.push({ index, answer: result instanceof Error ? `${result.name}: ${result.message}` : `${result.status} ${JSON.stringify(result.body)}` });
        const retryAfter = result instanceof Error ? NaN : Number(result.headers.get('retry-after'));
        await new Promise((resolve) => setTimeout(resolve, Number.isFinite(retryAfter) ? retryAfter * 1000 : 500 * attempt));
      }
    }
  }));
  return { results, seconds: (performance.now() - started) / 1000, retried };
}

/** How the worker's batches received the messages: redeliveries, and how many came while an earlier delivery still ran. */
export function redeliveryStats(batches: readonly WorkerBatchReport[]) {
  const deliveries = new Map<string, Array<{ startedAt: number; endedAt: number }>>();
  for (const batch of batches) {
    for (const record of batch.event.Records) {
      const list = deliveries.get(record.messageId) ?? [];
      list.push({ startedAt: batch.startedAt, endedAt: batch.startedAt + batch.durationMs });
      deliveries.set(record.messageId, list);
    }
  }
  const lists = [...deliveries.values()];
  return {
    redeliveries: lists.reduce((sum, list) => sum + list.length - 1, 0),
    redeliveredMessages: lists.filter((list) => list.length > 1).length,
    inFlight: lists.reduce((sum, list) =>
      sum + list.filter((delivery, index) => list.slice(0, index).some((earlier) => delivery.startedAt < earlier.endedAt)).length, 0),
    maxDeliveries: Math.max(0, ...lists.map((list) => list.length)),
  };
}

/** For a test's summary line: how many POSTs were retried, and the first answers that made them. */
export function describeRetries(retried: readonly RetriedPost[]): string {
  return `${retried.length} POSTs retried by the client (${retried.slice(0, 3).map((post) => post.answer).join('; ') || 'none'})`;
}
