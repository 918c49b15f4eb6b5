import { Token } from 'aws-cdk-lib';
import { ResolvedProps } from '../resolved-props';

/** What a stage's compensation step adds after the stage's id in every name. */
export const COMPENSATION_KEY_SUFFIX = '-compensate';

/**
 * The names of one step's resources, all derived from its key (the stage's id, or
 * `<id>-compensate` for its compensation) so that two steps with different keys never share one.
 */
export interface StepNames {
  /** `payment` or `payment-compensate`. */
  readonly key: string;
  /** After `<functionNamePrefix>-`: the worker function's name (its log group follows). */
  readonly functionName: string;
  /** The rule's full name (always set: the key policy and the rule's metrics name it). */
  readonly ruleName: string;
  /** After `<namePrefix>-`: the queue pair's names (used only with `namePrefix`). */
  readonly queue: string;
  readonly deadLetterQueue: string;
  /** The worker's log group, as Lambda names it. */
  readonly logGroupName: string;
}

/** Lambda's and EventBridge's limit on a function's and a rule's name; SQS's on a queue's. */
const MAX_FUNCTION_NAME = 64;
const MAX_RULE_NAME = 64;
const MAX_QUEUE_NAME = 80;

export function stepNames(settings: ResolvedProps, key: string): StepNames {
  const functionName = `${key}-worker`;
  return {
    key,
    functionName,
    ruleName: `${settings.functionNamePrefix}-${key}-rule`,
    queue: `${key}-queue`,
    deadLetterQueue: `${key}-dlq`,
    logGroupName: `/aws/lambda/${settings.functionNamePrefix}-${functionName}`,
  };
}

/** The names that would be longer than AWS allows, each with the limit it breaks. */
export function stepNameProblems(settings: ResolvedProps, names: StepNames): string[] {
  const problems: string[] = [];
  const fullFunctionName = `${settings.functionNamePrefix}-${names.functionName}`;
  const tooLong = (what: string, name: string, max: number) => {
    if (!Token.isUnresolved(name) && name.length > max) {
      problems.push(`${what} '${name}' would be ${name.length} characters, over the limit of ${max}: shorten the stage id ` +
        `or ${settings.namePrefix !== undefined ? 'namePrefix' : 'the workflow\'s construct path (or set a short namePrefix)'}.`);
    }
  };
  tooLong('its worker function\'s name', fullFunctionName, MAX_FUNCTION_NAME);
  tooLong('its rule\'s name', names.ruleName, MAX_RULE_NAME);
  if (settings.namePrefix !== undefined) {
    // The dead-letter queue's name is the shorter of the two.
    tooLong('its queue\'s name', `${settings.namePrefix}-${names.queue}`, MAX_QUEUE_NAME);
  }
  return problems;
}
