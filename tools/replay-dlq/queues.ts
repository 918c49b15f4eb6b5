/**
 * What the replay needs to know about the two queues before it touches a message: that both
 * exist, whether they are FIFO, and that the main queue's redrive policy names this DLQ.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface QueueInfo {
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  /** Visible and in-flight messages. */
  readonly depth: number;
  /** `deadLetterTargetArn` of the queue's RedrivePolicy, if it has one. */
  readonly deadLetterTargetArn?: string;
}

export type QueueRole = 'DLQ' | 'main queue';

/** One of the queues does not exist (or is not visible to these credentials). */
export class QueueNotFoundError extends Error {
  public readonly name = 'QueueNotFoundError';
  constructor(public readonly role: QueueRole, public readonly queueUrl: string) {
    super(`The ${role} ${queueUrl} does not exist (check the URL, the region and the account).`);
  }
}

/**
 * The main queue does not send its failures to this DLQ. Replaying anyway would move messages
 * between queues that do not belong together (a DLQ of another stage or stack, say), where
 * nothing processes them as orders or where they are not idempotent.
 */
export class QueueMismatchError extends Error {
  public readonly name = 'QueueMismatchError';
  constructor(dlq: QueueInfo, main: QueueInfo) {
    const found = main.deadLetterTargetArn === undefined
      ? `has no RedrivePolicy, so ${dlq.arn} is not its dead-letter queue`
      : `sends its failures to ${main.deadLetterTargetArn}, not to ${dlq.arn}`;
    super(`The main queue ${main.arn} ${found}. These queues do not belong together: check the URLs, ` +
      'or pass --force to replay into it anyway.');
  }
}

/** Both queues exist: checked before anything is received, so a wrong URL changes nothing. */
export async function describeQueues(sqs: SQSClient, dlqUrl: string, mainQueueUrl: string): Promise<{ dlq: QueueInfo; main: QueueInfo }> {
  return { dlq: await describeQueue(sqs, dlqUrl, 'DLQ'), main: await describeQueue(sqs, mainQueueUrl, 'main queue') };
}

/** Throws QueueMismatchError unless the main queue's redrive policy targets this DLQ. */
export function checkRedrivePolicy(dlq: QueueInfo, main: QueueInfo): void {
  if (main.deadLetterTargetArn !== dlq.arn) throw new QueueMismatchError(dlq, main);
}

async function describeQueue(sqs: SQSClient, url: string, role: QueueRole): Promise<QueueInfo> {
  try {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', 'FifoQueue', 'RedrivePolicy', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }));
    return {
      url,
      arn: Attributes.QueueArn ?? '',
      fifo: Attributes.FifoQueue === 'true',
      depth: Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      deadLetterTargetArn: deadLetterTargetOf(Attributes.RedrivePolicy),
    };
  } catch (error) {
    if (isQueueNotFound(error)) throw new QueueNotFoundError(role, url);
    throw error;
  }
}

/** An unreadable policy names no DLQ: the check then refuses, which is the safe side. */
function deadLetterTargetOf(redrivePolicy: string | undefined): string | undefined {
  if (!redrivePolicy) return undefined;
  try {
    const target = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof target === 'string' ? target : undefined;
  } catch {
    return undefined;
  }
}

/** Visible and in-flight messages; undefined if the count could not be read. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number | undefined> {
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

export function isQueueNotFound(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue';
}
