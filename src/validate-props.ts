import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { BUILT_IN_DETAIL_TYPES } from './event-contract';
import { OrdersWorkflowProps } from './orders-workflow-props';
import { OrdersApiWaf } from './protection/orders-api-waf';
import { renamedPropProblems } from './renamed-props';
import { isUnresolved, minimumVisibilityTimeout, redeliveryWindow, ResolvedProps } from './resolved-props';
import { WORKER_RUNTIME_ENVIRONMENT } from './worker/order-worker';

const NAME_PREFIX = /^[A-Za-z0-9_-]{1,40}$/;
/** API Gateway's rule for a stage name. */
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const ORIGIN = /^https?:\/\/[^/\s?#]+$/;
const AWS_MANAGED_SQS_KEY = 'alias/aws/sqs';
/** The handler bundles target node22 (esbuild `--target=node22`). */
const MINIMUM_NODE_MAJOR = 22;
const NODE_RUNTIME_NAME = /^nodejs(\d+)\.x$/;
const DAY = 24 * 60 * 60;
/** CloudWatch's namespace rule (PutMetricData): these characters, 1 to 255 of them, not `AWS/...`. */
const METRICS_NAMESPACE = /^[A-Za-z0-9._\-/#: ]{1,255}$/;
/** A web ACL's ARN: `arn:<partition>:wafv2:<region>:<account>:<scope>/webacl/<name>/<id>`. */
const WEB_ACL_ARN = /^arn:[a-z-]+:wafv2:([a-z0-9-]*):\d{12}:(regional|global)\/webacl\/[^/]+\/[^/]+$/;

/**
 * Checks every prop and throws ONE error listing every problem, so a user fixes them in one
 * pass. Values that are tokens (known only at deploy time) are skipped.
 */
export function validateProps(workflow: IConstruct, props: OrdersWorkflowProps, resolved: ResolvedProps): void {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const integerIn = (name: string, value: number, min: number, max: number) => {
    if (isUnresolved(value)) return;
    check(Number.isInteger(value) && value >= min && value <= max, `${name} must be an integer from ${min} to ${max} (got ${value}).`);
  };
  const secondsIn = (name: string, value: Duration | undefined, min: number, max: number) => {
    if (value === undefined || isUnresolved(value)) return;
    const s = value.toSeconds();
    check(s >= min && s <= max, `${name} must be from ${min} to ${max} seconds (got ${s}).`);
  };

  problems.push(...renamedPropProblems(props));
  if (props.namePrefix !== undefined && !Token.isUnresolved(props.namePrefix)) {
    check(NAME_PREFIX.test(props.namePrefix),
      `namePrefix must be 1 to 40 letters, digits, '-' or '_' (got '${props.namePrefix}').`);
  }
  if (!Token.isUnresolved(resolved.eventSource)) {
    check(resolved.eventSource.trim().length > 0 && resolved.eventSource.length <= 256,
      'eventSource must be a non-empty string of at most 256 characters.');
    check(!resolved.eventSource.startsWith('aws.'),
      `eventSource must not start with 'aws.' (reserved for AWS services; got '${resolved.eventSource}').`);
  }
  if (!Token.isUnresolved(resolved.stageName)) {
    check(STAGE_NAME.test(resolved.stageName), `stageName must be 1 to 128 letters, digits, '-' or '_' (got '${resolved.stageName}').`);
  }
  for (const origin of resolved.corsAllowOrigins) {
    if (Token.isUnresolved(origin)) continue;
    check(origin === '*' || ORIGIN.test(origin),
      `corsAllowOrigins entries must be '*' or an origin like 'https://app.example.com' with no path (got '${origin}').`);
  }

  check(resolved.runtime.family === lambda.RuntimeFamily.NODEJS,
    `runtime must be a Node.js runtime (the handlers are JavaScript bundles); got ${resolved.runtime.name}.`);
  if (resolved.runtime.family === lambda.RuntimeFamily.NODEJS) {
    const major = Number(NODE_RUNTIME_NAME.exec(resolved.runtime.name)?.[1] ?? NaN);
    check(major >= MINIMUM_NODE_MAJOR,
      `runtime must be nodejs${MINIMUM_NODE_MAJOR}.x or a newer Node.js (the handlers are bundled for Node.js ` +
      `${MINIMUM_NODE_MAJOR}); got ${resolved.runtime.name}.`);
  }
  check(!(resolved.corsAllowOrigins.includes('*') && resolved.corsAllowOrigins.length > 1),
    "corsAllowOrigins cannot mix '*' with specific origins: use ['*'] alone or list the origins.");
  const { rateLimit, burstLimit } = resolved.apiThrottle;
  if (rateLimit !== undefined && !isUnresolved(rateLimit)) check(rateLimit > 0, `apiThrottle.rateLimit must be positive (got ${rateLimit}).`);
  if (burstLimit !== undefined) integerIn('apiThrottle.burstLimit', burstLimit, 1, 1_000_000);
  integerIn('memorySize', resolved.memorySize, 128, 10_240);
  integerIn('batchSize', resolved.batchSize, 1, 10);
  integerIn('maxReceiveCount', resolved.maxReceiveCount, 1, 1000);
  secondsIn('apiTimeout', resolved.apiTimeout, 1, 29);
  secondsIn(resolved.workerTimeoutName, resolved.workerTimeout, 1, 900);
  validateProcessor(props, resolved, check);
  secondsIn('maxBatchingWindow', resolved.maxBatchingWindow, 0, 300);
  secondsIn('visibilityTimeout', resolved.visibilityTimeout, 0, 12 * 60 * 60);
  secondsIn('mainQueueRetentionPeriod', resolved.retentionPeriod, 60, 14 * DAY);
  secondsIn('deadLetterQueueRetentionPeriod', resolved.deadLetterRetentionPeriod, 60, 14 * DAY);
  // Only a threshold the user chose: the derived default follows the (checked) queue settings.
  secondsIn('queueAgeAlarmThreshold', props.queueAgeAlarmThreshold, 1, 14 * DAY);
  secondsIn('eventIdempotencyWindow', resolved.idempotencyExpiry, 1, 366 * DAY);
  secondsIn('requestIdempotencyWindow', resolved.idempotencyWindow, 60, 7 * DAY);
  // DynamoDB deletes expired items within days, not seconds: a shorter retention would promise what TTL cannot keep.
  secondsIn('orderRetention', resolved.orderRetention, DAY, 100 * 366 * DAY);

  problems.push(...queueTimingProblems(resolved));

  if (resolved.workerMaxConcurrency !== undefined) integerIn('workerMaxConcurrency', resolved.workerMaxConcurrency, 2, 1000);
  if (resolved.redriveMessagesPerSecond !== undefined) integerIn('redriveMessagesPerSecond', resolved.redriveMessagesPerSecond, 1, 500);
  if (resolved.apiReservedConcurrency !== undefined && !isUnresolved(resolved.apiReservedConcurrency)) {
    check(Number.isInteger(resolved.apiReservedConcurrency) && resolved.apiReservedConcurrency >= 1,
      `apiReservedConcurrency must be a whole number of at least 1 (got ${resolved.apiReservedConcurrency}); ` +
      'omit it to share the account\'s unreserved concurrency.');
  }
  problems.push(...wafProblems(workflow, resolved.waf));
  problems.push(...metricsProblems(resolved));
  problems.push(...completedEventProblems('processorCompletedEvent', resolved.processorCompletedEvent));

  const keyAlias = (props.queueEncryptionKey as { aliasName?: string } | undefined)?.aliasName;
  check(keyAlias !== AWS_MANAGED_SQS_KEY,
    `queueEncryptionKey must not be the AWS-managed key ${AWS_MANAGED_SQS_KEY}: EventBridge cannot encrypt with it and ` +
    'would drop every order. Omit the prop (SSE-SQS) or pass a customer-managed key.');

  if (props.eventBus && !Token.isUnresolved(resolved.eventSource)) {
    const other = workflowRoutingFrom(workflow, props.eventBus, resolved.eventSource);
    check(other === undefined,
      `eventSource '${resolved.eventSource}' is already routed from this event bus by the OrdersWorkflow at '${other}': ` +
      `with this one at '${workflow.node.path}', both rules would match, and both workers would process, every order. ` +
      'Give each OrdersWorkflow on a shared bus its own eventSource.');
  }

  if (problems.length > 0) {
    throw new Error(`Invalid OrdersWorkflow props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * One step's worker timeout against its queue: the visibility timeout, the redelivery window
 * against the idempotency window and both retention periods.
 */
function queueTimingProblems(resolved: ResolvedProps): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const timesKnown = ![resolved.workerTimeout, resolved.maxBatchingWindow, resolved.visibilityTimeout].some(isUnresolved);
  if (timesKnown) {
    const minimum = minimumVisibilityTimeout(resolved.workerTimeout, resolved.maxBatchingWindow).toSeconds();
    check(resolved.visibilityTimeout.toSeconds() >= minimum,
      `visibilityTimeout (${resolved.visibilityTimeout.toSeconds()} s) must be at least 6x ${resolved.workerTimeoutName} plus ` +
      `maxBatchingWindow (${minimum} s), or SQS may hand a batch to a second worker while the first still runs it. ` +
      `Raise visibilityTimeout or lower ${resolved.workerTimeoutName}.`);
  }
  if (timesKnown && !isUnresolved(resolved.maxReceiveCount)) {
    const window = redeliveryWindow(resolved.maxReceiveCount, resolved.visibilityTimeout).toSeconds();
    if (!isUnresolved(resolved.idempotencyExpiry)) {
      check(resolved.idempotencyExpiry.toSeconds() >= window,
        `eventIdempotencyWindow (${resolved.idempotencyExpiry.toSeconds()} s) must be at least maxReceiveCount x visibilityTimeout ` +
        `(${window} s), or a redelivered order could be processed twice.`);
    }
    if (!isUnresolved(resolved.retentionPeriod)) {
      const retention = resolved.retentionPeriod.toSeconds();
      check(retention > window,
        `mainQueueRetentionPeriod (${retention} s) must be longer than maxReceiveCount x visibilityTimeout (${window} s), or an ` +
        'order that keeps failing expires from the main queue before SQS moves it to the dead-letter queue.');
      if (!isUnresolved(resolved.deadLetterRetentionPeriod)) {
        const dlqRetention = resolved.deadLetterRetentionPeriod.toSeconds();
        check(dlqRetention >= retention + window,
          `deadLetterQueueRetentionPeriod (${dlqRetention} s) must be at least mainQueueRetentionPeriod plus maxReceiveCount x ` +
          `visibilityTimeout (${retention} + ${window} = ${retention + window} s): SQS keeps a message's original enqueue ` +
          'time when it moves it to the dead-letter queue, so a shorter DLQ retention deletes parked orders on arrival. ' +
          'Raise deadLetterQueueRetentionPeriod (at most 14 days) or lower mainQueueRetentionPeriod.');
      }
    }
  }
  return problems;
}

