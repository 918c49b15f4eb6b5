/**
 * The local runner as a library: `npm run local` (main.ts), the integration tests and the
 * frontend's browser test all start the workflow through `startLocalWorkflow`.
 *
 * ```ts
 * startLocalWorkflow(options?: LocalWorkflowOptions): Promise<LocalWorkflow>
 *
 * const local = await startLocalWorkflow({ port: 0, quiet: true });
 * await fetch(`${local.apiUrl}/orders`, { method: 'POST', body: JSON.stringify({ items: [{ sku: 'A', qty: 1 }] }) });
 * local.outputs.MainQueueUrl; // ApiEndpoint, EventBusName, MainQueueUrl, DlqUrl, DynamoTableName, EmulatorEndpoint,
 *                             // and the credentials the stack's authorization needs (UserPoolId, ApiKey, LocalAccessKeyId...)
 * await local.stop();
 * ```
 *
 * Keep this signature stable: other packages of the repo (examples/frontend) depend on it.
 * Everything runs on 127.0.0.1 and talks only to the emulator. The work is runner.ts's; this
 * file adds synthesizing this repo's stack, which pulls in aws-cdk-lib and src/ (the package's
 * bin runs only synthesized apps and imports runner.ts instead).
 */
import { LocalWorkflow, LocalWorkflowOptions, startWorkflow } from './runner';
import { synthesizeLocalStack } from './template/local-stack';

export {
  DEFAULT_API_PORT, DEFAULT_VISIBILITY_TIMEOUT_SECONDS, FAILURE_INJECTION_ENV,
} from './runner';
export type { LocalStageWorker, LocalWorker, LocalWorkflow, LocalWorkflowOptions, TemplateSource, LocalOutputs, LogLine, LogListener, WorkerBatchReport } from './runner';

export function startLocalWorkflow(options: LocalWorkflowOptions = {}): Promise<LocalWorkflow> {
  return startWorkflow(options, synthesizeLocalStack);
}
