/**
 * The CloudWatch Logs Insights queries of the runbook, kept as data so that
 * (1) the construct ships them as saved QueryDefinitions, (2) docs/operations.md prints them,
 * and (3) the handler tests run their filters against the log lines the handlers really
 * write. Powertools writes `level` in capitals (`"ERROR"`), so the queries say `ERROR`.
 */

/** `field = "value"`; a query's filter is the OR of its conditions. */
export interface LogQueryCondition {
  readonly field: string;
  readonly equals: string;
}

export type LogQueryTarget = 'api' | 'worker';

export interface LogQuerySpec {
  /** Saved-query name suffix (the construct prefixes it). */
  readonly name: string;
  readonly title: string;
  /** Which function log groups the query runs against. */
  readonly logGroups: LogQueryTarget[];
  readonly fields: string[];
  readonly anyOf: LogQueryCondition[];
  readonly sort: 'asc' | 'desc';
  readonly limit?: number;
}

/** Placeholders of the correlation query, replaced by real ids when it is used. */
export const EVENT_ID_PLACEHOLDER = 'PUT_EVENT_ID_HERE';
export const ORDER_ID_PLACEHOLDER = 'PUT_ORDER_ID_HERE';

export const DUPLICATES_QUERY: LogQuerySpec = {
  name: 'duplicate-events',
  title: 'Find duplicate events (idempotency)',
  logGroups: ['worker'],
  fields: ['@timestamp', '@message', 'eventId', 'orderId', 'msg', 'outcome'],
  anyOf: [
    { field: 'msg', equals: 'duplicate' },
    { field: 'outcome', equals: 'duplicate_ignored' },
  ],
  sort: 'desc',
  limit: 50,
};

/**
 * `msg` of the worker's line for one failed record, written even when the rest of its batch
 * succeeds (lambda/shared/log.ts). The failures query and the record-failure metric filter
 * both key on it.
 */
export const PROCESSING_FAILED_MSG = 'processing_failed';

/**
 * `record.status` of the platform events Lambda writes (JSON log format, Telemetry API schema:
 * `{ time, type, record }`) for an invocation that did not succeed. They carry no `level`, and in
 * JSON format they are the only trace of a timeout (`timeout`) or of a runtime that exited
 * (`failure`, e.g. `Runtime.ExitError`); `error` is a handler error. System log level WARN keeps them.
 */
export const FAILED_INVOCATION_STATUSES = ['timeout', 'failure', 'error'];

export const FAILURES_QUERY: LogQuerySpec = {
  name: 'worker-failures',
  title: 'Find failures in the worker Lambda',
  logGroups: ['worker'],
  fields: ['@timestamp', '@message', 'level', 'msg', 'eventId', 'orderId', 'errorMessage'],
  anyOf: [
    { field: 'level', equals: 'ERROR' },
    { field: 'msg', equals: PROCESSING_FAILED_MSG },
    ...FAILED_INVOCATION_STATUSES.map((status) => ({ field: 'record.status', equals: status })),
  ],
  sort: 'desc',
  limit: 50,
};

export const CORRELATE_QUERY: LogQuerySpec = {
  name: 'correlate-order',
  title: 'Correlate by orderId or eventId across the API and worker logs',
  logGroups: ['api', 'worker'],
  fields: ['@timestamp', '@logGroup', '@logStream', 'level', 'msg', 'eventId', 'orderId'],
  anyOf: [
    { field: 'eventId', equals: EVENT_ID_PLACEHOLDER },
    { field: 'orderId', equals: ORDER_ID_PLACEHOLDER },
  ],
  sort: 'asc',
};

export const LOG_QUERIES: LogQuerySpec[] = [DUPLICATES_QUERY, FAILURES_QUERY, CORRELATE_QUERY];

/** The query's filter expression: `a = "x" or b = "y"`. */
export function renderLogQueryFilter(spec: LogQuerySpec): string {
  return spec.anyOf.map((c) => `${c.field} = ${JSON.stringify(c.equals)}`).join(' or ');
}

/** Renders a spec as Logs Insights query text. */
export function renderLogQuery(spec: LogQuerySpec): string {
  const lines = [
    `fields ${spec.fields.join(', ')}`,
    `| filter ${renderLogQueryFilter(spec)}`,
    `| sort @timestamp ${spec.sort}`,
  ];
  if (spec.limit !== undefined) {
    lines.push(`| limit ${spec.limit}`);
  }
  return lines.join('\n');
}

/**
 * Whether one parsed JSON log line passes the query's filter, the way Logs Insights
 * evaluates `field = "value"` on auto-discovered JSON fields (exact, case-sensitive; a nested
 * field is named by its dotted path, `record.status`).
 * `substitutions` replaces placeholder values (e.g. the correlation ids).
 */
export function logLineMatches(
  spec: LogQuerySpec,
  line: Record<string, unknown>,
  substitutions: Record<string, string> = {},
): boolean {
  return spec.anyOf.some((c) => fieldValue(line, c.field) === (substitutions[c.equals] ?? c.equals));
}

function fieldValue(line: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>(
    (value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), line);
}
