/**
 * Moves messages from a dead-letter queue back to the queue it protects, losing none:
 *
 * - a message is deleted from the DLQ only after SendMessageBatch reported it sent;
 * - a message that could not be sent stays in the DLQ (made visible again at the end);
 * - a message received but not yet handled when the tool stops (Ctrl-C, a crash, an error)
 *   becomes visible again by itself when its visibility timeout (`holdSeconds`) expires.
 *
 * The body, the message attributes and, for FIFO queues, the group and deduplication ids
 * are kept. A message deleted after sending might, if the delete fails, be replayed twice by
 * a later run: that is SQS's at-least-once delivery, which the worker's idempotency absorbs.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  Message,
  MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageBatchCommandOutput,
  SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';

export interface ReplayOptions {
  readonly sqs: SQSClient;
  readonly dlqUrl: string;
  readonly mainQueueUrl: string;
  /** Receive and count, send and delete nothing; every received message is made visible again. */
  readonly dryRun?: boolean;
  /** Take at most this many messages from the DLQ. @default no limit (until the DLQ is empty) */
  readonly max?: number;
  /** Long poll of each receive: short, so an empty DLQ ends the run quickly. @default 1 */
  readonly waitTimeSeconds?: number;
  /** Visibility timeout of received messages while they are being replayed. @default 30 (dry run: 120) */
  readonly holdSeconds?: number;
  /** Stops after the batch in progress; what is held is released. */
  readonly signal?: AbortSignal;
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
  /** Why the run ended. */
  readonly stoppedBy: 'empty' | 'max' | 'interrupted' | 'all-seen' | 'failing';
}

/** One of the queues does not exist (or is not visible to these credentials). */
export class QueueNotFoundError extends Error {
  public readonly name = 'QueueNotFoundError';
  constructor(public readonly role: 'DLQ' | 'main queue', public readonly queueUrl: string) {
    super(`The ${role} ${queueUrl} does not exist (check the URL, the region and the account).`);
  }
}

const SQS_BATCH_LIMIT = 10;
/** Batches in a row in which nothing could be sent: the main queue is not taking messages, so stop. */
const MAX_FAILED_BATCHES_IN_A_ROW = 3;

export interface QueueInfo {
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly depth: number;
}

/** Both queues exist: checked before anything is received, so a wrong URL changes nothing. */
export async function describeQueues(sqs: SQSClient, dlqUrl: string, mainQueueUrl: string): Promise<{ dlq: QueueInfo; main: QueueInfo }> {
  return { dlq: await describeQueue(sqs, dlqUrl, 'DLQ'), main: await describeQueue(sqs, mainQueueUrl, 'main queue') };
}

async function describeQueue(sqs: SQSClient, url: string, role: 'DLQ' | 'main queue'): Promise<QueueInfo> {
  try {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', 'FifoQueue', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }));
    return {
      url,
      arn: Attributes.QueueArn ?? '',
      fifo: Attributes.FifoQueue === 'true',
      depth: Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  } catch (error) {
    if (isQueueNotFound(error)) throw new QueueNotFoundError(role, url);
    throw error;
  }
}

export function isQueueNotFound(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue';
}

export async function replayDeadLetterQueue(options: ReplayOptions): Promise<ReplayResult> {
  const { sqs, dlqUrl, mainQueueUrl } = options;
  const dryRun = options.dryRun === true;
  const max = options.max ?? Number.POSITIVE_INFINITY;
  if (!(max >= 0)) throw new RangeError(`max must be a number >= 0, got ${options.max}`);
  if (dlqUrl === mainQueueUrl) throw new Error('The DLQ and the main queue are the same queue: nothing to replay.');
  const queues = await describeQueues(sqs, dlqUrl, mainQueueUrl);

  // Messages we hold invisible and must hand back (dry run, failed sends and deletes), by id.
  const held = new Map<string, string>();
  const seen = new Set<string>();
  const failures: ReplayFailure[] = [];
  let received = 0;
  let replayed = 0;
  let batch = 0;
  let failedBatchesInARow = 0;
  let stoppedBy: ReplayResult['stoppedBy'] = 'empty';
  const fail = (failure: ReplayFailure) => {
    failures.push(failure);
    options.onProgress?.({ kind: 'failure', failure });
  };

  try {
    for (;;) {
      if (options.signal?.aborted) {
        stoppedBy = 'interrupted';
        break;
      }
      const wanted = Math.min(SQS_BATCH_LIMIT, max - received);
      if (wanted <= 0) {
        stoppedBy = 'max';
        break;
      }
      const messages = await receive(options, wanted, dryRun);
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
  } finally {
    // Also on errors: what we hold is handed back now rather than after the hold expires.
    const released = await release(sqs, dlqUrl, held);
    if (released > 0) options.onProgress?.({ kind: 'released', count: released });
  }

  return { dryRun, received, replayed, failed: failures.length, failures, left: await depth(sqs, dlqUrl), stoppedBy };
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
    // Interrupted while waiting: anything the receive took comes back after the hold.
    if (options.signal?.aborted) return [];
    throw error;
  }
}

interface EntryFailure {
  readonly message: Message;
  readonly code: string;
  readonly text: string;
}

interface SendResults {
  readonly sent: Message[];
  readonly notSent: EntryFailure[];
}

async function sendToMainQueue(sqs: SQSClient, queueUrl: string, fifo: boolean, messages: Message[]): Promise<SendResults> {
  const entries = messages.map((message, index) => toSendEntry(message, String(index), fifo));
  try {
    return sortResults(messages, await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
  } catch (error) {
    if (!isRejectedRequest(error)) {
      // Unknown outcome (network, throttling after retries): keep them all in the DLQ. If SQS did
      // take some, a later replay sends them again and the worker ignores the duplicates.
      return { sent: [], notSent: messages.map((message) => failureOf(message, error)) };
    }
    // SQS rejected the whole batch (one entry too large, say): nothing was sent, so each
    // message gets its own try and only the bad ones stay behind.
    const sent: Message[] = [];
    const notSent: EntryFailure[] = [];
    for (const [index, message] of messages.entries()) {
      try {
        const one = sortResults([message], await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ ...entries[index], Id: '0' }] })));
        sent.push(...one.sent);
        notSent.push(...one.notSent);
      } catch (entryError) {
        notSent.push(failureOf(message, entryError));
      }
    }
    return { sent, notSent };
  }
}

