import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OrdersWorkflow, OrdersWorkflowProps } from '../../src';

export interface Synthesized {
  readonly stack: Stack;
  readonly workflow: OrdersWorkflow;
  readonly template: Template;
}

/** One OrdersWorkflow in a fresh stack with a fixed environment, synthesized. */
export function synthWorkflow(props?: OrdersWorkflowProps, build?: (stack: Stack) => Partial<OrdersWorkflowProps>): Synthesized {
  const app = new App();
  const stack = new Stack(app, 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
  const workflow = new OrdersWorkflow(stack, 'Orders', { ...props, ...build?.(stack) });
  return { stack, workflow, template: Template.fromStack(stack) };
}

/** The single resource of a type, with its properties. */
export function onlyResource(template: Template, type: string): { logicalId: string; props: any } {
  const all = template.findResources(type);
  const ids = Object.keys(all);
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return { logicalId: ids[0], props: all[ids[0]].Properties };
}
