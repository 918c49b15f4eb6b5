import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { OrdersApiAuthorization } from './auth/orders-api-authorization';
import { OrderProcessor } from './processing/order-processor';
import { OrdersApiWaf } from './protection/orders-api-waf';

/**
 * Properties of an `OrdersWorkflow`. Every property is optional: the defaults build the
 * reference system (batch size 5, five receives before the DLQ, 30 s worker, 180 s visibility).
 */
export interface OrdersWorkflowProps {
  /**
   * Prefix for the physical names of the functions, log groups, queues, bus, tables, alarms,
   * dashboard and saved queries. `'orders'` gives the reference names: functions
   * `orders-api` / `orders-worker`, log groups `/aws/lambda/orders-api` /
   * `/aws/lambda/orders-worker`, queues `orders-main-queue` / `orders-dlq`, tables
   * `orders-orders` / `orders-idempotency`.
   * Letters, digits, `-` and `_`, at most 40 characters. Changing it on a deployed stack
   * replaces every named resource: the queues (with the orders still in them), the tables and
   * the log groups are new and empty, and the old ones follow `dataRemovalPolicy` (orders table,
   * dead-letter queue) or `transientRemovalPolicy` (the rest).
   *
   * @default - functions and log groups are named from the construct's unique path (so two
   *   instances in one stack never clash); the other resources get CloudFormation-generated names
   */
  readonly namePrefix?: string;

  /**
   * EventBridge `source` of the OrderCreated events the API publishes and the rule matches.
   * Must not start with `aws.` (reserved by AWS). Two `OrdersWorkflow` on one shared `eventBus`
   * need different sources: with the same one, both rules would match, and both workers would
   * process, every order (synth fails).
   *
   * @default 'myapp.orders'
   */
  readonly eventSource?: string;

  /**
   * Bring your own event bus instead of creating one. The API function gets
   * `events:PutEvents` on it and the rule is created on it. A bus whose name is only known at
   * deploy time is treated as a custom bus (not `default`) for the rule's ARN and metrics.
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
   * Who may call `POST /orders`: `OrdersApiAuthorization.none()`, `.iam()` (SigV4; grant
   * callers with `grantInvoke`), `.apiKey({ throttle, quota })` or `.cognito({ userPool })`.
   * In every mode but `none` the caller's identity goes on the event (`detail.submittedBy`)
   * and the logs, and idempotency keys are scoped per caller. CORS preflights stay open.
   *
   * @default OrdersApiAuthorization.none() - open to anyone with the URL (synth warns)
   */
  readonly authorization?: OrdersApiAuthorization;

  /**
   * Name of the API's stage: the last part of `apiEndpoint` (`https://<id>.execute-api.<region>.amazonaws.com/<stageName>/`).
   * Letters, digits, `-` and `_`, at most 128 characters.
   *
   * @default 'prod'
   */
  readonly stageName?: string;

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
   * Lambda runtime of both functions: `nodejs22.x` or a newer Node.js (the handlers are
   * bundled for Node.js 22; synth fails for anything older or not Node.js).
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
   * Timeout of the worker function (1 second to 15 minutes). A processor's own `timeout`
   * option sets the same thing: set one of the two.
   *
   * @default Duration.seconds(30)
   */
  readonly workerTimeout?: Duration;

  /**
   * The worker's business step, run inside the worker's guarantees: exactly one completed
   * processing per eventId, order status, retries and the dead-letter queue, outcome events,
   * metrics and logs. `OrderProcessor.fromEntry('src/processor.ts')` bundles a team's
   * TypeScript file written with `createOrderWorker` from `cdk-orders-workflow/worker`.
   *
   * @default OrderProcessor.builtIn() - accepts every order, returns no result
   */
  readonly processor?: OrderProcessor;

  /**
   * Whether the worker publishes OrderProcessed, OrderRejected and OrderFailed events on the
   * workflow's bus (with `eventSource`), for other teams to subscribe to. Calling
   * `onOrderProcessed()`, `onOrderRejected()` or `onOrderFailed()` turns it on as well; only
   * then does the worker get `events:PutEvents`, on this bus alone.
   *
   * @default - false, unless one of the `onOrderXxx()` outcome methods is used
   */
  readonly outcomeEvents?: boolean;

  /**
   * The EventBridge `detail-type` the workflow's own processor (step `main`) publishes on the
   * workflow's bus when it completes an order and stages follow (`addStage()`): the first
   * stage's rule matches it. Not one of the workflow's built-in detail types, nor a stage's
   * `completedEvent`. Without stages nothing publishes it.
   *
   * @default 'OrderValidated'
   */
  readonly processorCompletedEvent?: string;

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
   * How long the main queue keeps a message that has not been processed (1 minute to 14 days).
   * Must be longer than the redelivery window (`maxReceiveCount` x `visibilityTimeout`), or a
   * failing order expires before SQS moves it to the dead-letter queue.
   *
   * @default Duration.days(4)
   */
  readonly mainQueueRetentionPeriod?: Duration;

