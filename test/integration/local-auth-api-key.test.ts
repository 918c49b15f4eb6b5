/**
 * `OrdersApiAuthorization.apiKey()` on the local runner, on moto with the real bundles: the
 * runner mints a value for the template's key (API Gateway generates it in AWS) and requires
 * it in `x-api-key`: without it, or with another, 403 `{"message":"Forbidden"}` and the
 * function never runs. The key's id (never its value) is the caller, on the event and in the
 * logs. Also: what `.local/outputs.json` gets, and how it is protected.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { apiFunctionLines, postOrder, preflight } from './support/callers';
import { eventIdOf, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';
import { localAuthorizationProps } from '../../scripts/local/template/local-stack';

jest.setTimeout(90_000);

const FORBIDDEN = { message: 'Forbidden' };
const emulator = useEmulator();
const appDir = useSynthesizedStack(localAuthorizationProps('api-key'));
const outputsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-outputs-'));
const outputsFile = path.join(outputsDir, 'outputs.json');
let run: RunningWorkflow;

beforeAll(async () => {
  run = await runWorkflow(emulator.endpoint(), appDir(), { outputsFile });
});
afterAll(async () => {
  await run?.stop();
  fs.rmSync(outputsDir, { recursive: true, force: true });
});

test('outputs: the key\'s value and id (as API Gateway shapes them) in an owner-only file; the value never in the log', () => {
  const { ApiKey, ApiKeyId } = run.local.outputs;
  expect(ApiKey).toMatch(/^[A-Za-z0-9]{40}$/);
  expect(ApiKeyId).toMatch(/^[a-z0-9]{10}$/);
  expect(JSON.parse(fs.readFileSync(outputsFile, 'utf8'))).toEqual(run.local.outputs);
  expect((fs.statSync(outputsFile).mode % 0o1000).toString(8)).toBe('600');
  expect(run.local.outputs).not.toHaveProperty('UserPoolId');
  // SigV4 credentials are there for the operations routes (AWS_IAM in this mode), not for POST /orders.
  expect(run.local.methodAccess).toContainEqual({ route: 'POST /orders', authorizationType: 'NONE', apiKeyRequired: true });
  expect(run.local.methodAccess).toContainEqual({ route: 'POST /ops/redrive', authorizationType: 'AWS_IAM', apiKeyRequired: false });
  expect(run.local.outputs.LocalAccessKeyId).toMatch(/^AKIA/);
  expect(run.logs.some((line) => line.line.includes(ApiKey!))).toBe(false);
});

test('no key, an unknown key, or the key\'s id instead of its value: 403 Forbidden, and the function never runs', async () => {
  const attempts: Array<Record<string, string>> = [{}, { 'x-api-key': 'not-a-key-of-this-api' }, { 'x-api-key': run.local.outputs.ApiKeyId! }];
  for (const headers of attempts) {
    const answer = await postOrder(run.local.apiUrl, headers);
    expect([answer.status, answer.body, answer.errorType]).toEqual([403, FORBIDDEN, 'ForbiddenException']);
  }
  expect(apiFunctionLines(run.logs)).toEqual([]);
  expect(run.batches).toEqual([]);
});

test('CORS preflight needs no key', async () => {
  const answer = await preflight(run.local.apiUrl, 'http://localhost:5173');
  expect(answer.status).toBe(204);
  expect(answer.headers.get('access-control-allow-headers')).toContain('X-Api-Key');
});

test('with the key: 202, and the key\'s id (not its value) on the event, the API\'s line and the worker\'s line', async () => {
  const { ApiKey, ApiKeyId } = run.local.outputs;
  // Header names are case-insensitive, as in API Gateway.
  const accepted = await postOrder(run.local.apiUrl, { 'X-API-Key': ApiKey! });
  expect(accepted.status).toBe(202);
  const { eventId } = accepted.body;
  const expected = { type: 'apiKey', id: ApiKeyId };
  const record = await waitFor('the worker to receive the order', () =>
    run.batches.flatMap((batch) => batch.event.Records).find((item) => eventIdOf(item.body) === eventId));
  expect(JSON.parse(record.body).detail.submittedBy).toEqual(expected);
  expect(run.logged('api', 'order_accepted', eventId)[0].submittedBy).toEqual(expected);
  const processed = await waitFor('the worker\'s order_processed line', () => run.logged('worker', 'order_processed', eventId)[0]);
  expect(processed.submittedBy).toEqual(expected);
  expect(run.logs.some((line) => line.line.includes(ApiKey!))).toBe(false);
});
