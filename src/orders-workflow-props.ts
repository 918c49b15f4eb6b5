import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Properties of an `OrdersWorkflow`. Every property is optional: the defaults build the
 * reference system (batch size 5, five receives before the DLQ, 30 s worker, 180 s visibility).
 */
export interface OrdersWorkflowProps {
  /**
   * Prefix for the physical names of the functions, log groups, queues, bus, table, alarms,
   * dashboard and saved queries. `'orders'` gives the reference names: functions
   * `orders-api` / `orders-worker`, log groups `/aws/lambda/orders-api` /
   * `/aws/lambda/orders-worker`, queues `orders-main-queue` / `orders-dlq`.
   * Letters, digits, `-` and `_`, at most 40 characters.
   *
   * @default - functions and log groups are named from the construct's unique path (so two
   *   instances in one stack never clash); the other resources get CloudFormation-generated names
   */
  readonly namePrefix?: string;

  /**
   * EventBridge `source` of the OrderCreated events the API publishes and the rule matches.
   * Must not start with `aws.` (reserved by AWS).
   *
   * @default 'myapp.orders'
   */
  readonly eventSource?: string;

  /**
   * Bring your own event bus instead of creating one. The API function gets
   * `events:PutEvents` on it and the rule is created on it.
   *
   * @default - a new custom event bus
   */
  readonly eventBus?: events.IEventBus;

  /**
   * Origins allowed to call the API from a browser (CORS), e.g. `['https://app.example.com']`.
   * `['*']` allows any origin. API Gateway answers the preflight and the handler adds
   * `Access-Control-Allow-Origin` to every response for an allowed origin.
   *
   * @default - no CORS: browsers on other origins cannot call the API
   */
  readonly corsAllowOrigins?: string[];

  /**
   * Stage-wide throttling of the API: steady requests per second and burst. Keeps a flood of
   * orders from exhausting the account's Lambda concurrency.
   *
   * @default { rateLimit: 500, burstLimit: 1000 }
   */
  readonly apiThrottle?: apigateway.ThrottleSettings;

  /**
   * Whether to turn on AWS X-Ray active tracing for both functions and the API stage.
   *
   * @default false
   */
  readonly tracing?: boolean;

  /**
   * Lambda runtime of both functions. The handlers are bundled for Node.js 22.
   *
   * @default lambda.Runtime.NODEJS_22_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Instruction set architecture of both functions.
   *
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Memory of both functions, in MB (128 to 10240).
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * Timeout of the API function (API Gateway stops waiting after 29 seconds).
   *
   * @default Duration.seconds(10)
   */
  readonly apiTimeout?: Duration;

  /**
   * Timeout of the worker function (1 second to 15 minutes).
   *
   * @default Duration.seconds(30)
   */
  readonly workerTimeout?: Duration;

  /**
   * Records per worker invocation, 1 to 10.
   *
   * @default 5
   */
  readonly batchSize?: number;

  /**
   * How long the event source mapping may wait to fill a batch (0 to 5 minutes).
   *
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Receives of one message before SQS moves it to the dead-letter queue (1 to 1000).
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * Visibility timeout of the main queue. Must be at least 6x the worker timeout plus the
   * batching window (AWS's guidance for Lambda event sources), at most 12 hours.
   *
   * @default - 6x `workerTimeout` plus `maxBatchingWindow` (180 seconds with the defaults)
   */
  readonly visibilityTimeout?: Duration;

  /**
   * How long the dead-letter queue keeps messages (at most 14 days).
   *
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;

  /**
   * How long a processed eventId is remembered. It must outlive every redelivery of the
   * message: at least `maxReceiveCount` x `visibilityTimeout`.
   *
   * @default Duration.days(7)
   */
  readonly idempotencyExpiry?: Duration;

  /**
   * Whether the worker throws for an order with an item whose sku is `FAIL-ME`, so the
   * retry and dead-letter path can be exercised on purpose. Turn it off in production.
   *
   * @default true
   */
  readonly failureInjection?: boolean;

  /**
   * A customer-managed KMS key for both queues (SSE-KMS). The construct adds
   * `kms:GenerateDataKey` and `kms:Decrypt` for `events.amazonaws.com` to the key policy
   * (EventBridge cannot deliver otherwise); for an imported key you must add that statement
   * yourself (a synth warning says so). The AWS-managed key `alias/aws/sqs` is rejected:
   * EventBridge cannot use it and deliveries would be silently dropped.
   *
   * @default - SSE-SQS (queue encryption with SQS-owned keys)
   */
  readonly queueEncryptionKey?: kms.IKey;

  /**
   * Retention of the two function log groups.
   *
   * @default logs.RetentionDays.TWO_WEEKS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Removal policy of the log groups and the idempotency table. Idempotency records are
   * transient (they expire) and logs are kept `logRetention` only, so both are deleted
   * with the stack unless you say otherwise.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The alarm fires when the oldest message in the main queue is older than this.
   *
   * @default Duration.minutes(5)
   */
  readonly queueAgeAlarmThreshold?: Duration;

  /**
   * Actions run when any of the three alarms goes into ALARM (e.g. an SNS topic action).
   *
   * @default - no actions: the alarms only change state
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];

  /**
   * Whether to add the stack outputs `ApiEndpoint`, `EventBusName`, `MainQueueUrl`, `DlqUrl`
   * and `DynamoTableName` to the enclosing stack, with exactly those names. Only one
   * `OrdersWorkflow` per stack can do this.
   *
   * @default false
   */
  readonly stackOutputs?: boolean;
}
