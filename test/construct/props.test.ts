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
import { OrdersApiAuthorization, OrdersWorkflow } from '../../src';

describe('OrdersWorkflow with props changed', () => {
  test('namePrefix gives the reference names to every named resource', () => {
    const { template } = synthWorkflow({ namePrefix: 'orders' });
    const names = (type: string, key: string) =>
      Object.values(template.findResources(type)).map((r: any) => r.Properties[key]).sort();
    expect(names('AWS::Lambda::Function', 'FunctionName')).toEqual(['orders-api', 'orders-operations', 'orders-reads', 'orders-worker']);
    expect(names('AWS::Logs::LogGroup', 'LogGroupName')).toEqual([
      '/aws/lambda/orders-api', '/aws/lambda/orders-operations', '/aws/lambda/orders-reads', '/aws/lambda/orders-worker',
    ]);
    expect(names('AWS::SQS::Queue', 'QueueName')).toEqual(['orders-dlq', 'orders-main-queue']);
    expect(names('AWS::Events::EventBus', 'Name')).toEqual(['orders-bus']);
    expect(names('AWS::DynamoDB::Table', 'TableName')).toEqual(['orders-idempotency', 'orders-orders']);
    expect(names('AWS::Events::Rule', 'Name')).toEqual(['orders-order-created']);
    expect(names('AWS::ApiGateway::RestApi', 'Name')).toEqual(['orders-api']);
    expect(names('AWS::CloudWatch::Alarm', 'AlarmName')).toEqual([
      'orders-api-5xx', 'orders-dlq-new-messages', 'orders-dlq-visible-messages', 'orders-main-queue-backlog', 'orders-order-failure-rate', 'orders-rule-dlq-send-failures',
      'orders-rule-failed-invocations', 'orders-worker-errors', 'orders-worker-record-failures',
    ]);
    expect(onlyResource(template, 'AWS::Logs::MetricFilter').props.MetricTransformations[0].MetricNamespace).toBe('cdk-orders-workflow/orders');
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
    expect(new Set(fnNames).size).toBe(8);
    expect(new Set(groupNames).size).toBe(8);
    for (const name of fnNames) expect(name.length).toBeLessThanOrEqual(64);
    expect(groupNames.sort()).toEqual(fnNames.map((n: string) => `/aws/lambda/${n}`).sort());
    // Rule names and the record-failure metrics must differ too (one bus may carry both rules).
    const ruleNames = Object.values(template.findResources('AWS::Events::Rule')).map((r: any) => r.Properties.Name);
    expect(new Set(ruleNames).size).toBe(2);
    const namespaces = Object.values(template.findResources('AWS::Logs::MetricFilter'))
      .map((f: any) => f.Properties.MetricTransformations[0].MetricNamespace);
    expect(new Set(namespaces).size).toBe(2);
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
    // The worker marks an order FAILED on the receive after which SQS moves it to the DLQ.
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.stringLikeRegexp('-worker$'),
      Environment: { Variables: Match.objectLike({ MAX_RECEIVE_COUNT: '3' }) },
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

  test('requestIdempotencyWindow reaches the API function', () => {
    const { template } = synthWorkflow({ requestIdempotencyWindow: Duration.hours(2) });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.stringLikeRegexp('-api$'),
      Environment: { Variables: Match.objectLike({ IDEMPOTENCY_WINDOW_SECONDS: '7200' }) },
    });
  });

  test('failureInjection: false and eventIdempotencyWindow reach the worker', () => {
    const { template } = synthWorkflow({ failureInjection: false, eventIdempotencyWindow: Duration.days(1) });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FAILURE_INJECTION_ENABLED: 'false', IDEMPOTENCY_EXPIRY_SECONDS: '86400' }) },
    });
  });

  test('log retention and queue retentions follow the props', () => {
    const { template, workflow } = synthWorkflow({
      logRetention: logs.RetentionDays.ONE_MONTH,
      mainQueueRetentionPeriod: Duration.days(2),
      deadLetterQueueRetentionPeriod: Duration.days(7),
    });
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group).toMatchObject({ Properties: { RetentionInDays: 30 } });
    }
    const resources = template.toJSON().Resources;
    const id = (c: any) => Stack.of(workflow).getLogicalId(c.node.defaultChild ?? c);
    expect(resources[id(workflow.mainQueue)].Properties.MessageRetentionPeriod).toBe(2 * 86400);
    expect(resources[id(workflow.deadLetterQueue)].Properties.MessageRetentionPeriod).toBe(7 * 86400);
  });

  describe('removal policies: data (orders table, DLQ) and transient (the rest) each follow their own prop', () => {
    // The opposite of both defaults, so that each resource can only pass by following its own prop.
    const { template, workflow } = synthWorkflow({
      dataRemovalPolicy: RemovalPolicy.DESTROY,
      transientRemovalPolicy: RemovalPolicy.RETAIN,
    });
    const resources = template.toJSON().Resources;
    const id = (c: any) => Stack.of(workflow).getLogicalId(c.node.defaultChild ?? c);
    const data = [id(workflow.ordersTable), id(workflow.deadLetterQueue)];

    test('the orders table and the dead-letter queue follow dataRemovalPolicy', () => {
      for (const dataId of data) expect(resources[dataId]).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    });

    test('the main queue, the idempotency table and the four function log groups follow transientRemovalPolicy', () => {
      const transient = ['AWS::SQS::Queue', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup']
        .flatMap((type) => Object.keys(template.findResources(type)))
        .filter((resourceId) => !data.includes(resourceId));
      expect(transient.sort()).toEqual([
        id(workflow.mainQueue), id(workflow.idempotencyTable), id(workflow.apiLogGroup), id(workflow.workerLogGroup),
        id(workflow.readsLogGroup), id(workflow.operationsLogGroup),
      ].sort());
      for (const transientId of transient) {
        expect(resources[transientId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    });
  });

  test('ordersTableDeletionProtection turns on DynamoDB deletion protection of the orders table only', () => {
    const { workflow, stack } = synthWorkflow({ ordersTableDeletionProtection: true });
    const tables = Template.fromStack(stack).findResources('AWS::DynamoDB::Table');
    const id = (c: any) => stack.getLogicalId(c.node.defaultChild);
    expect(tables[id(workflow.ordersTable)].Properties.DeletionProtectionEnabled).toBe(true);
    expect(tables[id(workflow.idempotencyTable)].Properties.DeletionProtectionEnabled).toBeUndefined();
    const withDefaults = synthWorkflow();
    expect(withDefaults.template.toJSON().Resources[id(withDefaults.workflow.ordersTable)].Properties.DeletionProtectionEnabled).toBeUndefined();
  });

  test('orderRetention reaches exactly the functions that write order records (API and worker), in seconds', () => {
    const { template, workflow, stack } = synthWorkflow({ orderRetention: Duration.days(90) });
    const env = (fn: any) => template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild)].Properties.Environment.Variables;
    expect(env(workflow.apiFunction).ORDER_RETENTION_SECONDS).toBe(String(90 * 86400));
    expect(env(workflow.workerFunction).ORDER_RETENTION_SECONDS).toBe(String(90 * 86400));
    expect(env(workflow.readsFunction).ORDER_RETENTION_SECONDS).toBeUndefined();
    expect(env(workflow.operationsFunction).ORDER_RETENTION_SECONDS).toBeUndefined();
  });

  test('the queue-age threshold follows the redelivery window: 3 receives x 10 minutes + 5 minutes', () => {
    // A closed API, so that the open-API warnings do not count: no warning at all is expected.
    const { template, stack } = synthWorkflow({
      maxReceiveCount: 3, visibilityTimeout: Duration.minutes(10), authorization: OrdersApiAuthorization.iam(),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 3 * 600 + 300 });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('an explicit queue-age threshold wins, with a warning when one poison message would page', () => {
    const { template, stack } = synthWorkflow({ queueAgeAlarmThreshold: Duration.minutes(15) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(
      'queueAgeAlarmThreshold \\(900 s\\) is not above maxReceiveCount x visibilityTimeout \\(900 s\\)'));
  });

  test('a queue-age threshold messages never reach (retention) is warned about', () => {
    const { stack } = synthWorkflow({ mainQueueRetentionPeriod: Duration.minutes(30), queueAgeAlarmThreshold: Duration.hours(1) });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('is not below mainQueueRetentionPeriod \\(1800 s\\).*can never fire'));
  });

  test('alarm actions reach every alarm', () => {
    const { template, workflow } = synthWorkflow({}, (stack) => ({
      alarmActions: [new cwActions.SnsAction(new sns.Topic(stack, 'Pager'))],
    }));
    const topicId = onlyResource(template, 'AWS::SNS::Topic').logicalId;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(workflow.alarms.length);
    for (const alarm of alarms) {
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
            ResponseParameters: Match.objectLike({
              'method.response.header.Access-Control-Allow-Origin': "'https://shop.example.com'",
              // A browser sends a retry's Idempotency-Key only if the preflight allows it.
              'method.response.header.Access-Control-Allow-Headers':
                "'Content-Type,Idempotency-Key,Authorization,X-Amz-Date,X-Api-Key,X-Amz-Security-Token'",
            }),
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
    test('adds the six reference outputs to the stack with their exact names, and IdempotencyTableName beside DynamoTableName', () => {
      const { template, workflow } = synthWorkflow({ stackOutputs: true });
      const outputs = template.findOutputs('*');
      expect(Object.keys(outputs).sort()).toEqual([
        'ApiEndpoint', 'DlqUrl', 'DynamoTableName', 'EventBusName', 'IdempotencyTableName', 'MainQueueUrl', 'OrdersTableName',
      ]);
      const id = (c: any) => Stack.of(workflow).getLogicalId(c.node.defaultChild ?? c);
      expect(outputs.MainQueueUrl.Value).toEqual({ Ref: id(workflow.mainQueue) });
      expect(outputs.DlqUrl.Value).toEqual({ Ref: id(workflow.deadLetterQueue) });
      expect(outputs.DynamoTableName.Value).toEqual({ Ref: id(workflow.idempotencyTable) });
      expect(outputs.IdempotencyTableName.Value).toEqual({ Ref: id(workflow.idempotencyTable) });
      expect(outputs.DynamoTableName.Description).toMatch(/the worker's idempotency table, as IdempotencyTableName; the orders are in OrdersTableName$/);
      expect(outputs.OrdersTableName.Value).toEqual({ Ref: id(workflow.ordersTable) });
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
      const { template, workflow } = synthWorkflow({}, (stack) => ({
        eventBus: events.EventBus.fromEventBusName(stack, 'Shared', 'shared-bus'),
      }));
      template.resourceCountIs('AWS::Events::EventBus', 0);
      template.hasResourceProperties('AWS::Events::Rule', { EventBusName: 'shared-bus' });
      expect(roleStatements(template, workflow, workflow.apiFunction)).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logicalId(workflow, workflow.apiLogGroup), 'Arn'] } },
        {
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:111111111111:event-bus/shared-bus']] },
        },
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: { 'Fn::GetAtt': [logicalId(workflow, workflow.ordersTable), 'Arn'] },
        },
      ]);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: 'shared-bus' }) },
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'FailedInvocations',
        Dimensions: [{ Name: 'EventBusName', Value: 'shared-bus' }, { Name: 'RuleName', Value: 'TestStack-Orders-311A0410-order-created' }],
      });
    });

    test('the default bus: the rule\'s metrics carry no EventBusName dimension (AWS/Events publishes none for it)', () => {
      const { template } = synthWorkflow({}, (stack) => ({ eventBus: events.EventBus.fromEventBusName(stack, 'Default', 'default') }));
      for (const metricName of ['FailedInvocations', 'InvocationsFailedToBeSentToDlq']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metricName,
          Dimensions: [{ Name: 'RuleName', Value: 'TestStack-Orders-311A0410-order-created' }],
        });
      }
    });

    test('a customer-managed key: SSE-KMS on both queues; the worker may decrypt, nothing more', () => {
      const { template, workflow } = synthWorkflow({}, (stack) => ({ queueEncryptionKey: new kms.Key(stack, 'QueueKey') }));
      const keyId = onlyResource(template, 'AWS::KMS::Key').logicalId;
      for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
        expect((queue as any).Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
        expect((queue as any).Properties.SqsManagedSseEnabled).toBeUndefined();
      }
      // The key policy is asserted whole in event-bridge-access.test.ts.
      expect(roleStatements(template, workflow, workflow.workerFunction)).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(workflow, workflow.workerLogGroup), 'Arn'] },
        },
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: [{ 'Fn::GetAtt': [logicalId(workflow, workflow.idempotencyTable), 'Arn'] }, { Ref: 'AWS::NoValue' }],
        },
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          Resource: { 'Fn::GetAtt': [logicalId(workflow, workflow.ordersTable), 'Arn'] },
        },
        {
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: { 'Fn::GetAtt': [logicalId(workflow, workflow.mainQueue), 'Arn'] },
        },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      ]);
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

function logicalId(workflow: OrdersWorkflow, construct: any): string {
  return Stack.of(workflow).getLogicalId(construct.node.defaultChild ?? construct);
}

/** Every statement of every policy attached to a function's role. */
function roleStatements(template: Template, workflow: OrdersWorkflow, fn: any): any[] {
  const roleId = template.toJSON().Resources[logicalId(workflow, fn)].Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}
