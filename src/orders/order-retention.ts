// Type-only imports: the handler bundles import the constant below from this file.
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { ResolvedProps } from '../resolved-props';

/**
 * How long the functions that write order records keep them, in seconds
 * (lambda/shared/order-retention.ts reads it). Unset, records carry no TTL and are kept.
 */
export const ORDER_RETENTION_ENV = 'ORDER_RETENTION_SECONDS';

/** Adds the retention to every function that writes order records: the API (ACCEPTED) and the worker. */
export function applyOrderRetention(settings: ResolvedProps, writers: LambdaFunction[]): void {
  if (settings.orderRetention === undefined) return;
  const seconds = String(settings.orderRetention.toSeconds());
  for (const fn of writers) fn.addEnvironment(ORDER_RETENTION_ENV, seconds);
}
