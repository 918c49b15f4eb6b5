/**
 * The processor's options are checked with the other props: each problem named, all of them
 * reported in the one error a user fixes in one pass.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { OrderProcessor, OrderProcessorOptions, OrdersWorkflow, OrdersWorkflowProps } from '../../src';

function build(props: (stack: Stack) => OrdersWorkflowProps): void {
  const stack = new Stack(new App(), 'Validation');
  new OrdersWorkflow(stack, 'Orders', props(stack));
}

const withProcessor = (options: (stack: Stack) => OrderProcessorOptions, props: OrdersWorkflowProps = {}) =>
  (stack: Stack): OrdersWorkflowProps => ({ ...props, processor: OrderProcessor.builtIn(options(stack)) });
const importedVpc = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
  vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'],
});

const BOTH_TIMEOUTS = 'Set the worker\'s timeout once: the processor\'s timeout option or workerTimeout, not both.';
const NO_VPC = 'the processor\'s vpcSubnets and securityGroups need its vpc option.';

test.each<[string, (stack: Stack) => OrdersWorkflowProps, string]>([
  ['the processor\'s timeout and workerTimeout both set',
    withProcessor(() => ({ timeout: Duration.seconds(60) }), { workerTimeout: Duration.seconds(30) }), BOTH_TIMEOUTS],
  ['memory under 128 MB', withProcessor(() => ({ memorySize: 127 })), 'the processor\'s memorySize must be an integer from 128 to 10240 (got 127).'],
  ['memory over 10,240 MB', withProcessor(() => ({ memorySize: 10_241 })), 'the processor\'s memorySize must be an integer from 128 to 10240 (got 10241).'],
  ['fractional memory', withProcessor(() => ({ memorySize: 512.5 })), 'the processor\'s memorySize must be an integer from 128 to 10240 (got 512.5).'],
  ['vpcSubnets without vpc', withProcessor(() => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })), NO_VPC],
  ['securityGroups without vpc', withProcessor((stack) => ({
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', 'sg-1')],
  })), NO_VPC],
])('%s is refused', (_name, props, message) => {
  expect(() => build(props)).toThrow(message);
});

test.each<[string, (stack: Stack) => OrdersWorkflowProps]>([
  ['memory at 128 MB', withProcessor(() => ({ memorySize: 128 }))],
  ['memory at 10,240 MB', withProcessor(() => ({ memorySize: 10_240 }))],
  ['the processor\'s timeout alone', withProcessor(() => ({ timeout: Duration.minutes(2) }))],
  ['workerTimeout alone', (stack) => ({ ...withProcessor(() => ({}))(stack), workerTimeout: Duration.minutes(2) })],
  ['vpc with vpcSubnets and securityGroups', withProcessor((stack) => ({
    vpc: importedVpc(stack),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', 'sg-1')],
  }))],
])('%s is accepted', (_name, props) => {
  expect(() => build(props)).not.toThrow();
});

test('the processor\'s problems come in one error with the other props\' ones', () => {
  let error: Error | undefined;
  try {
    build(withProcessor(() => ({
      timeout: Duration.seconds(60),
      memorySize: 64,
      environment: { MAX_RECEIVE_COUNT: '1' },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    }), { workerTimeout: Duration.seconds(30), batchSize: 0 }));
  } catch (e) {
    error = e as Error;
  }
  expect(error?.message.split('\n')).toEqual([
    'Invalid OrdersWorkflow props:',
    '  - batchSize must be an integer from 1 to 10 (got 0).',
    `  - ${BOTH_TIMEOUTS}`,
    '  - the processor\'s memorySize must be an integer from 128 to 10240 (got 64).',
    '  - the processor\'s environment may not set MAX_RECEIVE_COUNT: the worker runtime sets it.',
    `  - ${NO_VPC}`,
  ]);
});
