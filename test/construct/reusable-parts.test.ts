/**
 * What other teams build on: grantReadOrders and grantConsumeDeadLetters (exact statements), the
 * metricXxx() methods (namespace, name, dimensions and default statistic; that the handlers emit
 * exactly these is proven in business-metrics.test.ts), stageName, and the renamed props.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { synthWorkflow } from './synth';
import { OrderRejectionReason, OrdersWorkflow, OrdersWorkflowProps } from '../../src';
import { REJECTION_REASONS } from '../../src/observability/business-metric-names';

/** The workflow, a role of another team's, and the role's policy statements after `grant`. */
function grantedStatements(grant: (workflow: OrdersWorkflow, role: iam.Role) => void, props: (stack: Stack) => OrdersWorkflowProps = () => ({})) {
  const stack = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
  const workflow = new OrdersWorkflow(stack, 'Orders', props(stack));
  const role = new iam.Role(stack, 'Reporting', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  grant(workflow, role);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const roleId = stack.getLogicalId(role.node.defaultChild as never);
  const ofRole = Object.values(policies).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
  const id = (c: any) => stack.getLogicalId(c.node.defaultChild ?? c);
  return { statements: ofRole.flatMap((p: any) => p.Properties.PolicyDocument.Statement), workflow, id };
}

describe('grantReadOrders', () => {
  test('GetItem and BatchGetItem on the orders table and Query on its caller-scope index, nothing else', () => {
    const { statements, workflow, id } = grantedStatements((w, role) => w.grantReadOrders(role));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], Resource: { 'Fn::GetAtt': [id(workflow.ordersTable), 'Arn'] } },
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(workflow.ordersTable), 'Arn'] }, '/index/byCallerScope']] },
      },
    ]);
  });
});

describe('grantConsumeDeadLetters', () => {
  const consume = ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

  test('receive, change visibility and delete on the dead-letter queue only', () => {
    const { statements, workflow, id } = grantedStatements((w, role) => w.grantConsumeDeadLetters(role));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: consume, Resource: { 'Fn::GetAtt': [id(workflow.deadLetterQueue), 'Arn'] } },
    ]);
  });

  test('with a customer-managed queue key, also kms:Decrypt on that key', () => {
    let key: kms.Key | undefined;
    const { statements, workflow, id } = grantedStatements((w, role) => w.grantConsumeDeadLetters(role), (stack) => {
      key = new kms.Key(stack, 'QueueKey');
      return { queueEncryptionKey: key };
    });
    expect(statements).toEqual([
      { Effect: 'Allow', Action: consume, Resource: { 'Fn::GetAtt': [id(workflow.deadLetterQueue), 'Arn'] } },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [id(key), 'Arn'] } },
    ]);
  });
});

describe('metricXxx()', () => {
  const { workflow } = synthWorkflow({ metricsNamespace: 'Shop/Orders' });
  const shape = (metric: cloudwatch.Metric) => [metric.namespace, metric.metricName, metric.dimensions, metric.statistic, metric.period.toSeconds()];

  test.each<[string, () => cloudwatch.Metric, string, string, string]>([
    ['metricOrdersAccepted', () => workflow.metricOrdersAccepted(), 'OrdersAccepted', 'orders-api', 'Sum'],
    ['metricOrdersProcessed', () => workflow.metricOrdersProcessed(), 'OrdersProcessed', 'orders-worker', 'Sum'],
    ['metricOrdersFailed', () => workflow.metricOrdersFailed(), 'OrdersFailed', 'orders-worker', 'Sum'],
    ['metricDuplicatesIgnored', () => workflow.metricDuplicatesIgnored(), 'DuplicatesIgnored', 'orders-worker', 'Sum'],
    ['metricProcessingLatency', () => workflow.metricProcessingLatency(), 'ProcessingLatency', 'orders-worker', 'Average'],
  ])('%s: the workflow\'s namespace, the emitting service, 5 minutes', (_name, metric, metricName, service, statistic) => {
    expect(shape(metric())).toEqual(['Shop/Orders', metricName, { service }, statistic, 300]);
  });

  test('metricOrdersRejected: one reason per metric, as the API emits it', () => {
    expect(shape(workflow.metricOrdersRejected(OrderRejectionReason.KEY_REUSED)))
      .toEqual(['Shop/Orders', 'OrdersRejected', { service: 'orders-api', reason: 'key_reused' }, 'Sum', 300]);
  });

  test('OrderRejectionReason has exactly the reasons the API can emit', () => {
    expect(Object.values(OrderRejectionReason).sort()).toEqual([...REJECTION_REASONS].sort());
  });

  test('options change statistic, period and label, never the dimensions (another set would be a metric with no data)', () => {
    const metric = workflow.metricProcessingLatency({
      statistic: 'p99', period: Duration.minutes(1), label: 'latency', dimensionsMap: { service: 'other' },
    });
    expect(shape(metric)).toEqual(['Shop/Orders', 'ProcessingLatency', { service: 'orders-worker' }, 'p99', 60]);
    expect(metric.label).toBe('latency');
  });

  test('an alarm built on one is an ordinary CloudWatch alarm on that metric', () => {
    const stack = new Stack(new App(), 'AlarmStack');
    const fresh = new OrdersWorkflow(stack, 'Orders', { metricsNamespace: 'Shop/Orders' });
    fresh.metricOrdersFailed().createAlarm(stack, 'MyFailures', { threshold: 10, evaluationPeriods: 1 });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Shop/Orders', MetricName: 'OrdersFailed', Dimensions: [{ Name: 'service', Value: 'orders-worker' }], Threshold: 10,
    });
  });
});

describe('stageName', () => {
  test('names the stage, the endpoint and the execution log group', () => {
    const { template, workflow, stack } = synthWorkflow({ stageName: 'v1', accessLogging: true });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'v1' });
    expect(stack.resolve(workflow.api.deploymentStage.stageName)).toEqual({ Ref: expect.stringMatching(/Stagev1/) });
    const names = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g: any) => JSON.stringify(g.Properties.LogGroupName));
    expect(names.some((name) => name.includes('API-Gateway-Execution-Logs_') && name.includes('/v1'))).toBe(true);
  });

  test('a name API Gateway refuses fails at synth', () => {
    expect(() => synthWorkflow({ stageName: 'v1/beta' })).toThrow(/stageName must be 1 to 128 letters, digits, '-' or '_' \(got 'v1\/beta'\)/);
  });
});

describe('renamed props', () => {
  test.each([
    ['idempotencyWindow', 'requestIdempotencyWindow'],
    ['idempotencyExpiry', 'eventIdempotencyWindow'],
    ['retentionPeriod', 'mainQueueRetentionPeriod'],
    ['deadLetterRetentionPeriod', 'deadLetterQueueRetentionPeriod'],
  ])('a JavaScript caller still passing %s is told its new name %s', (oldName, newName) => {
    expect(() => synthWorkflow({ [oldName]: Duration.days(1) } as OrdersWorkflowProps)).toThrow(new RegExp(`${oldName} was renamed ${newName}`));
  });
});