function sortResults(messages: Message[], output: SendMessageBatchCommandOutput): SendResults {
  const sent = (output.Successful ?? []).map((entry) => messages[Number(entry.Id)]);
  const notSent = (output.Failed ?? []).map((entry) => ({
    message: messages[Number(entry.Id)], code: entry.Code ?? 'Unknown', text: entry.Message ?? '',
  }));
  // An entry in neither list was not confirmed: treat it as not sent (it stays in the DLQ).
  const answered = new Set([...sent, ...notSent.map((failure) => failure.message)]);
  for (const message of messages) {
    if (!answered.has(message)) notSent.push({ message, code: 'NoResult', text: 'SendMessageBatch did not report this entry' });
  }
  return { sent, notSent };
}

function toSendEntry(message: Message, id: string, fifo: boolean): SendMessageBatchRequestEntry {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    // The list fields are reserved by SQS and must not be sent.
    attributes[name] = { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: value.BinaryValue };
  }
  const trace = message.Attributes?.AWSTraceHeader;
  return {
    Id: id,
    MessageBody: message.Body ?? '',
    MessageAttributes: Object.keys(attributes).length > 0 ? attributes : undefined,
    MessageSystemAttributes: trace ? { AWSTraceHeader: { DataType: 'String', StringValue: trace } } : undefined,
    ...(fifo ? {
      MessageGroupId: message.Attributes?.MessageGroupId ?? 'dlq-replay',
      MessageDeduplicationId: message.Attributes?.MessageDeduplicationId ?? message.MessageId,
    } : {}),
  };
}

async function deleteFromDlq(sqs: SQSClient, dlqUrl: string, messages: Message[]): Promise<EntryFailure[]> {
  if (messages.length === 0) return [];
  try {
    const output = await sqs.send(new DeleteMessageBatchCommand({
      QueueUrl: dlqUrl,
      Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
    }));
    return (output.Failed ?? []).map((entry) => ({ message: messages[Number(entry.Id)], code: entry.Code ?? 'Unknown', text: entry.Message ?? '' }));
  } catch (error) {
    return messages.map((message) => failureOf(message, error));
  }
}

/** Makes held messages visible again, so they are in the DLQ for the next run or a human. */
async function release(sqs: SQSClient, dlqUrl: string, held: Map<string, string>): Promise<number> {
  const handles = [...held.values()];
  let released = 0;
  for (let start = 0; start < handles.length; start += SQS_BATCH_LIMIT) {
    const chunk = handles.slice(start, start + SQS_BATCH_LIMIT);
    try {
      const output = await sqs.send(new ChangeMessageVisibilityBatchCommand({
        QueueUrl: dlqUrl,
        Entries: chunk.map((receiptHandle, index) => ({ Id: String(index), ReceiptHandle: receiptHandle, VisibilityTimeout: 0 })),
      }));
      released += output.Successful?.length ?? 0;
    } catch {
      // They become visible anyway when the hold expires.
    }
  }
  return released;
}

async function depth(sqs: SQSClient, queueUrl: string): Promise<number | undefined> {
  try {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }));
    return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  } catch {
    return undefined;
  }
}

/** A 4xx: SQS refused the request, so nothing in it was sent. */
function isRejectedRequest(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && !isQueueNotFound(error);
}

function failureOf(message: Message, error: unknown): EntryFailure {
  return { message, code: (error as Error)?.name ?? 'Error', text: (error as Error)?.message ?? String(error) };
}
