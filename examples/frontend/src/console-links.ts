/**
 * Links into the AWS console for one order: CloudWatch Logs Insights with the runbook's
 * correlate query (src/observability/log-queries.ts, the query the construct ships as a saved
 * QueryDefinition) filled in with the order's ids, and the workflow's dashboard.
 */
import {
  CORRELATE_QUERY, EVENT_ID_PLACEHOLDER, ORDER_ID_PLACEHOLDER, renderLogQuery,
} from '../../../src/observability/log-queries';

/** The correlate query for one order, as Logs Insights runs it. */
export function correlateQuery(orderId: string, eventId: string): string {
  return renderLogQuery(CORRELATE_QUERY)
    .replace(JSON.stringify(ORDER_ID_PLACEHOLDER), JSON.stringify(orderId))
    .replace(JSON.stringify(EVENT_ID_PLACEHOLDER), JSON.stringify(eventId));
}

/**
 * The console's Logs Insights URL encodes its state (`queryDetail`) in the fragment, in the
 * console's own notation: `~(key~value~...)` objects, `'text` strings whose special characters
 * are percent-encoded with `*` instead of `%`, and the `?`/`=` before it written `$3F`/`$3D`.
 */
export function logsInsightsUrl(region: string, logGroupNames: readonly string[], query: string, lastSeconds = 24 * 3600): string {
  const text = (value: string) => `'${consoleEscape(value)}`;
  const detail = `~(end~0~start~-${lastSeconds}~timeType~'RELATIVE~unit~'seconds~editorString~${text(query)}` +
    `~source~(${logGroupNames.map((name) => `~${text(name)}`).join('')}))`;
  return `${consoleHome(region)}#logsV2:logs-insights$3FqueryDetail$3D${detail}`;
}

export function dashboardUrl(region: string, dashboardName: string): string {
  return `${consoleHome(region)}#dashboards/dashboard/${encodeURIComponent(dashboardName)}`;
}

function consoleHome(region: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${encodeURIComponent(region)}`;
}

/** Every character but letters, digits and `-_.` as `*XX` (UTF-8 bytes). */
function consoleEscape(value: string): string {
  return Array.from(new TextEncoder().encode(value), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.]/.test(char) ? char : `*${byte.toString(16).padStart(2, '0')}`;
  }).join('');
}
