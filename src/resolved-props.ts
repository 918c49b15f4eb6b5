import { Duration, Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_API_STAGE_NAME } from './api/access-logging';
import { OrdersApiAuthorization } from './auth/orders-api-authorization';
import { DEFAULT_EVENT_SOURCE, DEFAULT_PROCESSOR_COMPLETED_EVENT } from './event-contract';
import { OrdersWorkflowProps } from './orders-workflow-props';
import { OrderProcessor } from './processing/order-processor';
import { OrdersApiWaf } from './protection/orders-api-waf';

const DEFAULT_WORKER_TIMEOUT = Duration.seconds(30);
const DEFAULT_MAX_RECEIVE_COUNT = 5;

/**
 * The props with every default applied: the parts below never see `undefined`. A few keep the
 * props' earlier names: `retentionPeriod` (mainQueueRetentionPeriod), `deadLetterRetentionPeriod`
 * (deadLetterQueueRetentionPeriod), `idempotencyExpiry` (eventIdempotencyWindow),
 * `idempotencyWindow` (requestIdempotencyWindow).
 */
export interface ResolvedProps {
  /** The user's prefix, when given: it names every resource. */
  readonly namePrefix?: string;
  /** Always set: names the functions and their log groups. */
  readonly functionNamePrefix: string;
  readonly eventSource: string;
  readonly corsAllowOrigins: string[];
  readonly authorization: OrdersApiAuthorization;
  readonly apiThrottle: apigateway.ThrottleSettings;
  readonly tracing: boolean;
  readonly runtime: lambda.Runtime;
  readonly architecture: lambda.Architecture;
  readonly memorySize: number;
  readonly apiTimeout: Duration;
  readonly workerTimeout: Duration;
  /** Where the worker's timeout was set, for error messages: `workerTimeout` or `processor timeout`. */
  readonly workerTimeoutName: string;
  readonly processor: OrderProcessor;
  readonly outcomeEvents: boolean;
  /** What step `main` publishes when it completes and stages follow. */
  readonly processorCompletedEvent: string;
  readonly batchSize: number;
  readonly maxBatchingWindow?: Duration;
  readonly maxReceiveCount: number;
  readonly visibilityTimeout: Duration;
  readonly retentionPeriod: Duration;
  readonly deadLetterRetentionPeriod: Duration;
  readonly idempotencyExpiry: Duration;
  readonly idempotencyWindow: Duration;
  readonly failureInjection: boolean;
  readonly stageName: string;
  readonly logRetention: logs.RetentionDays;
  /** The orders table and the dead-letter queue: what no one can rebuild. */
  readonly dataRemovalPolicy: RemovalPolicy;
  /** The main queue, the idempotency table and the log groups: state that expires anyway. */
  readonly transientRemovalPolicy: RemovalPolicy;
  /**
   * Same as `transientRemovalPolicy`, under the name the function log groups
   * (handler-function.ts) read; fold it into `transientRemovalPolicy` when that file is next edited.
   */
  readonly removalPolicy: RemovalPolicy;
  readonly ordersTableDeletionProtection: boolean;
  /** Unset: order records never expire. */
  readonly orderRetention?: Duration;
  readonly queueAgeAlarmThreshold: Duration;
  readonly metricsNamespace: string;
  readonly failureRateAlarmThreshold: number;
  readonly waf?: OrdersApiWaf;
  readonly accessLogging: boolean;
  readonly validateAtGateway: boolean;
  readonly logEncryptionKey?: kms.IKey;
  readonly apiReservedConcurrency?: number;
  readonly workerMaxConcurrency?: number;
  readonly redriveMessagesPerSecond?: number;
}

/**
 * How long a message that keeps failing stays in the main queue before SQS moves it to the
 * DLQ: every receive hides it for the visibility timeout, and the move happens on the receive
 * after the last allowed one.
 */
export function redeliveryWindow(maxReceiveCount: number, visibilityTimeout: Duration): Duration {
  return Duration.seconds(maxReceiveCount * visibilityTimeout.toSeconds());
}

/**
 * Slack on top of the redelivery window before the queue-age alarm pages: the poller's wait
 * before the first receive and before the final (moving) receive, plus a backlog that clears
 * on its own. It was the alarm's whole threshold before the window was taken into account.
 */
export const QUEUE_AGE_ALARM_MARGIN = Duration.minutes(5);

/** Visibility timeout AWS recommends for a Lambda event source: 6x timeout plus the batching window. */
export function minimumVisibilityTimeout(workerTimeout: Duration, maxBatchingWindow?: Duration): Duration {
  return Duration.seconds(6 * workerTimeout.toSeconds() + (maxBatchingWindow?.toSeconds() ?? 0));
}

/** The root of the default business-metrics namespace; the workflow's function name prefix follows it. */
export const DEFAULT_METRICS_NAMESPACE_ROOT = 'OrdersWorkflow';

