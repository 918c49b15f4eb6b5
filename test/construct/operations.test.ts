/**
 * The operations routes (GET /ops/queues, POST and GET /ops/redrive): their function, its exact
 * permissions (SQS's list for a DLQ redrive), their authorization in every mode (never open),
 * grantOperations, the warnings, the prop, and the dashboard.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { synthWorkflow, Synthesized } from './synth';
import { OrdersApiAuthorization, OrdersWorkflow, OrdersWorkflowProps } from '../../src';
import { AUTHORIZATION_WARNINGS } from '../../src/auth/authorization-warnings';

const id = (built: Synthesized, construct: any) => built.stack.getLogicalId(construct.node.defaultChild ?? construct);
const arnOf = (built: Synthesized, construct: any) => ({ 'Fn::GetAtt': [id(built, construct), 'Arn'] });

/** The API's methods by `<HTTP method> <path>`, with the path rebuilt from the resources. */
function methodsByRoute(template: Template): Record<string, any> {
  const resources = template.toJSON().Resources;
  const pathOf = (resourceId: any): string => {
    if (resourceId?.Ref === undefined) return '';
    const resource = resources[resourceId.Ref].Properties;
    return `${pathOf(resource.ParentId)}/${resource.PathPart}`;
  };
  return Object.fromEntries(Object.values(template.findResources('AWS::ApiGateway::Method'))
    .map((method: any) => [`${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId)}`, method.Properties]));
}

const OPS_ROUTES = ['GET /ops/queues', 'POST /ops/redrive', 'GET /ops/redrive'];
const opsMethods = (built: Synthesized) => OPS_ROUTES.map((route) => methodsByRoute(built.template)[route]);

function statementsOf(built: Synthesized, fn: any): any[] {
  const roleId = id(built, fn.role);
  return Object.values(built.template.findResources('AWS::IAM::Policy'))
    .filter((policy: any) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

function environmentOf(built: Synthesized, fn: any): Record<string, any> {
  return built.template.toJSON().Resources[id(built, fn)].Properties.Environment.Variables;
}

const warningIds = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.anyValue())
  .map((m) => /\[ack: ([^\]]+)\]$/.exec(String(m.entry.data))?.[1] ?? String(m.entry.data));

const pool = (stack: Stack) => new cognito.UserPool(stack, 'Pool');