/**
 * The checks of a stage's worker and queue pair, the same as the main step's: `resolved` is the
 * workflow's props resolved with the stage's processor (its timeout decides its queue's defaults).
 */
export function stepProblems(props: OrdersWorkflowProps, resolved: ResolvedProps): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  if (!isUnresolved(resolved.workerTimeout)) {
    const s = resolved.workerTimeout.toSeconds();
    check(s >= 1 && s <= 900, `${resolved.workerTimeoutName} must be from 1 to 900 seconds (got ${s}).`);
  }
  validateProcessor(props, resolved, check);
  problems.push(...queueTimingProblems(resolved));
  return problems;
}

/** EventBridge's limit on a `detail-type`. */
const DETAIL_TYPE_MAX_LENGTH = 128;

/**
 * A detail type a step publishes when it completes: non-empty, at most 128 characters, and not
 * one the workflow publishes itself. `name` says which prop, for the message.
 */
export function completedEventProblems(name: string, detailType: string): string[] {
  if (Token.isUnresolved(detailType)) return [];
  if (detailType.trim() === '' || detailType.length > DETAIL_TYPE_MAX_LENGTH) {
    return [`${name} must be a non-empty EventBridge detail type of at most ${DETAIL_TYPE_MAX_LENGTH} characters (got '${detailType}').`];
  }
  if (BUILT_IN_DETAIL_TYPES.includes(detailType)) {
    return [`${name} must not be '${detailType}', a detail type the workflow publishes itself ` +
      `(${BUILT_IN_DETAIL_TYPES.join(', ')}).`];
  }
  return [];
}

