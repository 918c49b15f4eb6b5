import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { onlyResource, synthWorkflow } from './synth';
import { OrdersWorkflow } from '../../src';

describe('OrdersWorkflow with props changed', () => {
  test('namePrefix gives the reference names to every named resource', () => {
    const { template } = synthWorkflow({ namePrefix: 'orders' });
    const names = (type: string, key: string) =>
      Object.values(template.findResources(type)).map((r: any) => r.Properties[key]).sort();
    expect(names('AWS::Lambda::Function', 'FunctionName')).toEqual(['orders-api', 'orders-worker']);
    expect(names('AWS::Logs::LogGroup', 'LogGroupName')).toEqual(['/aws/lambda/orders-api', '/aws/lambda/orders-worker']);
    expect(names('AWS::SQS::Queue', 'QueueName')).toEqual(['orders-dlq', 'orders-main-queue']);
    expect(names('AWS::Events::EventBus', 'Name')).toEqual(['orders-bus']);
    expect(names('AWS::DynamoDB::Table', 'TableName')).toEqual(['orders-idempotency']);
    expect(names('AWS::ApiGateway::RestApi', 'Name')).toEqual(['orders-api']);
    expect(names('AWS::CloudWatch::Alarm', 'AlarmName')).toEqual(['orders-dlq-not-empty', 'orders-main-queue-backlog', 'orders-worker-errors']);
    expect(names('AWS::CloudWatch::Dashboard', 'DashboardName')).toEqual(['orders-dashboard']);
    expect(names('AWS::Logs::QueryDefinition', 'Name').every((n: string) => n.startsWith('orders/'))).toBe(true);
  });

  test('without namePrefix two instances in one stack get distinct function and log group names', () => {
    const app = new App();
    const stack = new Stack(app, 'Two');
    new OrdersWorkflow(stack, 'First');
    new OrdersWorkflow(stack, 'Second');
    const template = Template.fromStack(stack);
    const fnNames = Object.values(template.findResources('AWS::Lambda::Function')).map((r: any) => r.Properties.FunctionName);
    const groupNames = Object.values(template.findResources('AWS::Logs::LogGroup')).map((r: any) => r.Properties.LogGroupName);
    expect(new Set(fnNames).size).toBe(4);
    expect(new Set(groupNames).size).toBe(4);
    for (const name of fnNames) expect(name.length).toBeLessThanOrEqual(64);
    expect(groupNames.sort()).toEqual(fnNames.map((n: string) => `/aws/lambda/${n}`).sort());
    // Queues, bus and table are left to CloudFormation's generated names.
    for (const q of Object.values(template.findResources('AWS::SQS::Queue'))) expect((q as any).Properties.QueueName).toBeUndefined();
  });

  test('batch size, batching window, worker timeout, maxReceiveCount and visibility follow the props', () => {
    const { workflow, template } = synthWorkflow({
      batchSize: 10, maxBatchingWindow: Duration.seconds(20), workerTimeout: Duration.seconds(60), maxReceiveCount: 3,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10, MaximumBatchingWindowInSeconds: 20, FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: Match.stringLikeRegexp('-worker$'), Timeout: 60 });
    // 6 x 60 s + 20 s window
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 380,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
    });
    expect(workflow.mainQueue).toBeDefined();
  });

  test('an explicit visibility timeout above the minimum is kept', () => {
    const { template } = synthWorkflow({ visibilityTimeout: Duration.minutes(10) });
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 600 });
  });

  test('runtime, architecture, memory and API timeout are overridable', () => {
    const { template } = synthWorkflow({
      runtime: new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS), architecture: lambda.Architecture.X86_64, memorySize: 1024, apiTimeout: Duration.seconds(5),
    });
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect((fn as any).Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['x86_64'], MemorySize: 1024 });
    }
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: Match.stringLikeRegexp('-api$'), Timeout: 5 });
  });

  test('API throttling defaults to 500 rps / 1000 burst and is overridable', () => {
    synthWorkflow().template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000, HttpMethod: '*', ResourcePath: '/*' })],
    });
    synthWorkflow({ apiThrottle: { rateLimit: 50, burstLimit: 100 } }).template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })],
    });
  });

  test('tracing: true turns on X-Ray for both functions and the stage, with named actions only', () => {
    const { template } = synthWorkflow({ tracing: true });
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect((fn as any).Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] })]) },
    });
  });

  test('eventSource changes both the rule and what the API publishes', () => {
    const { template } = synthWorkflow({ eventSource: 'shop.checkout' });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { 'source': ['shop.checkout'], 'detail-type': ['OrderCreated'] } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_SOURCE: 'shop.checkout' }) },
    });
  });

  test('failureInjection: false and idempotencyExpiry reach the worker', () => {
    const { template } = synthWorkflow({ failureInjection: false, idempotencyExpiry: Duration.days(1) });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FAILURE_INJECTION_ENABLED: 'false', IDEMPOTENCY_EXPIRY_SECONDS: '86400' }) },
    });
  });

  test('log retention, DLQ retention and removal policy follow the props', () => {
    const { template } = synthWorkflow({
      logRetention: logs.RetentionDays.ONE_MONTH, deadLetterRetentionPeriod: Duration.days(7), removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group).toMatchObject({ Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
    }
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 7 * 86400 });
  });

  test('queue age threshold and alarm actions reach all three alarms', () => {
    const { template } = synthWorkflow({ queueAgeAlarmThreshold: Duration.minutes(15) }, (stack) => ({
      alarmActions: [new cwActions.SnsAction(new sns.Topic(stack, 'Pager'))],
    }));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 });
    const topicId = onlyResource(template, 'AWS::SNS::Topic').logicalId;
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as any).Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  describe('CORS', () => {
    test('one allowed origin: preflight, handler env, and API Gateway error responses carry it', () => {
      const { template } = synthWorkflow({ corsAllowOrigins: ['https://shop.example.com'] });
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'OPTIONS',
        Integration: Match.objectLike({
          IntegrationResponses: [Match.objectLike({
            ResponseParameters: Match.objectLike({ 'method.response.header.Access-Control-Allow-Origin': "'https://shop.example.com'" }),
          })],
        }),
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ CORS_ALLOW_ORIGINS: 'https://shop.example.com' }) },
      });
      template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 2);
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'DEFAULT_4XX',
        ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://shop.example.com'" },
      });
    });

    test('several origins: the handler echoes the matching one; no static gateway header', () => {
      const { template } = synthWorkflow({ corsAllowOrigins: ['https://a.example.com', 'http://localhost:5173'] });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ CORS_ALLOW_ORIGINS: 'https://a.example.com,http://localhost:5173' }) },
      });
      template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 0);
      template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' });
    });
  });

  describe('stackOutputs', () => {
    test('adds the five reference outputs to the stack with their exact names', () => {
      const { template, workflow } = synthWorkflow({ stackOutputs: true });
      const outputs = template.findOutputs('*');
      expect(Object.keys(outputs).sort()).toEqual(['ApiEndpoint', 'DlqUrl', 'DynamoTableName', 'EventBusName', 'MainQueueUrl']);
      const id = (c: any) => Stack.of(workflow).getLogicalId(c.node.defaultChild ?? c);
      expect(outputs.MainQueueUrl.Value).toEqual({ Ref: id(workflow.mainQueue) });
      expect(outputs.DlqUrl.Value).toEqual({ Ref: id(workflow.deadLetterQueue) });
      expect(outputs.DynamoTableName.Value).toEqual({ Ref: id(workflow.idempotencyTable) });
      expect(JSON.stringify(outputs.ApiEndpoint.Value)).toContain('execute-api');
    });

    test('two instances asking for them fail with a message that says what to do', () => {
      const stack = new Stack(new App(), 'Clash');
      new OrdersWorkflow(stack, 'A', { stackOutputs: true });
      expect(() => new OrdersWorkflow(stack, 'B', { stackOutputs: true }))
        .toThrow(/already has an output or construct named 'ApiEndpoint'.*only one OrdersWorkflow per stack/s);
    });
  });

  describe('bring your own resources', () => {
    test('an existing event bus: no bus created, rule and PutEvents grant target it', () => {
      const { template } = synthWorkflow({}, (stack) => ({
        eventBus: events.EventBus.fromEventBusName(stack, 'Shared', 'shared-bus'),
      }));
      template.resourceCountIs('AWS::Events::EventBus', 0);
      template.hasResourceProperties('AWS::Events::Rule', { EventBusName: 'shared-bus' });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:111111111111:event-bus/shared-bus']] },
          }]),
        },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: 'shared-bus' }) },
      });
    });

    test('a customer-managed key: SSE-KMS on both queues, EventBridge allowed on the key, worker may decrypt', () => {
      const { template } = synthWorkflow({}, (stack) => ({ queueEncryptionKey: new kms.Key(stack, 'QueueKey') }));
      const keyId = onlyResource(template, 'AWS::KMS::Key').logicalId;
      for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
        expect((queue as any).Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
        expect((queue as any).Properties.SqsManagedSseEnabled).toBeUndefined();
      }
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'AllowEventBridgeToEncryptOrders',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          })]),
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } })]) },
      });
    });

    test('an imported key: a warning tells the user to grant EventBridge on it', () => {
      const { stack } = synthWorkflow({}, (s) => ({
        queueEncryptionKey: kms.Key.fromKeyArn(s, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      }));
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('events.amazonaws.com kms:GenerateDataKey'));
    });

    test('alarm actions can be any IAlarmAction', () => {
      const action: cloudwatch.IAlarmAction = { bind: () => ({ alarmActionArn: 'arn:aws:sns:us-east-1:111111111111:ops' }) };
      const { template } = synthWorkflow({ alarmActions: [action] });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:us-east-1:111111111111:ops'] });
    });
  });
});
