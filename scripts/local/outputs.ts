/**
 * The stack outputs of the local system: the same keys `cdk deploy` prints (`stackOutputs`),
 * with local values, plus where the emulator is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProvisionedStack } from './emulator/provision';
import { WorkflowModel } from './template/workflow-model';

export interface LocalOutputs {
  /** Base URL ending in `/`, like the deployed one: POST to `${ApiEndpoint}orders`. */
  readonly ApiEndpoint: string;
  readonly EventBusName: string;
  readonly MainQueueUrl: string;
  readonly DlqUrl: string;
  readonly DynamoTableName: string;
  /** The API's request-deduplication (and, later, order state) table, when the stack has one. */
  readonly OrdersTableName?: string;
  /** Point SDK clients and the replay tool here (`AWS_ENDPOINT_URL` / `--endpoint`). */
  readonly EmulatorEndpoint: string;
}

export function localOutputs(model: WorkflowModel, provisioned: ProvisionedStack, apiUrl: string, emulatorEndpoint: string): LocalOutputs {
  const refOf = (logicalId: string | undefined) => (logicalId !== undefined ? provisioned.physical(logicalId).ref : '');
  const bus = model.eventBus;
  return {
    ApiEndpoint: `${apiUrl}/`,
    EventBusName: bus === undefined ? '' : 'logicalId' in bus ? refOf(bus.logicalId) : bus.name,
    MainQueueUrl: refOf(model.mainQueueLogicalId),
    DlqUrl: refOf(model.deadLetterQueueLogicalId),
    DynamoTableName: refOf(model.idempotencyTableLogicalId),
    ...(model.ordersTableLogicalId !== undefined ? { OrdersTableName: refOf(model.ordersTableLogicalId) } : {}),
    EmulatorEndpoint: emulatorEndpoint,
  };
}

export function writeOutputsFile(file: string, outputs: LocalOutputs): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(outputs, null, 2)}\n`);
}
