/**
 * The three SQS batch calls of a replay, each reporting per message what happened, so the loop
 * deletes from the DLQ only what the main queue confirmed.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  Message,
  MessageAttributeValue,
  SendMessageBatchCommand,
  SendMessageBatchCommandOutput,
  SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { isQueueNotFound } from './queues';

export const SQS_BATCH_LIMIT = 10;

export interface EntryFailure {
  readonly message: Message;
  readonly code: string;
  readonly text: string;
}

export interface SendResults {
  readonly sent: Message[];
  readonly notSent: EntryFailure[];
}

/**
 * The deduplication id of a message's replay into a FIFO queue.
 *
 * Never the original one: SQS drops, for 5 minutes, any send whose deduplication id it has seen,
 * also when that message was deleted or moved to the DLQ since, and reports the dropped send as
 * successful. A message that fails fast reaches the DLQ inside that window, so resending it with
 * its own id would lose it once the tool deletes it from the DLQ.
 *
 * Derived from the DLQ message's id rather than random: SQS gives each send a new MessageId, so
 * each stay in the DLQ gets its own replay id, while a second replay of the same stay (the tool
 * was stopped between send and delete, or the delete failed) reuses it, and SQS drops that copy.
 */
export function replayDeduplicationId(message: Message): string {
  return `dlq-replay:${message.MessageId}`;
}

export async function sendToMainQueue(sqs: SQSClient, queueUrl: string, fifo: boolean, messages: Message[]): Promise<SendResults> {
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
      // The group keeps the message in its order relative to the group's other messages.
      MessageGroupId: message.Attributes?.MessageGroupId ?? 'dlq-replay',
      MessageDeduplicationId: replayDeduplicationId(message),
    } : {}),
  };
}

export async function deleteFromDlq(sqs: SQSClient, dlqUrl: string, messages: Message[]): Promise<EntryFailure[]> {
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
export async function release(sqs: SQSClient, dlqUrl: string, receiptHandles: string[]): Promise<number> {
  let released = 0;
  for (let start = 0; start < receiptHandles.length; start += SQS_BATCH_LIMIT) {
    const chunk = receiptHandles.slice(start, start + SQS_BATCH_LIMIT);
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

/** A 4xx: SQS refused the request, so nothing in it was sent. */
function isRejectedRequest(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && !isQueueNotFound(error);
}

function failureOf(message: Message, error: unknown): EntryFailure {
  return { message, code: (error as Error)?.name ?? 'Error', text: (error as Error)?.message ?? String(error) };
}
