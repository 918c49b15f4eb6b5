import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, synthWorkflow } from './synth';
import { renderLogQuery, LOG_QUERIES, PROCESSING_FAILED_MSG } from '../../src/observability/log-queries';

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
      // GET /orders, GET /orders/{orderId}, POST /orders; GET /ops/queues, GET and POST /ops/redrive.
      expect(methods.sort()).toEqual(['GET', 'GET', 'GET', 'GET', 'POST', 'POST']);
      template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 0);
      expect(apiFunction().Environment.Variables.CORS_ALLOW_ORIGINS).toBe('');
    });

    test('does not create the account-wide API Gateway CloudWatch role', () => {
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
    });

    test('the API function knows the bus, source, detail-type, orders table and a 24 h idempotency window', () => {
      expect(apiFunction().Environment.Variables).toEqual({
        EVENT_BUS_NAME: { Ref: workflowLogicalId('AWS::Events::EventBus') },
        EVENT_SOURCE: 'myapp.orders',
        EVENT_DETAIL_TYPE: 'OrderCreated',
        CORS_ALLOW_ORIGINS: '',
        ORDERS_TABLE_NAME: { Ref: stackId(workflow.ordersTable) },
        IDEMPOTENCY_WINDOW_SECONDS: '86400',
        AUTHORIZATION_MODE: 'none',
        POWERTOOLS_SERVICE_NAME: 'orders-api',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'OrdersWorkflow/TestStack-Orders-311A0410',
      });
    });

    test('orders table: pk id, TTL expiration (Powertools defaults), caller-scope index, on-demand, AWS-managed encryption, PITR, retained with the stack', () => {
      expect(resourceProps(workflow.ordersTable)).toEqual({
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'scope', AttributeType: 'S' },
          { AttributeName: 'createdAt', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [{
          IndexName: 'byCallerScope',
          KeySchema: [{ AttributeName: 'scope', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
      // Order records cannot be rebuilt: retained like aws-cdk-lib's tables; no deletion protection unless asked.
      expect(resource(workflow.ordersTable)).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      expect(stackId(workflow.ordersTable)).not.toBe(stackId(workflow.idempotencyTable));
    });

    test('order records never expire unless orderRetention is set: no ORDER_RETENTION_SECONDS on any function', () => {
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        expect(Object.keys((fn as any).Properties.Environment?.Variables ?? {})).not.toContain('ORDER_RETENTION_SECONDS');
      }
    });
  });

  describe('2. Routing', () => {
    test('a custom bus and a named rule on source + detail-type targeting the main queue, DLQ for undeliverable events', () => {
      template.resourceCountIs('AWS::Events::EventBus', 1);
      expect(resourceProps(workflow.orderCreatedRule)).toEqual({
        Name: 'TestStack-Orders-311A0410-order-created',
        Description: 'Routes OrderCreated events from myapp.orders to the orders queue',
        State: 'ENABLED',
        EventBusName: { Ref: workflowLogicalId('AWS::Events::EventBus') },
        EventPattern: { 'source': ['myapp.orders'], 'detail-type': ['OrderCreated'] },
        Targets: [{
          Id: 'Target0',
          Arn: { 'Fn::GetAtt': [stackId(workflow.mainQueue), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [stackId(workflow.deadLetterQueue), 'Arn'] } },
        }],
      });
    });

    test.each([
      ['mainQueue', 'AllowOrderCreatedRuleToSendOrders'],
      ['deadLetterQueue', 'AllowOrderCreatedRuleToParkUndeliverable'],
    ] as const)('%s policy: TLS only, and only this rule may send (the exact document)', (queue, sid) => {
      const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'))
        .filter((p: any) => p.Properties.Queues[0].Ref === stackId(workflow[queue]));
      expect(policies).toHaveLength(1);
      const queueArn = { 'Fn::GetAtt': [stackId(workflow[queue]), 'Arn'] };
      expect((policies[0] as any).Properties.PolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:*',
            Resource: queueArn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: sid,
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: queueArn,
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [stackId(workflow.orderCreatedRule), 'Arn'] } } },
          },
        ],
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

    test('main queue keeps messages 4 days, the DLQ 14 days (at least 4 days + the 15-minute redelivery window)', () => {
      expect(resourceProps(workflow.mainQueue).MessageRetentionPeriod).toBe(4 * 86_400);
      expect(resourceProps(workflow.deadLetterQueue)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    });

    test('the main queue is transient: deleted with the stack (transientRemovalPolicy default)', () => {
      expect(resource(workflow.mainQueue)).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    });

    test('the dead-letter queue holds parked orders: retained with the stack (dataRemovalPolicy default)', () => {
      expect(resource(workflow.deadLetterQueue)).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
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
      expect(resource(workflow.idempotencyTable)).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    });

    test('worker: 30 s timeout, idempotency for 7 days, failure injection off, order status in the orders table, FAILED on receive 5 (the default maxReceiveCount)', () => {
      const fn = resourceProps(workflow.workerFunction);
      expect(fn.Timeout).toBe(30);
      expect(fn.Environment.Variables).toEqual(expect.objectContaining({
        IDEMPOTENCY_TABLE_NAME: { Ref: stackId(workflow.idempotencyTable) },
        IDEMPOTENCY_EXPIRY_SECONDS: String(7 * 24 * 3600),
        FAILURE_INJECTION_ENABLED: 'false',
        ORDERS_TABLE_NAME: { Ref: stackId(workflow.ordersTable) },
        MAX_RECEIVE_COUNT: '5',
        POWERTOOLS_SERVICE_NAME: 'orders-worker',
        POWERTOOLS_METRICS_NAMESPACE: 'OrdersWorkflow/TestStack-Orders-311A0410',
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
    ] as const)('%s logs JSON (application INFO, system WARN) to its own log group named after it, kept 14 days', (fn, group) => {
      const fnProps = resourceProps(workflow[fn]);
      expect(fnProps.LoggingConfig).toEqual({
        LogGroup: { Ref: stackId(workflow[group]) },
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'WARN',
      });
      expect(fnProps.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe(fnProps.LoggingConfig.ApplicationLogLevel);
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

    test('the three Logs Insights queries are saved, with the text docs/operations.md documents', () => {
      const defs = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map((d: any) => d.Properties);
      expect(defs.map((d) => d.QueryString)).toEqual(LOG_QUERIES.map(renderLogQuery));
      expect(defs[1].QueryString).toContain('level = "ERROR"');
      expect(defs[2].LogGroupNames).toEqual([{ Ref: stackId(workflow.apiLogGroup) }, { Ref: stackId(workflow.workerLogGroup) }]);
    });
  });

  describe('6. Alarms and dashboard', () => {
    const sqsDimensions = (queue: any) => [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [stackId(queue), 'QueueName'] } }];
    const ruleDimensions = () => [
      { Name: 'EventBusName', Value: { Ref: workflowLogicalId('AWS::Events::EventBus') } },
      { Name: 'RuleName', Value: 'TestStack-Orders-311A0410-order-created' },
    ];
    const countAlarm = { Period: 60, Statistic: 'Sum', ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' };

    test('DLQ: in ALARM while any message is visible in it (the maximum of ApproximateNumberOfMessagesVisible > 0 a minute)', () => {
      expect(resourceProps(workflow.deadLetterQueueAlarm)).toEqual(expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: sqsDimensions(workflow.deadLetterQueue),
        Statistic: 'Maximum',
        Period: 60,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      }));
    });

    test('DLQ arrivals: new messages (increase of visible + in flight, or EventBridge sends) > 0 in either of the last two minutes', () => {
      const props = resourceProps(workflow.deadLetterArrivalsAlarm);
      expect(props).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, EvaluationPeriods: 2, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching',
      });
      const queries = Object.fromEntries(props.Metrics.map((m: any) => [m.Id, m]));
      const returned = props.Metrics.filter((m: any) => m.ReturnData !== false);
      expect(returned).toHaveLength(1);
      expect(returned[0].Expression).toBe('IF(DIFF(depth) > FILL(sent, 0), DIFF(depth), FILL(sent, 0))');
      expect(queries.depth.Expression).toBe('FILL(visible, 0) + FILL(inFlight, 0)');
      const dlqMetric = (metricName: string, stat: string) => ({
        Metric: { Namespace: 'AWS/SQS', MetricName: metricName, Dimensions: sqsDimensions(workflow.deadLetterQueue) },
        Period: 60,
        Stat: stat,
      });
      expect(queries.visible.MetricStat).toEqual(dlqMetric('ApproximateNumberOfMessagesVisible', 'Maximum'));
      expect(queries.inFlight.MetricStat).toEqual(dlqMetric('ApproximateNumberOfMessagesNotVisible', 'Maximum'));
      expect(queries.sent.MetricStat).toEqual(dlqMetric('NumberOfMessagesSent', 'Sum'));
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

    test('record-level worker failures: a metric filter on processing_failed lines, alarm at >= 1 a minute', () => {
      const filter = onlyResource(template, 'AWS::Logs::MetricFilter').props;
      expect(filter).toEqual({
        LogGroupName: { Ref: stackId(workflow.workerLogGroup) },
        FilterPattern: '{ $.msg = "processing_failed" }',
        MetricTransformations: [{
          MetricNamespace: 'cdk-orders-workflow/TestStack-Orders-311A0410', MetricName: 'RecordsFailed', MetricValue: '1',
        }],
      });
      const props = resourceProps(workflow.recordFailuresAlarm);
      const { Period: _period, Statistic: _statistic, ...alarmSettings } = countAlarm;
      expect(props).toMatchObject(alarmSettings);
      expect(props.Metrics).toEqual([expect.objectContaining({
        MetricStat: { Metric: { Namespace: 'cdk-orders-workflow/TestStack-Orders-311A0410', MetricName: 'RecordsFailed' }, Period: 60, Stat: 'Sum' },
      })]);
    });

    test('the metric filter keys on the msg the worker really logs for a failed record', () => {
      // Imported lazily: lambda/shared/log.ts builds a Powertools Logger at module load.
      const { LOG_EVENTS } = jest.requireActual<typeof import('../../lambda/shared/log')>('../../lambda/shared/log');
      expect(LOG_EVENTS.processingFailed.msg).toBe(PROCESSING_FAILED_MSG);
      expect(onlyResource(template, 'AWS::Logs::MetricFilter').props.FilterPattern).toContain(`"${LOG_EVENTS.processingFailed.msg}"`);
    });

    test('age of the oldest main-queue message > 20 minutes: 5 receives x 180 s visibility + 5 minutes', () => {
      expect(resourceProps(workflow.queueAgeAlarm)).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: sqsDimensions(workflow.mainQueue),
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 5 * 180 + 300,
      });
    });

    test.each([
      ['ruleFailedInvocationsAlarm', 'FailedInvocations'],
      ['ruleDeadLetterFailuresAlarm', 'InvocationsFailedToBeSentToDlq'],
    ] as const)('%s: AWS/Events %s of this rule on this bus >= 1 a minute', (alarm, metricName) => {
      expect(resourceProps(workflow[alarm])).toMatchObject({ ...countAlarm, Namespace: 'AWS/Events', MetricName: metricName, Dimensions: ruleDimensions() });
    });

    test('API 5xx >= 1 a minute', () => {
      expect(resourceProps(workflow.apiServerErrorsAlarm)).toMatchObject({
        ...countAlarm,
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
        Dimensions: [{ Name: 'ApiName', Value: 'TestStack-Orders-311A0410-api' }],
      });
    });

    test('nine alarms, each a public property and in alarms', () => {
      const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).sort();
      expect(alarmIds).toHaveLength(9);
      expect(workflow.alarms.map(stackId).sort()).toEqual(alarmIds);
      expect([
        workflow.deadLetterQueueAlarm, workflow.deadLetterArrivalsAlarm, workflow.workerErrorsAlarm, workflow.recordFailuresAlarm,
        workflow.queueAgeAlarm,
        workflow.ruleFailedInvocationsAlarm, workflow.ruleDeadLetterFailuresAlarm, workflow.apiServerErrorsAlarm,
        workflow.failureRateAlarm,
      ].map(stackId).sort()).toEqual(alarmIds);
    });

    test('no alarm actions unless asked', () => {
      for (const alarm of workflow.alarms) expect(resourceProps(alarm).AlarmActions).toBeUndefined();
    });

    test('the dashboard shows every alarm, the API, the rule, both functions and both queues', () => {
      const body = JSON.stringify(onlyResource(template, 'AWS::CloudWatch::Dashboard').props.DashboardBody).replace(/\\/g, '');
      for (const metric of ['"Count"', '"4XXError"', '"5XXError"', '"Latency"', '"Invocations"', '"Errors"', '"Duration"',
        '"Throttles"', '"ApproximateNumberOfMessagesVisible"', '"ApproximateAgeOfOldestMessage"', '"NumberOfMessagesSent"',
        '"NumberOfMessagesReceived"', '"NumberOfMessagesDeleted"', '"AWS/ApiGateway"', '"ApiName","TestStack-Orders-', '"AWS/SQS"',
        '"AWS/Events"', '"FailedInvocations"', '"InvocationsSentToDlq"', '"InvocationsFailedToBeSentToDlq"',
        '"RuleName","TestStack-Orders-311A0410-order-created"', '"RecordsFailed"', 'DIFF(depth)']) {
        expect(body).toContain(metric);
      }
      for (const shown of [workflow.apiFunction, workflow.workerFunction, workflow.mainQueue, workflow.deadLetterQueue]) {
        expect(body).toContain(stackId(shown));
      }
      for (const alarm of workflow.alarms) expect(body).toContain(stackId(alarm));
    });
  });

  describe('7. IAM', () => {
    test('the reads function may only GetItem and BatchGetItem on the orders table, Query its caller-scope index and write its own logs', () => {
      expect(policyStatementsOf(workflow.readsFunction)).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [stackId(workflow.readsLogGroup), 'Arn'] } },
        { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], Resource: { 'Fn::GetAtt': [stackId(workflow.ordersTable), 'Arn'] } },
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [stackId(workflow.ordersTable), 'Arn'] }, '/index/byCallerScope']] },
        },
      ]);
    });

    test('GET /orders and GET /orders/{orderId} proxy to the reads function', () => {
      const getMethods = Object.values(template.findResources('AWS::ApiGateway::Method'))
        .filter((m: any) => m.Properties.HttpMethod === 'GET' && !JSON.stringify(m.Properties.Integration.Uri).includes(stackId(workflow.operationsFunction)));
      expect(getMethods).toHaveLength(2);
      for (const method of getMethods) {
        expect(JSON.stringify((method as any).Properties.Integration.Uri)).toContain(stackId(workflow.readsFunction));
      }
      expect(resourceProps(workflow.readsFunction).Environment.Variables).toEqual(expect.objectContaining({
        ORDERS_TABLE_NAME: { Ref: stackId(workflow.ordersTable) },
        ORDERS_INDEX_NAME: 'byCallerScope',
        AUTHORIZATION_MODE: 'none',
      }));
    });

    test('the API function may only PutEvents on this bus, use its idempotency records and write its own logs', () => {
      expect(policyStatementsOf(workflow.apiFunction)).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [stackId(workflow.apiLogGroup), 'Arn'] } },
        { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [workflowLogicalId('AWS::Events::EventBus'), 'Arn'] } },
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: { 'Fn::GetAtt': [stackId(workflow.ordersTable), 'Arn'] },
        },
      ]);
    });

    test('each role has exactly one policy, besides a trust policy for Lambda only', () => {
      for (const fn of [workflow.apiFunction, workflow.workerFunction]) {
        const roleId = resourceProps(fn).Role['Fn::GetAtt'][0];
        expect(template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument).toEqual({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        });
        expect(policiesOf(fn)).toHaveLength(1);
      }
    });

    test('the worker may only use its table, read and write order status, consume its queue and write its own logs', () => {
      expect(policyStatementsOf(workflow.workerFunction)).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [stackId(workflow.workerLogGroup), 'Arn'] } },
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: [{ 'Fn::GetAtt': [stackId(workflow.idempotencyTable), 'Arn'] }, { Ref: 'AWS::NoValue' }],
        },
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          Resource: { 'Fn::GetAtt': [stackId(workflow.ordersTable), 'Arn'] },
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
      expect(workflow.alarms).toHaveLength(9);
      expect(workflow.ordersTable).toBeDefined();
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

function resource(construct: any): any {
  return template.toJSON().Resources[stackId(construct)];
}

function policiesOf(fn: any): any[] {
  const roleId = resourceProps(fn).Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
}

function policyStatementsOf(fn: any): any[] {
  return policiesOf(fn).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function allPolicyStatements(): any[] {
  const docs = [
    ...Object.values(template.findResources('AWS::IAM::Policy')).map((p: any) => p.Properties.PolicyDocument),
    ...Object.values(template.findResources('AWS::SQS::QueuePolicy')).map((p: any) => p.Properties.PolicyDocument),
  ];
  return docs.flatMap((d) => d.Statement);
}
