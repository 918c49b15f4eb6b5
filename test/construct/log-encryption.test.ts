import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { synthWorkflow } from './synth';
import { OrdersApiWaf, OrdersWorkflow } from '../../src';

const EVERY_LOG_GROUP = { accessLogging: true, waf: OrdersApiWaf.managed({ logRequests: true }) };

function withKey(namePrefix?: string) {
  return synthWorkflow({ ...EVERY_LOG_GROUP, namePrefix }, (stack) => ({ logEncryptionKey: new kms.Key(stack, 'LogKey') }));
}

/** `arn:aws:logs:us-east-1:111111111111:log-group:<name>`, a deploy-time id replaced by a sample. */
function logGroupArn(stack: Stack, name: unknown): string {
  const resolved = stack.resolve(name);
  const text = typeof resolved === 'string' ? resolved
    : resolved['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'a1b2c3d4e5')).join('');
  return `arn:aws:logs:us-east-1:111111111111:log-group:${text}`;
}

/** IAM's ArnLike: `*` matches anything, the partition token is `aws` here. */
function arnLike(pattern: unknown, stack: Stack): RegExp {
  const join = stack.resolve(pattern)['Fn::Join'][1] as unknown[];
  const text = join.map((part) => (typeof part === 'string' ? part : 'aws')).join('');
  return new RegExp(`^${text.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
}

describe.each([['orders'], [undefined]])('logEncryptionKey (namePrefix %s)', (namePrefix) => {
  const { template, stack } = withKey(namePrefix);
  const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
  const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
  const statement = template.findResources('AWS::KMS::Key')[keyId].Properties.KeyPolicy.Statement
    .find((s: { Sid?: string }) => s.Sid === 'AllowCloudWatchLogsToEncryptOrdersWorkflowLogs');

  test('encrypts every log group: the four functions\', access, execution and WAF logs', () => {
    expect(logGroups).toHaveLength(7);
    for (const group of logGroups) expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  test('lets the regional CloudWatch Logs service use the key, and nothing else', () => {
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
    });
    expect(Object.keys(statement.Condition)).toEqual(['ArnLike']);
    expect(Object.keys(statement.Condition.ArnLike)).toEqual(['kms:EncryptionContext:aws:logs:arn']);
  });

  test('the encryption-context condition covers every log group, and each pattern one of them', () => {
    const patterns = (statement.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'] as unknown[]).map((p) => arnLike(p, stack));
    const arns = logGroups.map((group) => logGroupArn(stack, group.Properties.LogGroupName));
    for (const arn of arns) expect(patterns.filter((p) => p.test(arn))).toHaveLength(1);
    for (const pattern of patterns) expect(arns.filter((arn) => pattern.test(arn))).toHaveLength(1);
    // Another API's or another workflow's log group is not covered.
    expect(patterns.some((p) => p.test('arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/other-api'))).toBe(false);
    expect(patterns.some((p) => p.test('arn:aws:logs:us-east-1:111111111111:log-group:API-Gateway-Execution-Logs_x/test'))).toBe(false);
  });
});

test('without a key, no log group names one', () => {
  const { template } = synthWorkflow(EVERY_LOG_GROUP);
  for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) expect(group.Properties.KmsKeyId).toBeUndefined();
});

test('a key in another stack gets the statement without a reference back (no dependency cycle)', () => {
  const app = new App();
  const env = { account: '111111111111', region: 'us-east-1' };
  const keyStack = new Stack(app, 'Keys', { env });
  const key = new kms.Key(keyStack, 'LogKey');
  const stack = new Stack(app, 'Orders', { env });
  new OrdersWorkflow(stack, 'Orders', { namePrefix: 'orders', logEncryptionKey: key, ...EVERY_LOG_GROUP });
  expect(() => app.synth()).not.toThrow();
  Template.fromStack(keyStack).hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchLogsToEncryptOrdersWorkflowLogs' })]) },
  });
});

test('an imported key: the log groups use it and synth says which statement to add', () => {
  const { template, stack } = synthWorkflow({ namePrefix: 'orders' }, (s) => ({
    logEncryptionKey: kms.Key.fromKeyArn(s, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789'),
  }));
  for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
    expect(group.Properties.KmsKeyId).toBe('arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789');
  }
  Annotations.fromStack(stack).hasWarning('/TestStack/Orders',
    Match.stringLikeRegexp('logEncryptionKey is imported.*logs.<region>.amazonaws.com.*/aws/lambda/orders-api, /aws/lambda/orders-worker'));
});
