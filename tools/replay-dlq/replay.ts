/**
 * Moves messages from a dead-letter queue back to the queue it protects, losing none:
 *
 * - nothing is received before both queues were found and the main queue's RedrivePolicy was
 *   seen to name this DLQ (unless `force`);
 * - a message is deleted from the DLQ only after SendMessageBatch reported it sent;
 * - a message that could not be sent stays in the DLQ (made visible again at the end);
 * - a message received but not yet handled when the tool stops (Ctrl-C, a crash, an error)
 *   becomes visible again by itself when its visibility timeout (`holdSeconds`) expires.
 *
 * The body, the message attributes, the trace header and, for FIFO queues, the group id are
 * kept; a FIFO replay gets a deduplication id of its own (see `replayDeduplicationId`). A message
 * deleted after sending might, if the delete fails, be replayed twice by a later run: that is
 * SQS's at-least-once delivery, which the worker's idempotency absorbs.
 */
import { Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { deleteFromDlq, release, sendToMainQueue, SQS_BATCH_LIMIT } from './batches';
import { checkRedrivePolicy, describeQueues, QueueInfo, queueDepth } from './queues';

export { QueueMismatchError, QueueNotFoundError } from './queues';
export { replayDeduplicationId } from './batches';

export interface ReplayOptions {
  readonly sqs: SQSClient;
  readonly dlqUrl: string;
  readonly mainQueueUrl: string;
  /** Receive and count, send and delete nothing; every received message is made visible again. */
  readonly dryRun?: boolean;
  /** Take at most this many messages from the DLQ. @default no limit (until the DLQ is empty) */
  readonly max?: number;
  /**
   * Replay even if the main queue's RedrivePolicy does not name this DLQ.
   * @default false (throw QueueMismatchError before anything is received)
   */
  readonly force?: boolean;
  /** Long poll of each receive: short, so an empty DLQ ends the run quickly. @default 1 */
  readonly waitTimeSeconds?: number;
  /** Visibility timeout of received messages while they are being replayed. @default 30 (dry run: 120) */
  readonly holdSeconds?: number;
  /**
   * Stops the run: a receive in progress is abandoned at once, a send or delete in progress is
   * finished (its outcome must be known to delete only what was sent), and what is held is released.
   */
  readonly signal?: AbortSignal;
  /** Called once the queues were checked, before the first receive. */
  readonly onStart?: (queues: { readonly dlq: QueueInfo; readonly main: QueueInfo }) => void;
  readonly onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayFailure {
  readonly messageId: string;
  /** `send`: still in the DLQ. `delete`: sent, but also still in the DLQ (a later run replays it again). */
  readonly stage: 'send' | 'delete';
  readonly code: string;
  readonly message: string;
}

export type ReplayProgress =
  | { readonly kind: 'batch'; readonly batch: number; readonly received: number; readonly replayed: number; readonly failed: number; readonly totals: ReplayCounts }
  | { readonly kind: 'failure'; readonly failure: ReplayFailure }
  | { readonly kind: 'released'; readonly count: number };

export interface ReplayCounts {
  /** Taken from the DLQ in this run. */
  readonly received: number;
  /** Sent to the main queue (dry run: 0). */
  readonly replayed: number;
  /** Messages with a failed send or delete (see `failures`). */
  readonly failed: number;
}

export interface ReplayResult extends ReplayCounts {
  readonly dryRun: boolean;
  /** Messages in the DLQ at the end (visible and in flight); undefined if the count could not be read. */
  readonly left?: number;
  readonly failures: readonly ReplayFailure[];
  /**
   * Why the run ended. `interrupted` whenever the signal was aborted, whatever else happened;
   * `error` when an SQS call failed in a way that stopped the run (see `error`).
   */
  readonly stoppedBy: 'empty' | 'max' | 'interrupted' | 'all-seen' | 'failing' | 'error';
  /** What stopped the run early (also set when an interruption came with it). */
  readonly error?: unknown;
}

/** Batches in a row in which nothing could be sent: the main queue is not taking messages, so stop. */
const MAX_FAILED_BATCHES_IN_A_ROW = 3;

/**
 * Throws (with nothing received) when a queue is missing, when the queues do not belong
 * together (QueueMismatchError), or when SQS cannot be reached; later errors end the run with
 * `stoppedBy: 'error'`, so the counts of what was already moved are not lost with them.
 */
export async function replayDeadLetterQueue(options: ReplayOptions): Promise<ReplayResult> {
  const { sqs, dlqUrl, mainQueueUrl } = options;
  const dryRun = options.dryRun === true;
  const max = options.max ?? Number.POSITIVE_INFINITY;
  if (!(max >= 0)) throw new RangeError(`max must be a number >= 0, got ${options.max}`);
  if (dlqUrl === mainQueueUrl) throw new Error('The DLQ and the main queue are the same queue: nothing to replay.');
  const queues = await describeQueues(sqs, dlqUrl, mainQueueUrl);
  if (options.force !== true) checkRedrivePolicy(queues.dlq, queues.main);
  options.onStart?.(queues);

  // Messages we hold invisible and must hand back (dry run, failed sends and deletes), by id.
  const held = new Map<string, string>();
  const seen = new Set<string>();
  const failures: ReplayFailure[] = [];
  let received = 0;
  let replayed = 0;
  let batch = 0;
  let failedBatchesInARow = 0;
  let stoppedBy: ReplayResult['stoppedBy'] = 'empty';
  let error: unknown;
  const fail = (failure: ReplayFailure) => {
    failures.push(failure);
    options.onProgress?.({ kind: 'failure', failure });
  };

  try {
    for (;;) {
      if (options.signal?.aborted) break;
      const wanted = Math.min(SQS_BATCH_LIMIT, max - received);
      if (wanted <= 0) {
        stoppedBy = 'max';
        break;
      }
      const messages = await receive(options, wanted, dryRun);
      if (options.signal?.aborted) {
        // The answer raced the abort: these were not handled, so they go back now.
        for (const message of messages) held.set(message.MessageId!, message.ReceiptHandle!);
        break;
      }
      if (messages.length === 0) break;

      // A message seen before is one we hold (its hold expired) or one that failed again after
      // a replay: never handle it twice in one run, and stop when nothing new is coming.
      const fresh: Message[] = [];
      for (const message of messages) {
        if (seen.has(message.MessageId!)) {
          held.set(message.MessageId!, message.ReceiptHandle!);
        } else {
          seen.add(message.MessageId!);
          fresh.push(message);
        }
      }
      if (fresh.length === 0) {
        stoppedBy = 'all-seen';
        break;
      }
      batch++;
      received += fresh.length;

      if (dryRun) {
        for (const message of fresh) held.set(message.MessageId!, message.ReceiptHandle!);
        options.onProgress?.({ kind: 'batch', batch, received: fresh.length, replayed: 0, failed: 0, totals: { received, replayed, failed: failures.length } });
        continue;
      }

      const { sent, notSent } = await sendToMainQueue(sqs, mainQueueUrl, queues.main.fifo, fresh);
      for (const { message, code, text } of notSent) {
        held.set(message.MessageId!, message.ReceiptHandle!);
        fail({ messageId: message.MessageId!, stage: 'send', code, message: text });
      }
      const notDeleted = await deleteFromDlq(sqs, dlqUrl, sent);
      for (const { message, code, text } of notDeleted) {
        held.set(message.MessageId!, message.ReceiptHandle!);
        fail({ messageId: message.MessageId!, stage: 'delete', code, message: text });
      }
      replayed += sent.length;
      failedBatchesInARow = sent.length === 0 ? failedBatchesInARow + 1 : 0;
      options.onProgress?.({
        kind: 'batch',
        batch,
        received: fresh.length,
        replayed: sent.length,
        failed: notSent.length + notDeleted.length,
        totals: { received, replayed, failed: failures.length },
      });
      if (failedBatchesInARow >= MAX_FAILED_BATCHES_IN_A_ROW) {
        stoppedBy = 'failing';
        break;
      }
    }
  } catch (caught) {
    // Sends and deletes report per message, so this is a receive (or an onProgress callback):
    // nothing of that batch was taken, and what was already moved stays moved.
    error = caught;
    stoppedBy = 'error';
  } finally {
    // Also on errors: what we hold is handed back now rather than after the hold expires.
    const released = await release(sqs, dlqUrl, [...held.values()]);
    if (released > 0) options.onProgress?.({ kind: 'released', count: released });
  }

  const left = await queueDepth(sqs, dlqUrl);
  if (options.signal?.aborted) stoppedBy = 'interrupted';
  return { dryRun, received, replayed, failed: failures.length, failures, left, stoppedBy, ...(error !== undefined ? { error } : {}) };
}

async function receive(options: ReplayOptions, maxMessages: number, dryRun: boolean): Promise<Message[]> {
  try {
    const output = await options.sqs.send(new ReceiveMessageCommand({
      QueueUrl: options.dlqUrl,
      MaxNumberOfMessages: maxMessages,
      WaitTimeSeconds: options.waitTimeSeconds ?? 1,
      VisibilityTimeout: options.holdSeconds ?? (dryRun ? 120 : 30),
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }), { abortSignal: options.signal });
    return output.Messages ?? [];
  } catch (error) {
    // Abandoned on purpose: if SQS had already taken messages for us, they come back after the hold.
    if (options.signal?.aborted) return [];
    throw error;
  }
}
