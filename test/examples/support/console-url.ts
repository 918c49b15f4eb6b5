/**
 * Reads the CloudWatch console URLs the page links to. The Logs Insights state sits in the
 * fragment in the console's notation: `~(key~value~...)`, `'text` values percent-encoded with
 * `*` instead of `%`, the `?`/`=` before it written `$3F`/`$3D`.
 */
export interface LogsInsightsLink {
  readonly region: string;
  readonly query: string;
  readonly logGroups: string[];
}

function unescapeConsole(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '*') {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(value.charCodeAt(i));
    }
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

export function parseLogsInsightsUrl(href: string): LogsInsightsLink {
  const url = new URL(href);
  const prefix = 'logsV2:logs-insights$3FqueryDetail$3D';
  const fragment = url.hash.slice(1);
  if (!fragment.startsWith(prefix)) throw new Error(`Not a Logs Insights URL: ${href}`);
  const detail = fragment.slice(prefix.length);
  const editor = /~editorString~'([A-Za-z0-9\-_.*]*)~/.exec(detail)?.[1];
  const sources = /~source~\(((?:~'[A-Za-z0-9\-_.*]*)*)\)\)$/.exec(detail)?.[1];
  if (editor === undefined || sources === undefined) throw new Error(`No query or log groups in ${href}`);
  return {
    region: url.searchParams.get('region') ?? '',
    query: unescapeConsole(editor),
    logGroups: sources.split("~'").filter(Boolean).map(unescapeConsole),
  };
}
