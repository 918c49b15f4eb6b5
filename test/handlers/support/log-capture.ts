/**
 * Captures what the handlers really write. Powertools Logger prints through its own
 * Console bound to process.stdout (INFO/WARN) and process.stderr (ERROR), both of which
 * reach CloudWatch Logs in Lambda, so both are captured.
 */
export type LogLine = Record<string, unknown>;

export interface LogCapture {
  /** Every chunk written, parsed; throws if any chunk is not exactly one JSON object line. */
  lines(): LogLine[];
  /** The lines whose `msg` is `msg`. */
  withMsg(msg: string): LogLine[];
  restore(): void;
}

export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const record = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(record);

  const lines = (): LogLine[] =>
    chunks.map((chunk) => {
      if (!chunk.endsWith('\n') || chunk.indexOf('\n') !== chunk.length - 1) {
        throw new Error(`Not exactly one line: ${JSON.stringify(chunk)}`);
      }
      const parsed: unknown = JSON.parse(chunk);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`Not a JSON object: ${chunk}`);
      }
      return parsed as LogLine;
    });

  return {
    lines,
    withMsg: (msg) => lines().filter((line) => line.msg === msg),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
