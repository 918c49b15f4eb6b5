/**
 * The operations routes are never open, on moto through the local runner with the real bundles:
 * in `iam` and `apiKey` modes they need a SigV4 signature (an API key alone is refused), in
 * `cognito` mode a token of a member of the operators group (no token 401, another user 403).
 * A refused request moves nothing: the dead-letter queue keeps its message and no move task
 * exists. (`none` mode, where unsigned calls get 403, is in ops-redrive.test.ts.)
 */
import { ListMessageMoveTasksCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Answer, send, sigV4Headers, signIn, signWithEmulatorKey } from './support/callers';
import { queueDepth, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack } from './support/harness';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';
import { localAuthorizationProps } from '../../scripts/local/template/local-stack';

jest.setTimeout(180_000);

const emulator = useEmulator();
const stacks = {
  'iam': useSynthesizedStack(localAuthorizationProps('iam')),
  'api-key': useSynthesizedStack(localAuthorizationProps('api-key')),
  'cognito': useSynthesizedStack(localAuthorizationProps('cognito')),
};
let run: RunningWorkflow | undefined;

afterEach(async () => {
  await run?.stop();
  run = undefined;
});

type Call = (method: 'GET' | 'POST', path: string, headers?: Record<string, string>) => Promise<Answer>;

/** Starts the mode's stack with one message in the DLQ; `call` sends to `/ops/<path>`. */
async function start(mode: keyof typeof stacks): Promise<{ run: RunningWorkflow; call: Call; signed: (method: 'GET' | 'POST', path: string) => Promise<Record<string, string>> }> {
  run = await runWorkflow(emulator.endpoint(), stacks[mode](), { pollQueue: false });
  await run.sqs.send(new SendMessageCommand({ QueueUrl: run.local.outputs.DlqUrl, MessageBody: JSON.stringify({ detail: { eventId: 'e-1' } }) }));
  const { apiUrl, outputs } = run.local;
  const call: Call = (method, path, headers = {}) => send(`${apiUrl}/ops/${path}`, { method, headers, body: method === 'POST' ? '' : undefined });
  const signed = (method: 'GET' | 'POST', path: string) => sigV4Headers(`${apiUrl}/ops/${path}`, '', {
    accessKeyId: outputs.LocalAccessKeyId!, secretAccessKey: outputs.LocalSecretAccessKey!,
  }, {}, method);
  return { run, call, signed };
}

/** Nothing was moved or started: the DLQ still holds its message and no move task exists. */
async function expectNothingMoved(running: RunningWorkflow): Promise<void> {
  expect(await queueDepth(running.sqs, running.local.outputs.DlqUrl)).toBe(1);
  const sqs = new SQSClient(emulatorClientConfig(running.local.sqsEndpoint));
  try {
    const dlqArn = `arn:aws:sqs:us-east-1:123456789012:${running.local.outputs.DlqUrl.split('/').pop()}`;
    expect((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results).toEqual([]);
  } finally {
    sqs.destroy();
  }
  expect(running.logs.filter((line) => line.source === 'operations' && line.json?.msg === 'redrive_started')).toEqual([]);
}

const DLQ_WITH_ONE = { visible: 1, inFlight: 0, oldestAgeSeconds: null };

test('iam: unsigned and wrongly signed calls are 403; a signed one is answered', async () => {
  const { run: running, call, signed } = await start('iam');
  expect((await call('POST', 'redrive')).status).toBe(403);
  expect((await call('GET', 'queues')).status).toBe(403);
  const wrongSecret = await sigV4Headers(`${running.local.apiUrl}/ops/redrive`, '', {
    accessKeyId: running.local.outputs.LocalAccessKeyId!, secretAccessKey: 'not-the-secret',
  });
  expect((await call('POST', 'redrive', wrongSecret)).status).toBe(403);
  await expectNothingMoved(running);

  const answer = await call('GET', 'queues', await signed('GET', 'queues'));
  expect([answer.status, answer.body.deadLetterQueue]).toEqual([200, DLQ_WITH_ONE]);
});

test('apiKey: the API key alone is refused (403); a SigV4-signed call needs no key', async () => {
  const { run: running, call, signed } = await start('api-key');
  const key = { 'x-api-key': running.local.outputs.ApiKey! };
  expect((await call('POST', 'redrive', key)).status).toBe(403);
  expect((await call('GET', 'queues', key)).status).toBe(403);
  expect((await call('GET', 'queues')).status).toBe(403);
  await expectNothingMoved(running);

  const answer = await call('GET', 'queues', await signed('GET', 'queues'));
  expect([answer.status, answer.body.deadLetterQueue]).toEqual([200, DLQ_WITH_ONE]);
});

test('cognito: no token 401, a signed-in non-operator 403, the operators group\'s demo user 200', async () => {
  const { run: running, call } = await start('cognito');
  const { UserPoolId, UserPoolClientId } = running.local.outputs;
  const now = Math.floor(Date.now() / 1000);
  // A valid ID token of the pool (signed with the emulator's key) of a user in no group.
  const nonOperator = signWithEmulatorKey({
    'iss': `https://cognito-idp.us-east-1.amazonaws.com/${UserPoolId}`,
    'sub': '0b9e4c1e-0000-4000-8000-000000000002',
    'token_use': 'id',
    'aud': UserPoolClientId,
    'cognito:username': 'not-an-operator',
    'iat': now,
    'auth_time': now,
    'exp': now + 600,
  });

  expect((await call('POST', 'redrive')).status).toBe(401);
  expect((await call('GET', 'queues')).status).toBe(401);
  const refused = await call('POST', 'redrive', { Authorization: nonOperator });
  expect([refused.status, refused.body.message]).toEqual([403, expect.stringContaining('not a member of operators')]);
  expect((await call('GET', 'queues', { Authorization: nonOperator })).status).toBe(403);
  await expectNothingMoved(running);

  const { idToken } = await signIn(running.local.outputs);
  const answer = await call('GET', 'queues', { Authorization: idToken });
  expect([answer.status, answer.body.deadLetterQueue]).toEqual([200, DLQ_WITH_ONE]);
});
