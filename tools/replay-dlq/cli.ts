/**
 * orders-workflow-replay-dlq: sends the messages of the orders dead-letter queue back to the
 * main queue. Exit codes: 0 all replayed (or nothing to do), 1 some messages failed (they are
 * still in the DLQ), 2 bad usage or configuration (nothing was touched), 130 interrupted.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { isLoopbackEndpoint, parseQueueUrl, QueueUrl } from './queue-url';
import { QueueNotFoundError, replayDeadLetterQueue, ReplayProgress, ReplayResult } from './replay';

const USAGE = `Usage: orders-workflow-replay-dlq [options]

Moves the messages of the dead-letter queue back to the main queue (batches of 10, message
attributes kept). A message is deleted from the DLQ only once it was sent; one that could
not be sent stays in the DLQ and is reported.

Options (flags win over the environment):
  --dlq-url <url>          the DLQ                              [env DLQ_URL]
  --main-queue-url <url>   the queue to send to                 [env MAIN_QUEUE_URL]
  --outputs-file <file>    take both URLs (and the emulator endpoint) from a stack outputs
                           file: \`cdk deploy --outputs-file\` output, or .local/outputs.json
  --endpoint <url>         SQS endpoint, e.g. an emulator       [env AWS_ENDPOINT_URL]
  --region <region>        [env AWS_REGION, else from the queue URL]
  --max <n>                replay at most n messages            [all]
  --dry-run                count only: send and delete nothing, leave messages visible
  -h, --help               this text

Exit codes: 0 done, 1 some messages failed (still in the DLQ), 2 usage or configuration
error (nothing touched), 130 interrupted (unfinished messages stay in the DLQ).
`;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

class ConfigError extends Error {}

interface Config {
  readonly dlq: QueueUrl;
  readonly main: QueueUrl;
  readonly endpoint?: string;
  readonly region: string;
  readonly max?: number;
  readonly dryRun: boolean;
}

function readConfig(argv: string[], env: NodeJS.ProcessEnv): Config | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'dlq-url': { type: 'string' },
        'main-queue-url': { type: 'string' },
        'outputs-file': { type: 'string' },
        'endpoint': { type: 'string' },
        'region': { type: 'string' },
        'max': { type: 'string' },
        'dry-run': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help) return 'help';

  const outputs = values['outputs-file'] !== undefined ? readOutputsFile(values['outputs-file']) : {};
  const dlq = queueUrl('DLQ', values['dlq-url'] ?? env.DLQ_URL ?? outputs.DlqUrl, '--dlq-url or DLQ_URL');
  const main = queueUrl('main queue', values['main-queue-url'] ?? env.MAIN_QUEUE_URL ?? outputs.MainQueueUrl, '--main-queue-url or MAIN_QUEUE_URL');
  if (dlq.url === main.url) throw new ConfigError(`The DLQ and the main queue are the same URL (${dlq.url}).`);

  const endpoint = values.endpoint ?? (env.AWS_ENDPOINT_URL || undefined) ?? outputs.EmulatorEndpoint;
  if (endpoint !== undefined) {
    try {
      new URL(endpoint);
    } catch {
      throw new ConfigError(`--endpoint "${endpoint}" is not a URL.`);
    }
  }
  const region = values.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined) ?? main.region ?? dlq.region
    ?? (endpoint !== undefined && isLoopbackEndpoint(endpoint) ? 'us-east-1' : undefined);
  if (!region) throw new ConfigError('Cannot tell the AWS region: pass --region or set AWS_REGION.');

  let max: number | undefined;
  if (values.max !== undefined) {
    max = Number(values.max);
    if (!Number.isSafeInteger(max) || max < 1) throw new ConfigError(`--max must be a whole number >= 1, got "${values.max}".`);
  }
  return { dlq, main, endpoint, region, max, dryRun: values['dry-run'] === true };
}

function queueUrl(role: string, value: string | undefined, source: string): QueueUrl {
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`The ${role} URL is missing: pass ${source} (see --help).`);
  }
  const parsed = parseQueueUrl(value);
  if ('error' in parsed) {
    throw new ConfigError(`The ${role} URL "${value}" is not an SQS queue URL: ${parsed.error}. ` +
      'Expected https://sqs.<region>.amazonaws.com/<account-id>/<queue-name>.');
  }
  return parsed;
}

/**
 * `.local/outputs.json` (flat) or `cdk deploy --outputs-file` output ({ stack: { key: value } }):
 * the one object that has both MainQueueUrl and DlqUrl.
 */