export function resolveProps(scope: Construct, props: OrdersWorkflowProps): ResolvedProps {
  const processor = props.processor ?? OrderProcessor.builtIn();
  const workerTimeout = processor.options.timeout ?? props.workerTimeout ?? DEFAULT_WORKER_TIMEOUT;
  const maxReceiveCount = props.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
  const visibilityTimeout = props.visibilityTimeout ?? minimumVisibilityTimeout(workerTimeout, props.maxBatchingWindow);
  // Unique per construct path (stack included), short enough for `<prefix>-worker` <= 64 chars.
  const transientRemovalPolicy = props.transientRemovalPolicy ?? RemovalPolicy.DESTROY;
  const functionNamePrefix = props.namePrefix ?? Names.uniqueResourceName(scope, { maxLength: 48, separator: '-' });
  return {
    namePrefix: props.namePrefix,
    functionNamePrefix,
    eventSource: props.eventSource ?? DEFAULT_EVENT_SOURCE,
    corsAllowOrigins: props.corsAllowOrigins ?? [],
    authorization: props.authorization ?? OrdersApiAuthorization.none(),
    apiThrottle: props.apiThrottle ?? { rateLimit: 500, burstLimit: 1000 },
    tracing: props.tracing ?? false,
    runtime: props.runtime ?? lambda.Runtime.NODEJS_22_X,
    architecture: props.architecture ?? lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    apiTimeout: props.apiTimeout ?? Duration.seconds(10),
    workerTimeout,
    workerTimeoutName: processor.options.timeout !== undefined ? 'the processor\'s timeout' : 'workerTimeout',
    processor,
    outcomeEvents: props.outcomeEvents ?? false,
    processorCompletedEvent: props.processorCompletedEvent ?? DEFAULT_PROCESSOR_COMPLETED_EVENT,
    batchSize: props.batchSize ?? 5,
    maxBatchingWindow: props.maxBatchingWindow,
    maxReceiveCount,
    visibilityTimeout,
    retentionPeriod: props.mainQueueRetentionPeriod ?? Duration.days(4),
    deadLetterRetentionPeriod: props.deadLetterQueueRetentionPeriod ?? Duration.days(14),
    idempotencyExpiry: props.eventIdempotencyWindow ?? Duration.days(7),
    idempotencyWindow: props.requestIdempotencyWindow ?? Duration.hours(24),
    failureInjection: props.failureInjection ?? false,
    stageName: props.stageName ?? DEFAULT_API_STAGE_NAME,
    logRetention: props.logRetention ?? logs.RetentionDays.TWO_WEEKS,
    dataRemovalPolicy: props.dataRemovalPolicy ?? RemovalPolicy.RETAIN,
    transientRemovalPolicy,
    removalPolicy: transientRemovalPolicy,
    ordersTableDeletionProtection: props.ordersTableDeletionProtection ?? false,
    orderRetention: props.orderRetention,
    queueAgeAlarmThreshold: props.queueAgeAlarmThreshold ?? defaultQueueAgeAlarmThreshold(maxReceiveCount, visibilityTimeout),
    metricsNamespace: props.metricsNamespace ?? `${DEFAULT_METRICS_NAMESPACE_ROOT}/${functionNamePrefix}`,
    failureRateAlarmThreshold: props.failureRateAlarmThreshold ?? 0.05,
    waf: props.waf,
    accessLogging: props.accessLogging ?? false,
    validateAtGateway: props.validateAtGateway ?? false,
    logEncryptionKey: props.logEncryptionKey,
    apiReservedConcurrency: props.apiReservedConcurrency,
    workerMaxConcurrency: props.workerMaxConcurrency,
    redriveMessagesPerSecond: props.redriveMessagesPerSecond,
  };
}

/**
 * Above the age one poison message reaches before the DLQ takes it, so a single bad order
 * pages once (DLQ alarm) and not twice. Unresolved inputs fall back to the window's default.
 */
function defaultQueueAgeAlarmThreshold(maxReceiveCount: number, visibilityTimeout: Duration): Duration {
  const window = isUnresolved(maxReceiveCount) || isUnresolved(visibilityTimeout)
    ? redeliveryWindow(DEFAULT_MAX_RECEIVE_COUNT, minimumVisibilityTimeout(DEFAULT_WORKER_TIMEOUT))
    : redeliveryWindow(maxReceiveCount, visibilityTimeout);
  return window.plus(QUEUE_AGE_ALARM_MARGIN);
}

/** `true` when a number or Duration is only known at deploy time, so it cannot be checked now. */
export function isUnresolved(value: number | Duration | undefined): boolean {
  if (value === undefined) return false;
  return typeof value === 'number' ? Token.isUnresolved(value) : value.isUnresolved();
}
