/**
 * The runner's failure injection. The construct's default is off, but the local walk-through
 * (FAIL-ME -> retries -> DLQ -> replay) needs it on: the runner turns it on unless told otherwise.
 */

/** The worker's switch for the FAIL-ME sku (lambda/worker/config.ts). */
export const FAILURE_INJECTION_ENV = 'FAILURE_INJECTION_ENABLED';

/** `on` and `off` override the stack; `template` keeps the worker's own setting. */
export const FAILURE_INJECTION_CHOICES = ['on', 'off', 'template'] as const;
export type FailureInjectionChoice = (typeof FAILURE_INJECTION_CHOICES)[number];
export const DEFAULT_FAILURE_INJECTION: FailureInjectionChoice = 'on';

export interface FailureInjectionState {
  readonly enabled: boolean;
  /** Who decided: the runner's choice, an explicit worker environment variable, or the stack. */
  readonly decidedBy: 'runner' | 'worker-env' | 'template';
}

/**
 * The worker's environment overrides with the choice applied. An explicit
 * `FAILURE_INJECTION_ENABLED` in `workerEnv` wins over the choice.
 */
export function withFailureInjection(
  workerEnv: Readonly<Record<string, string>> | undefined, choice: FailureInjectionChoice = DEFAULT_FAILURE_INJECTION,
): Readonly<Record<string, string>> | undefined {
  if (workerEnv?.[FAILURE_INJECTION_ENV] !== undefined || choice === 'template') return workerEnv;
  return { ...workerEnv, [FAILURE_INJECTION_ENV]: String(choice === 'on') };
}

/** As the worker reads it: on only when the variable says `true` (the construct always sets it). */
export function failureInjectionState(
  workerEnv: Readonly<Record<string, string>> | undefined, choice: FailureInjectionChoice, templateValue: unknown,
): FailureInjectionState {
  const explicit = workerEnv?.[FAILURE_INJECTION_ENV];
  if (explicit !== undefined) return { enabled: explicit.trim().toLowerCase() === 'true', decidedBy: 'worker-env' };
  if (choice !== 'template') return { enabled: choice === 'on', decidedBy: 'runner' };
  return { enabled: String(templateValue ?? 'false').trim().toLowerCase() === 'true', decidedBy: 'template' };
}

/** Says whether FAIL-ME fails, and why: the runner turns it on although the construct's default is off. */
export function failureInjectionLine(state: FailureInjectionState): string {
  const onOff = state.enabled ? 'ON (an order with sku FAIL-ME fails every attempt)' : 'off';
  switch (state.decidedBy) {
    case 'runner':
      return `Failure injection: ${onOff}, turned ${state.enabled ? 'on' : 'off'} by the runner (the construct's default is off; ` +
        '--failure-injection template keeps the stack\'s own setting, "injection on|off" switches it while running).';
    case 'worker-env':
      return `Failure injection: ${onOff}, set by --worker-env ${FAILURE_INJECTION_ENV}.`;
    default:
      return `Failure injection: ${onOff}, as the stack sets it.`;
  }
}
