/**
 * DynamoDB tables in the emulator from the template: `AWS::DynamoDB::Table` (Table) and
 * `AWS::DynamoDB::GlobalTable` (TableV2), with keys, secondary indexes, streams and TTL. A global
 * table becomes one table in the local region: its replicas are one table locally, the
 * throughput settings only a default capacity. Encryption, backups and tags have no local effect.
 */
import {
  CreateTableCommand, CreateTableCommandInput, DescribeTableCommand, DynamoDBClient, GlobalSecondaryIndex, UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { PhysicalResource, resolveValue, ResolveContext } from '../template/intrinsics';
import { generatedName } from '../template/references';
import { CfnResource, SynthesizedStack } from '../template/synthesized-stack';

export const TABLE_TYPES: readonly string[] = ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'];

/** Properties with no local effect; a customer key or a Kinesis stream is not created locally, so they stay unresolved. */
const NOT_EMULATED = ['SSESpecification', 'PointInTimeRecoverySpecification', 'Tags', 'KinesisStreamSpecification',
  'ContributorInsightsSpecification', 'Replicas', 'WriteProvisionedThroughputSettings', 'WriteOnDemandThroughputSettings',
  'ResourcePolicy', 'WarmThroughput', 'ImportSourceSpecification'];

/** What moto's CreateTable takes of an index (the CloudFormation-only settings dropped). */
function localIndex(index: Record<string, any>, provisioned: boolean): GlobalSecondaryIndex {
  const { IndexName, KeySchema, Projection, ProvisionedThroughput } = index;
  return { IndexName, KeySchema, Projection, ...(provisioned ? { ProvisionedThroughput: ProvisionedThroughput ?? DEFAULT_CAPACITY } : {}) };
}

const DEFAULT_CAPACITY = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };

/** The CreateTable request for either resource type. Both default to PROVISIONED billing, as CloudFormation does. */
export function createTableInput(stackName: string, logicalId: string, props: Record<string, any>): CreateTableCommandInput {
  const name: string = props.TableName ?? generatedName(stackName, logicalId, 255);
  const provisioned = (props.BillingMode ?? 'PROVISIONED') === 'PROVISIONED';
  return {
    TableName: name,
    AttributeDefinitions: props.AttributeDefinitions,
    KeySchema: props.KeySchema,
    BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ProvisionedThroughput: provisioned ? props.ProvisionedThroughput ?? DEFAULT_CAPACITY : undefined,
    GlobalSecondaryIndexes: props.GlobalSecondaryIndexes?.map((index: Record<string, any>) => localIndex(index, provisioned)),
    LocalSecondaryIndexes: props.LocalSecondaryIndexes,
    StreamSpecification: props.StreamSpecification?.StreamViewType
      ? { StreamEnabled: true, StreamViewType: props.StreamSpecification.StreamViewType } : undefined,
  };
}

export async function createTable(
  stack: SynthesizedStack, logicalId: string, table: CfnResource, ctx: ResolveContext, dynamodb: DynamoDBClient,
): Promise<PhysicalResource> {
  const written = Object.fromEntries(Object.entries(table.Properties ?? {}).filter(([key]) => !NOT_EMULATED.includes(key)));
  const props = resolveValue(written, ctx, logicalId) as Record<string, any>;
  const input = createTableInput(stack.stackName, logicalId, props);
  const name = input.TableName!;
  try {
    await dynamodb.send(new CreateTableCommand(input));
  } catch (error) {
    // A previous run's table, on an emulator that is reused.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  const ttl = props.TimeToLiveSpecification;
  if (ttl?.Enabled === true || ttl?.Enabled === 'true') {
    try {
      await dynamodb.send(new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }));
    } catch (error) {
      // "TimeToLive is already enabled" on a reused table.
      if ((error as Error).name !== 'ValidationException') throw error;
    }
  }
  const description = (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table!;
  return {
    ref: name,
    attributes: {
      Arn: description.TableArn!,
      ...(description.TableId ? { TableId: description.TableId } : {}),
      ...(description.LatestStreamArn ? { StreamArn: description.LatestStreamArn } : {}),
    },
  };
}
