import { FAILURES_QUERY, logLineMatches, renderLogQuery } from '../../src/observability/log-queries';

/**
 * The lines Lambda itself writes in JSON log format, which the handler tests never see: the
 * runtime's error line (it has a `level`) and the platform events (`{ time, type, record }`,
 * Telemetry API schema, no `level`). The failures query must find every failed invocation
 * among them, and none of the successful ones.
 */
const requestId = '8f5e1c2a-6b0d-4b7e-9a51-0c7d2f3e4a10';
const time = '2026-11-24T10:00:00.000Z';
const metrics = { durationMs: 30000, billedDurationMs: 30000, memorySizeMB: 256, maxMemoryUsedMB: 90 };

const failed: Array<[string, Record<string, unknown>]> = [
  ['a timeout (platform.report)', { time, type: 'platform.report', record: { requestId, metrics, status: 'timeout' } }],
  ['a timeout (platform.runtimeDone)', { time, type: 'platform.runtimeDone', record: { requestId, status: 'timeout' } }],
  ['a runtime that exited', { time, type: 'platform.runtimeDone', record: { requestId, status: 'failure', errorType: 'Runtime.ExitError' } }],
  ['a handler error (platform.report)', { time, type: 'platform.report', record: { requestId, metrics, status: 'error', errorType: 'FullBatchFailureError' } }],
  ['the runtime\'s own error line', {
    timestamp: time, level: 'ERROR', requestId, message: { errorType: 'FullBatchFailureError', errorMessage: 'All records failed', stackTrace: [] },
  }],
];

const succeeded: Array<[string, Record<string, unknown>]> = [
  ['platform.start', { time, type: 'platform.start', record: { requestId, version: '$LATEST' } }],
  ['a successful platform.report', { time, type: 'platform.report', record: { requestId, metrics, status: 'success' } }],
  ['a successful platform.runtimeDone', { time, type: 'platform.runtimeDone', record: { requestId, status: 'success' } }],
  ['an INFO line', { timestamp: time, level: 'INFO', msg: 'order_processed', outcome: 'processed' }],
];

test.each(failed)('the failures query finds %s', (_name, line) => {
  expect(logLineMatches(FAILURES_QUERY, line)).toBe(true);
});

test.each(succeeded)('the failures query skips %s', (_name, line) => {
  expect(logLineMatches(FAILURES_QUERY, line)).toBe(false);
});

test('the saved text names the nested field the way Logs Insights flattens JSON', () => {
  expect(renderLogQuery(FAILURES_QUERY)).toContain('record.status = "timeout" or record.status = "failure" or record.status = "error"');
});
