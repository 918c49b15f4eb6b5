/**
 * The replay CLI's settings, from flags, the environment and a stack outputs file. Every
 * problem is a ConfigError with a message for the user, found before any SQS call.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { SQSClientConfig } from '@aws-sdk/client-sqs';
import { endpointProblem, isLoopbackEndpoint, parseQueueUrl, QueueUrl } from './queue-url';
import { findStage, MAIN_STAGE, parseStageQueues, StageQueuesError } from './stages';

export class ConfigError extends Error {}

export interface Config {
  readonly dlq: QueueUrl;
  readonly main: QueueUrl;
  /** `--stage`: the stage (or `<stage>/compensation`) whose pair this is; undefined for the main pair. */
  readonly stage?: string;
  readonly endpoint?: string;
  readonly region: string;
  readonly max?: number;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly waitSeconds: number;
}

/** SQS's own bounds of ReceiveMessage's WaitTimeSeconds. */
const MAX_WAIT_SECONDS = 20;

export function readConfig(argv: string[], env: NodeJS.ProcessEnv): Config | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'dlq-url': { type: 'string' },
        'main-queue-url': { type: 'string' },
        'stage': { type: 'string' },
        'stage-queues': { type: 'string' },
        'outputs-file': { type: 'string' },
        'endpoint': { type: 'string' },
        'region': { type: 'string' },
        'max': { type: 'string' },
        'wait-seconds': { type: 'string' },
        'dry-run': { type: 'boolean' },
        'force': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help) return 'help';

  const outputs: OutputsFile = values['outputs-file'] !== undefined ? readOutputsFile(values['outputs-file']) : {};
  const stage = values.stage === undefined || values.stage === MAIN_STAGE ? undefined : values.stage;
  let dlq: QueueUrl;
  let main: QueueUrl;
  if (stage === undefined) {
    dlq = queueUrl('DLQ', values['dlq-url'] ?? env.DLQ_URL ?? outputs.DlqUrl, '--dlq-url or DLQ_URL');
    main = queueUrl('main queue', values['main-queue-url'] ?? env.MAIN_QUEUE_URL ?? outputs.MainQueueUrl, '--main-queue-url or MAIN_QUEUE_URL');
  } else {
    ({ dlq, main } = stageQueueUrls(stage, values, env, outputs, values['outputs-file']));
  }
  if (dlq.url === main.url) throw new ConfigError(`The DLQ and the main queue are the same URL (${dlq.url}).`);

  const endpoint = values.endpoint ?? (env.AWS_ENDPOINT_URL || undefined) ?? outputs.EmulatorEndpoint;
  if (endpoint !== undefined) {
    const problem = endpointProblem(endpoint);
    if (problem !== undefined) throw new ConfigError(`The endpoint "${endpoint}" cannot be used: ${problem}.`);
  }
  const region = values.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined) ?? main.region ?? dlq.region
    ?? (endpoint !== undefined && isLoopbackEndpoint(endpoint) ? 'us-east-1' : undefined);
  if (!region) throw new ConfigError('Cannot tell the AWS region: pass --region or set AWS_REGION.');

  const max = values.max === undefined ? undefined : wholeNumber('--max', values.max, 1, Number.MAX_SAFE_INTEGER);
  const waitSeconds = values['wait-seconds'] === undefined ? 1 : wholeNumber('--wait-seconds', values['wait-seconds'], 0, MAX_WAIT_SECONDS);
  return { dlq, main, ...(stage !== undefined ? { stage } : {}), endpoint, region, max, dryRun: values['dry-run'] === true, force: values.force === true, waitSeconds };
}

/**
 * `--stage <name>`: the pair from the stages' list (`--stage-queues`, else STAGE_QUEUES, else the
 * outputs file's StageQueues). The main pair's URL flags cannot be combined with it: which pair
 * was meant would be a guess.
 */
function stageQueueUrls(
  stage: string, values: { 'dlq-url'?: string; 'main-queue-url'?: string; 'stage-queues'?: string },
  env: NodeJS.ProcessEnv, outputs: OutputsFile, outputsFile: string | undefined,
): { dlq: QueueUrl; main: QueueUrl } {
  if (values['dlq-url'] !== undefined || values['main-queue-url'] !== undefined) {
    throw new ConfigError('--stage picks both queues of the stage: pass either --stage or --dlq-url and --main-queue-url, not both.');
  }
  const [list, source] = values['stage-queues'] !== undefined ? [values['stage-queues'], '--stage-queues']
    : env.STAGE_QUEUES ? [env.STAGE_QUEUES, 'STAGE_QUEUES']
      : outputs.StageQueues !== undefined ? [outputs.StageQueues, `StageQueues in ${outputsFile}`]
        : [undefined, ''];
  if (list === undefined) {
    throw new ConfigError(`--stage ${stage} needs the stages' queues: pass --stage-queues or set STAGE_QUEUES (the operations ` +
      'function\'s STAGE_QUEUES, see --help), or an --outputs-file that has StageQueues (.local/outputs.json of a workflow with stages).');
  }
  try {
    const pair = findStage(parseStageQueues(list, source), stage, source);
    return {
      dlq: queueUrl(`${stage} DLQ`, pair.deadLetterQueueUrl, source),
      main: queueUrl(`${stage} queue`, pair.queueUrl, source),
    };
  } catch (error) {
    if (error instanceof StageQueuesError) throw new ConfigError(error.message);
    throw error;
  }
}

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(number) || number < min || number > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(`${flag} must be a whole number ${range}, got "${value}".`);
  }
  return number;
}

function queueUrl(role: string, value: string | undefined, source: string): QueueUrl {
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`The ${role} URL is missing: pass ${source} (see --help).`);
  }
  const parsed = parseQueueUrl(value);
  if ('error' in parsed) {
    throw new ConfigError(`The ${role} URL "${value}" cannot be used: ${parsed.error}. ` +
      'Expected https://sqs.<region>.amazonaws.com/<account-id>/<queue-name>.');
  }
  return parsed;
}

/**
 * `.local/outputs.json` (flat) or `cdk deploy --outputs-file` output ({ stack: { key: value } }):
 * the one object that has both MainQueueUrl and DlqUrl.
 */
interface OutputsFile {
  readonly MainQueueUrl?: string;
  readonly DlqUrl?: string;
  readonly EmulatorEndpoint?: string;
  /** The local runner's: the stages' pairs, as the operations function's STAGE_QUEUES. */
  readonly StageQueues?: unknown;
}

function readOutputsFile(file: string): OutputsFile {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read the outputs file ${file}: ${(error as Error).message}`);
  }
  const hasUrls = (candidate: unknown): candidate is OutputsFile =>
    typeof candidate === 'object' && candidate !== null && 'MainQueueUrl' in candidate && 'DlqUrl' in candidate;
  if (hasUrls(data)) return data;
  const stacks = Object.values((data ?? {}) as Record<string, unknown>).filter(hasUrls);
  if (stacks.length === 1) return stacks[0];
  throw new ConfigError(`${file} has ${stacks.length === 0 ? 'no' : 'several'} sets of MainQueueUrl and DlqUrl outputs; pass the URLs instead.`);
}

export function clientConfig(config: Config, env: NodeJS.ProcessEnv): SQSClientConfig {
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
