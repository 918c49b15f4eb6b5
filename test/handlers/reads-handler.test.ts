/**
 * GET /orders/{orderId} and GET /orders: the contract's shapes, caller scoping, 404/400, and
 * the Query and cursor behind paging (the paging itself on moto is the integration test's).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent, lambdaContext, orderDetail } from './support/events';
import { FakeIdempotencyTable } from './support/fake-idempotency-table';
import { Env, loadReadsHandler } from './support/load-handlers';
import { toItem } from '../../lambda/shared/attribute-values';
import { acceptedRecord, applyOutcome } from '../../lambda/shared/order-state';

const TABLE = 'orders-table';
const ANN = { type: 'cognito' as const, id: 'sub-ann' };
const BOB = { type: 'cognito' as const, id: 'sub-bob' };
const claims = (who: { id: string }) => ({ authorizer: { claims: { sub: who.id } } }) as unknown as APIGatewayProxyEvent['requestContext'];

function setUp(env: Env = {}) {
  const reads = loadReadsHandler(env);
  const table = new FakeIdempotencyTable(reads);
  const get = (path: { orderId?: string }, query: Record<string, string> | null = null, requestContext?: APIGatewayProxyEvent['requestContext']) =>
    reads.handler({
      ...apiEvent({ httpMethod: 'GET', requestContext }),
      resource: path.orderId === undefined ? '/orders' : '/orders/{orderId}',
      pathParameters: path.orderId === undefined ? null : { orderId: path.orderId },
      queryStringParameters: query,
    }, lambdaContext());
  return { reads, table, get };
}

const body = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, any>;

describe('GET /orders/{orderId}', () => {
  test('200 with the contract\'s shape, history included and internal keys left out', async () => {
    const { table, get } = setUp();
    const detail = orderDetail({ customerId: 'cust-1' });
    const processed = applyOutcome(acceptedRecord(detail, detail.createdAt), detail, { kind: 'processed', at: '2026-01-01T00:00:01.000Z', attempts: 2 })!;
    table.seed(toItem(processed));

    const result = await get({ orderId: detail.orderId });

    expect(result.statusCode).toBe(200);
    expect(body(result)).toEqual({
      orderId: detail.orderId,
      eventId: detail.eventId,
      status: 'PROCESSED',
      createdAt: detail.createdAt,
      updatedAt: '2026-01-01T00:00:01.000Z',
      customerId: 'cust-1',
      items: detail.items,
      attempts: 2,
      history: [{ status: 'ACCEPTED', at: detail.createdAt }, { status: 'PROCESSED', at: '2026-01-01T00:00:01.000Z' }],
    });
  });

  test('404 for an unknown id and for another caller\'s order', async () => {
    const { table, get } = setUp({ AUTHORIZATION_MODE: 'cognito' });
    const detail = orderDetail({ submittedBy: ANN });
    table.seed(toItem(acceptedRecord(detail, detail.createdAt)));

    expect((await get({ orderId: detail.orderId }, null, claims(ANN))).statusCode).toBe(200);
    expect((await get({ orderId: detail.orderId }, null, claims(BOB))).statusCode).toBe(404);
    expect(body(await get({ orderId: 'nope' }, null, claims(ANN)))).toEqual({ message: 'No order nope' });
  });

  test('400 for an id that could never be valid', async () => {
    const { get } = setUp();
    const result = await get({ orderId: 'x'.repeat(200) });
    expect(result.statusCode).toBe(400);
    expect(body(result).errors).toEqual([{ path: 'orderId', message: expect.stringContaining('at most') }]);
  });

  test('403 without the caller identity the authorization mode requires', async () => {
    const { get } = setUp({ AUTHORIZATION_MODE: 'cognito' });
    expect((await get({ orderId: 'o-1' })).statusCode).toBe(403);
  });
});

describe('GET /orders', () => {
  test('queries the caller\'s scope on the index, newest first, 20 by default, and returns an opaque cursor that resumes there', async () => {
    const { reads, get } = setUp({ AUTHORIZATION_MODE: 'cognito' });
    const detail = orderDetail({ submittedBy: ANN });
    const record = acceptedRecord(detail, detail.createdAt);
    const lastKey = { id: { S: record.id }, scope: { S: record.scope }, createdAt: { S: record.createdAt } };
    // The index holds keys only; the records come from the table.
    reads.dynamoDb.on(reads.sdk.QueryCommand).resolves({ Items: [lastKey], LastEvaluatedKey: lastKey });
    reads.dynamoDb.on(reads.sdk.BatchGetItemCommand).resolves({ Responses: { [TABLE]: [toItem(record)] } });

    const first = await get({}, null, claims(ANN));

    expect(first.statusCode).toBe(200);
    const page = body(first);
    expect(page.orders).toEqual([expect.objectContaining({ orderId: detail.orderId, status: 'ACCEPTED' })]);
    expect(page.orders[0].history).toBeUndefined();
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const [query] = reads.dynamoDb.commandCalls(reads.sdk.QueryCommand).map((call) => call.args[0].input);
    expect(query).toMatchObject({
      IndexName: 'byCallerScope',
      ScanIndexForward: false,
      Limit: 20,
      ExpressionAttributeValues: { ':scope': { S: 'cognito:sub-ann' } },
    });
    expect(query.ExclusiveStartKey).toBeUndefined();

    await get({}, { limit: '5', cursor: page.nextCursor }, claims(ANN));
    const second = reads.dynamoDb.commandCalls(reads.sdk.QueryCommand)[1].args[0].input;
    expect(second).toMatchObject({ Limit: 5, ExclusiveStartKey: lastKey });
  });

  test('the page\'s records in the index\'s order, keys DynamoDB left unprocessed asked again, an order expired since the Query left out', async () => {
    const { reads, get } = setUp();
    const records = ['o-new', 'o-gone', 'o-old'].map((orderId) => acceptedRecord(orderDetail({ orderId }), '2026-01-01T00:00:00.000Z'));
    const keyOf = (record: (typeof records)[number]) => ({ id: { S: record.id }, scope: { S: record.scope }, createdAt: { S: record.createdAt } });
    reads.dynamoDb.on(reads.sdk.QueryCommand).resolves({ Items: records.map(keyOf) });
    reads.dynamoDb.on(reads.sdk.BatchGetItemCommand)
      .resolvesOnce({ Responses: { [TABLE]: [toItem(records[2])] }, UnprocessedKeys: { [TABLE]: { Keys: [{ id: { S: records[0].id } }] } } })
      .resolvesOnce({ Responses: { [TABLE]: [toItem(records[0])] } });

    const page = body(await get({}));

    expect(page.orders.map((order: { orderId: string }) => order.orderId)).toEqual(['o-new', 'o-old']);
    const batches = reads.dynamoDb.commandCalls(reads.sdk.BatchGetItemCommand).map((call) => call.args[0].input.RequestItems![TABLE].Keys);
    expect(batches).toEqual([records.map((record) => ({ id: { S: record.id } })), [{ id: { S: records[0].id } }]]);
  });

  test('no nextCursor on the last page', async () => {
    const { reads, get } = setUp();
    reads.dynamoDb.on(reads.sdk.QueryCommand).resolves({ Items: [] });
    expect(body(await get({}))).toEqual({ orders: [] });
  });

  test.each([['0'], ['101'], ['abc'], ['1.5'], ['-1'], ['']])('400 for limit "%s"', async (limit) => {
    const { reads, get } = setUp();
    const result = await get({}, { limit });
    expect(result.statusCode).toBe(400);
    expect(body(result).errors).toEqual([{ path: 'limit', message: 'must be a whole number from 1 to 100' }]);
    expect(reads.dynamoDb.commandCalls(reads.sdk.QueryCommand)).toHaveLength(0);
  });

  test('400 for a cursor this API did not return, or that another caller\'s page returned', async () => {
    const { reads, get } = setUp({ AUTHORIZATION_MODE: 'cognito' });
    const foreign = Buffer.from(JSON.stringify({ id: 'order#cognito:sub-bob#o', scope: 'cognito:sub-bob', createdAt: 'x' })).toString('base64url');
    for (const cursor of ['not a cursor', 'e30', Buffer.from('[1]').toString('base64url'), foreign]) {
      const result = await get({}, { cursor }, claims(ANN));
      expect(result.statusCode).toBe(400);
      expect(body(result).errors).toEqual([{ path: 'cursor', message: expect.stringContaining('nextCursor') }]);
    }
    expect(reads.dynamoDb.commandCalls(reads.sdk.QueryCommand)).toHaveLength(0);
  });
});
