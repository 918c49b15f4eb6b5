/**
 * The worker's timeout when the local runner shortens the queue's visibility timeout.
 *
 * In AWS, a claim left by an invocation that crashed or timed out always expires before SQS
 * redelivers its message: the claim's IN_PROGRESS expiry is that invocation's deadline
 * (invocation start + function timeout, via Powertools' registerLambdaContext), and the
 * construct requires visibility timeout >= 6 x function timeout + batching window, so the
 * message stays invisible well past the deadline even when the invocation started late.
 * The redelivery then takes the claim over at once.
 *
 * Locally the visibility timeout is seconds, not minutes. Capping the timeout at the
 * visibility timeout alone (what Lambda itself enforces) lets any invocation that starts
 * after its receive leave a claim that outlives its message's invisibility: the redelivery
 * finds it still IN_PROGRESS, fails, and burns one of the message's receives (five, then
 * the DLQ). So the order is kept explicitly: claim expiry <= receive + batching window +
 * start delay + timeout < receive + visibility timeout. The pollers hold an initialised
 * instance before they receive (LocalFunction.reserve), so the start delay is the runner's
 * own latency, and half of what the batching window leaves is given to the timeout, the
 * other half is the margin for that latency on a busy machine. (AWS's own 6x ratio would
 * leave 0.17 s for a batch at a 1 s local visibility timeout: too little for the emulator.)
 */

/** Of the visibility timeout left after the batching window, the share the worker's timeout gets. */
export const LOCAL_TIMEOUT_SHARE = 0.5;

/** Below this, even a warm invocation against the emulator does not fit. */
export const MIN_LOCAL_WORKER_TIMEOUT_SECONDS = 0.25;

export interface LocalWorkerTimeout {
  readonly timeoutSeconds: number;
  /** False when the batching window leaves no room, and a claim may outlive its message's invisibility. */
  readonly preservesAwsOrder: boolean;
}

export function localWorkerTimeout(templateTimeoutSeconds: number, visibilitySeconds: number, batchingWindowSeconds: number): LocalWorkerTimeout {
  const room = visibilitySeconds - batchingWindowSeconds;
  const share = Math.floor(room * LOCAL_TIMEOUT_SHARE * 1000) / 1000;
  const timeoutSeconds = Math.min(templateTimeoutSeconds, Math.max(MIN_LOCAL_WORKER_TIMEOUT_SECONDS, share));
  return { timeoutSeconds, preservesAwsOrder: timeoutSeconds < room };
}
