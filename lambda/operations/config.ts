/** The operations function's settings, from the environment the construct sets (read once, at cold start). */

/** How the ops methods authorize: `iam` (SigV4, every mode but Cognito) or `cognito` (the operators group). */
export type OperationsAuthorization = 'iam' | 'cognito';

/** A queue and its dead-letter queue: the main pair, a stage's, or a stage compensation's. */
export interface QueuePair {
  /** `main`, the stage's id, or `<stage id>/compensation`. */
  readonly name: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

export const MAIN_PAIR = 'main';

export interface OperationsConfig {
  readonly mainQueueUrl: string;
  readonly mainQueueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  /** Every pair, the main one first, then each stage's (and its compensation's) in pipeline order. */
  readonly pairs: readonly QueuePair[];
  readonly authorization: OperationsAuthorization;
  /** With Cognito: the group whose members are operators; undefined means nobody is one. */
  readonly operatorsGroup?: string;
  /** The move task's rate; undefined lets SQS pick it (system optimized). */
  readonly redriveMessagesPerSecond?: number;
  readonly corsAllowOrigins: readonly string[];
}

export const OPERATIONS_AUTHORIZATION_ENV = 'OPERATIONS_AUTHORIZATION';

export function readOperationsConfig(env: NodeJS.ProcessEnv): OperationsConfig {
  const required = (name: string, what: string) => {
    const value = env[name]?.trim();
    if (!value) throw new Error(`${name} must be set to ${what}`);
    return value;
  };
  const authorization = env[OPERATIONS_AUTHORIZATION_ENV]?.trim() || 'iam';
  if (authorization !== 'iam' && authorization !== 'cognito') {
    throw new Error(`${OPERATIONS_AUTHORIZATION_ENV} must be iam or cognito, got "${authorization}"`);
  }
  const rate = env.REDRIVE_MESSAGES_PER_SECOND?.trim();
  const redriveMessagesPerSecond = rate ? Number(rate) : undefined;
  const validRate = (value: number) => Number.isInteger(value) && value >= 1 && value <= 500;
  if (redriveMessagesPerSecond !== undefined && !validRate(redriveMessagesPerSecond)) {
    throw new Error(`REDRIVE_MESSAGES_PER_SECOND must be a whole number from 1 to 500, got "${rate}"`);
  }
  const main: QueuePair = {
    name: MAIN_PAIR,
    queueUrl: required('MAIN_QUEUE_URL', 'the URL of the main queue'),
    queueArn: required('MAIN_QUEUE_ARN', 'the ARN of the main queue'),
    deadLetterQueueUrl: required('DEAD_LETTER_QUEUE_URL', 'the URL of the dead-letter queue'),
    deadLetterQueueArn: required('DEAD_LETTER_QUEUE_ARN', 'the ARN of the dead-letter queue'),
  };
  return {
    mainQueueUrl: main.queueUrl,
    mainQueueArn: main.queueArn,
    deadLetterQueueUrl: main.deadLetterQueueUrl,
    deadLetterQueueArn: main.deadLetterQueueArn,
    pairs: [main, ...stagePairs(env.STAGE_QUEUES)],
    authorization,
    operatorsGroup: env.OPERATORS_GROUP?.trim() || undefined,
    redriveMessagesPerSecond,
    corsAllowOrigins: (env.CORS_ALLOW_ORIGINS ?? '').split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter((origin) => origin !== ''),
  };
}

const PAIR_FIELDS = ['name', 'queueUrl', 'queueArn', 'deadLetterQueueUrl', 'deadLetterQueueArn'] as const;

/** `STAGE_QUEUES`: a JSON array of the stages' pairs (set by the construct when the workflow has stages). */
function stagePairs(value: string | undefined): QueuePair[] {
  if (value === undefined || value.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const valid = Array.isArray(parsed) && parsed.every((pair) =>
    typeof pair === 'object' && pair !== null && PAIR_FIELDS.every((field) => typeof pair[field] === 'string' && pair[field] !== ''));
  if (!valid) throw new Error(`STAGE_QUEUES must be a JSON array of { ${PAIR_FIELDS.join(', ')} }, got "${value}"`);
  return (parsed as QueuePair[]).map((pair) => Object.fromEntries(PAIR_FIELDS.map((field) => [field, pair[field]])) as unknown as QueuePair);
}
