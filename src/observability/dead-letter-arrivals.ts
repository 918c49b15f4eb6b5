import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * How many messages arrived in the dead-letter queue in each period, for an alarm that
 * notifies again for every new arrival (not once while the queue stays non-empty).
 *
 * No single SQS metric counts arrivals. `NumberOfMessagesSent` counts EventBridge's sends of
 * undeliverable events but not the messages the redrive policy moves in from the main queue,
 * the usual way in. So the arrivals are the larger of:
 * - the increase of the queue's depth, visible plus in flight (a receive by the replay tool
 *   moves a message between the two without changing the sum; a delete lowers it), and
 * - `NumberOfMessagesSent`, which still counts EventBridge's sends when a replay deleting
 *   messages in the same minute hides the increase.
 * FILL(…, 0) turns the minutes SQS publishes nothing (an idle, empty queue) into zeros, so the
 * first arrival after a quiet spell is an increase from 0 and not a difference from nothing.
 */
export function deadLetterArrivals(queue: sqs.IQueue, period: Duration): cloudwatch.MathExpression {
  const max = { period, statistic: cloudwatch.Stats.MAXIMUM };
  const depth = new cloudwatch.MathExpression({
    expression: 'FILL(visible, 0) + FILL(inFlight, 0)',
    usingMetrics: {
      visible: queue.metricApproximateNumberOfMessagesVisible(max),
      inFlight: queue.metricApproximateNumberOfMessagesNotVisible(max),
    },
    period,
  });
  return new cloudwatch.MathExpression({
    expression: 'IF(DIFF(depth) > FILL(sent, 0), DIFF(depth), FILL(sent, 0))',
    usingMetrics: { depth, sent: queue.metricNumberOfMessagesSent({ period, statistic: cloudwatch.Stats.SUM }) },
    label: 'New messages in the dead-letter queue',
    period,
  });
}
