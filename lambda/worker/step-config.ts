/**
 * Which step of a multi-stage pipeline this worker runs, from the environment the construct sets
 * when the workflow has stages. Without stages none of it is set and the worker is the single
 * step it always was.
 */
import type { EventTarget } from '../shared/put-event';

export interface StepConfig {
  /** `main` (the workflow's own processor) or the stage's id. */
  readonly name: string;
  /** `process` runs the step; `compensate` undoes it (the stage's compensation worker). */
  readonly mode: 'process' | 'compensate';
  /** Every step's name in order, `main` first. */
  readonly names: readonly string[];
  /** The steps that have a compensation. */
  readonly compensated: readonly string[];
  /** What this step publishes when it completes (process mode). */
  readonly completedEvent?: string;
  /** The workflow's bus and source, for the step events. */
  readonly target: EventTarget;
  readonly index: number;
  readonly isLast: boolean;
}

export function readStepConfig(env: NodeJS.ProcessEnv): StepConfig | undefined {
  const name = env.STEP_NAME?.trim();
  if (!name) return undefined;
  const mode = env.STEP_MODE?.trim() || 'process';
  if (mode !== 'process' && mode !== 'compensate') throw new Error(`STEP_MODE must be "process" or "compensate", got "${env.STEP_MODE}"`);
  const names = stringArray('STEP_NAMES', env.STEP_NAMES);
  const index = names.indexOf(name);
  if (index < 0) throw new Error(`STEP_NAME "${name}" is not one of STEP_NAMES (${names.join(', ')})`);
  const compensated = stringArray('STEP_COMPENSATED', env.STEP_COMPENSATED ?? '[]');
  const completedEvent = env.STEP_COMPLETED_EVENT?.trim() || undefined;
  if (mode === 'process' && completedEvent === undefined) throw new Error('STEP_COMPLETED_EVENT must be set for a step that processes');
  const eventBusName = env.STEP_EVENT_BUS_NAME?.trim();
  const eventSource = env.EVENT_SOURCE?.trim();
  if (!eventBusName || !eventSource) throw new Error('STEP_EVENT_BUS_NAME and EVENT_SOURCE must be set when STEP_NAME is');
  return { name, mode, names, compensated, completedEvent, target: { eventBusName, eventSource }, index, isLast: index === names.length - 1 };
}

function stringArray(name: string, value: string | undefined): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '');
  } catch {
    throw new Error(`${name} must be a JSON array of step names, got "${value}"`);
  }
  if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === 'string' && entry !== '')) {
    throw new Error(`${name} must be a JSON array of step names, got "${value}"`);
  }
  return parsed;
}