  /**
   * How long the dead-letter queue keeps messages (at most 14 days). A standard queue keeps a
   * message's original enqueue time when it moves it to the DLQ, so the DLQ must keep messages
   * at least `mainQueueRetentionPeriod` plus the redelivery window (`maxReceiveCount` x
   * `visibilityTimeout`); synth fails otherwise, because parked orders would be deleted as
   * soon as they arrive. An order then stays in the DLQ for at least this minus `mainQueueRetentionPeriod`.
   *
   * @default Duration.days(14)
   */
  readonly deadLetterQueueRetentionPeriod?: Duration;

  /**
   * Worker side: how long the worker remembers an eventId it processed, so that SQS's
   * redeliveries of that event are acknowledged without processing the order again. It must
   * outlive every redelivery of the message: at least `maxReceiveCount` x `visibilityTimeout`.
   * (Client retries of `POST /orders` are `requestIdempotencyWindow`.)
   *
   * @default Duration.days(7)
   */
  readonly eventIdempotencyWindow?: Duration;

  /**
   * API side: how long the API remembers a request's deduplication key (the `Idempotency-Key` header,
   * else the body's `orderId`) and its answer: a retry with the same key within this window
   * gets the first answer back and publishes nothing (1 minute to 7 days). Clients that retry
   * later than this create a second order. (SQS redeliveries to the worker are
   * `eventIdempotencyWindow`.)
   *
   * @default Duration.hours(24)
   */
  readonly requestIdempotencyWindow?: Duration;

  /**
   * Whether the worker throws for an order with an item whose sku is `FAIL-ME`, so the
   * retry and dead-letter path can be exercised on purpose. Only for development and test
   * stacks: with it on, anyone who may call the API can send an order to the dead-letter queue
   * and raise its alarms. `npm run local` turns it on unless told otherwise.
   *
   * @default false
   */
  readonly failureInjection?: boolean;

  /**
   * A customer-managed KMS key for both queues (SSE-KMS). The construct adds
   * `kms:GenerateDataKey` and `kms:Decrypt` for `events.amazonaws.com` to the key policy
   * (EventBridge cannot deliver otherwise), conditioned on `aws:SourceArn` being this
   * workflow's rule, so no other rule can use the key; for an imported key you must add that
   * statement yourself (a synth warning says so). The AWS-managed key
   * `alias/aws/sqs` is rejected: EventBridge cannot use it and deliveries would be silently
   * dropped.
   *
   * @default - SSE-SQS (queue encryption with SQS-owned keys)
   */
  readonly queueEncryptionKey?: kms.IKey;

  /**
   * An AWS WAF web ACL on the API's stage. `OrdersApiWaf.managed({ rateLimitPerIp })` creates
   * one: AWS managed rule groups (Core rule set, Known bad inputs, Amazon IP reputation list)
   * and a rate rule per client IP address that answers `429`. `OrdersApiWaf.fromWebAclArn(arn)`
   * associates your own REGIONAL web ACL. WAF bills per web ACL, rule and million requests.
   *
   * @default - no web ACL
   */
  readonly waf?: OrdersApiWaf;

  /**
   * Whether the API's stage logs every request, and API Gateway's own errors, to CloudWatch Logs.
   * Access logs: one JSON line per request (request id, caller identity per authorization mode,
   * status, latencies, integration, error and WAF fields) in `/aws/apigateway/<prefix>-api/access`.
   * Execution logs: API Gateway's ERROR-level records (authorizer, model validation and
   * integration failures, never request bodies) in `API-Gateway-Execution-Logs_<api id>/<stageName>`.
   * Both log groups get `logRetention`, `transientRemovalPolicy` and `logEncryptionKey`.
   *
   * API Gateway writes both through the account's API Gateway CloudWatch role, a setting per
   * account and region (`AWS::ApiGateway::Account`) that this construct never creates, because
   * there is only one and other stacks rely on it. Deploying with `accessLogging: true` fails
   * where it is not set, which is why this is off by default; docs/security.md shows how to set it.
   *
   * @default false
   */
  readonly accessLogging?: boolean;

  /**
   * Whether API Gateway validates `POST /orders` JSON bodies against a model and answers a refused
   * body itself (`400 { message, errors: [{ path: '(root)', message }], requestId }`) without
   * invoking the API function. The model is generated at build time from the function's own
   * schema, so it refuses only bodies the function would refuse too (what JSON schema cannot
   * express, such as blank strings, is still checked by the function).
   *
   * Off by default: the function already checks every request and names every invalid field,
   * while API Gateway reports only the first violation, in its own words and without a dependable
   * field path; and a model is a second copy of the rules, which must never disagree with the
   * function's. Turn it on to stop malformed bodies before they invoke (and bill) the function.
   *
   * @default false
   */
  readonly validateAtGateway?: boolean;

