import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { onlyResource, synthWorkflow } from './synth';

const STAGE = 'AWS::ApiGateway::Stage';

test('off by default: no access log setting, no execution logging, no API log groups', () => {
  const { template, workflow } = synthWorkflow({ namePrefix: 'orders' });
  const stage = onlyResource(template, STAGE).props;
  expect(stage.AccessLogSetting).toBeUndefined();
  expect(stage.MethodSettings.every((s: { LoggingLevel?: string }) => s.LoggingLevel === undefined)).toBe(true);
  expect(Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.LogGroupName).sort())
    .toEqual(['/aws/lambda/orders-api', '/aws/lambda/orders-operations', '/aws/lambda/orders-reads', '/aws/lambda/orders-worker']);
  expect(workflow.accessLogGroup).toBeUndefined();
  expect(workflow.executionLogGroup).toBeUndefined();
});

describe('accessLogging: true', () => {
  const { template, workflow, stack } = synthWorkflow({ namePrefix: 'orders', accessLogging: true });
  const stage = onlyResource(template, STAGE);
  const accessLogGroupId = stack.getLogicalId(workflow.accessLogGroup!.node.defaultChild as never);
  const executionLogGroupId = stack.getLogicalId(workflow.executionLogGroup!.node.defaultChild as never);

  test('the stage writes its access log to the access log group', () => {
    expect(stage.props.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': [accessLogGroupId, 'Arn'] });
  });

  test('one JSON object per request with the request id, caller identity per mode, status, latency and errors', () => {
    const format = JSON.parse(stage.props.AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationStatus: '$context.integrationStatus',
      integrationLatency: '$context.integrationLatency',
      integrationError: '$context.integrationErrorMessage',
      errorType: '$context.error.responseType',
      errorMessage: '$context.error.message',
      callerArn: '$context.identity.userArn',
      apiKeyId: '$context.identity.apiKeyId',
      cognitoSub: '$context.authorizer.claims.sub',
      wafStatus: '$context.waf.status',
    });
    // Every value a quoted variable: a `-` for a missing value stays valid JSON.
    for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[\w.()']+$/);
  });

  test('API Gateway\'s own errors at level ERROR for every method, never request bodies', () => {
    expect(stage.props.MethodSettings).toEqual([expect.objectContaining({
      HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true,
    })]);
  });

  test('both log groups are named, with the workflow\'s retention and removal policy', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/aws/apigateway/orders-api/access', RetentionInDays: 14 },
      DeletionPolicy: 'Delete',
    });
    const execution = template.findResources('AWS::Logs::LogGroup')[executionLogGroupId];
    expect(execution.Properties.LogGroupName).toEqual({
      'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: stack.getLogicalId(workflow.api.node.defaultChild as never) }, '/prod']],
    });
    expect(execution.Properties.RetentionInDays).toBe(14);
    expect(execution.DeletionPolicy).toBe('Delete');
  });

  test('the execution log group exists before the stage, so API Gateway never creates it without retention', () => {
    expect(stage.logicalId).toBeDefined();
    expect(template.findResources(STAGE)[stage.logicalId].DependsOn).toContain(executionLogGroupId);
  });
});

test('logRetention and transientRemovalPolicy apply to the API\'s log groups too', () => {
  const { template } = synthWorkflow({
    accessLogging: true, logRetention: logs.RetentionDays.ONE_MONTH, transientRemovalPolicy: RemovalPolicy.RETAIN,
  });
  const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
  expect(groups).toHaveLength(6);
  for (const group of groups) {
    expect(group.Properties.RetentionInDays).toBe(30);
    expect(group.DeletionPolicy).toBe('Retain');
  }
});
