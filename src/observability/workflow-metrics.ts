import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { BUSINESS_METRICS, REJECTION_REASON_DIMENSION, RejectionReason, rejectionHandler } from './business-metric-names';
import { businessMetric } from './business-metrics';
import { OrderRejectionReason } from './order-rejection-reason';

/**
 * The `metricXxx()` methods of OrdersWorkflow: each business metric in the workflow's namespace
 * with exactly the dimensions its handler emits, so a chart or alarm built on it has data.
 */
export class WorkflowMetrics {
  constructor(private readonly namespace: string) {}

  public ordersAccepted(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return businessMetric(this.namespace, 'api', BUSINESS_METRICS.ordersAccepted, options);
  }

  public ordersRejected(reason: OrderRejectionReason, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const handler = rejectionHandler(reason as string as RejectionReason);
    return businessMetric(this.namespace, handler, BUSINESS_METRICS.ordersRejected, options, { [REJECTION_REASON_DIMENSION]: reason });
  }

  public ordersProcessed(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return businessMetric(this.namespace, 'worker', BUSINESS_METRICS.ordersProcessed, options);
  }

  public ordersFailed(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return businessMetric(this.namespace, 'worker', BUSINESS_METRICS.ordersFailed, options);
  }

  public duplicatesIgnored(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return businessMetric(this.namespace, 'worker', BUSINESS_METRICS.duplicatesIgnored, options);
  }

  /** A latency, not a count: averaged unless the options say otherwise (p99 is the usual alarm). */
  public processingLatency(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return businessMetric(this.namespace, 'worker', BUSINESS_METRICS.processingLatency,
      { statistic: cloudwatch.Stats.AVERAGE, ...options });
  }
}