function readOutputsFile(file: string): Record<string, string | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read the outputs file ${file}: ${(error as Error).message}`);
  }
  const hasUrls = (candidate: unknown): candidate is Record<string, string> =>
    typeof candidate === 'object' && candidate !== null && 'MainQueueUrl' in candidate && 'DlqUrl' in candidate;
  if (hasUrls(data)) return data;
  const stacks = Object.values((data ?? {}) as Record<string, unknown>).filter(hasUrls);
  if (stacks.length === 1) return stacks[0];
  throw new ConfigError(`${file} has ${stacks.length === 0 ? 'no' : 'several'} sets of MainQueueUrl and DlqUrl outputs; pass the URLs instead.`);
}

function clientConfig(config: Config, env: NodeJS.ProcessEnv): SQSClientConfig {
  const emulator = config.endpoint !== undefined && isLoopbackEndpoint(config.endpoint);
  const hasCredentials = ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']
    .some((name) => Boolean(env[name]));
  return {
    region: config.region,
    ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
    // An emulator on this machine accepts any credentials; real AWS always goes through the default chain.
    ...(emulator && !hasCredentials ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
}

function describeProgress(progress: ReplayProgress, dryRun: boolean): string {
  switch (progress.kind) {
    case 'batch':
      return dryRun
        ? `batch ${progress.batch}: received ${progress.received} (dry run, total ${progress.totals.received})`
        : `batch ${progress.batch}: received ${progress.received}, replayed ${progress.replayed}, failed ${progress.failed} ` +
          `(total received ${progress.totals.received}, replayed ${progress.totals.replayed}, failed ${progress.totals.failed})`;
    case 'failure':
      return progress.failure.stage === 'send'
        ? `  not sent, stays in the DLQ: ${progress.failure.messageId} (${progress.failure.code}: ${progress.failure.message})`
        : '  sent but not deleted from the DLQ (a later replay sends it again; the worker ignores the duplicate): ' +
          `${progress.failure.messageId} (${progress.failure.code}: ${progress.failure.message})`;
    case 'released':
      return `  ${progress.count} message(s) made visible again in the DLQ`;
  }
}

function summary(result: ReplayResult): string {
  const left = result.left === undefined ? 'unknown' : String(result.left);
  const why = {
    'empty': 'the DLQ has no more visible messages',
    'max': 'reached --max',
    'interrupted': 'interrupted',
    'all-seen': 'only messages already handled in this run are left',
    'failing': 'nothing could be sent in several batches in a row',
  }[result.stoppedBy];
  return result.dryRun
    ? `Dry run done (${why}): received ${result.received}, would replay ${result.received}, left in DLQ ${left}`
    : `Done (${why}): received ${result.received}, replayed ${result.replayed}, failed ${result.failed}, left in DLQ ${left}`;
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, signal?: AbortSignal): Promise<number> {
  let config: Config | 'help';
  try {
    config = readConfig(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`Error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (config === 'help') {
    io.out(USAGE);
    return 0;
  }

  const sqs = new SQSClient(clientConfig(config, env));
  const where = config.endpoint !== undefined ? ` via ${config.endpoint}` : '';
  io.out(`${config.dryRun ? 'Dry run: counting' : 'Replaying'} ${config.dlq.queueName} -> ${config.main.queueName}${where}` +
    `${config.max !== undefined ? `, at most ${config.max} message(s)` : ''}\n`);
  if (config.dryRun) io.out('Nothing is sent or deleted; received messages are made visible again at the end.\n');
  try {
    const result = await replayDeadLetterQueue({
      sqs,
      dlqUrl: config.dlq.url,
      mainQueueUrl: config.main.url,
      dryRun: config.dryRun,
      max: config.max,
      signal,
      onProgress: (progress) => io.out(`${describeProgress(progress, config.dryRun)}\n`),
    });
    io.out(`${summary(result)}\n`);
    if (result.stoppedBy === 'interrupted') return 130;
    return result.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof QueueNotFoundError) {
      io.err(`Error: ${error.message}\n`);
      return 2;
    }
    const name = (error as Error).name;
    const reason = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' || name === 'TimeoutError'
      ? `could not reach SQS${where}`
      : `${name}: ${(error as Error).message}`;
    io.err(`Error: ${reason}. Nothing was replayed after this point; messages not yet replayed stay in the DLQ.\n`);
    return 2;
  } finally {
    sqs.destroy();
  }
}

if (require.main === module) {
  // The SDK is bundled into this bin, so its "future versions need Node 22" notice concerns the
  // next release of this package, not the user: keep it out of the tool's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  let interrupts = 0;
  const interrupt = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('Interrupted: finishing the current batch, then handing back what is held...\n');
      controller.abort();
    } else {
      process.stderr.write('Stopping now: messages taken from the DLQ become visible again within 30 s.\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  runCli(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }, controller.signal).then((code) => process.exit(code), (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(2);
  });
}
