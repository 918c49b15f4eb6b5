import { Lazy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { MAIN_STEP_NAME, STEP_ENVIRONMENT, STEP_MODE_COMPENSATE } from './step-contract';

/** One step's worker, for its environment. */
export interface StepWorkerSpec {
  /** `main` or the stage's id. */
  readonly stepName: string;
  /** What the step publishes when it completes; unset for a stage's compensation worker, which publishes none. */
  readonly completedEvent?: string;
}

/**
 * The workflow's steps in order (`main`, then the stages in `addStage` order) and the ones with
 * a compensation. Every step worker's STEP_NAMES and STEP_COMPENSATED read them at synth, so a
 * stage added later reaches the workers created before it.
 */
export class StepList {
  private readonly names: string[] = [MAIN_STEP_NAME];
  private readonly compensated: string[] = [];

  /** Every step's name, `main` first. */
  public get stepNames(): readonly string[] {
    return this.names;
  }

  public add(stageName: string, hasCompensation: boolean): void {
    this.names.push(stageName);
    if (hasCompensation) this.compensated.push(stageName);
  }

  /** The STEP_* variables of one step's worker. */
  public environment(spec: StepWorkerSpec, eventBus: events.IEventBus): Record<string, string> {
    return {
      [STEP_ENVIRONMENT.name]: spec.stepName,
      ...(spec.completedEvent === undefined
        ? { [STEP_ENVIRONMENT.mode]: STEP_MODE_COMPENSATE }
        : { [STEP_ENVIRONMENT.completedEvent]: spec.completedEvent }),
      [STEP_ENVIRONMENT.names]: Lazy.string({ produce: () => JSON.stringify(this.names) }),
      [STEP_ENVIRONMENT.compensated]: Lazy.string({ produce: () => JSON.stringify(this.compensated) }),
      [STEP_ENVIRONMENT.eventBusName]: eventBus.eventBusName,
    };
  }
}
