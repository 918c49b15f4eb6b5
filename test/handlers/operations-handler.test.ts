/**
 * The operations handler's branches against a mocked SQS client: who may operate (IAM caller,
 * the Cognito operators group), the 409 while a move task runs (also when SQS refuses the
 * start of a second one), the empty dead-letter queue, the latest task's view, and SQS errors
 * as 502 with the requestId. The move task itself on moto is the integration test's.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent, lambdaContext } from './support/events';
import { Env, loadOperationsHandler, OPERATIONS_ENV } from './support/load-handlers';
import { captureLogs, LogCapture } from './support/log-capture';
import { groupsOf } from '../../lambda/operations/operator';

const IAM_CALLER = { identity: { userArn: 'arn:aws:iam::123456789012:user/operator' } } as unknown as APIGatewayProxyEvent['requestContext'];
const cognitoCaller = (groups?: string) => ({
  authorizer: { claims: { sub: 'sub-1', ...(groups !== undefined ? { 'cognito:groups': groups } : {}) } },
}) as unknown as APIGatewayProxyEvent['requestContext'];

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

function setUp(env: Env = {}) {
  const loaded = loadOperationsHandler(env);
  const call = (httpMethod: string, resource: string, requestContext: APIGatewayProxyEvent['requestContext'] = IAM_CALLER, requestId = 'req-1') =>
    loaded.handler({ ...apiEvent({ httpMethod, requestContext }), resource, path: resource, body: null }, lambdaContext({ awsRequestId: requestId }));
  return { ...loaded, call };
}

const body = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, any>;
const depth = (visible: number, inFlight = 0) => ({
  Attributes: { ApproximateNumberOfMessages: String(visible), ApproximateNumberOfMessagesNotVisible: String(inFlight) },
});

describe('GET /ops/queues', () => {
  test('both queues\' visible and in-flight counts; oldestAgeSeconds null while CloudWatch has no datapoint', async () => {
    const { sqs, sdk, call } = setUp();
    sqs.on(sdk.GetQueueAttributesCommand, { QueueUrl: OPERATIONS_ENV.MAIN_QUEUE_URL }).resolves(depth(4, 2));
    sqs.on(sdk.GetQueueAttributesCommand, { QueueUrl: OPERATIONS_ENV.DEAD_LETTER_QUEUE_URL }).resolves(depth(1));

    const result = await call('GET', '/ops/queues');

    expect(result.statusCode).toBe(200);
    expect(body(result)).toEqual({
      mainQueue: { visible: 4, inFlight: 2, oldestAgeSeconds: null },
      deadLetterQueue: { visible: 1, inFlight: 0, oldestAgeSeconds: null },
    });
  });

  test('oldestAgeSeconds is the latest ApproximateAgeOfOldestMessage (Maximum per minute) of each queue, named from its ARN', async () => {
    const { sqs, sdk, cloudwatch, cloudwatchSdk, call } = setUp();
    sqs.on(sdk.GetQueueAttributesCommand).resolves(depth(2));
    cloudwatch.on(cloudwatchSdk.GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'q1', Values: [0, 500] },
        { Id: 'q0', Values: [61.6, 12] },
      ],
    });

    const result = await call('GET', '/ops/queues');

    expect(body(result).mainQueue.oldestAgeSeconds).toBe(62);
    expect(body(result).deadLetterQueue.oldestAgeSeconds).toBe(0);
    const input = cloudwatch.commandCalls(cloudwatchSdk.GetMetricDataCommand)[0].args[0].input;
    expect(input.ScanBy).toBe('TimestampDescending');
    expect(input.EndTime!.getTime() - input.StartTime!.getTime()).toBe(16 * 60_000);
    expect(input.MetricDataQueries!.map((query) => [query.Id, query.MetricStat])).toEqual([
      ['q0', { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: 'orders-main-queue' }] }, Period: 60, Stat: 'Maximum' }],
      ['q1', { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: OPERATIONS_ENV.DEAD_LETTER_QUEUE_ARN!.split(':').pop() }] }, Period: 60, Stat: 'Maximum' }],
    ]);
  });

  test('a CloudWatch failure still answers the depths (ages null) and logs queue_age_unavailable', async () => {
    const { sqs, sdk, cloudwatch, cloudwatchSdk, call } = setUp();
    sqs.on(sdk.GetQueueAttributesCommand).resolves(depth(3, 1));
    cloudwatch.on(cloudwatchSdk.GetMetricDataCommand).rejects(new Error('AccessDenied'));

    const result = await call('GET', '/ops/queues');

    expect(result.statusCode).toBe(200);
    expect(body(result).mainQueue).toEqual({ visible: 3, inFlight: 1, oldestAgeSeconds: null });
    expect(logs.lines()).toContainEqual(expect.objectContaining({ msg: 'queue_age_unavailable', outcome: 'degraded', errorMessage: 'AccessDenied' }));
  });
});

describe('POST /ops/redrive', () => {
  test('202 with the task handle and the DLQ\'s count; the move goes from the DLQ ARN to the main queue ARN', async () => {
    const { sqs, sdk, call } = setUp({ REDRIVE_MESSAGES_PER_SECOND: '10' });
    sqs.on(sdk.ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'COMPLETED', StartedTimestamp: 1 }] });
    sqs.on(sdk.GetQueueAttributesCommand).resolves(depth(3));
    sqs.on(sdk.StartMessageMoveTaskCommand).resolves({ TaskHandle: 'handle-1' });

    const result = await call('POST', '/ops/redrive');

    expect(result.statusCode).toBe(202);
    expect(body(result)).toEqual({ taskHandle: 'handle-1', approximateNumberOfMessagesToMove: 3 });
    expect(sqs.commandCalls(sdk.StartMessageMoveTaskCommand)[0].args[0].input).toEqual({
      SourceArn: OPERATIONS_ENV.DEAD_LETTER_QUEUE_ARN, DestinationArn: OPERATIONS_ENV.MAIN_QUEUE_ARN, MaxNumberOfMessagesPerSecond: 10,
    });
    expect(logs.withMsg('redrive_started')).toEqual([expect.objectContaining({ taskHandle: 'handle-1', approximateNumberOfMessagesToMove: 3 })]);
  });

  test('409 with the running task while one runs, and nothing is started', async () => {
    const { sqs, sdk, call } = setUp();
    sqs.on(sdk.ListMessageMoveTasksCommand).resolves({
      Results: [
        { Status: 'COMPLETED', StartedTimestamp: 1 },
        { Status: 'RUNNING', TaskHandle: 'handle-running', StartedTimestamp: 2, ApproximateNumberOfMessagesMoved: 1, ApproximateNumberOfMessagesToMove: 5 },
      ],
    });

    const result = await call('POST', '/ops/redrive');

    expect(result.statusCode).toBe(409);
    expect(body(result).task).toMatchObject({ taskHandle: 'handle-running', status: 'RUNNING', approximateNumberOfMessagesMoved: 1 });
    expect(sqs.commandCalls(sdk.StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  test('409 when SQS refuses the start because another operator\'s task began meanwhile', async () => {
    const { sqs, sdk, call } = setUp();
    sqs.on(sdk.ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [] })
      .resolves({ Results: [{ Status: 'RUNNING', TaskHandle: 'other', StartedTimestamp: 5 }] });
    sqs.on(sdk.GetQueueAttributesCommand).resolves(depth(2));
    sqs.on(sdk.StartMessageMoveTaskCommand).rejects(Object.assign(new Error('There is already a task running'), { name: 'UnsupportedOperation' }));

    const result = await call('POST', '/ops/redrive');

    expect(result.statusCode).toBe(409);
    expect(body(result).task.taskHandle).toBe('other');
  });

  test('an empty DLQ: 200, nothing to move, no task started', async () => {
    const { sqs, sdk, call } = setUp();
    sqs.on(sdk.ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqs.on(sdk.GetQueueAttributesCommand).resolves(depth(0, 1));

    const result = await call('POST', '/ops/redrive');

    expect(result.statusCode).toBe(200);
    expect(body(result)).toMatchObject({ approximateNumberOfMessagesToMove: 0 });
    expect(body(result).message).toMatch(/nothing to move/);
    expect(sqs.commandCalls(sdk.StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  test('an SQS failure is a 502 with the requestId, logged as operation_failed', async () => {
    const { sqs, sdk, call } = setUp();
    sqs.on(sdk.ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqs.on(sdk.GetQueueAttributesCommand).resolves(depth(2));
    sqs.on(sdk.StartMessageMoveTaskCommand).rejects(new Error('AccessDenied'));

    const result = await call('POST', '/ops/redrive', IAM_CALLER, 'req-failing');

    expect(result.statusCode).toBe(502);
    expect(body(result)).toEqual({ message: expect.stringMatching(/failed in SQS/), requestId: 'req-failing' });
    expect(logs.withMsg('operation_failed')).toEqual([expect.objectContaining({ level: 'ERROR', errorMessage: 'AccessDenied' })]);
  });
});

describe('GET /ops/redrive', () => {
  test('the latest task (by start time), in the contract\'s camelCase with an ISO start', async () => {
    const { sqs, sdk, call } = setUp();
    sqs.on(sdk.ListMessageMoveTasksCommand).resolves({
      Results: [
        { Status: 'FAILED', StartedTimestamp: Date.UTC(2026, 0, 1), FailureReason: 'old' },
        {
          Status: 'COMPLETED',
          StartedTimestamp: Date.UTC(2026, 0, 2),
          SourceArn: 'dlq',
          DestinationArn: 'main',
          ApproximateNumberOfMessagesMoved: 3,
          ApproximateNumberOfMessagesToMove: 3,
        },
      ],
    });

    const result = await call('GET', '/ops/redrive');

    expect(result.statusCode).toBe(200);
    expect(body(result)).toEqual({
      status: 'COMPLETED',
      sourceArn: 'dlq',
      destinationArn: 'main',
      approximateNumberOfMessagesMoved: 3,
      approximateNumberOfMessagesToMove: 3,
      startedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  test('404 when no task has run', async () => {
    const { sqs, sdk, call } = setUp();
    sqs.on(sdk.ListMessageMoveTasksCommand).resolves({ Results: [] });
    const result = await call('GET', '/ops/redrive');
    expect(result.statusCode).toBe(404);
    expect(body(result).message).toMatch(/No move task/);
  });
});

describe('who may operate', () => {
  test('IAM mode: a request without a verified IAM caller is 403 and SQS is never called', async () => {
    const { sqs, call } = setUp();
    const result = await call('POST', '/ops/redrive', { identity: {} } as unknown as APIGatewayProxyEvent['requestContext']);
    expect(result.statusCode).toBe(403);
    expect(sqs.calls()).toHaveLength(0);
    expect(logs.withMsg('operation_refused')).toHaveLength(1);
  });

  test.each([
    ['a member of the operators group', 'operators', 200],
    ['a member of several groups, operators among them', 'readers,operators', 200],
    ['the bracketed form some clients see', '[readers operators]', 200],
    ['a user in another group', 'readers', 403],
    ['a user in no group', undefined, 403],
  ] as Array<[string, string | undefined, number]>)('Cognito mode: %s (cognito:groups %p) -> %d', async (_who, groups, status) => {
    const { sqs, sdk, call } = setUp({ OPERATIONS_AUTHORIZATION: 'cognito', OPERATORS_GROUP: 'operators' });
    sqs.on(sdk.GetQueueAttributesCommand).resolves(depth(0));
    const result = await call('GET', '/ops/queues', cognitoCaller(groups));
    expect(result.statusCode).toBe(status);
    if (status === 403) expect(sqs.calls()).toHaveLength(0);
  });

  test('Cognito mode without an operators group: 403 for everyone, naming the missing setting', async () => {
    const { sqs, call } = setUp({ OPERATIONS_AUTHORIZATION: 'cognito' });
    const result = await call('GET', '/ops/queues', cognitoCaller('operators'));
    expect(result.statusCode).toBe(403);
    expect(body(result).message).toMatch(/operatorsGroup/);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('a group name is never matched by prefix or substring', () => {
    expect(groupsOf('operators-readonly')).not.toContain('operators');
    expect(groupsOf(['a', 'b'])).toEqual(['a', 'b']);
    expect(groupsOf(undefined)).toEqual([]);
  });
});

describe('with stages: every pair of queues, and a redrive of the stage named', () => {
  const pair = (name: string) => ({
    name,
    queueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/orders-${name.replace('/', '-')}-queue`,
    queueArn: `arn:aws:sqs:us-east-1:123456789012:orders-${name.replace('/', '-')}-queue`,
    deadLetterQueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/orders-${name.replace('/', '-')}-dlq`,
    deadLetterQueueArn: `arn:aws:sqs:us-east-1:123456789012:orders-${name.replace('/', '-')}-dlq`,
  });
  const STAGES = [pair('payment'), pair('payment/compensation'), pair('stock')];
  const stagesEnv = { STAGE_QUEUES: JSON.stringify(STAGES) };
  const postWith = (loaded: ReturnType<typeof setUp>, requestBody: string | null) =>
    loaded.handler({ ...apiEvent({ httpMethod: 'POST', requestContext: IAM_CALLER }), resource: '/ops/redrive', path: '/ops/redrive', body: requestBody }, lambdaContext());

  test('GET /ops/queues: the main pair as before, then each stage\'s pair by name, in pipeline order', async () => {
    const loaded = setUp(stagesEnv);
    loaded.sqs.on(loaded.sdk.GetQueueAttributesCommand).resolves(depth(0));
    loaded.sqs.on(loaded.sdk.GetQueueAttributesCommand, { QueueUrl: STAGES[2].deadLetterQueueUrl }).resolves(depth(2));

    const result = await loaded.call('GET', '/ops/queues');

    const empty = { visible: 0, inFlight: 0, oldestAgeSeconds: null };
    expect(body(result)).toEqual({
      mainQueue: empty,
      deadLetterQueue: empty,
      stages: [
        { name: 'payment', mainQueue: empty, deadLetterQueue: empty },
        { name: 'payment/compensation', mainQueue: empty, deadLetterQueue: empty },
        { name: 'stock', mainQueue: empty, deadLetterQueue: { visible: 2, inFlight: 0, oldestAgeSeconds: null } },
      ],
    });
  });

  test('POST /ops/redrive {"stage":"stock"} moves the stage\'s DLQ back to the stage\'s queue; {} is the main pair', async () => {
    const loaded = setUp(stagesEnv);
    loaded.sqs.on(loaded.sdk.ListMessageMoveTasksCommand).resolves({ Results: [] });
    loaded.sqs.on(loaded.sdk.GetQueueAttributesCommand).resolves(depth(1));
    loaded.sqs.on(loaded.sdk.StartMessageMoveTaskCommand).resolves({ TaskHandle: 'handle-1' });

    expect((await postWith(loaded, JSON.stringify({ stage: 'stock' }))).statusCode).toBe(202);
    expect((await postWith(loaded, '{}')).statusCode).toBe(202);

    expect(loaded.sqs.commandCalls(loaded.sdk.StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: STAGES[2].deadLetterQueueArn, DestinationArn: STAGES[2].queueArn },
      { SourceArn: OPERATIONS_ENV.DEAD_LETTER_QUEUE_ARN, DestinationArn: OPERATIONS_ENV.MAIN_QUEUE_ARN },
    ]);
    expect(logs.withMsg('redrive_started').map((line) => line.stage)).toEqual(['stock', 'main']);
  });

  test('an unknown stage or a body that is not JSON is a 400 naming the field, and SQS is never called', async () => {
    const loaded = setUp(stagesEnv);

    const unknown = await postWith(loaded, JSON.stringify({ stage: 'shipping' }));
    const notJson = await postWith(loaded, 'stage=stock');

    expect(unknown.statusCode).toBe(400);
    expect(body(unknown)).toEqual({
      message: 'Unknown stage: shipping', errors: [{ path: 'stage', message: 'must be one of main, payment, payment/compensation, stock' }],
    });
    expect(notJson.statusCode).toBe(400);
    expect(loaded.sqs.calls()).toHaveLength(0);
  });

  test('GET /ops/redrive?stage=payment reads the stage\'s DLQ tasks', async () => {
    const loaded = setUp(stagesEnv);
    loaded.sqs.on(loaded.sdk.ListMessageMoveTasksCommand).resolves({ Results: [] });

    const result = await loaded.handler({
      ...apiEvent({ httpMethod: 'GET', requestContext: IAM_CALLER }), resource: '/ops/redrive', path: '/ops/redrive', queryStringParameters: { stage: 'payment' },
    }, lambdaContext());

    expect(result.statusCode).toBe(404);
    expect(loaded.sqs.commandCalls(loaded.sdk.ListMessageMoveTasksCommand)[0].args[0].input.SourceArn).toBe(STAGES[0].deadLetterQueueArn);
  });

  test('a malformed STAGE_QUEUES fails the init loudly', () => {
    expect(() => setUp({ STAGE_QUEUES: JSON.stringify([{ name: 'payment' }]) })).toThrow(/STAGE_QUEUES must be a JSON array of \{ name, queueUrl/);
  });
});

test('an unknown method on an ops resource is 405 with Allow', async () => {
  const { call } = setUp();
  const result = await call('DELETE', '/ops/redrive');
  expect(result.statusCode).toBe(405);
  expect(result.headers?.Allow).toBe('POST, GET');
});

test('a malformed setting fails the init loudly', () => {
  expect(() => loadOperationsHandler({ REDRIVE_MESSAGES_PER_SECOND: '0' })).toThrow(/REDRIVE_MESSAGES_PER_SECOND must be a whole number from 1 to 500/);
  expect(() => loadOperationsHandler({ DEAD_LETTER_QUEUE_ARN: undefined })).toThrow(/DEAD_LETTER_QUEUE_ARN must be set/);
});
