/**
 * One stream of lines on the terminal, each prefixed by where it came from: `[api]` and
 * `[worker]` for the handlers' JSON log lines (as CloudWatch would hold them), `[local]` for
 * the runner itself, `[moto]` for the emulator when asked for.
 */

export interface LogLine {
  /** `api`, `worker` (the function's short name), a stage worker's function name, `local` or `moto`. */
  readonly source: string;
  readonly line: string;
  /** The parsed line when it is a JSON object (Powertools structured logs are). */
  readonly json?: Record<string, unknown>;
}

export type LogListener = (line: LogLine) => void;

export interface LogSinkOptions {
  /** Print nothing (listeners still get every line). */
  readonly quiet?: boolean;
  readonly onLog?: LogListener;
  /** @default process.stdout */
  readonly out?: NodeJS.WritableStream;
  /** Colour the prefixes. @default when `out` is a TTY and NO_COLOR is unset */
  readonly color?: boolean;
}

const COLORS: Record<string, string> = { local: '32', api: '36', worker: '35', moto: '90' };

export class LogSink {
  private readonly out: NodeJS.WritableStream;
  private readonly color: boolean;

  constructor(private readonly options: LogSinkOptions = {}) {
    this.out = options.out ?? process.stdout;
    this.color = options.color ?? (Boolean((this.out as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR);
  }

  /** A line from a source; JSON lines are parsed once here for listeners. */
  write(source: string, line: string): void {
    const entry: LogLine = { source, line, json: parseJsonObject(line) };
    this.options.onLog?.(entry);
    if (this.options.quiet) return;
    const prefix = `[${source}]`;
    const colored = this.color ? `\u001b[${COLORS[source] ?? '33'}m${prefix}\u001b[0m` : prefix;
    this.out.write(`${colored} ${line}\n`);
  }

  /** The runner's own messages. */
  local(message: string): void {
    this.write('local', message);
  }
}

function parseJsonObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
