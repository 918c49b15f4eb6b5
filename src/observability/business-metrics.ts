import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  BUSINESS_METRICS, handlerServiceName, REJECTION_REASON_DIMENSION, REJECTION_REASONS, RejectionReason, rejectionHandler, SERVICE_DIMENSION,
} from './business-metric-names';

/**
 * The handlers' business metrics as CloudWatch sees them: the namespace the construct passes as
 * POWERTOOLS_METRICS_NAMESPACE and exactly the dimension sets the handlers emit ([service] and,
 * for rejections, [service, reason]). A metric with any other dimension set is another metric,
 * with no data.
 */
export interface BusinessMetrics {
  readonly accepted: cloudwatch.Metric;
  readonly rejected: Record<RejectionReason, cloudwatch.Metric>;
  readonly processed: cloudwatch.Metric;
  readonly failed: cloudwatch.Metric;
  readonly duplicates: cloudwatch.Metric;
  readonly latencyP50: cloudwatch.Metric;
  readonly latencyP99: cloudwatch.Metric;
  /** failed / (processed + failed), 0 when the worker did nothing. */
  readonly failureRate: cloudwatch.MathExpression;
}

/**
 * One business metric as the `handler` emits it: its namespace, name and dimension set ([service],
 * plus `extraDimensions`). Options may change the statistic, period, label..., never the
 * dimensions, which would name a metric nobody writes. Counts default to Sum.
 */
export function businessMetric(
  namespace: string, handler: 'api' | 'worker', metricName: string,
  options: cloudwatch.MetricOptions = {}, extraDimensions: Record<string, string> = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    statistic: cloudwatch.Stats.SUM,
    ...options,
    namespace,
    metricName,
    dimensionsMap: { [SERVICE_DIMENSION]: handlerServiceName(handler), ...extraDimensions },
  });
}

export function businessMetrics(namespace: string, period: Duration): BusinessMetrics {
  const metric = (handler: 'api' | 'worker', metricName: string, options: Partial<cloudwatch.MetricProps> = {}) =>
    businessMetric(namespace, handler, metricName, { period, ...options }, options.dimensionsMap);
  const rejected = Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, metric(rejectionHandler(reason), BUSINESS_METRICS.ordersRejected, {
    dimensionsMap: { [REJECTION_REASON_DIMENSION]: reason },
    label: `Rejected: ${reason}`,
  })])) as Record<RejectionReason, cloudwatch.Metric>;
  const processed = metric('worker', BUSINESS_METRICS.ordersProcessed, { label: 'Processed' });
  const failed = metric('worker', BUSINESS_METRICS.ordersFailed, { label: 'Failed attempts' });
  return {
    accepted: metric('api', BUSINESS_METRICS.ordersAccepted, { label: 'Accepted' }),
    rejected,
    processed,
    failed,
    duplicates: metric('worker', BUSINESS_METRICS.duplicatesIgnored, { label: 'Duplicates ignored' }),
    latencyP50: metric('worker', BUSINESS_METRICS.processingLatency, { statistic: 'p50', label: 'Processing latency p50' }),
    latencyP99: metric('worker', BUSINESS_METRICS.processingLatency, { statistic: 'p99', label: 'Processing latency p99' }),
    failureRate: new cloudwatch.MathExpression({
      // IF: no attempts is an idle worker, a rate of 0, not a division by zero.
      expression: 'IF((processed + failed) > 0, failed / (processed + failed), 0)',
      usingMetrics: { processed, failed },
      period,
      label: 'Failure rate (failed / attempts)',
    }),
  };
}
