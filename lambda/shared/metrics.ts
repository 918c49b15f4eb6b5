/**
 * Business metrics as CloudWatch Embedded Metric Format lines (Powertools Metrics): CloudWatch
 * Logs turns them into metrics, with no API call and no permission beyond writing the log.
 * Namespace from POWERTOOLS_METRICS_NAMESPACE, `service` dimension from POWERTOOLS_SERVICE_NAME
 * (both set by the construct). The names are shared with the construct's alarm and dashboard.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  BUSINESS_METRICS, REJECTION_REASON_DIMENSION, RejectionReason,
} from '../../src/observability/business-metric-names';

/**
 * Without a namespace Powertools writes to `default_namespace`, where no alarm looks, and
 * prints a plain-text warning on every publish: fail the init instead, like a missing table.
 */
function readNamespace(env: NodeJS.ProcessEnv): string {
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE?.trim();
  if (!namespace) {
    throw new Error('POWERTOOLS_METRICS_NAMESPACE must be set to the CloudWatch namespace of the business metrics');
  }
  return namespace;
}

let instance: Metrics | undefined;

/**
 * One buffer per container, flushed once per invocation by `publishMetrics`. Created on first
 * use, not on import: importing the worker runtime must not fail before `createOrderWorker` runs.
 */
export function metrics(): Metrics {
  instance ??= new Metrics({ namespace: readNamespace(process.env) });
  return instance;
}

/**
 * Writes the invocation's metrics as one EMF line, and nothing when there are none (Powertools
 * would log a warning for every replay or 5xx otherwise). Call it in a `finally`, so a thrown
 * error loses no metric; it also clears the per-invocation `reason` dimension.
 */
export function publishMetrics(): void {
  if (metrics().hasStoredMetrics()) {
    metrics().publishStoredMetrics();
  }
}

export function recordAccepted(): void {
  metrics().addMetric(BUSINESS_METRICS.ordersAccepted, MetricUnit.Count, 1);
}

/**
 * At most one per API invocation, so the `reason` dimension (cleared on publish) applies to this
 * metric only and the line has the dimension set [service, reason].
 */
export function recordRejected(reason: RejectionReason): void {
  metrics().addDimension(REJECTION_REASON_DIMENSION, reason);
  metrics().addMetric(BUSINESS_METRICS.ordersRejected, MetricUnit.Count, 1);
}

/**
 * Worker: the processor refused an order for good (PermanentOrderError). A line of its own: a
 * `reason` dimension on the batch's buffer would also land on the other records' metrics.
 */
export function recordRejectedByProcessor(): void {
  const single = metrics().singleMetric();
  single.addDimension(REJECTION_REASON_DIMENSION, 'processor' satisfies RejectionReason);
  single.addMetric(BUSINESS_METRICS.ordersRejected, MetricUnit.Count, 1);
}

/**
 * Standard resolution: the alarm and dashboard read minutes, and high resolution costs more.
 * Never negative: the API's and the worker's clocks may disagree by a few milliseconds.
 */
export function recordProcessed(createdAt: string, processedAt: string): void {
  metrics().addMetric(BUSINESS_METRICS.ordersProcessed, MetricUnit.Count, 1);
  const latency = Date.parse(processedAt) - Date.parse(createdAt);
  if (Number.isFinite(latency)) {
    metrics().addMetric(BUSINESS_METRICS.processingLatency, MetricUnit.Milliseconds, Math.max(0, latency));
  }
}

export function recordFailed(): void {
  metrics().addMetric(BUSINESS_METRICS.ordersFailed, MetricUnit.Count, 1);
}

export function recordDuplicate(): void {
  metrics().addMetric(BUSINESS_METRICS.duplicatesIgnored, MetricUnit.Count, 1);
}
