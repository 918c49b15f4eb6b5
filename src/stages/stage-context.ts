import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { OrderStepResources, StepWorkflowParts } from './order-step';
import { StepList } from './step-list';
import { ValidatedStage } from './validate-stage';
import { ResolvedProps } from '../resolved-props';

/*
 * The internals an OrderStage is built from and keeps for the workflow: not in the package's
 * API (index.ts does not export this file).
 */

/** Subscribes to exactly one detail type from the workflow's source (`OrdersWorkflow`'s rule factory). */
export type StageRuleFactory = (scope: Construct, id: string, detailType: string, options: events.OnEventOptions) => events.Rule;

/** What `OrdersWorkflow.addStage` hands the stage it builds. */
export interface StageContext {
  readonly validated: ValidatedStage;
  /** The stage's position among the stages, from 1 (statement ids use it). */
  readonly index: number;
  readonly workflowSettings: ResolvedProps;
  /** The detail type the step before this one publishes when it completes. */
  readonly previousCompletedEvent: string;
  readonly parts: StepWorkflowParts;
  readonly steps: StepList;
  readonly ruleFor: StageRuleFactory;
}

/** One of a stage's steps (itself, or its compensation), for the workflow's dashboard. */
export interface StageStep {
  /** The dashboard row's title, e.g. `Stage payment`. */
  readonly label: string;
  readonly resources: OrderStepResources;
}
