/**
 * The side-effect table the integration tests' processors write: one row per effect key, with
 * `calls` (every run, unconditionally) and `effects` (once, behind a conditional write), so a
 * test sees both how often a processor ran and what reached the world.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';

export interface EffectRow {
  readonly calls: number;
  readonly effects: number;
  readonly orderId: string;
}

export async function effectRows(client: DynamoDBClient, tableName: string): Promise<Map<string, EffectRow>> {
  const rows = new Map<string, EffectRow>();
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of page.Items ?? []) {
      rows.set(item.pk.S!, { calls: Number(item.calls?.N ?? 0), effects: Number(item.effects?.N ?? 0), orderId: item.orderId?.S ?? '' });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
}
