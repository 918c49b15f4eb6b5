/**
 * The replay CLI's pure rules, without SQS: which URLs and endpoints it accepts, and which exit
 * code a run ends with. Their behaviour through the bundled CLI is in test/integration/dlq-replay-*.
 */
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
