/** The operations function's settings, from the environment the construct sets (read once, at cold start). */

/** How the ops methods authorize: `iam` (SigV4, every mode but Cognito) or `cognito` (the operators group). */
export type OperationsAuthorization = 'iam' | 'cognito';

export interface OperationsConfig {
  readonly mainQueueUrl: string;
  readonly mainQueueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
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
  return {
    mainQueueUrl: required('MAIN_QUEUE_URL', 'the URL of the main queue'),
    mainQueueArn: required('MAIN_QUEUE_ARN', 'the ARN of the main queue'),
    deadLetterQueueUrl: required('DEAD_LETTER_QUEUE_URL', 'the URL of the dead-letter queue'),
    deadLetterQueueArn: required('DEAD_LETTER_QUEUE_ARN', 'the ARN of the dead-letter queue'),
    authorization,
    operatorsGroup: env.OPERATORS_GROUP?.trim() || undefined,
    redriveMessagesPerSecond,
    corsAllowOrigins: (env.CORS_ALLOW_ORIGINS ?? '').split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter((origin) => origin !== ''),
  };
}
