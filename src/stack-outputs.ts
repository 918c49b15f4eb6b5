import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The reference system's stack outputs, by their exact names. */
export interface WorkflowOutputValues {
  readonly ApiEndpoint: string;
  readonly EventBusName: string;
  readonly MainQueueUrl: string;
  readonly DlqUrl: string;
  /** The worker's idempotency table (the name predates the orders table). */
  readonly DynamoTableName: string;
  readonly OrdersTableName: string;
  /** With API key authorization: the key's id (its value never appears in a template). */
  readonly ApiKeyId?: string;
}

/**
 * Adds the outputs to the enclosing stack (not under the construct, whose path would prefix and
 * hash their logical ids), so `cdk deploy` prints `ApiEndpoint` etc. exactly.
 */
export function addStackOutputs(workflow: Construct, values: WorkflowOutputValues): void {
  const stack = Stack.of(workflow);
  for (const [name, value] of Object.entries(values)) {
    if (stack.node.tryFindChild(name)) {
      throw new Error(`${workflow.node.path}: the stack already has an output or construct named '${name}'. ` +
        'Set stackOutputs: true on only one OrdersWorkflow per stack, and read the others\' properties instead.');
    }
    new CfnOutput(stack, name, { value, description: `${name} of ${workflow.node.path} (cdk-orders-workflow)` });
  }
}
