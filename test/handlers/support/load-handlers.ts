/**
 * Loads a handler the way Lambda does: environment first, then a fresh module graph
 * (the handlers read their config and build their clients at module scope). The SDK
 * module is taken from the same isolated graph, so the mock patches the very class the
 * handler instantiates.
 */
import { mockClient } from 'aws-sdk-client-mock';
import type * as ApiHandler from '../../../lambda/api/handler';
import type * as OperationsHandler from '../../../lambda/operations/handler';
import type * as BuiltInProcessorModule from '../../../lambda/processors/built-in';
import type * as ReadsHandler from '../../../lambda/reads/handler';
import type * as CreateOrderWorkerModule from '../../../lambda/worker/create-order-worker';
import type * as WorkerHandler from '../../../lambda/worker/handler';
import type { OrderProcessorFunction } from '../../../lambda/worker/public-types';

type EventBridgeModule = typeof import('@aws-sdk/client-eventbridge');
type DynamoDBModule = typeof import('@aws-sdk/client-dynamodb');
export type Env = Record<string, string | undefined>;

/** Settings every test load gets: no real credentials or region lookups, quiet SDK. */
const BASE_ENV: Env = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_LAMBDA_FUNCTION_NAME: 'orders-fn',
  POWERTOOLS_DEV: undefined,
  POWERTOOLS_IDEMPOTENCY_DISABLED: undefined,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_NAMESPACE: 'OrdersWorkflow/test',
  POWERTOOLS_METRICS_DISABLED: undefined,
  // The tests may run on Node 20; Lambda runs the bundles on 22+.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export const API_ENV: Env = {
  EVENT_BUS_NAME: 'orders-bus',
  ORDERS_TABLE_NAME: 'orders-table',
  IDEMPOTENCY_WINDOW_SECONDS: undefined,
  EVENT_SOURCE: undefined,
  EVENT_DETAIL_TYPE: undefined,
  CORS_ALLOW_ORIGINS: undefined,
  AUTHORIZATION_MODE: undefined,
  POWERTOOLS_SERVICE_NAME: 'orders-api',
};

export const WORKER_ENV: Env = {
  IDEMPOTENCY_TABLE_NAME: 'orders-idempotency',
  IDEMPOTENCY_EXPIRY_SECONDS: undefined,
  FAILURE_INJECTION_ENABLED: undefined,
  ORDERS_TABLE_NAME: 'orders-table',
  MAX_RECEIVE_COUNT: '3',
  POWERTOOLS_SERVICE_NAME: 'orders-worker',
};

/** Sets `env` (undefined deletes) around `load`, then restores the previous values. */
function withEnv<T>(env: Env, load: () => T): T {
  const previous: Env = {};
  for (const [key, value] of Object.entries(env)) {
    previous[key] = process.env[key];
    if (value === undefined) {
      delete process.env[key];
    } else {
      process.env[key] = value;
    }
  }
  try {
    return load();
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
  }
}

function isolated<T>(load: () => T): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    loaded = load();
  });
  return loaded as T;
}

export function loadApiHandler(env: Env = {}) {
  return withEnv({ ...BASE_ENV, ...API_ENV, ...env }, () =>
    isolated(() => {
      const sdk = jest.requireActual<EventBridgeModule>('@aws-sdk/client-eventbridge');
      const eventBridge = mockClient(sdk.EventBridgeClient);
      const dynamoDbSdk = jest.requireActual<DynamoDBModule>('@aws-sdk/client-dynamodb');
      const dynamoDb = mockClient(dynamoDbSdk.DynamoDBClient);
      const { handler } = jest.requireActual<typeof ApiHandler>('../../../lambda/api/handler');
      return { handler, eventBridge, PutEventsCommand: sdk.PutEventsCommand, dynamoDb, sdk: dynamoDbSdk };
    }),
  );
}

/**
 * The worker runtime around `processor` (a jest mock that runs the built-in processor unless a
 * test says otherwise), as `createOrderWorker` builds it at a function's cold start.
 * `builtInHandler: true` loads the built-in worker's own entry (lambda/worker/handler.ts) instead.
 */
