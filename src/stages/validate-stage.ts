import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OrderStageProps } from './order-stage-props';
import { MAIN_STEP_NAME } from './step-contract';
import { COMPENSATION_KEY_SUFFIX, stepNameProblems, StepNames, stepNames } from './step-names';
import { OrdersWorkflowProps } from '../orders-workflow-props';
import { OrderProcessor } from '../processing/order-processor';
import { resolveProps, ResolvedProps } from '../resolved-props';
import { completedEventProblems, stepProblems } from '../validate-props';

/** A letter, then letters, digits or '-': at most 32 characters (it goes into resource names). */
const STAGE_ID = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;

/** What an earlier stage claimed: its id, its completed event, whether it is compensated. */
export interface ExistingStage {
  readonly stageName: string;
  readonly completedEvent: string;
  readonly compensated: boolean;
}

/** One step of the new stage, with the settings its queue pair and worker are built from. */
export interface ValidatedStep {
  /** The workflow's props resolved with this step's processor: its timeout decides its queue's defaults. */
  readonly settings: ResolvedProps;
  readonly names: StepNames;
  readonly processor: OrderProcessor;
}

export interface ValidatedStage {
  readonly process: ValidatedStep;
  readonly compensation?: ValidatedStep;
}

/**
 * Checks a stage before anything is built and throws ONE error listing every problem, naming
 * the stage and the prop. `workflow` is the OrdersWorkflow (its path seeds the generated names).
 */
export function validateStage(
  workflow: Construct, id: string, props: OrderStageProps, workflowProps: OrdersWorkflowProps,
  workflowSettings: ResolvedProps, existing: readonly ExistingStage[],
): ValidatedStage {
  const problems: string[] = [];
  const idOk = typeof id === 'string' && STAGE_ID.test(id);
  if (!idOk) {
    problems.push(`the stage id must start with a letter and be at most 32 letters, digits or '-' (got '${id}'): ` +
      'it names the stage\'s resources and is its step name in events and order records.');
  } else if (id.toLowerCase() === MAIN_STEP_NAME) {
    problems.push(`the stage id '${id}' is reserved: '${MAIN_STEP_NAME}' is the step of the workflow's own processor.`);
  } else {
    problems.push(...idProblems(id, props.compensation !== undefined, existing));
  }

  problems.push(...completedEventProblems('completedEvent', props.completedEvent));
  if (!Token.isUnresolved(props.completedEvent)) {
    if (props.completedEvent === workflowSettings.processorCompletedEvent) {
      problems.push(`completedEvent '${props.completedEvent}' is the workflow's processorCompletedEvent (what step ` +
        `'${MAIN_STEP_NAME}' publishes): each step needs its own, or a rule would take one step's completion for another's.`);
    }
    const other = existing.find((stage) => stage.completedEvent === props.completedEvent);
    if (other) {
      problems.push(`completedEvent '${props.completedEvent}' is already the completedEvent of stage '${other.stageName}': ` +
        'each step needs its own, or a rule would take one step\'s completion for another\'s.');
    }
  }

  const step = (processor: OrderProcessor | undefined, key: string, label: string): ValidatedStep | undefined => {
    if (processor === undefined) {
      problems.push(`${label} is required: an OrderProcessor (builtIn, fromEntry or fromCode).`);
      return undefined;
    }
    const stepProps: OrdersWorkflowProps = { ...workflowProps, processor };
    const settings = resolveProps(workflow, stepProps);
    const prefix = label === 'processor' ? '' : `${label}: `;
    problems.push(...stepProblems(stepProps, settings).map((p) => `${prefix}${p}`));
    const names = stepNames(settings, key);
    if (idOk) problems.push(...stepNameProblems(settings, names).map((p) => `${prefix}${p}`));
    return { settings, names, processor };
  };
  const process = step(props.processor, id, 'processor');
  const compensation = props.compensation === undefined
    ? undefined
    : step(props.compensation, `${id}${COMPENSATION_KEY_SUFFIX}`, 'compensation');

  if (problems.length > 0 || process === undefined) {
    throw new Error(`Invalid stage '${id}' (OrdersWorkflow.addStage):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return { process, compensation };
}

/**
 * A duplicate id, or an id whose resources would take the names of another step's: stage
 * `a-compensate` and the compensation of stage `a` (case-insensitive, like the id's uniqueness).
 */
function idProblems(id: string, compensated: boolean, existing: readonly ExistingStage[]): string[] {
  const lower = id.toLowerCase();
  const same = existing.find((stage) => stage.stageName.toLowerCase() === lower);
  if (same) {
    return [`a stage '${same.stageName}' already exists: stage ids are unique in a workflow (case-insensitive).`];
  }
  const problems: string[] = [];
  const owner = existing.find((stage) => stage.compensated && `${stage.stageName}${COMPENSATION_KEY_SUFFIX}`.toLowerCase() === lower);
  if (owner) {
    problems.push(`the stage id '${id}' would give its resources the names of stage '${owner.stageName}''s compensation: choose another id.`);
  }
  const taken = existing.find((stage) => stage.stageName.toLowerCase() === `${lower}${COMPENSATION_KEY_SUFFIX}`);
  if (compensated && taken) {
    problems.push(`the stage's compensation would give its resources the names of stage '${taken.stageName}': choose another id.`);
  }
  return problems;
}
