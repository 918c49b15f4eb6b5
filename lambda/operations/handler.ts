/**
 * The operations routes (docs/http-api.md, "Operations routes"): `GET /ops/queues`, `POST /ops/redrive`,
 * `GET /ops/redrive`. A function of its own with an SQS client only: its role may redrive the
 * dead-letter queue, which no other function's may, and the POST path's bundle carries none of it.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { MAIN_PAIR, QueuePair, readOperationsConfig } from './config';
import { oldestMessageAges } from './oldest-message-age';
import { checkOperator } from './operator';
import { queueCounts, QueueDepth } from './queue-depths';
import { latestMoveTask, startRedrive } from './redrive';
import { corsHeaders, headerValue, jsonResponse } from '../api/http';
import { errorMessageOf, LOG_EVENTS, logger, logOutcome } from '../shared/log';
import type { ErrorResponse } from '../shared/order-contract';

const config = readOperationsConfig(process.env);
const sqs = new SQSClient({});
const cloudwatch = new CloudWatchClient({});

type Route = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** A pair's two queues, as `GET /ops/queues` shows them. */
interface PairDepths {
  readonly mainQueue: QueueDepth;
  readonly deadLetterQueue: QueueDepth;
}

async function pairDepths(pairs: readonly QueuePair[]): Promise<PairDepths[]> {
  const arns = pairs.flatMap((pair) => [pair.queueArn, pair.deadLetterQueueArn]);
  const [ages, counts] = await Promise.all([
    oldestMessageAges(cloudwatch, arns),
    Promise.all(pairs.flatMap((pair) => [queueCounts(sqs, pair.queueUrl), queueCounts(sqs, pair.deadLetterQueueUrl)])),
  ]);
  return pairs.map((_, index) => ({
    mainQueue: { ...counts[2 * index], oldestAgeSeconds: ages[2 * index] },
    deadLetterQueue: { ...counts[2 * index + 1], oldestAgeSeconds: ages[2 * index + 1] },
  }));
}

/** The pair a redrive request names (`stage` in the body of a POST, in the query of a GET); the main pair by default. */
function requestedPair(event: APIGatewayProxyEvent): QueuePair | APIGatewayProxyResult {
  let stage: unknown = event.queryStringParameters?.stage;
  if (event.httpMethod === 'POST' && event.body) {
    try {
      stage = (JSON.parse(event.body) as { stage?: unknown } | null)?.stage;
    } catch {
      return jsonResponse(400, { message: 'The body must be JSON: {} or { "stage": "<name>" }', errors: [{ path: '(root)', message: 'must be valid JSON' }] } satisfies ErrorResponse);
    }
  }
  const name = stage ?? MAIN_PAIR;
  const pair = config.pairs.find((candidate) => candidate.name === name);
  if (pair) return pair;
  const names = config.pairs.map((candidate) => candidate.name).join(', ');
  return jsonResponse(400, { message: `Unknown stage: ${String(name)}`, errors: [{ path: 'stage', message: `must be one of ${names}` }] } satisfies ErrorResponse);
}

const ROUTES: Record<string, Record<string, Route>> = {
  '/ops/queues': {
    GET: async () => {
      const [main, ...stages] = await pairDepths(config.pairs);
      const body = {
        ...main,
        // With stages: every stage's pair (and its compensation's), in pipeline order.
        ...(stages.length > 0 ? { stages: stages.map((depths, index) => ({ name: config.pairs[index + 1].name, ...depths })) } : {}),
      };
      return jsonResponse(200, body);
    },
  },
  '/ops/redrive': {
    POST: async (event) => {
      const pair = requestedPair(event);
      if ('statusCode' in pair) return pair;
      const outcome = await startRedrive(sqs, pair, config.redriveMessagesPerSecond);
      switch (outcome.kind) {
        case 'running':
          logOutcome('info', LOG_EVENTS.redriveRefused, { stage: pair.name, taskHandle: outcome.task.taskHandle, reason: 'a move task is running' });
          return jsonResponse(409, { message: 'A move task is already running on the dead-letter queue; GET /ops/redrive shows its progress.', task: outcome.task });
        case 'empty':
          return jsonResponse(200, { message: 'The dead-letter queue has no visible messages: nothing to move, no task started.', approximateNumberOfMessagesToMove: 0 });
        case 'started':
          logOutcome('info', LOG_EVENTS.redriveStarted, {
            stage: pair.name, taskHandle: outcome.taskHandle, approximateNumberOfMessagesToMove: outcome.approximateNumberOfMessagesToMove,
          });
          return jsonResponse(202, { taskHandle: outcome.taskHandle, approximateNumberOfMessagesToMove: outcome.approximateNumberOfMessagesToMove });
      }
    },
    GET: async (event) => {
      const pair = requestedPair(event);
      if ('statusCode' in pair) return pair;
      const task = await latestMoveTask(sqs, pair.deadLetterQueueArn);
      return task === undefined
        ? jsonResponse(404, { message: 'No move task has run on the dead-letter queue in the last 14 days.' } satisfies ErrorResponse)
        : jsonResponse(200, task);
    },
  },
};

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  const cors = corsHeaders(headerValue(event.headers, 'origin'), config.corsAllowOrigins);
  const withCors = (result: APIGatewayProxyResult) => ({ ...result, headers: { ...cors, ...result.headers } });
  const operator = checkOperator(config, event.requestContext);
  if (!operator.ok) {
    logOutcome('warn', LOG_EVENTS.operationRefused, { reason: operator.reason, resource: event.resource, httpMethod: event.httpMethod });
    return withCors(jsonResponse(403, { message: `Forbidden: only operators may call ${event.httpMethod} ${event.resource}: ${operator.reason}.` } satisfies ErrorResponse));
  }
  const methods = ROUTES[event.resource];
  const route = methods?.[event.httpMethod];
  if (!route) {
    return methods
      ? withCors(jsonResponse(405, { message: 'Method not allowed' } satisfies ErrorResponse, { Allow: Object.keys(methods).join(', ') }))
      : withCors(jsonResponse(404, { message: `No route ${event.resource}` } satisfies ErrorResponse));
  }
  logger.appendKeys({ operator: operator.operator });
  try {
    return withCors(await route(event));
  } catch (error) {
    logOutcome('error', LOG_EVENTS.operationFailed, { resource: event.resource, httpMethod: event.httpMethod, errorMessage: errorMessageOf(error), error });
    const message = 'The operation failed in SQS; nothing was changed by this request unless GET /ops/redrive shows a new task.';
    return withCors(jsonResponse(502, { message, requestId: context.awsRequestId } satisfies ErrorResponse));
  } finally {
    logger.removeKeys(['operator']);
  }
};
