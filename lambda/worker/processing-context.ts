/** What a processor gets beside the order: a logger with the order's ids, metrics, its attempt and time. */
import type { Context, SQSRecord } from 'aws-lambda';
import type { ReceivedOrderDetail } from './order-event';
import { attemptOf } from './order-status';
import type { OrderProcessingContext } from './public-types';
import { logger } from '../shared/log';
import { metrics } from '../shared/metrics';

export function processingContext(detail: ReceivedOrderDetail, record: SQSRecord, context: Context, maxAttempts: number): OrderProcessingContext {
  const attempt = attemptOf(record);
  // A child per record: records of a batch run in parallel, so keys appended to the shared logger would mix.
  const child = logger.createChild({ persistentKeys: { orderId: detail.orderId, eventId: detail.eventId } });
  return {
    logger: child,
    metrics: metrics(),
    attempt,
    maxAttempts,
    isLastAttempt: attempt >= maxAttempts,
    remainingTimeInMillis: () => context.getRemainingTimeInMillis(),
    lambdaContext: context,
  };
}
