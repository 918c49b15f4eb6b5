/**
 * `OrdersApiAuthorization.iam()` on the local runner, on moto with the real bundles: requests
 * must be SigV4-signed (service execute-api, us-east-1) with the credentials the runner
 * prints. Signed by the SDK's signer and by curl's own implementation, they pass; unsigned,
 * wrongly signed, altered or stale ones get API Gateway's 403s and never reach the function.
 * The caller is the runner's fixed local IAM user, on the event and in the logs.
 */
import { Answer, apiFunctionLines, curlSigned, ORDER_JSON, postOrder, preflight, send, sigV4Headers, Signing } from './support/callers';
import { eventIdOf, RunningWorkflow, runWorkflow, useEmulator, useSynthesizedStack, waitFor } from './support/harness';
import { localAuthorizationProps } from '../../scripts/local/template/local-stack';

jest.setTimeout(90_000);

const LOCAL_USER_ARN = 'arn:aws:iam::123456789012:user/local-developer';
const emulator = useEmulator();
const appDir = useSynthesizedStack(localAuthorizationProps('iam'));
let run: RunningWorkflow;
let credentials: Signing;

beforeAll(async () => {
  run = await runWorkflow(emulator.endpoint(), appDir());
  credentials = { accessKeyId: run.local.outputs.LocalAccessKeyId!, secretAccessKey: run.local.outputs.LocalSecretAccessKey! };
});
afterAll(() => run?.stop());

async function signedPost(signing: Signing, options: { sentBody?: string; path?: string } = {}): Promise<Answer> {
  const url = `${run.local.apiUrl}${options.path ?? '/orders'}`;
  const headers = await sigV4Headers(url, ORDER_JSON, signing);
  return send(url, { headers, body: options.sentBody ?? ORDER_JSON });
}

test('outputs: local credentials shaped like an IAM user\'s access key; no other credentials', () => {
  expect(run.local.outputs.LocalAccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
  expect(run.local.outputs.LocalSecretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
  expect(run.local.outputs).not.toHaveProperty('UserPoolId');
  expect(run.local.outputs).not.toHaveProperty('ApiKey');
  expect(run.logs.some((line) => line.line.includes(credentials.secretAccessKey))).toBe(false);
});

test('unsigned, wrongly signed, altered or stale requests: API Gateway\'s 403s, and the function never runs', async () => {
  const missing = await postOrder(run.local.apiUrl);
  expect([missing.status, missing.body, missing.errorType]).toEqual([403, { message: 'Missing Authentication Token' }, 'MissingAuthenticationTokenException']);

  const wrongSecret = await signedPost({ ...credentials, secretAccessKey: `${credentials.secretAccessKey.slice(0, -1)}x` });
  expect([wrongSecret.status, wrongSecret.errorType]).toEqual([403, 'InvalidSignatureException']);
  expect(wrongSecret.body.message).toMatch(/^The request signature we calculated does not match the signature you provided\. .*The Canonical String for this request should have been\n'POST\n\/orders\n/s);

  // Signed for one body, sent with another (the signed x-amz-content-sha256 header still names the first).
  const altered = await signedPost(credentials, { sentBody: ORDER_JSON.replace('"qty":1', '"qty":9') });
  expect([altered.status, altered.errorType]).toEqual([403, 'InvalidSignatureException']);

  const unknownKey = await signedPost({ ...credentials, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
  expect([unknownKey.status, unknownKey.body]).toEqual([403, { message: 'The security token included in the request is invalid.' }]);

  const stale = await signedPost({ ...credentials, signingDate: new Date(Date.now() - 10 * 60 * 1000) });
  expect([stale.status, stale.errorType]).toEqual([403, 'InvalidSignatureException']);
  expect(stale.body.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);

  const otherService = await signedPost({ ...credentials, service: 'lambda' });
  expect([otherService.status, otherService.body]).toEqual([403, { message: 'Credential should be scoped to correct service: \'execute-api\'. ' }]);

  // A Cognito token sent to an IAM method: the well-known IncompleteSignatureException.
  const bearer = await postOrder(run.local.apiUrl, { Authorization: 'Bearer eyJ.e30.sig' });
  expect([bearer.status, bearer.errorType]).toEqual([403, 'IncompleteSignatureException']);
  expect(bearer.body.message).toBe('Authorization header requires \'Credential\' parameter. Authorization header requires \'Signature\' parameter. ' +
    'Authorization header requires \'SignedHeaders\' parameter. Authorization header requires existence of either a \'X-Amz-Date\' or a ' +
    '\'Date\' header. Authorization=Bearer eyJ.e30.sig');

  expect(apiFunctionLines(run.logs)).toEqual([]);
  expect(run.batches).toEqual([]);
});

test('the status routes need a signature too: unsigned GET /orders and GET /orders/{orderId} are API Gateway\'s 403', async () => {
  for (const route of ['/orders', '/orders/some-order']) {
    const unsigned = await send(`${run.local.apiUrl}${route}`, { method: 'GET' });
    expect([route, unsigned.status, unsigned.errorType]).toEqual([route, 403, 'MissingAuthenticationTokenException']);
  }
});

test('CORS preflight needs no signature', async () => {
  const answer = await preflight(run.local.apiUrl, 'http://127.0.0.1:5173');
  expect(answer.status).toBe(204);
  expect(answer.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
  expect(answer.headers.get('access-control-allow-headers')).toContain('X-Amz-Date');
});

test('signed with the local credentials: 202, and the local IAM user\'s ARN on the event, the API\'s line and the worker\'s line', async () => {
  // The deployed URL's form, with the stage: the signature covers that path.
  const accepted = await signedPost(credentials, { path: '/prod/orders' });
  expect(accepted.status).toBe(202);
  const { eventId } = accepted.body;
  const expected = { type: 'iam', id: LOCAL_USER_ARN };
  const record = await waitFor('the worker to receive the order', () =>
    run.batches.flatMap((batch) => batch.event.Records).find((item) => eventIdOf(item.body) === eventId));
  expect(JSON.parse(record.body).detail.submittedBy).toEqual(expected);
  expect(run.logged('api', 'order_accepted', eventId)[0].submittedBy).toEqual(expected);
  const processed = await waitFor('the worker\'s order_processed line', () => run.logged('worker', 'order_processed', eventId)[0]);
  expect(processed.submittedBy).toEqual(expected);
});

test('signed by curl --aws-sigv4 (another SigV4 implementation): 202', async () => {
  const answer = await curlSigned(`${run.local.apiUrl}/orders`, ORDER_JSON, credentials);
  expect(answer.status).toBe(202);
  expect(answer.body).toEqual({ orderId: expect.any(String), eventId: expect.any(String) });
});
