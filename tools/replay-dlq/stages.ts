/**
 * A stage's queue pair for `--stage <name>`. The list is the operations function's own
 * `STAGE_QUEUES` (a JSON array of `{ name, queueUrl, deadLetterQueueUrl, ... }`, one entry per
 * stage and per compensation, `<stage>/compensation`): from `--stage-queues`, the environment, or
 * an outputs file's `StageQueues` (the local runner writes it). Every problem is a message for
 * the user, found before any SQS call.
 */

/** The workflow's own pair: `--stage main` is the same as no `--stage`. */
export const MAIN_STAGE = 'main';

export interface StageQueuePair {
  readonly name: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

export class StageQueuesError extends Error {}

/**
 * The pairs in `value`: a JSON string or an already parsed array. Fields other than `name`,
 * `queueUrl` and `deadLetterQueueUrl` (the ARNs the function also gets) are ignored.
 */
export function parseStageQueues(value: unknown, source: string): StageQueuePair[] {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  const isPair = (pair: unknown): pair is StageQueuePair => typeof pair === 'object' && pair !== null &&
    (['name', 'queueUrl', 'deadLetterQueueUrl'] as const).every((field) => {
      const text = (pair as Record<string, unknown>)[field];
      return typeof text === 'string' && text.trim() !== '';
    });
  if (!Array.isArray(parsed) || !parsed.every(isPair)) {
    throw new StageQueuesError(`${source} must be a JSON array of { name, queueUrl, deadLetterQueueUrl } ` +
      '(the operations function\'s STAGE_QUEUES).');
  }
  return parsed.map(({ name, queueUrl, deadLetterQueueUrl }) => ({ name, queueUrl, deadLetterQueueUrl }));
}

/** The pair named `stage`, or an error that lists the names there are. */
export function findStage(pairs: readonly StageQueuePair[], stage: string, source: string): StageQueuePair {
  const found = pairs.find((pair) => pair.name === stage);
  if (found !== undefined) return found;
  const names = [MAIN_STAGE, ...pairs.map((pair) => pair.name)].map((name) => `"${name}"`).join(', ');
  throw new StageQueuesError(`Unknown stage "${stage}": ${source} lists ${names}.`);
}
