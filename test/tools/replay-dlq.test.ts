/**
 * The replay CLI's pure rules, without SQS: which URLs and endpoints it accepts, and which exit
 * code a run ends with. Their behaviour through the bundled CLI is in test/integration/dlq-replay-*.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../tools/replay-dlq/cli';
import { ConfigError, readConfig } from '../../tools/replay-dlq/config';
import { exitCodeOf } from '../../tools/replay-dlq/exit-codes';
import { endpointProblem, isLoopbackEndpoint, parseQueueUrl, PLAIN_HTTP_RULE } from '../../tools/replay-dlq/queue-url';
import { ReplayResult } from '../../tools/replay-dlq/replay';

describe('plain http:// only on loopback', () => {
  test.each([
    'http://127.0.0.1:5000', 'http://127.1:5000', 'http://127.255.0.9', 'http://0x7f.0.0.1:5000', 'http://localhost:4566',
    'http://LOCALHOST', 'http://[::1]:4566', 'http://[0:0:0:0:0:0:0:1]', 'https://sqs.eu-west-1.amazonaws.com', 'https://10.0.0.8',
  ])('%s is accepted as an endpoint and in a queue URL', (origin) => {
    expect(endpointProblem(origin)).toBeUndefined();
    expect(parseQueueUrl(`${origin}/123456789012/orders-dlq`)).toMatchObject({ queueName: 'orders-dlq', accountId: '123456789012' });
  });

  test.each([
    'http://10.0.0.8:4566', 'http://sqs.eu-west-1.amazonaws.com', 'http://localhost.example.com', 'http://127.0.0.1.nip.io',
    'http://[::ffff:127.0.0.1]', 'http://0.0.0.0:4566', 'http://[::]:4566',
  ])('%s is refused as an endpoint and in a queue URL', (origin) => {
    expect(endpointProblem(origin)).toBe(PLAIN_HTTP_RULE);
    expect(parseQueueUrl(`${origin}/123456789012/orders-dlq`)).toEqual({ error: PLAIN_HTTP_RULE });
  });

  test('other schemes and non-URLs are refused', () => {
    expect(endpointProblem('ftp://127.0.0.1')).toBe('its scheme is ftp:, not https:');
    expect(endpointProblem('localhost:5000')).toBe('its scheme is localhost:, not https:');
    expect(endpointProblem('not a url')).toBe('it is not a URL');
  });

  test('isLoopbackEndpoint (the emulator\'s dummy credentials) agrees', () => {
    expect(isLoopbackEndpoint('http://127.0.0.2:1')).toBe(true);
    expect(isLoopbackEndpoint('http://[::1]:1')).toBe(true);
    expect(isLoopbackEndpoint('https://sqs.eu-west-1.amazonaws.com')).toBe(false);
  });
});

describe('exit codes', () => {
  const run = (result: Partial<ReplayResult>): ReplayResult =>
    ({ dryRun: false, received: 0, replayed: 0, failed: 0, failures: [], left: 0, stoppedBy: 'empty', ...result });

  test.each([
    ['an empty DLQ', 0, run({})],
    ['all replayed', 0, run({ received: 12, replayed: 12 })],
    ['a finished dry run', 0, run({ dryRun: true, received: 12 })],
    ['some replayed, some failed', 1, run({ received: 12, replayed: 10, failed: 2 })],
    ['sent but not deleted', 1, run({ received: 1, replayed: 1, failed: 1 })],
    ['an error after progress', 1, run({ received: 10, replayed: 10, stoppedBy: 'error', error: new Error('x') })],
    ['every send failed', 2, run({ received: 12, failed: 12, stoppedBy: 'failing' })],
    ['an error before anything moved', 2, run({ received: 10, stoppedBy: 'error', error: new Error('x') })],
    ['an error in a dry run', 2, run({ dryRun: true, received: 10, stoppedBy: 'error', error: new Error('x') })],
  ])('%s: exit %i', (_, code, result) => {
    expect(exitCodeOf(result, undefined)).toBe(code);
  });

  test('an interruption wins over every other outcome: 130 for SIGINT, 143 for SIGTERM', () => {
    for (const result of [run({}), run({ received: 10, replayed: 10 }), run({ failed: 3 }), run({ stoppedBy: 'error', error: new Error('x') })]) {
      expect(exitCodeOf(result, 'SIGINT')).toBe(130);
      expect(exitCodeOf(result, 'SIGTERM')).toBe(143);
    }
  });
});

describe('--stage: a stage\'s pair', () => {
  const base = 'http://127.0.0.1:5731/000000000000';
  const pairs = [
    { name: 'payment', queueUrl: `${base}/payment-queue`, deadLetterQueueUrl: `${base}/payment-dlq`, queueArn: 'arn:q', deadLetterQueueArn: 'arn:d' },
    { name: 'payment/compensation', queueUrl: `${base}/payment-compensate-queue`, deadLetterQueueUrl: `${base}/payment-compensate-dlq` },
    { name: 'stock', queueUrl: `${base}/stock-queue`, deadLetterQueueUrl: `${base}/stock-dlq` },
  ];
  const env = { MAIN_QUEUE_URL: `${base}/main-queue`, DLQ_URL: `${base}/main-dlq`, AWS_REGION: 'eu-west-1' };
  const config = (argv: string[], extra: NodeJS.ProcessEnv = {}) => {
    const result = readConfig(argv, { ...env, ...extra });
    if (result === 'help') throw new Error('help');
    return result;
  };

  test('without --stage (or with --stage main) the main pair, as before', () => {
    for (const argv of [[], ['--stage', 'main']]) {
      const result = config(argv, { STAGE_QUEUES: JSON.stringify(pairs) });
      expect([result.dlq.queueName, result.main.queueName, result.stage]).toEqual(['main-dlq', 'main-queue', undefined]);
    }
  });

  test('a stage and a compensation from STAGE_QUEUES (the operations function\'s value, ARNs and all)', () => {
    expect(config(['--stage', 'payment'], { STAGE_QUEUES: JSON.stringify(pairs) })).toMatchObject({
      stage: 'payment', dlq: { url: `${base}/payment-dlq` }, main: { url: `${base}/payment-queue` },
    });
    expect(config(['--stage', 'payment/compensation'], { STAGE_QUEUES: JSON.stringify(pairs) })).toMatchObject({
      dlq: { queueName: 'payment-compensate-dlq' }, main: { queueName: 'payment-compensate-queue' },
    });
  });

  test('--stage-queues wins over STAGE_QUEUES', () => {
    const other = [{ name: 'stock', queueUrl: `${base}/other-queue`, deadLetterQueueUrl: `${base}/other-dlq` }];
    expect(config(['--stage', 'stock', '--stage-queues', JSON.stringify(other)], { STAGE_QUEUES: JSON.stringify(pairs) }).main.queueName)
      .toBe('other-queue');
  });

  test('from an outputs file\'s StageQueues (.local/outputs.json)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-stage-'));
    const file = path.join(dir, 'outputs.json');
    fs.writeFileSync(file, JSON.stringify({ MainQueueUrl: `${base}/main-queue`, DlqUrl: `${base}/main-dlq`, EmulatorEndpoint: 'http://127.0.0.1:5731', StageQueues: pairs }));
    try {
      expect(readConfig(['--outputs-file', file, '--stage', 'stock'], {})).toMatchObject({
        stage: 'stock', dlq: { queueName: 'stock-dlq' }, main: { queueName: 'stock-queue' }, endpoint: 'http://127.0.0.1:5731',
      });
      expect(() => readConfig(['--outputs-file', file, '--stage', 'shipping'], {}))
        .toThrow(`Unknown stage "shipping": StageQueues in ${file} lists "main", "payment", "payment/compensation", "stock".`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [['--stage', 'shipping'], { STAGE_QUEUES: JSON.stringify(pairs) },
      'Unknown stage "shipping": STAGE_QUEUES lists "main", "payment", "payment/compensation", "stock".'],
    [['--stage', 'payment'], {}, '--stage payment needs the stages\' queues'],
    [['--stage', 'payment'], { STAGE_QUEUES: '{"payment":1}' }, 'STAGE_QUEUES must be a JSON array of { name, queueUrl, deadLetterQueueUrl }'],
    [['--stage', 'payment', '--stage-queues', '[{"name":"payment"}]'], {}, '--stage-queues must be a JSON array'],
    [['--stage', 'payment', '--dlq-url', `${base}/x`], { STAGE_QUEUES: JSON.stringify(pairs) }, 'pass either --stage or --dlq-url and --main-queue-url'],
    [['--stage', 'payment'], { STAGE_QUEUES: JSON.stringify([{ ...pairs[0], queueUrl: 'http://10.0.0.8/000000000000/q' }]) },
      'The payment queue URL "http://10.0.0.8/000000000000/q" cannot be used: plain http://'],
  ])('%j is refused before any SQS call', (argv, extra, message) => {
    expect(() => config(argv, extra)).toThrow(ConfigError);
    expect(() => config(argv, extra)).toThrow(message);
  });

  test('the CLI: an unknown stage is an error line and exit 2, nothing touched', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['--stage', 'shipping', '--endpoint', 'http://127.0.0.1:1'], { ...env, STAGE_QUEUES: JSON.stringify(pairs) },
      { out: (text) => out.push(text), err: (text) => err.push(text) });
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toBe('Error: Unknown stage "shipping": STAGE_QUEUES lists "main", "payment", "payment/compensation", "stock".\n');
  });

  test('--help documents --stage', async () => {
    const out: string[] = [];
    expect(await runCli(['--help'], {}, { out: (text) => out.push(text), err: () => undefined })).toBe(0);
    expect(out.join('')).toContain('--stage <name>');
    expect(out.join('')).toContain('--stage-queues <json>');
  });
});
