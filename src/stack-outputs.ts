import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The reference system's stack outputs, by their exact names. */
export interface WorkflowOutputValues {
  /** Base URL ending in `/`: POST to `${ApiEndpoint}orders`. */
  readonly ApiEndpoint: string;
  readonly EventBusName: string;
  readonly MainQueueUrl: string;
  readonly DlqUrl: string;
  /** The worker's idempotency table: the reference system's name, kept for its scripts. */
  readonly DynamoTableName: string;
  /** The same table under a name that says what it is. */
  readonly IdempotencyTableName: string;
  readonly OrdersTableName: string;
  /** With API key authorization: the key's id (its value never appears in a template). */
  readonly ApiKeyId?: string;
}

/** Where the output's name alone could mislead. */
const OUTPUT_NOTES: Record<string, string> = {
  DynamoTableName: 'the worker\'s idempotency table, as IdempotencyTableName; the orders are in OrdersTableName',
};

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
    const note = OUTPUT_NOTES[name] ? `: ${OUTPUT_NOTES[name]}` : '';
    new CfnOutput(stack, name, { value, description: `${name} of ${workflow.node.path} (cdk-orders-workflow)${note}` });
  }
}
