/**
 * `oldestAgeSeconds` of `GET /ops/queues`: CloudWatch's `ApproximateAgeOfOldestMessage` (AWS/SQS,
 * Maximum per minute), the latest datapoint of the last 15 minutes. SQS has no queue attribute
 * for it, and receiving a message to look at it would change the queue. `null` when CloudWatch
 * has no datapoint (SQS publishes no metrics for a queue idle for hours, nor, locally, does moto)
 * or cannot be read: the depths are still worth answering, so a CloudWatch failure is logged,
 * not a 502.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { errorMessageOf, LOG_EVENTS, logOutcome } from '../shared/log';

const LOOKBACK_MS = 15 * 60_000;
/** The end a minute ahead: the current, still filling minute is the latest datapoint too. */
const LOOKAHEAD_MS = 60_000;

/** The queue's name is the last part of its ARN (`arn:aws:sqs:<region>:<account>:<name>`). */
export function queueNameOf(queueArn: string): string {
  return queueArn.slice(queueArn.lastIndexOf(':') + 1);
}

/** One CloudWatch call for every queue; the answers in the order of `queueArns`. */
export async function oldestMessageAges(cloudwatch: CloudWatchClient, queueArns: readonly string[], now = Date.now()): Promise<(number | null)[]> {
  try {
    const { MetricDataResults = [] } = await cloudwatch.send(new GetMetricDataCommand({
      StartTime: new Date(now - LOOKBACK_MS),
      EndTime: new Date(now + LOOKAHEAD_MS),
      ScanBy: 'TimestampDescending',
      MetricDataQueries: queueArns.map((arn, index) => ({
        Id: `q${index}`,
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: queueNameOf(arn) }] },
          Period: 60,
          Stat: 'Maximum',
        },
      })),
    }));
    return queueArns.map((_, index) => {
      const result = MetricDataResults.find((candidate) => candidate.Id === `q${index}`);
      const latest = result?.Values?.[0];
      return typeof latest === 'number' && Number.isFinite(latest) ? Math.round(latest) : null;
    });
  } catch (error) {
    logOutcome('warn', LOG_EVENTS.queueAgeUnavailable, { errorMessage: errorMessageOf(error) });
    return queueArns.map(() => null);
  }
}