describe('the operations function', () => {
  const built = synthWorkflow({ namePrefix: 'orders' });
  const { workflow } = built;

  test('serves exactly the three ops routes through Lambda proxy integrations', () => {
    for (const method of opsMethods(built)) {
      expect(method.Integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(method.Integration.Uri)).toContain(id(built, workflow.operationsFunction));
    }
    const others = Object.entries(methodsByRoute(built.template)).filter(([route]) => !OPS_ROUTES.includes(route));
    for (const [, method] of others) expect(JSON.stringify(method.Integration.Uri)).not.toContain(id(built, workflow.operationsFunction));
  });

  test('is named, logs JSON to its own log group, and gets both queues\' URL and ARN', () => {
    const props = built.template.toJSON().Resources[id(built, workflow.operationsFunction)].Properties;
    expect(props.FunctionName).toBe('orders-operations');
    expect(props.LoggingConfig).toEqual({
      LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: { Ref: id(built, workflow.operationsLogGroup) },
    });
    built.template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/orders-operations', RetentionInDays: 14 });
    expect(environmentOf(built, workflow.operationsFunction)).toEqual(expect.objectContaining({
      MAIN_QUEUE_URL: { Ref: id(built, workflow.mainQueue) },
      MAIN_QUEUE_ARN: arnOf(built, workflow.mainQueue),
      DEAD_LETTER_QUEUE_URL: { Ref: id(built, workflow.deadLetterQueue) },
      DEAD_LETTER_QUEUE_ARN: arnOf(built, workflow.deadLetterQueue),
      OPERATIONS_AUTHORIZATION: 'iam',
      POWERTOOLS_SERVICE_NAME: 'orders-operations',
    }));
    expect(environmentOf(built, workflow.operationsFunction)).not.toHaveProperty('REDRIVE_MESSAGES_PER_SECOND');
    expect(environmentOf(built, workflow.operationsFunction)).not.toHaveProperty('OPERATORS_GROUP');
  });

  test('may run a move task from the DLQ to the main queue, read metric values, and nothing else (SQS\'s documented list)', () => {
    expect(statementsOf(built, workflow.operationsFunction)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(built, workflow.operationsLogGroup) },
      {
        Sid: 'RedriveFromDeadLetterQueue',
        Effect: 'Allow',
        Action: ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: arnOf(built, workflow.deadLetterQueue),
      },
      { Sid: 'RedriveToMainQueue', Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'], Resource: arnOf(built, workflow.mainQueue) },
      // oldestAgeSeconds; GetMetricData has no resource-level permissions.
      { Sid: 'ReadQueueAgeMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
    ]);
    const policy = workflow.operationsFunction.role!.node.findChild('DefaultPolicy').node.defaultChild as never as { getMetadata(k: string): any };
    expect(policy.getMetadata('cdk_nag').rules_to_suppress)
      .toEqual([expect.objectContaining({ id: 'AwsSolutions-IAM5', appliesTo: ['Resource::*'], reason: expect.stringContaining('cloudwatch:GetMetricData') })]);
  });

  test('no other function may start or list move tasks', () => {
    for (const fn of [workflow.apiFunction, workflow.readsFunction, workflow.workerFunction]) {
      expect(JSON.stringify(statementsOf(built, fn))).not.toMatch(/MessageMoveTask/);
    }
  });

  test('the dashboard graphs the reads and operations functions too', () => {
    const body = JSON.stringify(built.template.toJSON().Resources[id(built, workflow.dashboard)].Properties.DashboardBody);
    for (const name of ['Reads function', 'Operations function']) expect(body).toContain(`${name}: invocations / errors`);
    expect(body).toContain(id(built, workflow.operationsFunction));
    expect(body).toContain(id(built, workflow.readsFunction));
  });
});

test('with a customer-managed queue key: kms:Decrypt (read the DLQ) and kms:GenerateDataKey (write the main queue) on that key only', () => {
  let key: kms.Key | undefined;
  const built = synthWorkflow({}, (stack) => {
    key = new kms.Key(stack, 'QueueKey');
    return { queueEncryptionKey: key };
  });
  expect(statementsOf(built, built.workflow.operationsFunction)).toContainEqual({
    Sid: 'RedriveEncryptedMessages', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: arnOf(built, key),
  });
});