function metricsProblems(resolved: ResolvedProps): string[] {
  const problems: string[] = [];
  const namespace = resolved.metricsNamespace;
  if (!Token.isUnresolved(namespace)) {
    if (!METRICS_NAMESPACE.test(namespace) || namespace.trim() === '') {
      problems.push('metricsNamespace must be 1 to 255 letters, digits, spaces or . - _ / # : and not only spaces ' +
        `(got '${namespace}').`);
    } else if (namespace.startsWith('AWS/')) {
      problems.push(`metricsNamespace must not start with 'AWS/' (reserved for AWS services; got '${namespace}').`);
    }
  }
  const threshold = resolved.failureRateAlarmThreshold;
  if (!isUnresolved(threshold) && !(Number.isFinite(threshold) && threshold > 0 && threshold < 1)) {
    problems.push(`failureRateAlarmThreshold must be a fraction greater than 0 and less than 1, e.g. 0.05 for 5% (got ${threshold}).`);
  }
  return problems;
}

function wafProblems(workflow: IConstruct, waf: OrdersApiWaf | undefined): string[] {
  const problems: string[] = [];
  const rateLimit = waf?._managed?.rateLimitPerIp;
  if (rateLimit !== undefined && !isUnresolved(rateLimit)
    && !(Number.isInteger(rateLimit) && rateLimit >= 10 && rateLimit <= 2_000_000_000)) {
    problems.push(`waf rateLimitPerIp must be a whole number from 10 to 2000000000 requests per 5 minutes (got ${rateLimit}).`);
  }
  const arn = waf?._webAclArn;
  if (arn !== undefined && !Token.isUnresolved(arn)) {
    const match = WEB_ACL_ARN.exec(arn);
    const region = Stack.of(workflow).region;
    if (!match) {
      problems.push(`waf web ACL ARN must look like arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id> (got '${arn}').`);
    } else if (match[2] === 'global') {
      problems.push(`waf web ACL '${arn}' is a CloudFront (global) web ACL: an API Gateway stage needs a REGIONAL one.`);
    } else if (!Token.isUnresolved(region) && match[1] !== region) {
      problems.push(`waf web ACL '${arn}' is in ${match[1]}, but the API is in ${region}: WAF associates a web ACL only ` +
        'with resources in its own region.');
    }
  }
  return problems;
}

