/**
 * The worker reads `detail.submittedBy` (optional, added within schema 1.0) tolerantly and logs
 * it on order_processed, duplicate and processing_failed.
 */
import type { SQSRecord } from 'aws-lambda';
import { envelope, lambdaContext, orderDetail, sqsEvent, sqsRecord } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { loadWorkerHandler } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { SubmittedBy } from '../../lambda/shared/order-contract';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const ALICE: SubmittedBy = { type: 'cognito', id: '7c1e9a52-0d3b-4c8e-9f1a-2b3c4d5e6f70', username: 'alice' };

function setUp() {
  const worker = loadWorkerHandler();
  new FakeIdempotencyTable(worker);
  const run = (...records: SQSRecord[]) => worker.handler(sqsEvent(...records), lambdaContext());
  return { run };
}

/** A record whose detail is an order plus `extra` (which may override any field). */
const recordOf = (extra: Record<string, unknown>) => sqsRecord(envelope({ ...orderDetail(), ...extra }));

describe('submittedBy on the worker\'s lines', () => {
  test('order_processed carries the caller', async () => {
    const { run } = setUp();
    await run(recordOf({ submittedBy: ALICE }));

    expect(logs.withMsg('order_processed')).toEqual([expect.objectContaining({ submittedBy: ALICE })]);
  });

  test('processing_failed carries the caller (FAIL-ME)', async () => {
    const { run } = setUp();
    const failing = recordOf({ submittedBy: ALICE, items: [{ sku: 'FAIL-ME', qty: 1 }] });
    await run(failing, recordOf({}));

    expect(logs.withMsg('processing_failed')).toEqual([expect.objectContaining({ messageId: failing.messageId, submittedBy: ALICE })]);
  });

  test('a duplicate carries the caller', async () => {
    const { run } = setUp();
    const detail = orderDetail({ submittedBy: { type: 'iam', id: 'arn:aws:iam::111111111111:user/alice' } });
    await run(sqsRecord(envelope(detail)));
    await run(sqsRecord(envelope(detail)));

    expect(logs.withMsg('duplicate')).toEqual([expect.objectContaining({ submittedBy: detail.submittedBy })]);
  });

  test('an event without submittedBy (authorization none, older APIs) is processed as before', async () => {
    const { run } = setUp();
    const response = await run(recordOf({}));

    expect(response.batchItemFailures).toEqual([]);
    expect(logs.withMsg('order_processed')[0]).not.toHaveProperty('submittedBy');
  });
});

describe('tolerant reading of submittedBy', () => {
  test('a type this worker does not know, and keys it does not know, are accepted; the unknown keys are not logged', async () => {
    const { run } = setUp();
    const response = await run(recordOf({ submittedBy: { type: 'oidc', id: 'user-1', issuer: 'https://idp.example', tenant: 't-1' } }));

    expect(response.batchItemFailures).toEqual([]);
    expect(logs.withMsg('order_processed')).toEqual([expect.objectContaining({ submittedBy: { type: 'oidc', id: 'user-1' } })]);
  });

  test.each([
    ['an id that is not a string', { type: 'iam', id: 42 }, 'detail.submittedBy.id'],
    ['no type', { id: 'user-1' }, 'detail.submittedBy.type'],
    ['an empty id', { type: 'apiKey', id: '' }, 'detail.submittedBy.id'],
    ['a string instead of an object', 'alice', 'detail.submittedBy'],
    ['a username that is not a string', { type: 'cognito', id: 's', username: ['alice'] }, 'detail.submittedBy.username'],
  ])('%s fails the record (a producer bug, for the DLQ)', async (_case, submittedBy, path) => {
    const { run } = setUp();
    const bad = recordOf({ submittedBy });

    const response = await run(bad, recordOf({}));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    const [line] = logs.withMsg('processing_failed');
    expect((line.error as { fieldErrors: Array<{ path: string }> }).fieldErrors.map((error) => error.path)).toContain(path);
    expect(line).not.toHaveProperty('submittedBy');
  });

  test('an invalid order with a well-formed caller: processing_failed still names the caller', async () => {
    const { run } = setUp();
    const bad = recordOf({ submittedBy: ALICE, items: [] });

    await run(bad, recordOf({}));

    expect(logs.withMsg('processing_failed')).toEqual([expect.objectContaining({ messageId: bad.messageId, submittedBy: ALICE })]);
  });
});
