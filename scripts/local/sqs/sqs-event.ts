/**
 * The two halves of Lambda's SQS event source mapping contract, as pure functions:
 * messages -> the SQSEvent a function receives, and the function's answer -> which
 * messages stay on the queue.
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

export function toSqsEvent(messages: readonly Message[], queueArn: string, region: string): SQSEvent {
  return { Records: messages.map((message) => toSqsRecord(message, queueArn, region)) };
}

function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const record: SQSRecord = {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: { ...message.Attributes } as unknown as SQSRecordAttributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, toRecordAttribute(value)]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes) {
    (record as SQSRecord & { md5OfMessageAttributes: string }).md5OfMessageAttributes = message.MD5OfMessageAttributes;
  }
  return record;
}

/** SQS API shape -> Lambda event shape (camelCase, binary as base64, lists always present). */
function toRecordAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: base64(value.BinaryValue) } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: value.DataType as SQSMessageAttribute['dataType'],
  };
}

export interface BatchVerdict {
  /** Message ids to leave on the queue (they come back after the visibility timeout). */
  readonly failed: ReadonlySet<string>;
  /** Why the whole batch failed, when it did. */
  readonly wholeBatchReason?: string;
}

/**
 * Lambda's rules for an invocation's result
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html):
 * - the function failed (threw, timed out, crashed): every message stays;
 * - without ReportBatchItemFailures, success deletes every message;
 * - with it, `batchItemFailures` names the messages that stay; a null/empty response or an
 *   empty list means all succeeded; an entry with a missing or unknown itemIdentifier fails
 *   the whole batch.
 */
export function batchVerdict(
  messageIds: readonly string[],
  invocation: { readonly ok: boolean; readonly value?: unknown; readonly reason?: string },
  reportBatchItemFailures: boolean,
): BatchVerdict {
  const all = new Set(messageIds);
  if (!invocation.ok) return { failed: all, wholeBatchReason: invocation.reason ?? 'function error' };
  if (!reportBatchItemFailures) return { failed: new Set() };

  const response = invocation.value as { batchItemFailures?: unknown } | null | undefined;
  const failures = response?.batchItemFailures;
  if (failures === undefined || failures === null) return { failed: new Set() };
  if (!Array.isArray(failures)) return { failed: all, wholeBatchReason: 'batchItemFailures is not a list' };
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) {
      return { failed: all, wholeBatchReason: `invalid itemIdentifier ${JSON.stringify(id)} in batchItemFailures` };
    }
    failed.add(id);
  }
  return { failed };
}
