/**
 * The stack outputs of the local system: the same keys `cdk deploy` prints (`stackOutputs`),
 * with local values, plus where the emulator is and what a caller needs to get past the
 * API's authorization (the HTTP contract's "Local run" keys).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AccessOutputs } from './api-gateway/local-access';
import { ProvisionedStack } from './emulator/provision';
import { WorkflowModel } from './template/workflow-model';
import type { WorkflowOutputValues } from '../../src/stack-outputs';

/**
 * `cdk deploy`'s outputs with local values (the orders table only when the stack has one), and
 * what only a local run has.
 */
export interface LocalOutputs extends AccessOutputs, Omit<WorkflowOutputValues, 'OrdersTableName' | 'ApiKeyId'> {
  readonly OrdersTableName?: string;
  /** Point SDK clients and the replay tool here (`AWS_ENDPOINT_URL` / `--endpoint`). */
  readonly EmulatorEndpoint: string;
  /**
   * SQS with the message move task (StartMessageMoveTask, ListMessageMoveTasks,
   * CancelMessageMoveTask), which the runner emulates in front of moto; every other SQS call is
   * moto's. The functions use it (`AWS_ENDPOINT_URL_SQS`); so should a tool that redrives.
   */
  readonly SqsEndpoint: string;
  /** The log groups the API and worker functions write to on AWS (the console's Logs Insights link). */
  readonly ApiLogGroupName: string;
  readonly WorkerLogGroupName: string;
  /**
   * Whether the worker fails `FAIL-ME` orders right now: the template's
   * `FAILURE_INJECTION_ENABLED`, a `workerEnv` override, or the last `injection on|off` (the file
   * is rewritten then). The console shows its FAIL-ME hint only while it is true.
   */
  readonly FailureInjection: boolean;
  /**
   * With stages: every stage's queue pair and every compensation's (`<stage>/compensation`), in
   * step order, as the operations function's STAGE_QUEUES (the replay tool's `--stage`).
   */
  readonly StageQueues?: ReadonlyArray<{ readonly name: string; readonly queueUrl: string; readonly deadLetterQueueUrl: string }>;
}

/** Outputs that are credentials: printed only where a developer asked for them, never in CI logs (main.ts). */
export const SECRET_OUTPUTS: ReadonlyArray<keyof LocalOutputs> = ['DemoPassword', 'ApiKey', 'LocalSecretAccessKey'];

export function localOutputs(
  model: WorkflowModel, provisioned: ProvisionedStack, apiUrl: string, endpoints: { emulator: string; sqs: string },
  failureInjection: boolean, access: AccessOutputs = {},
): LocalOutputs {
  const refOf = (logicalId: string | undefined) => (logicalId !== undefined ? provisioned.physical(logicalId).ref : '');
  const bus = model.eventBus;
  const stageQueues = model.stageWorkers
    .filter((stage) => stage.stepName !== undefined && stage.deadLetterQueueLogicalId !== undefined)
    .map((stage) => ({
      name: stage.stepMode === 'compensate' ? `${stage.stepName}/compensation` : stage.stepName!,
      queueUrl: refOf(stage.queueLogicalId),
      deadLetterQueueUrl: refOf(stage.deadLetterQueueLogicalId),
    }));
  return {
    ApiEndpoint: `${apiUrl}/`,
    EventBusName: bus === undefined ? '' : 'logicalId' in bus ? refOf(bus.logicalId) : bus.name,
    MainQueueUrl: refOf(model.mainQueueLogicalId),
    DlqUrl: refOf(model.deadLetterQueueLogicalId),
    DynamoTableName: refOf(model.idempotencyTableLogicalId),
    IdempotencyTableName: refOf(model.idempotencyTableLogicalId),
    ...(model.ordersTableLogicalId !== undefined ? { OrdersTableName: refOf(model.ordersTableLogicalId) } : {}),
    EmulatorEndpoint: endpoints.emulator,
    SqsEndpoint: endpoints.sqs,
    ApiLogGroupName: model.apiFunction.logGroupName,
    WorkerLogGroupName: model.workerFunction.logGroupName,
    FailureInjection: failureInjection,
    ...(stageQueues.length > 0 ? { StageQueues: stageQueues } : {}),
    ...access,
  };
}

export function writeOutputsFile(file: string, outputs: LocalOutputs): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Owner-only: it can hold the demo user's password, an API key and a secret access key.
  fs.writeFileSync(file, `${JSON.stringify(outputs, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
