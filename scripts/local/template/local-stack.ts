/**
 * The stack `npm run local` runs by default: the construct from this checkout with the
 * reference settings. (A consumer's app, e.g. examples/app, plugs in through `--app-dir`.)
 */
import { App, Stack } from 'aws-cdk-lib';
import { OrdersWorkflow, OrdersWorkflowProps } from '../../../src';

export const LOCAL_STACK_NAME = 'OrdersWorkflowLocal';

/** The Vite dev server of the example frontend, under both names a browser may use. */
export const LOCAL_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

export const LOCAL_WORKFLOW_PROPS: OrdersWorkflowProps = {
  namePrefix: 'orders',
  corsAllowOrigins: LOCAL_CORS_ORIGINS,
  stackOutputs: true,
};

/**
 * Synthesizes the stack in this process (no `cdk` CLI) into `outdir` and returns the cloud
 * assembly directory. `props` are merged over the reference settings, so a test (or a
 * developer) sees what a changed prop does to the local system.
 */
export function synthesizeLocalStack(outdir: string, props: OrdersWorkflowProps = {}): string {
  const app = new App({ outdir });
  const stack = new Stack(app, LOCAL_STACK_NAME, {
    description: 'cdk-orders-workflow, run locally by `npm run local`',
  });
  new OrdersWorkflow(stack, 'Orders', { ...LOCAL_WORKFLOW_PROPS, ...props });
  return app.synth().directory;
}
