/**
 * Reads the Embedded Metric Format lines the handlers write, as CloudWatch Logs would: one
 * datapoint per (namespace, metric, dimension set), with the dimension values taken from the line.
 */
import type { LogLine } from './log-capture';

export interface EmittedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  /** Absent for standard resolution (60 s). */
  readonly storageResolution?: number;
  /** Dimension name -> value, for one of the line's dimension sets. */
  readonly dimensions: Record<string, string>;
  /** The line's values for this metric (one, or several from one invocation). */
  readonly values: number[];
}

interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: Array<{ Name: string; Unit: string; StorageResolution?: number }>;
}

export function isEmfLine(line: LogLine): boolean {
  return typeof line._aws === 'object' && line._aws !== null;
}

/** Every metric of every EMF line, one entry per dimension set. */
export function emittedMetrics(lines: LogLine[]): EmittedMetric[] {
  return lines.filter(isEmfLine).flatMap((line) => {
    const { CloudWatchMetrics } = line._aws as { CloudWatchMetrics: EmfDirective[] };
    return CloudWatchMetrics.flatMap((directive) => directive.Metrics.flatMap((metric) => directive.Dimensions.map((set) => ({
      namespace: directive.Namespace,
      name: metric.Name,
      unit: metric.Unit,
      ...(metric.StorageResolution === undefined ? {} : { storageResolution: metric.StorageResolution }),
      dimensions: Object.fromEntries(set.map((key) => [key, String(line[key])])),
      values: ([] as number[]).concat(line[metric.Name] as number | number[]),
    }))));
  });
}