describe('authorization: never open', () => {
  test.each([
    ['none', () => OrdersApiAuthorization.none()],
    ['iam', () => OrdersApiAuthorization.iam()],
    ['apiKey', () => OrdersApiAuthorization.apiKey()],
  ] as Array<[string, () => OrdersApiAuthorization]>)('%s: every ops method is AWS_IAM without an API key or authorizer', (_mode, authorization) => {
    const built = synthWorkflow({ authorization: authorization() });
    for (const method of opsMethods(built)) {
      expect(method.AuthorizationType).toBe('AWS_IAM');
      expect(method.ApiKeyRequired).toBe(false);
      expect(method).not.toHaveProperty('AuthorizerId');
    }
    expect(environmentOf(built, built.workflow.operationsFunction).OPERATIONS_AUTHORIZATION).toBe('iam');
  });

  test('none: the order routes stay as they were (open), only the ops routes are closed', () => {
    const routes = methodsByRoute(synthWorkflow().template);
    expect(routes['POST /orders'].AuthorizationType).toBe('NONE');
    expect(routes['GET /orders'].AuthorizationType).toBe('NONE');
  });

  test('apiKey: the order routes still need the key', () => {
    const routes = methodsByRoute(synthWorkflow({ authorization: OrdersApiAuthorization.apiKey() }).template);
    expect(routes['POST /orders'].ApiKeyRequired).toBe(true);
  });

  test('cognito: the API\'s Cognito authorizer and scopes, and the handler is told the operators group', () => {
    const built = synthWorkflow({}, (stack) => ({
      authorization: OrdersApiAuthorization.cognito({ userPool: pool(stack), scopes: ['orders/admin'], operatorsGroup: 'on-call' }),
    }));
    const [authorizerId] = Object.keys(built.template.findResources('AWS::ApiGateway::Authorizer'));
    for (const method of opsMethods(built)) {
      expect(method).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId }, AuthorizationScopes: ['orders/admin'] });
    }
    expect(environmentOf(built, built.workflow.operationsFunction)).toEqual(expect.objectContaining({
      OPERATIONS_AUTHORIZATION: 'cognito', OPERATORS_GROUP: 'on-call',
    }));
    expect(warningIds(built.stack)).toEqual([]);
  });

  test('cognito without operatorsGroup: the handler gets no group (so refuses everyone) and synth warns', () => {
    const built = synthWorkflow({}, (stack) => ({ authorization: OrdersApiAuthorization.cognito({ userPool: pool(stack) }) }));
    expect(environmentOf(built, built.workflow.operationsFunction)).not.toHaveProperty('OPERATORS_GROUP');
    expect(warningIds(built.stack)).toEqual([AUTHORIZATION_WARNINGS.noOperators]);
    Annotations.fromStack(built.stack).hasWarning('/TestStack/Orders', Match.stringLikeRegexp('answer 403 to every user'));
  });
});

describe('grantOperations', () => {
  function granted(props: (stack: Stack) => OrdersWorkflowProps) {
    // Built here, not with synthWorkflow: the grant must happen before synth.
    const stack = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
    const workflow = new OrdersWorkflow(stack, 'Orders', props(stack));
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = workflow.grantOperations(role);
    return { stack, workflow, role, grant, template: Template.fromStack(stack) };
  }

  test('execute-api:Invoke on exactly the three ops methods of the prod stage', () => {
    const { template, stack, role, grant } = granted(() => ({ authorization: OrdersApiAuthorization.iam() }));
    expect(grant.success).toBe(true);
    const roleId = stack.getLogicalId(role.node.defaultChild as any);
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId)) as any[];
    const [statement] = policy.Properties.PolicyDocument.Statement;
    expect(policy.Properties.PolicyDocument.Statement).toHaveLength(1);
    expect(statement.Action).toBe('execute-api:Invoke');
    const resources = JSON.stringify(statement.Resource);
    expect(statement.Resource).toHaveLength(3);
    expect(resources).toMatch(/DeploymentStageprod/);
    for (const suffix of ['"/GET/ops/queues"', '"/POST/ops/redrive"', '"/GET/ops/redrive"']) expect(resources).toContain(suffix);
    expect(resources).not.toContain('/orders');
    expect(warningIds(stack)).toEqual([]);
  });

  test('with cognito it warns that IAM is not checked on the ops routes', () => {
    const { stack } = granted((s) => ({ authorization: OrdersApiAuthorization.cognito({ userPool: pool(s), operatorsGroup: 'operators' }) }));
    expect(warningIds(stack)).toEqual([AUTHORIZATION_WARNINGS.grantOperationsWithoutIam]);
  });
});

describe('redriveMessagesPerSecond', () => {
  test('reaches the handler', () => {
    const built = synthWorkflow({ redriveMessagesPerSecond: 25 });
    expect(environmentOf(built, built.workflow.operationsFunction).REDRIVE_MESSAGES_PER_SECOND).toBe('25');
  });

  test.each([0, 501, 2.5])('%p is refused with a clear message', (value) => {
    expect(() => synthWorkflow({ redriveMessagesPerSecond: value }))
      .toThrow(`redriveMessagesPerSecond must be an integer from 1 to 500 (got ${value}).`);
  });
});
