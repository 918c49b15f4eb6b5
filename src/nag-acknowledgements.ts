import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A cdk-nag rule this design answers differently, and why. */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
  /** The finding's exact findings (cdk-nag's `appliesTo`, e.g. `Resource::*`); all of them when absent. */
  readonly appliesTo?: string[];
}

/**
 * Records why a cdk-nag rule does not apply, in the metadata format cdk-nag reads
 * (`cdk_nag.rules_to_suppress`), without making cdk-nag a dependency. Only findings that are
 * inherent to this design are acknowledged here; user decisions (authorization, WAF,
 * access logging, tracing) are left for the user's own review.
 */
export function acknowledgeNagFindings(construct: IConstruct, acknowledgements: NagAcknowledgement[]): void {
  const resource = (construct.node.defaultChild ?? construct) as CfnResource;
  const existing = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...acknowledgements] });
}

export const NO_ASYNC_INVOCATION: NagAcknowledgement = {
  id: 'Serverless-LambdaDLQ',
  reason: 'Never invoked asynchronously (API Gateway calls it synchronously; SQS through an event source mapping), ' +
    'so an on-failure destination would never receive anything. Failed orders go to the SQS dead-letter queue.',
};

/** On the operations function's role: reading the queues' age from CloudWatch. */
export const METRIC_READS_NEED_WILDCARD: NagAcknowledgement = {
  id: 'AwsSolutions-IAM5',
  reason: 'GET /ops/queues reads ApproximateAgeOfOldestMessage with cloudwatch:GetMetricData, which supports no ' +
    'resource-level permissions (IAM requires Resource *). It only reads metric values; the statement allows nothing else (tested).',
  appliesTo: ['Resource::*'],
};

/** Added with `tracing: true`, on each function role's policy. */
export const XRAY_NEEDS_WILDCARD: NagAcknowledgement = {
  id: 'AwsSolutions-IAM5',
  reason: 'tracing: true lets the function send traces: xray:PutTraceSegments and xray:PutTelemetryRecords ' +
    'support no resource-level permissions, so IAM requires Resource *. No other statement of the role uses a wildcard (tested).',
  appliesTo: ['Resource::*'],
};

/** Added with a processor's `vpc`, on the worker role's policy. */
export const VPC_NETWORK_INTERFACES_NEED_WILDCARD: NagAcknowledgement = {
  id: 'AwsSolutions-IAM5',
  reason: 'A worker in a VPC needs the EC2 network-interface actions of AWSLambdaVPCAccessExecutionRole (Lambda attaches ' +
    'the function through them); ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets support no resource-level ' +
    'permissions and the interfaces do not exist before the function, so IAM requires Resource *, as in the managed policy.',
  appliesTo: ['Resource::*'],
};