/** One workflow's rule: the bus it listens on and the source it matches. */
interface BusRoute {
  readonly workflowPath: string;
  readonly bus: string;
  readonly eventSource: string;
}

/** The routes of every OrdersWorkflow built so far, per app (the construct tree's root). */
const routesByApp = new WeakMap<IConstruct, BusRoute[]>();

/**
 * One bus, whether created here or imported in any stack: an imported bus is known by name,
 * account and region; a created one by its unique Ref token. Env-agnostic stacks share the
 * same account and region tokens, so they count as one account (the usual deployment).
 */
function busIdentity(bus: events.IEventBus): string {
  return [bus.env.account, bus.env.region, bus.eventBusName].join('|');
}

/** Records a workflow's rule so that a later workflow on the same bus and source is rejected. */
export function recordBusRoute(workflow: IConstruct, bus: events.IEventBus, eventSource: string): void {
  const routes = routesByApp.get(workflow.node.root) ?? [];
  routes.push({ workflowPath: workflow.node.path, bus: busIdentity(bus), eventSource });
  routesByApp.set(workflow.node.root, routes);
}

/** Path of an earlier workflow that routes `eventSource` from `bus`, if any. */
function workflowRoutingFrom(workflow: IConstruct, bus: events.IEventBus, eventSource: string): string | undefined {
  const identity = busIdentity(bus);
  return routesByApp.get(workflow.node.root)
    ?.find((route) => route.bus === identity && route.eventSource === eventSource)?.workflowPath;
}

/** The processor's options: one place for the worker's timeout, memory in range, no runtime variable overridden. */
function validateProcessor(props: OrdersWorkflowProps, resolved: ResolvedProps, check: (ok: boolean, message: string) => void): void {
  const options = resolved.processor.options;
  check(!(options.timeout !== undefined && props.workerTimeout !== undefined),
    'Set the worker\'s timeout once: the processor\'s timeout option or workerTimeout, not both.');
  if (options.memorySize !== undefined && !isUnresolved(options.memorySize)) {
    check(Number.isInteger(options.memorySize) && options.memorySize >= 128 && options.memorySize <= 10_240,
      `the processor's memorySize must be an integer from 128 to 10240 (got ${options.memorySize}).`);
  }
  const reserved = Object.keys(options.environment ?? {}).filter((name) => WORKER_RUNTIME_ENVIRONMENT.includes(name));
  check(reserved.length === 0,
    `the processor's environment may not set ${reserved.join(', ')}: the worker runtime sets ${reserved.length === 1 ? 'it' : 'them'}.`);
  check(!(options.vpc === undefined && (options.vpcSubnets !== undefined || options.securityGroups !== undefined)),
    'the processor\'s vpcSubnets and securityGroups need its vpc option.');
}
