/**
 * The command line of the local runner, shared by `npm run local` (main.ts: this repo's stack
 * or --app-dir) and the package's bin `orders-workflow-local` (tools/local/cli.ts: --app-dir only).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FAILURE_INJECTION, FAILURE_INJECTION_CHOICES, FailureInjectionChoice } from '../lambda/failure-injection';
import { DEFAULT_API_PORT, LocalWorkflowOptions } from '../runner';

export class UsageError extends Error {}

/** What both commands take; `appDir` and `authorization` are left to each command to turn into a template source. */
export interface RunnerCommandLine {
  readonly help: boolean;
  readonly appDir?: string;
  readonly stackName?: string;
  readonly authorization?: string;
  readonly outputsFile: string;
  readonly options: Omit<LocalWorkflowOptions, 'template'> & { readonly port: number };
}

export function parseRunnerCommandLine(argv: string[]): RunnerCommandLine {
  const { values } = parseArgs({
    args: argv,
    options: {
      'port': { type: 'string' },
      'emulator-port': { type: 'string' },
      'emulator-endpoint': { type: 'string' },
      'visibility-timeout': { type: 'string' },
      'app-dir': { type: 'string' },
      'authorization': { type: 'string' },
      'stack': { type: 'string' },
      'failure-injection': { type: 'string' },
      'worker-env': { type: 'string', multiple: true },
      'outputs-file': { type: 'string' },
      'quiet': { type: 'boolean' },
      'emulator-logs': { type: 'boolean' },
      'help': { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} must be a port number (0-65535), got "${value}"`);
    return n;
  };
  const visibility = values['visibility-timeout'];
  let visibilityTimeoutSeconds: number | 'template' | undefined;
  if (visibility === 'template') {
    visibilityTimeoutSeconds = 'template';
  } else if (visibility !== undefined) {
    const seconds = Number(visibility);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
      throw new UsageError(`--visibility-timeout must be whole seconds from 0 to 43200 or "template", got "${visibility}"`);
    }
    visibilityTimeoutSeconds = seconds;
  }
  const workerEnv: Record<string, string> = {};
  for (const pair of values['worker-env'] ?? []) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new UsageError(`--worker-env expects KEY=VALUE, got "${pair}"`);
    workerEnv[match[1]] = match[2];
  }
  if (values.stack !== undefined && values['app-dir'] === undefined) throw new UsageError('--stack needs --app-dir');
  const failureInjection = values['failure-injection'] ?? DEFAULT_FAILURE_INJECTION;
  if (!(FAILURE_INJECTION_CHOICES as readonly string[]).includes(failureInjection)) {
    throw new UsageError(`--failure-injection must be one of ${FAILURE_INJECTION_CHOICES.join(', ')}, got "${failureInjection}"`);
  }
  const emulatorEndpoint = values['emulator-endpoint'];
  if (emulatorEndpoint !== undefined) {
    const url = URL.canParse(emulatorEndpoint) ? new URL(emulatorEndpoint) : undefined;
    if (!url || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new UsageError(`--emulator-endpoint must be a URL on this machine (127.0.0.1 or localhost), got "${emulatorEndpoint}"`);
    }
    if (values['emulator-port'] !== undefined) throw new UsageError('--emulator-port and --emulator-endpoint exclude each other');
  }
  const outputsFile = path.resolve(values['outputs-file'] ?? path.join('.local', 'outputs.json'));

  return {
    help: values.help === true,
    appDir: values['app-dir'] !== undefined ? path.resolve(values['app-dir']) : undefined,
    stackName: values.stack,
    authorization: values.authorization,
    outputsFile,
    options: {
      port: port('port', values.port) ?? DEFAULT_API_PORT,
      emulatorPort: port('emulator-port', values['emulator-port']),
      emulatorEndpoint: emulatorEndpoint?.replace(/\/+$/, ''),
      visibilityTimeoutSeconds,
      workerEnv,
      failureInjection: failureInjection as FailureInjectionChoice,
      outputsFile,
      quiet: values.quiet === true,
      emulatorLogs: values['emulator-logs'] === true,
    },
  };
}

/** The options both usages list, after each command's own. */
export function commonOptionsHelp(defaults: { port: number; visibilityTimeoutSeconds: number }): string {
  return `  --port <n>                 API port on 127.0.0.1 (0 = any free port)       [${defaults.port}]
  --emulator-port <n>        port for moto_server                            [a free port]
  --emulator-endpoint <url>  use a moto that is already running (kept, with its queues and
                             messages, when the runner stops), e.g. http://127.0.0.1:5000
  --visibility-timeout <s>   visibility timeout of the worker queues locally (the main
                             queue's and each stage's), seconds, or "template"
                             for the stack's own value                       [${defaults.visibilityTimeoutSeconds}]
  --failure-injection <x>    sku FAIL-ME fails every attempt: on, off, or template (the
                             stack's own setting; the construct's default is off)   [on]
  --worker-env KEY=VALUE     extra main worker environment (repeatable), e.g. LOG_LEVEL=DEBUG
  --outputs-file <file>      where to write the outputs                      [.local/outputs.json]
  --quiet                    do not print handler and runner logs
  --emulator-logs            also print moto's request log
  -h, --help                 this text
`;
}
