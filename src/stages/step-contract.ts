/**
 * The environment the construct gives every step's worker when the workflow has stages, and the
 * names the worker runtime reads. Plain constants only: the handler bundles may import this file.
 */

/** The name of the step the workflow's own processor runs. Reserved: no stage may take it. */
export const MAIN_STEP_NAME = 'main';

/** `STEP_MODE` of a stage's compensation worker (unset, the worker runs its step forward: `process`). */
export const STEP_MODE_COMPENSATE = 'compensate';

/** The variables, set only when the workflow has at least one stage. */
export const STEP_ENVIRONMENT = {
  /** `main` or the stage's id. */
  name: 'STEP_NAME',
  /** `process` (when unset) or `compensate`. */
  mode: 'STEP_MODE',
  /** JSON array of every step's name, in order. */
  names: 'STEP_NAMES',
  /** JSON array of the names of the steps that have a compensation. */
  compensated: 'STEP_COMPENSATED',
  /** The detail type the step publishes when it completes (unset for compensation workers). */
  completedEvent: 'STEP_COMPLETED_EVENT',
  /** The workflow's bus, which the step's events go to. */
  eventBusName: 'STEP_EVENT_BUS_NAME',
} as const;
