import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { businessTable } from './business-table';

export interface InventoryProps {
  /** Keep the table (and its stock) when the stack is deleted. */
  readonly retain: boolean;
}

/**
 * The example's stock: one row per sku (`available`), and one per reserved line
 * (`reservation#<eventId>#<sku>`), written by the processor in processor/inventory.ts. No
 * seeding resource: the processor stocks a catalogue sku the first time an order names it.
 */
export class Inventory extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: InventoryProps) {
    super(scope, id);
    this.table = businessTable(this, 'sku', props.retain);
  }
}
