/**
 * `npm run local [-- flags]`: the whole orders workflow on this machine, on moto, with the
 * real handler bundles. Ctrl-C stops everything it started.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EmulatorMissingError } from './emulator/moto-server';
import { DEFAULT_API_PORT, DEFAULT_VISIBILITY_TIMEOUT_SECONDS, LocalWorkflow, startLocalWorkflow, TemplateSource } from './index';
import { DEFAULT_FAILURE_INJECTION, FAILURE_INJECTION_CHOICES, FailureInjectionChoice, failureInjectionLine } from './lambda/failure-injection';
import { LocalOutputs, SECRET_OUTPUTS } from './outputs';
import { listenForCommands, RUNNER_COMMANDS_HELP } from './runner-commands';
import { LOCAL_AUTHORIZATION_MODES, LocalAuthorizationMode, localAuthorizationProps } from './template/local-stack';

const USAGE = `Usage: npm run local -- [options]

Runs the orders workflow locally: moto_server as the AWS APIs (bus, rule, queues, table
provisioned from the synthesized stack), the API on http://127.0.0.1:<port>, the worker
polling the queue. Ctrl-C stops it all.

Options:
  --port <n>                 API port on 127.0.0.1 (0 = any free port)       [${DEFAULT_API_PORT}]
  --emulator-port <n>        port for moto_server                            [a free port]
  --emulator-endpoint <url>  use a moto that is already running (kept, with its queues and
                             messages, when the runner stops), e.g. http://127.0.0.1:5000
  --visibility-timeout <s>   main queue visibility timeout locally, seconds,
                             or "template" for the stack's own value          [${DEFAULT_VISIBILITY_TIMEOUT_SECONDS}]
  --app-dir <dir>            run a synthesized app (cdk.out) instead of this repo's stack
  --authorization <mode>     this repo's stack with OrdersApiAuthorization <mode>: none, iam,
                             api-key or cognito (a user pool and a demo user)   [none]
  --stack <name>             which stack of --app-dir                        [the only one]
  --failure-injection <x>    sku FAIL-ME fails every attempt: on, off, or template (the
                             stack's own setting; the construct's default is off)   [on]
  --worker-env KEY=VALUE     extra worker environment (repeatable), e.g. LOG_LEVEL=DEBUG
  --outputs-file <file>      where to write the outputs                      [.local/outputs.json]
  --quiet                    do not print handler and runner logs
  --emulator-logs            also print moto's request log
  -h, --help                 this text
`;

function parseCommandLine(argv: string[]) {
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
  const authorization = values.authorization;
  if (authorization !== undefined) {
    if (!(LOCAL_AUTHORIZATION_MODES as readonly string[]).includes(authorization)) {
      throw new UsageError(`--authorization must be one of ${LOCAL_AUTHORIZATION_MODES.join(', ')}, got "${authorization}"`);
    }
    if (values['app-dir'] !== undefined) throw new UsageError('--authorization applies to this repo\'s stack; an --app-dir stack has its own');
  }
  const emulatorEndpoint = values['emulator-endpoint'];
  if (emulatorEndpoint !== undefined) {
    const url = URL.canParse(emulatorEndpoint) ? new URL(emulatorEndpoint) : undefined;
    if (!url || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new UsageError(`--emulator-endpoint must be a URL on this machine (127.0.0.1 or localhost), got "${emulatorEndpoint}"`);
    }
    if (values['emulator-port'] !== undefined) throw new UsageError('--emulator-port and --emulator-endpoint exclude each other');
  }
  const template: TemplateSource = values['app-dir'] !== undefined
    ? { appDir: path.resolve(values['app-dir']), stackName: values.stack }
    : {
      outdir: path.resolve('.local', 'cdk.out'),
      props: authorization !== undefined ? localAuthorizationProps(authorization as LocalAuthorizationMode) : undefined,
    };

  return {
    help: values.help === true,
    options: {
      port: port('port', values.port) ?? DEFAULT_API_PORT,
      emulatorPort: port('emulator-port', values['emulator-port']),
      emulatorEndpoint: emulatorEndpoint?.replace(/\/+$/, ''),
      visibilityTimeoutSeconds,
      workerEnv,
      failureInjection: failureInjection as FailureInjectionChoice,
      template,
      outputsFile: path.resolve(values['outputs-file'] ?? path.join('.local', 'outputs.json')),
      quiet: values.quiet === true,
      emulatorLogs: values['emulator-logs'] === true,
    },
  };
}

class UsageError extends Error {}

/** What curl needs for the API's authorization: a line or two before the examples, and its arguments. */
function authorizationHelp(outputs: LocalOutputs, outputsFile: string, ordersUseIam: boolean): { credentials: string[]; curl: string } {
  const read = (key: keyof LocalOutputs) => `$(node -p "require('${outputsFile}').${key}")`;
  const credentials: string[] = [];
  const curl: string[] = [];
  if (outputs.UserPoolId !== undefined) {
    credentials.push(
      `Sign in as ${outputs.DemoUsername} (Cognito on the emulator) and keep the ID token:`,
      `  TOKEN=$(AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws cognito-idp initiate-auth --endpoint-url ${outputs.EmulatorEndpoint} \\`,
      `    --region us-east-1 --auth-flow USER_PASSWORD_AUTH --client-id ${outputs.UserPoolClientId} \\`,
      `    --auth-parameters USERNAME=${outputs.DemoUsername},PASSWORD="${read('DemoPassword')}" --query AuthenticationResult.IdToken --output text)`,
    );
    curl.push(' -H "Authorization: $TOKEN"');
  }
  if (outputs.ApiKey !== undefined) curl.push(` -H "x-api-key: ${read('ApiKey')}"`);
  // The ops routes are AWS_IAM in every mode but Cognito: the credentials exist even when POST /orders is open.
  if (outputs.LocalAccessKeyId !== undefined && ordersUseIam) {
    credentials.push('Requests are signed with SigV4 (curl 7.75+) by the local credentials:');
    curl.push(` --aws-sigv4 aws:amz:us-east-1:execute-api --user "${outputs.LocalAccessKeyId}:${read('LocalSecretAccessKey')}"`);
  }
  return { credentials, curl: curl.join('') };
}

