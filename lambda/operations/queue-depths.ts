/**
 * `GET /ops/queues`: a queue's depth from GetQueueAttributes; its oldest message's age comes
 * from CloudWatch (oldest-message-age.ts).
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface QueueCounts {
  /** ApproximateNumberOfMessages: waiting to be received. */
  readonly visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received, neither deleted nor back yet. */
  readonly inFlight: number;
}

export interface QueueDepth extends QueueCounts {
  /** CloudWatch's ApproximateAgeOfOldestMessage, `null` when unknown (oldest-message-age.ts). */
  readonly oldestAgeSeconds: number | null;
}

export async function queueCounts(sqs: SQSClient, queueUrl: string): Promise<QueueCounts> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  }));
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
