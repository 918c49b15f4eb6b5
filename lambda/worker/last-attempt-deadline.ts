/**
 * A record on its last attempt must leave its order FAILED even when the invocation times out:
 * Lambda then stops the function without running any catch block, SQS moves the message to the
 * DLQ, and the status would stay ACCEPTED. So, shortly before the invocation's deadline, a
 * record that has not settled yet is recorded FAILED. Should it still complete within the
 * margin, its PROCESSED write wins: the order-state transitions let FAILED become PROCESSED,
 * never the reverse, and every write is conditional on the version it read.
 */
import type { Context } from 'aws-lambda';

/**
 * One consistent read and one conditional write to DynamoDB take tens of milliseconds: a second
 * leaves room for a slow one without cutting much from a timeout of seconds (30 s by default).
 */
export const MAX_DEADLINE_MARGIN_MS = 1_000;
/** With a short timeout (the local runner gives the worker 1-2 s), a tenth of what is left. */
export const DEADLINE_MARGIN_SHARE = 0.1;

/** How long before the deadline the FAILED write starts: min(1 s, 10% of the remaining time), never negative. */
export function deadlineMarginMs(remainingMs: number): number {
  return Math.max(0, Math.min(MAX_DEADLINE_MARGIN_MS, Math.floor(remainingMs * DEADLINE_MARGIN_SHARE)));
}

/** The `lastError` of an order whose last attempt was still running at the margin. */
export class AttemptTimingOutError extends Error {
  /** Explicit: the bundle is minified, so the class's own name is not kept. */
  public readonly name = 'AttemptTimingOutError';
  constructor(public readonly remainingMs: number, attempt: number, maxReceiveCount: number) {
    super(`The attempt was still running ${remainingMs} ms before the function's timeout ` +
      `(attempt ${attempt} of ${maxReceiveCount}); the message goes to the dead-letter queue`);
  }
}

/**
 * The deadline timers of one instance. Lambda runs one invocation at a time per instance, so one
 * set serves every invocation; `close()` at the end of each empties it, so that no timer keeps a
 * warm instance busy or fires in a later invocation (after a freeze, a timer due meanwhile would).
 */
export class LastAttemptDeadlines {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly writes = new Set<Promise<void>>();

  /**
   * Runs `work`; if it has not settled `deadlineMarginMs` before the invocation's deadline,
   * calls `onDeadline` once with the time then left (the work goes on: it may still complete).
   */
  async watch<T>(context: Context, work: () => Promise<T>, onDeadline: (remainingMs: number) => Promise<void>): Promise<T> {
    const remainingMs = context.getRemainingTimeInMillis();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const write: Promise<void> = onDeadline(context.getRemainingTimeInMillis())
        .catch(() => undefined)
        .finally(() => this.writes.delete(write));
      this.writes.add(write);
    }, Math.max(0, remainingMs - deadlineMarginMs(remainingMs)));
    this.timers.add(timer);
    try {
      return await work();
    } finally {
      clearTimeout(timer);
      this.timers.delete(timer);
    }
  }

  /** At the end of an invocation: clears every timer and lets a FAILED write already started finish inside it. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.writes]);
  }
}