/**
 * The outputs, and how to place an order past the API's authorization. Credentials (the demo
 * user's password, the API key, the secret access key) are shown to a developer at a terminal
 * and masked in CI logs (`CI` set): they are in the outputs file either way.
 */
function banner(local: LocalWorkflow, outputsFile: string): string {
  const outputs = local.outputs;
  const masked = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  const width = Math.max(...Object.keys(outputs).map((key) => key.length));
  const shown = (key: keyof LocalOutputs) => (masked && SECRET_OUTPUTS.includes(key) ? '(masked in CI; see the outputs file)' : outputs[key]);
  const rows = (Object.keys(outputs) as Array<keyof LocalOutputs>).map((key) => `  ${key.padEnd(width)}  ${shown(key)}`);
  const orders = `${local.apiUrl}/orders`;
  const relativeOutputs = path.relative(process.cwd(), outputsFile) || outputsFile;
  // `node -p "require(...)"` reads a credential from the file without printing it here.
  const requirable = relativeOutputs.startsWith('..') || path.isAbsolute(relativeOutputs) ? outputsFile : `./${relativeOutputs}`;
  const ordersUseIam = local.methodAccess.some((method) => method.route === 'POST /orders' && method.authorizationType === 'AWS_IAM');
  const { credentials, curl } = authorizationHelp(outputs, requirable, ordersUseIam);
  const dlqAfter = local.worker.maxReceiveCount !== undefined
    ? ` (about ${local.worker.maxReceiveCount * local.worker.visibilityTimeoutSeconds} s: ${local.worker.maxReceiveCount} receives, ${local.worker.visibilityTimeoutSeconds} s apart)`
    : '';
  return [
    '',
    `Orders workflow running locally: stack ${local.stackName}, AWS APIs emulated by moto at ${local.emulatorEndpoint}`,
    failureInjectionLine(local.failureInjection),
    '',
    ...rows,
    `  (also in ${relativeOutputs})`,
    '',
    ...credentials,
    'Place an order:',
    `  curl -i -X POST ${orders} -H 'Content-Type: application/json'${curl} \\`,
    '    -d \'{"customerId":"cust-123","items":[{"sku":"SKU-1","qty":2},{"sku":"SKU-2","qty":1}]}\'',
    `Make one fail into the dead-letter queue${dlqAfter}:`,
    `  curl -i -X POST ${orders} -H 'Content-Type: application/json'${curl} -d '{"items":[{"sku":"FAIL-ME","qty":1}]}'`,
    'Replay the dead-letter queue into the main queue:',
    `  npm run replay-dlq -- --outputs-file ${relativeOutputs}`,
    ...opsHelp(outputs, orders, requirable),
    '',
    RUNNER_COMMANDS_HELP,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

/**
 * The operations routes: SigV4-signed with the local credentials in every mode but Cognito
 * (where the demo user is an operator). The redrive is SQS's move task, emulated by the runner.
 */
function opsHelp(outputs: LocalOutputs, orders: string, requirable: string): string[] {
  const ops = orders.replace(/orders$/, 'ops');
  const read = (key: keyof LocalOutputs) => `$(node -p "require('${requirable}').${key}")`;
  const auth = outputs.UserPoolId !== undefined
    ? ' -H "Authorization: $TOKEN"'
    : ` --aws-sigv4 aws:amz:us-east-1:execute-api --user "${outputs.LocalAccessKeyId}:${read('LocalSecretAccessKey')}"`;
  return [
    'Or with the native redrive (operators only; SQS\'s move task, emulated by the runner), after "injection off" below:',
    `  curl -s ${ops}/queues${auth}`,
    `  curl -s -X POST ${ops}/redrive${auth}`,
    `  curl -s ${ops}/redrive${auth}`,
  ];
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  let local: LocalWorkflow | undefined;
  let stopping = false;
  let firstSignalAt = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // One Ctrl-C can arrive twice (the terminal signals the group, and tsx forwards it): only a later one forces.
      if (Date.now() - firstSignalAt < 1_000) return;
      process.stderr.write('Stopping now.\n');
      process.exit(130);
    }
    stopping = true;
    firstSignalAt = Date.now();
    process.stdout.write(`\n${signal}: stopping (press Ctrl-C again to force)...\n`);
    const done = local ? local.stop() : Promise.resolve();
    void done.then(() => {
      process.stdout.write('Stopped.\n');
      process.exit(0);
    }, () => process.exit(1));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  // The bundles target Lambda's Node.js 22; the runner says so once instead of the SDK's multi-line warning.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    local = await startLocalWorkflow(parsed.options);
  } catch (error) {
    if (error instanceof EmulatorMissingError) {
      process.stderr.write(`${error.message}\n`);
    } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`Port ${parsed.options.port} on 127.0.0.1 is in use: stop what uses it, or pass --port <n> (0 = any free port).\n`);
    } else {
      process.stderr.write(`The local workflow could not start: ${(error as Error).stack ?? error}\n`);
    }
    return 1;
  }
  if (stopping) {
    await local.stop();
    return 0;
  }
  process.stdout.write(banner(local, parsed.options.outputsFile));
  const running = local;
  listenForCommands(running, process.stdin, (text) => process.stdout.write(text));
  return new Promise<number>(() => undefined); // runs until a signal
}

main().then((code) => process.exit(code), (error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
