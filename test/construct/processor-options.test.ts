/**
 * The processor's function settings reach the worker function (and only it), whatever the kind,
 * and the ones the workflow checks are checked.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { allSecurityOptions, nagFindings } from './all-security-options';
import { synthWorkflow } from './synth';
import { logicalIdOf, propsOf, roleManagedPoliciesOf, roleStatementsOf, synthUsing } from './worker-template';
import { OrderProcessor, OrderProcessorOptions, OrdersWorkflowProps } from '../../src';
import { WORKER_RUNTIME_ENVIRONMENT } from '../../src/worker/order-worker';

const INLINE = lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });');

/** The same options through the two kinds that take no bundling (fromEntry shares the code path: processor-kinds.test.ts). */
const KINDS: Array<[string, (options: OrderProcessorOptions) => OrderProcessor]> = [
  ['builtIn', (options) => OrderProcessor.builtIn(options)],
  ['fromCode', (options) => OrderProcessor.fromCode(INLINE, 'index.handler', options)],
];

describe.each(KINDS)('%s options', (_kind, processor) => {
  test('memorySize: the worker\'s memory; the other functions keep the workflow\'s', () => {
    const synth = synthWorkflow({ memorySize: 512, processor: processor({ memorySize: 1769 }) });
    expect(propsOf(synth, synth.workflow.workerFunction).MemorySize).toBe(1769);
    expect(propsOf(synth, synth.workflow.apiFunction).MemorySize).toBe(512);
  });

  test('timeout: the worker\'s timeout, and the main queue\'s visibility timeout derived from it (6x)', () => {
    const synth = synthWorkflow({ processor: processor({ timeout: Duration.seconds(45) }) });
    expect(propsOf(synth, synth.workflow.workerFunction).Timeout).toBe(45);
    expect(propsOf(synth, synth.workflow.mainQueue).VisibilityTimeout).toBe(270);
  });

  test('timeout: the visibility-timeout check names the processor\'s timeout', () => {
    expect(() => synthWorkflow({ visibilityTimeout: Duration.seconds(300), processor: processor({ timeout: Duration.seconds(60) }) }))
      .toThrow('visibilityTimeout (300 s) must be at least 6x the processor\'s timeout plus maxBatchingWindow (360 s), ' +
        'or SQS may hand a batch to a second worker while the first still runs it. Raise visibilityTimeout or lower the processor\'s timeout.');
  });

  test('environment: added to the worker\'s own, which it cannot change; no other function gets it', () => {
    const synth = synthWorkflow({ processor: processor({ environment: { INVENTORY_TABLE: 'inventory', LOG_SAMPLE: '0.1' } }) });
    const worker = propsOf(synth, synth.workflow.workerFunction).Environment.Variables;
    expect(worker).toMatchObject({ INVENTORY_TABLE: 'inventory', LOG_SAMPLE: '0.1', POWERTOOLS_SERVICE_NAME: 'orders-worker' });
    expect(worker.ORDERS_TABLE_NAME).toEqual({ Ref: logicalIdOf(synth.workflow.ordersTable) });
    for (const other of [synth.workflow.apiFunction, synth.workflow.readsFunction, synth.workflow.operationsFunction]) {
      expect(propsOf(synth, other).Environment.Variables.INVENTORY_TABLE).toBeUndefined();
    }
  });

  test('environment: the runtime\'s variables are refused, each one named', () => {
    expect(() => synthWorkflow({ processor: processor({ environment: { ORDERS_TABLE_NAME: 'mine', OK: '1', EVENT_SOURCE: 'x' } }) }))
      .toThrow('the processor\'s environment may not set ORDERS_TABLE_NAME, EVENT_SOURCE: the worker runtime sets them.');
  });

  test('vpc: the worker runs in the VPC\'s private subnets with a new security group, and its role may manage its network interfaces', () => {
    const synth = synthWorkflow(undefined, (stack) => ({ processor: processor({ vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) }) }));
    const config = propsOf(synth, synth.workflow.workerFunction).VpcConfig;
    const privateSubnets = Object.keys(synth.template.findResources('AWS::EC2::Subnet'))
      .filter((id) => id.includes('PrivateSubnet')).map((id) => ({ Ref: id })).sort(byRef);
    expect(privateSubnets).toHaveLength(2);
    expect([...config.SubnetIds].sort(byRef)).toEqual(privateSubnets);
    expect(config.SecurityGroupIds).toHaveLength(1);
    expectVpcExecutionPermissions(synth, synth.workflow.workerFunction);
    // The other functions stay out of the VPC.
    expect(propsOf(synth, synth.workflow.apiFunction).VpcConfig).toBeUndefined();
  });

  test('vpcSubnets and securityGroups: exactly those', () => {
    const synth = synthWorkflow(undefined, (stack) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        maxAzs: 2,
        subnetConfiguration: [
          { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
      const group = new ec2.SecurityGroup(stack, 'ProcessorGroup', { vpc });
      return { processor: processor({ vpc, vpcSubnets: { subnetGroupName: 'Data' }, securityGroups: [group] }) };
    });
    const config = propsOf(synth, synth.workflow.workerFunction).VpcConfig;
    const dataSubnets = Object.keys(synth.template.findResources('AWS::EC2::Subnet')).filter((id) => id.startsWith('VpcDataSubnet'));
    expect(dataSubnets).toHaveLength(2);
    expect(config.SubnetIds.map((s: { Ref: string }) => s.Ref).sort()).toEqual(dataSubnets.sort());
    expect(config.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [logicalIdOf(synth.stack.node.findChild('ProcessorGroup')), 'GroupId'] }]);
  });

  test('layers: the worker\'s layers', () => {
    const arn = 'arn:aws:lambda:us-east-1:111111111111:layer:team-libs:3';
    const synth = synthWorkflow(undefined, (stack) => ({
      processor: processor({ layers: [lambda.LayerVersion.fromLayerVersionArn(stack, 'Libs', arn)] }),
    }));
    expect(propsOf(synth, synth.workflow.workerFunction).Layers).toEqual([arn]);
    expect(propsOf(synth, synth.workflow.apiFunction).Layers).toBeUndefined();
  });
});

