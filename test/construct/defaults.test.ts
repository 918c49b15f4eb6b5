import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, synthWorkflow } from './synth';
import { renderLogQuery, LOG_QUERIES } from '../../src/observability/log-queries';

const { template, workflow } = synthWorkflow();

describe('OrdersWorkflow with default props', () => {
  describe('1. API', () => {
    test('a REST API with POST /orders proxied to the API function', () => {
      template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
      template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'orders' });
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'POST',
        Integration: Match.objectLike({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' }),
      });
      template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' });
    });

    test('no CORS by default: no OPTIONS method, empty origin list for the handler', () => {
      const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m: any) => m.Properties.HttpMethod);
      expect(methods).toEqual(['POST']);
      template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 0);
      expect(apiFunction().Environment.Variables.CORS_ALLOW_ORIGINS).toBe('');
    });

    test('does not create the account-wide API Gateway CloudWatch role', () => {
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
    });

    test('the API function knows the bus, source and detail-type', () => {
      expect(apiFunction().Environment.Variables).toMatchObject({
        EVENT_BUS_NAME: { Ref: workflowLogicalId('AWS::Events::EventBus') },
        EVENT_SOURCE: 'myapp.orders',
        EVENT_DETAIL_TYPE: 'OrderCreated',
      });
    });
  });

  describe('2. Routing', () => {
    test('a custom bus and a rule on source + detail-type targeting the main queue, DLQ for undeliverable events', () => {
      template.resourceCountIs('AWS::Events::EventBus', 1);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: workflowLogicalId('AWS::Events::EventBus') },
        EventPattern: { 'source': ['myapp.orders'], 'detail-type': ['OrderCreated'] },
        Targets: [Match.objectLike({
          Arn: { 'Fn::GetAtt': [stackId(workflow.mainQueue), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [stackId(workflow.deadLetterQueue), 'Arn'] } },
        })],
      });
    });

    test('only that rule may send to the main queue', () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: stackId(workflow.mainQueue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [stackId(workflow.orderCreatedRule), 'Arn'] } } },
          })]),
        },
      });
    });
  });

  describe('3. Queues', () => {
    test('main queue: SSE-SQS, redrive after 5 receives, visibility 6 x 30 s = 180 s', () => {
      expect(resourceProps(workflow.mainQueue)).toMatchObject({
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 180,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [stackId(workflow.deadLetterQueue), 'Arn'] }, maxReceiveCount: 5 },
      });
      expect(resourceProps(workflow.mainQueue).KmsMasterKeyId).toBeUndefined();
    });

    test('DLQ: SSE-SQS, retained 14 days', () => {
      expect(resourceProps(workflow.deadLetterQueue)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    });

    test.each(['mainQueue', 'deadLetterQueue'] as const)('%s denies every request not made over TLS', (queue) => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: stackId(workflow[queue]) }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          })]),
        },
      });
    });
  });

  describe('4. Worker', () => {
    test('SQS event source: batch size 5, partial batch response', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [stackId(workflow.mainQueue), 'Arn'] },
        FunctionName: { Ref: stackId(workflow.workerFunction) },
        BatchSize: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(onlyResource(template, 'AWS::Lambda::EventSourceMapping').props.MaximumBatchingWindowInSeconds).toBeUndefined();
    });

    test('idempotency table: pk id, TTL expiration, on-demand, AWS-managed encryption, PITR', () => {
      expect(resourceProps(workflow.idempotencyTable)).toEqual(expect.objectContaining({
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }));
      template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    });

    test('worker: 30 s timeout, idempotency for 7 days, failure injection on', () => {
      const fn = resourceProps(workflow.workerFunction);
      expect(fn.Timeout).toBe(30);
      expect(fn.Environment.Variables).toEqual(expect.objectContaining({
        IDEMPOTENCY_TABLE_NAME: { Ref: stackId(workflow.idempotencyTable) },
        IDEMPOTENCY_EXPIRY_SECONDS: String(7 * 24 * 3600),
        FAILURE_INJECTION_ENABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'orders-worker',
      }));
    });

    test.each(['apiFunction', 'workerFunction'] as const)('%s runs the pre-bundled handler on nodejs22.x, arm64', (fn) => {
      expect(resourceProps(workflow[fn])).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 256,
        Code: { S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) },
      });
    });
  });

  describe('5. Logs', () => {
    test.each([
      ['apiFunction', 'apiLogGroup'],
      ['workerFunction', 'workerLogGroup'],
    ] as const)('%s logs to its own explicit log group named after it, kept 14 days', (fn, group) => {
      const fnProps = resourceProps(workflow[fn]);
      expect(fnProps.LoggingConfig).toEqual({ LogGroup: { Ref: stackId(workflow[group]) } });
      expect(resourceProps(workflow[group])).toEqual({
        LogGroupName: `/aws/lambda/${fnProps.FunctionName}`,
        RetentionInDays: 14,
      });
    });

    test('no logRetention custom resource and no managed policies', () => {
      template.resourceCountIs('Custom::LogRetention', 0);
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect((role as any).Properties.ManagedPolicyArns).toBeUndefined();
      }
    });

    test('the three Logs Insights queries are saved, with the text the README documents', () => {
      const defs = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map((d: any) => d.Properties);
      expect(defs.map((d) => d.QueryString)).toEqual(LOG_QUERIES.map(renderLogQuery));
      expect(defs[1].QueryString).toContain('level = "ERROR"');
      expect(defs[2].LogGroupNames).toEqual([{ Ref: stackId(workflow.apiLogGroup) }, { Ref: stackId(workflow.workerLogGroup) }]);
    });
  });

  describe('6. Alarms and dashboard', () => {
    test('DLQ visible messages > 0', () => {
      expect(resourceProps(workflow.deadLetterQueueAlarm)).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [stackId(workflow.deadLetterQueue), 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
      });
    });

    test('worker errors >= 1 in 5 minutes', () => {
      expect(resourceProps(workflow.workerErrorsAlarm)).toMatchObject({
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: stackId(workflow.workerFunction) } }],
        Statistic: 'Sum',
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
      });
    });

    test('age of the oldest main-queue message > 5 minutes', () => {
      expect(resourceProps(workflow.queueAgeAlarm)).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [stackId(workflow.mainQueue), 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 300,
      });
    });

    test('no alarm actions unless asked', () => {
      for (const alarm of workflow.alarms) expect(resourceProps(alarm).AlarmActions).toBeUndefined();
    });

    test('the dashboard shows the API, both functions and both queues', () => {
      const body = JSON.stringify(onlyResource(template, 'AWS::CloudWatch::Dashboard').props.DashboardBody).replace(/\\/g, '');
      for (const metric of ['"Count"', '"4XXError"', '"5XXError"', '"Latency"', '"Invocations"', '"Errors"', '"Duration"',
        '"Throttles"', '"ApproximateNumberOfMessagesVisible"', '"ApproximateAgeOfOldestMessage"', '"NumberOfMessagesSent"',
        '"NumberOfMessagesReceived"', '"NumberOfMessagesDeleted"', '"AWS/ApiGateway"', '"ApiName","TestStack-Orders-', '"AWS/SQS"']) {
        expect(body).toContain(metric);
      }
      for (const resource of [workflow.apiFunction, workflow.workerFunction, workflow.mainQueue, workflow.deadLetterQueue]) {
        expect(body).toContain(stackId(resource));
      }
    });
  });

  describe('7. IAM', () => {
    test('the API function may only PutEvents on this bus (and write its own logs)', () => {
      expect(policyStatementsOf(workflow.apiFunction)).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [stackId(workflow.apiLogGroup), 'Arn'] } },
        { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [workflowLogicalId('AWS::Events::EventBus'), 'Arn'] } },
      ]);
    });

    test('the worker may only use its table, consume its queue and write its own logs', () => {
      expect(policyStatementsOf(workflow.workerFunction)).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [stackId(workflow.workerLogGroup), 'Arn'] } },
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: [{ 'Fn::GetAtt': [stackId(workflow.idempotencyTable), 'Arn'] }, { Ref: 'AWS::NoValue' }],
        },
        {
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: { 'Fn::GetAtt': [stackId(workflow.mainQueue), 'Arn'] },
        },
      ]);
    });

    test('no Allow statement anywhere has a wildcard action', () => {
      const allows = allPolicyStatements().filter((s) => s.Effect === 'Allow');
      expect(allows.length).toBeGreaterThan(4);
      for (const statement of allows) {
        for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
      }
    });
  });

  describe('8. Outputs', () => {
    test('no stack outputs unless asked, but every resource is a property', () => {
      expect(Object.keys(template.findOutputs('*'))).toEqual([]);
      expect(workflow.apiEndpoint).toBeDefined();
      expect(workflow.alarms).toHaveLength(3);
      expect(workflow.queryDefinitions).toHaveLength(3);
      expect(workflow.dashboard).toBeDefined();
    });
  });
});

function stackId(construct: any): string {
  return Stack.of(workflow).getLogicalId(construct.node.defaultChild ?? construct);
}

function resourceProps(construct: any): any {
  const id = stackId(construct);
  const resources = template.toJSON().Resources;
  if (!resources[id]) throw new Error(`no resource ${id}`);
  return resources[id].Properties;
}

function apiFunction(): any {
  return resourceProps(workflow.apiFunction);
}

function workflowLogicalId(type: string): string {
  return onlyResource(template, type).logicalId;
}

function policyStatementsOf(fn: any): any[] {
  const roleId = resourceProps(fn).Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
  return policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function allPolicyStatements(): any[] {
  const docs = [
    ...Object.values(template.findResources('AWS::IAM::Policy')).map((p: any) => p.Properties.PolicyDocument),
    ...Object.values(template.findResources('AWS::SQS::QueuePolicy')).map((p: any) => p.Properties.PolicyDocument),
  ];
  return docs.flatMap((d) => d.Statement);
}
