/**
 * `GET /ops/queues`: both queues' depth from GetQueueAttributes.
 *
 * `oldestAgeSeconds` is always `null` in this version. SQS has no queue attribute for it; the
 * number is CloudWatch's `ApproximateAgeOfOldestMessage`, which the dashboard graphs and the
 * queue-age alarm watches. Reading it here would add a CloudWatch client to this bundle (cold
 * start, see issue 11) and `cloudwatch:GetMetricData`, which IAM cannot scope to a queue.
 * The field stays in the shape so a later version can fill it without breaking clients.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface QueueDepth {
  /** ApproximateNumberOfMessages: waiting to be received. */
  readonly visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received, neither deleted nor back yet. */
  readonly inFlight: number;
  readonly oldestAgeSeconds: number | null;
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  }));
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    oldestAgeSeconds: null,
  };
}