  /**
   * A customer-managed KMS key for every log group of the workflow: both functions', and the
   * API's access, execution and WAF logs when those are on. The construct adds the statement
   * CloudWatch Logs needs to the key policy (`logs.<region>.amazonaws.com`, conditioned on
   * `kms:EncryptionContext:aws:logs:arn` naming these log groups); for an imported key you add it
   * yourself (a synth warning says what).
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Concurrent executions reserved for the API function: guaranteed to it, and the most it runs at
   * once, so a flood of orders cannot take the account's whole Lambda concurrency. A request
   * beyond it is throttled by Lambda, which API Gateway answers with `500` (the API 5XX alarm
   * sees it), so keep `apiThrottle.rateLimit` x the function's duration below it: API Gateway's
   * own throttle answers `429`, which clients retry. A whole number of at least 1; the account must
   * keep 100 unreserved.
   *
   * @default - no reservation: the API function shares the account's unreserved concurrency
   */
  readonly apiReservedConcurrency?: number;

  /**
   * The most worker invocations the SQS event source runs at once (the event source mapping's
   * maximum concurrency, 2 to 1000), to cap the load on what the worker calls. Messages beyond it
   * wait in the queue; reserved concurrency would instead throttle receives, which count towards
   * `maxReceiveCount` and can push healthy orders into the dead-letter queue.
   *
   * @default - no limit: the mapping scales with the queue, up to the account's unreserved concurrency
   */
  readonly workerMaxConcurrency?: number;

  /**
   * Messages per second the `POST /ops/redrive` move task moves from the dead-letter queue back
   * to the main queue (StartMessageMoveTask's `MaxNumberOfMessagesPerSecond`, 1 to 500), so a
   * large redrive does not flood the worker and what it calls.
   *
   * @default - SQS chooses the rate (system optimized)
   */
  readonly redriveMessagesPerSecond?: number;

  /**
   * Retention of every log group of the workflow: both functions', and the API's access,
   * execution and WAF logs when those are on.
   *
   * @default logs.RetentionDays.TWO_WEEKS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the data no one can rebuild when the stack is deleted, or when a change
   * (a new `namePrefix`, for example) replaces the resource: the orders table (every order's
   * status and history) and the dead-letter queue (the orders parked in it). Retained by
   * default, as aws-cdk-lib retains tables: a retained resource stays in the account, and a new
   * stack with the same names fails to deploy until you delete or rename it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly dataRemovalPolicy?: RemovalPolicy;

  /**
   * What happens to the state that expires on its own when the stack is deleted or the resource
   * is replaced: the main queue, the worker's idempotency table and every log group.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly transientRemovalPolicy?: RemovalPolicy;

  /**
   * Whether DynamoDB refuses to delete the orders table (deletion protection), whatever
   * CloudFormation asks: a `cdk destroy` or a replacement then fails until you turn it off.
   *
   * @default false
   */
  readonly ordersTableDeletionProtection?: boolean;

  /**
   * How long an order's record (status, items, history) is kept after its last change: the API
   * and the worker write a TTL attribute (`expiration`, epoch seconds) on it, and DynamoDB
   * deletes it after that time, usually within a few days. At least one day. An order replayed
   * from the dead-letter queue after its record expired gets a new record without the old history.
   *
   * @default - kept until you delete them
   */
  readonly orderRetention?: Duration;

  /**
   * The queue-age alarm fires when the oldest message in the main queue is older than this.
   * The default stays above the age one poison message reaches before SQS moves it to the
   * DLQ (the redelivery window), so a single bad order raises the DLQ alarm only; a lower value
   * pages for every such order too (synth warns).
   *
   * @default - `maxReceiveCount` x `visibilityTimeout` + 5 minutes (20 minutes with the defaults)
   */
  readonly queueAgeAlarmThreshold?: Duration;

  /**
   * Actions run when any of the workflow's alarms (`OrdersWorkflow.alarms`) goes into ALARM,
   * e.g. an SNS topic action.
   *
   * @default - no actions: the alarms only change state
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];

  /**
   * CloudWatch namespace of the business metrics the handlers emit (OrdersAccepted,
   * OrdersRejected, OrdersProcessed, OrdersFailed, DuplicatesIgnored, ProcessingLatency), as
   * Embedded Metric Format log lines. 1 to 255 letters, digits or `. - _ / # :` and spaces, not
   * starting with `AWS/`. The default is per workflow, so that two workflows in one account
   * never add up each other's orders.
   *
   * @default - `OrdersWorkflow/<namePrefix>` (without `namePrefix`, the generated function name prefix)
   */
  readonly metricsNamespace?: string;

  /**
   * The failure-rate alarm fires when more than this fraction of the worker's processing attempts
   * in 5 minutes fail: OrdersFailed / (OrdersProcessed + OrdersFailed). Greater than 0 and less
   * than 1. Every failed attempt counts, so one order failing all its retries while no other
   * order arrives is a rate of 1.
   *
   * @default 0.05
   */
  readonly failureRateAlarmThreshold?: number;

  /**
   * Whether to add the stack outputs `ApiEndpoint`, `EventBusName`, `MainQueueUrl`, `DlqUrl`,
   * `DynamoTableName` (the worker's idempotency table: the reference system's name), the same
   * table as `IdempotencyTableName`, and `OrdersTableName` to the enclosing stack, with exactly
   * those names, plus `ApiKeyId` with `OrdersApiAuthorization.apiKey()`. Only one
   * `OrdersWorkflow` per stack can do this.
   *
   * @default false
   */
  readonly stackOutputs?: boolean;
}