export function loadWorkerHandler(env: Env = {}, options: { builtInHandler?: boolean } = {}) {
  return withEnv({ ...BASE_ENV, ...WORKER_ENV, ...env }, () =>
    isolated(() => {
      const sdk = jest.requireActual<DynamoDBModule>('@aws-sdk/client-dynamodb');
      const dynamoDb = mockClient(sdk.DynamoDBClient);
      const eventBridgeSdk = jest.requireActual<EventBridgeModule>('@aws-sdk/client-eventbridge');
      const eventBridge = mockClient(eventBridgeSdk.EventBridgeClient);
      eventBridge.on(eventBridgeSdk.PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
      const { builtInProcessor } = jest.requireActual<typeof BuiltInProcessorModule>('../../../lambda/processors/built-in');
      const processor = jest.fn<ReturnType<OrderProcessorFunction>, Parameters<OrderProcessorFunction>>(builtInProcessor);
      const handler = options.builtInHandler
        ? jest.requireActual<typeof WorkerHandler>('../../../lambda/worker/handler').handler
        : jest.requireActual<typeof CreateOrderWorkerModule>('../../../lambda/worker/create-order-worker').createOrderWorker(processor);
      return { handler, dynamoDb, sdk, processor, eventBridge, PutEventsCommand: eventBridgeSdk.PutEventsCommand };
    }),
  );
}

export const READS_ENV: Env = {
  ORDERS_TABLE_NAME: 'orders-table',
  ORDERS_INDEX_NAME: 'byCallerScope',
  CORS_ALLOW_ORIGINS: undefined,
  AUTHORIZATION_MODE: undefined,
  POWERTOOLS_SERVICE_NAME: 'orders-reads',
};

export function loadReadsHandler(env: Env = {}) {
  return withEnv({ ...BASE_ENV, ...READS_ENV, ...env }, () =>
    isolated(() => {
      const sdk = jest.requireActual<DynamoDBModule>('@aws-sdk/client-dynamodb');
      const dynamoDb = mockClient(sdk.DynamoDBClient);
      const { handler } = jest.requireActual<typeof ReadsHandler>('../../../lambda/reads/handler');
      return { handler, dynamoDb, sdk };
    }),
  );
}

export type LoadedApi = ReturnType<typeof loadApiHandler>;
/** What an in-memory table (fake-idempotency-table.ts) needs: a mocked DynamoDB client and the SDK module it came from. */
export type MockedDynamoDb = Pick<LoadedWorker, 'dynamoDb' | 'sdk'>;
export type LoadedWorker = ReturnType<typeof loadWorkerHandler>;

export const OPERATIONS_ENV: Env = {
  MAIN_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-main-queue',
  MAIN_QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:orders-main-queue',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq',
  DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq',
  OPERATIONS_AUTHORIZATION: undefined,
  OPERATORS_GROUP: undefined,
  REDRIVE_MESSAGES_PER_SECOND: undefined,
  STAGE_QUEUES: undefined,
  CORS_ALLOW_ORIGINS: undefined,
  POWERTOOLS_SERVICE_NAME: 'orders-operations',
};

export function loadOperationsHandler(env: Env = {}) {
  return withEnv({ ...BASE_ENV, ...OPERATIONS_ENV, ...env }, () =>
    isolated(() => {
      const sdk = jest.requireActual<typeof import('@aws-sdk/client-sqs')>('@aws-sdk/client-sqs');
      const sqs = mockClient(sdk.SQSClient);
      const cloudwatchSdk = jest.requireActual<typeof import('@aws-sdk/client-cloudwatch')>('@aws-sdk/client-cloudwatch');
      // No datapoint unless a test says otherwise (as for a queue CloudWatch has no metrics of yet).
      const cloudwatch = mockClient(cloudwatchSdk.CloudWatchClient);
      cloudwatch.on(cloudwatchSdk.GetMetricDataCommand).resolves({ MetricDataResults: [] });
      const { handler } = jest.requireActual<typeof OperationsHandler>('../../../lambda/operations/handler');
      return { handler, sqs, sdk, cloudwatch, cloudwatchSdk };
    }),
  );
}