test('the runtime\'s variables the processor may not set are exactly the ones the workers get', () => {
  // Every variable the construct gives a worker, with every optional one on: outcome events,
  // retention, and a compensated stage (the main worker has STEP_COMPLETED_EVENT, the
  // compensation worker STEP_MODE).
  const synth = synthUsing({ outcomeEvents: true, orderRetention: Duration.days(30) }, (workflow) => {
    workflow.addStage('payment', { processor: OrderProcessor.builtIn(), completedEvent: 'PaymentAuthorized', compensation: OrderProcessor.builtIn() });
  });
  const [stage] = synth.workflow.stages;
  const names = [synth.workflow.workerFunction, stage.workerFunction, stage.compensationFunction!]
    .flatMap((fn) => Object.keys(propsOf(synth, fn).Environment.Variables));
  expect([...new Set(names)].sort()).toEqual([...WORKER_RUNTIME_ENVIRONMENT].sort());
});

test.each(WORKER_RUNTIME_ENVIRONMENT)('the processor\'s environment may not set %s', (name) => {
  expect(() => synthWorkflow({ processor: OrderProcessor.builtIn({ environment: { [name]: 'x' } }) }))
    .toThrow(`the processor's environment may not set ${name}: the worker runtime sets it.`);
});

describe('cdk-nag with the worker in a VPC (the VPC itself is the team\'s: only findings on the workflow count)', () => {
  const packs = () => [new AwsSolutionsChecks(), new ServerlessChecks()];
  const workflowFindings = (props: (stack: Stack) => OrdersWorkflowProps) =>
    nagFindings(packs(), props).filter((f) => f.path.startsWith('/Nag/Orders/')).map((f) => `${f.rule} ${f.path}`).sort();
  const inVpc = (stack: Stack) => OrderProcessor.builtIn({ vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) });

  test('every security option on: no finding', () => {
    expect(workflowFindings((stack) => ({ ...allSecurityOptions(stack), processor: inVpc(stack) }))).toEqual([]);
  });

  test('default props (no tracing): the VPC adds no finding to the defaults\' ones', () => {
    expect(workflowFindings((stack) => ({ namePrefix: 'orders', processor: inVpc(stack) })))
      .toEqual(workflowFindings(() => ({ namePrefix: 'orders' })));
  });
});

/**
 * What Lambda needs to attach a function to a VPC: the EC2 actions of AWSLambdaVPCAccessExecutionRole,
 * on the worker's own role (lambda.Function adds the managed policy only to a role it creates).
 */
function expectVpcExecutionPermissions(synth: Parameters<typeof propsOf>[0], fn: lambda.IFunction): void {
  expect(roleManagedPoliciesOf(synth, fn)).toEqual([]);
  expect(roleStatementsOf(synth, fn)).toContainEqual({
    Effect: 'Allow',
    Action: [
      'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
    ],
    Resource: '*',
  });
}

function byRef(a: { Ref: string }, b: { Ref: string }): number {
  return a.Ref.localeCompare(b.Ref);
}
