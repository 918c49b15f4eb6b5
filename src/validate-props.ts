import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OrdersWorkflowProps } from './orders-workflow-props';
import { isUnresolved, minimumVisibilityTimeout, ResolvedProps } from './resolved-props';

const NAME_PREFIX = /^[A-Za-z0-9_-]{1,40}$/;
const ORIGIN = /^https?:\/\/[^/\s?#]+$/;
const AWS_MANAGED_SQS_KEY = 'alias/aws/sqs';

/**
 * Checks every prop and throws ONE error listing every problem, so a user fixes them in one
 * pass. Values that are tokens (known only at deploy time) are skipped.
 */
export function validateProps(props: OrdersWorkflowProps, resolved: ResolvedProps): void {
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
  for (const origin of resolved.corsAllowOrigins) {
    if (Token.isUnresolved(origin)) continue;
    check(origin === '*' || ORIGIN.test(origin),
      `corsAllowOrigins entries must be '*' or an origin like 'https://app.example.com' with no path (got '${origin}').`);
  }

  check(resolved.runtime.family === lambda.RuntimeFamily.NODEJS,
    `runtime must be a Node.js runtime (the handlers are JavaScript bundles); got ${resolved.runtime.name}.`);
  check(!(resolved.corsAllowOrigins.includes('*') && resolved.corsAllowOrigins.length > 1),
    "corsAllowOrigins cannot mix '*' with specific origins: use ['*'] alone or list the origins.");
  const { rateLimit, burstLimit } = resolved.apiThrottle;
  if (rateLimit !== undefined && !isUnresolved(rateLimit)) check(rateLimit > 0, `apiThrottle.rateLimit must be positive (got ${rateLimit}).`);
  if (burstLimit !== undefined) integerIn('apiThrottle.burstLimit', burstLimit, 1, 1_000_000);
  integerIn('memorySize', resolved.memorySize, 128, 10_240);
  integerIn('batchSize', resolved.batchSize, 1, 10);
  integerIn('maxReceiveCount', resolved.maxReceiveCount, 1, 1000);
  secondsIn('apiTimeout', resolved.apiTimeout, 1, 29);
  secondsIn('workerTimeout', resolved.workerTimeout, 1, 900);
  secondsIn('maxBatchingWindow', resolved.maxBatchingWindow, 0, 300);
  secondsIn('visibilityTimeout', resolved.visibilityTimeout, 0, 12 * 60 * 60);
  secondsIn('deadLetterRetentionPeriod', resolved.deadLetterRetentionPeriod, 60, 14 * 24 * 60 * 60);
  secondsIn('queueAgeAlarmThreshold', resolved.queueAgeAlarmThreshold, 1, 14 * 24 * 60 * 60);
  secondsIn('idempotencyExpiry', resolved.idempotencyExpiry, 1, 366 * 24 * 60 * 60);

  const timesKnown = ![resolved.workerTimeout, resolved.maxBatchingWindow, resolved.visibilityTimeout].some(isUnresolved);
  if (timesKnown) {
    const minimum = minimumVisibilityTimeout(resolved.workerTimeout, resolved.maxBatchingWindow).toSeconds();
    check(resolved.visibilityTimeout.toSeconds() >= minimum,
      `visibilityTimeout (${resolved.visibilityTimeout.toSeconds()} s) must be at least 6x workerTimeout plus ` +
      `maxBatchingWindow (${minimum} s), or SQS may hand a batch to a second worker while the first still runs it. ` +
      'Raise visibilityTimeout or lower workerTimeout.');
  }
  if (timesKnown && !isUnresolved(resolved.idempotencyExpiry) && !isUnresolved(resolved.maxReceiveCount)) {
    const redeliveryWindow = resolved.maxReceiveCount * resolved.visibilityTimeout.toSeconds();
    check(resolved.idempotencyExpiry.toSeconds() >= redeliveryWindow,
      `idempotencyExpiry (${resolved.idempotencyExpiry.toSeconds()} s) must be at least maxReceiveCount x visibilityTimeout ` +
      `(${redeliveryWindow} s), or a redelivered order could be processed twice.`);
  }

  const keyAlias = (props.queueEncryptionKey as { aliasName?: string } | undefined)?.aliasName;
  check(keyAlias !== AWS_MANAGED_SQS_KEY,
    `queueEncryptionKey must not be the AWS-managed key ${AWS_MANAGED_SQS_KEY}: EventBridge cannot encrypt with it and ` +
    'would drop every order. Omit the prop (SSE-SQS) or pass a customer-managed key.');

  if (problems.length > 0) {
    throw new Error(`Invalid OrdersWorkflow props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
