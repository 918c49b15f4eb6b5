import { App, Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { OrdersApiAuthorization, OrdersWorkflow, OrdersWorkflowProps } from '../../src';
import { AUTHORIZATION_WARNINGS } from '../../src/auth/authorization-warnings';

interface Built {
  readonly stack: Stack;
  readonly workflow: OrdersWorkflow;
  readonly template: Template;
  /** Ids of the warnings on the stack, from their `[ack: id]` suffix. */
  readonly warningIds: string[];
}

/** One workflow; `after` runs before synth (grants, extra routes, acknowledgements). */
function build(
  props: (stack: Stack) => OrdersWorkflowProps = () => ({}),
  after: (workflow: OrdersWorkflow, stack: Stack) => void = () => undefined,
): Built {
  const app = new App();
  const stack = new Stack(app, 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
  const workflow = new OrdersWorkflow(stack, 'Orders', props(stack));
  after(workflow, stack);
  const template = Template.fromStack(stack);
  const warningIds = Annotations.fromStack(stack).findWarning('*', Match.anyValue())
    .map((m) => /\[ack: ([^\]]+)\]$/.exec(String(m.entry.data))?.[1] ?? String(m.entry.data));
  return { stack, workflow, template, warningIds };
}

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } } | undefined) =>
  stack.getLogicalId((construct as any).node.defaultChild ?? construct);

function methods(template: Template, httpMethod: string): any[] {
  return Object.values(template.findResources('AWS::ApiGateway::Method'))
    .filter((m: any) => m.Properties.HttpMethod === httpMethod)
    .map((m: any) => m.Properties);
}

/** POST on the `orders` resource (the ops routes have a POST too). */
function postOrders(template: Template): any {
  const posts = methods(template, 'POST').filter((m) => /^OrdersApiRestApiorders[0-9A-F]{8}$/.test(m.ResourceId?.Ref ?? ''));
  if (posts.length !== 1) throw new Error(`expected one POST /orders, found ${posts.length}`);
  return posts[0];
}

function apiEnvironment(built: Built): Record<string, unknown> {
  const fn = built.template.findResources('AWS::Lambda::Function')[logicalId(built.stack, built.workflow.apiFunction)];
  return fn.Properties.Environment.Variables;
}

const newPool = (stack: Stack) => new cognito.UserPool(stack, 'Pool');
const MODES: Array<[string, (stack: Stack) => OrdersApiAuthorization]> = [
  ['none', () => OrdersApiAuthorization.none()],
  ['iam', () => OrdersApiAuthorization.iam()],
  ['apiKey', () => OrdersApiAuthorization.apiKey()],
  ['cognito', (stack) => OrdersApiAuthorization.cognito({ userPool: newPool(stack), scopes: ['orders/write'] })],
];

describe('none(), the default', () => {
  const built = build();

  test('POST /orders needs nothing: no authorizer, no API key, no usage plan', () => {
    const post = postOrders(built.template);
    expect(post.AuthorizationType).toBe('NONE');
    expect(post).not.toHaveProperty('AuthorizerId');
    expect(post).not.toHaveProperty('ApiKeyRequired');
    expect(post).not.toHaveProperty('AuthorizationScopes');
    for (const type of ['AWS::ApiGateway::Authorizer', 'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::UsagePlan']) {
      built.template.resourceCountIs(type, 0);
    }
    expect(built.workflow.apiKey).toBeUndefined();
    expect(built.workflow.usagePlan).toBeUndefined();
    expect(apiEnvironment(built).AUTHORIZATION_MODE).toBe('none');
  });

  test('synth warns that the API is open; failure injection is off by default, so nothing more', () => {
    expect(built.warningIds).toEqual([AUTHORIZATION_WARNINGS.openApi]);
    const messages = Annotations.fromStack(built.stack).findWarning('/TestStack/Orders', Match.anyValue()).map((m) => String(m.entry.data));
    expect(messages).toEqual([
      expect.stringMatching(/^The orders API is open: anyone who knows its URL can POST \/orders.*OrdersApiAuthorization\.iam\(\), \.apiKey\(\) or \.cognito/),
    ]);
  });

  test('with failureInjection on, synth also warns that anyone can page on-call', () => {
    const injecting = build(() => ({ failureInjection: true }));
    expect(injecting.warningIds.sort()).toEqual([AUTHORIZATION_WARNINGS.openApi, AUTHORIZATION_WARNINGS.openApiWithFailureInjection].sort());
    const messages = Annotations.fromStack(injecting.stack).findWarning('/TestStack/Orders', Match.anyValue()).map((m) => String(m.entry.data));
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/failureInjection is on.*sku FAIL-ME.*dead-letter queue.*pages on-call.*Set failureInjection: false/),
    ]));
  });

  test('the warnings can be acknowledged by id on the workflow (or any parent)', () => {
    const acknowledged = build(() => ({ failureInjection: true }), (workflow) => {
      CoreAnnotations.of(workflow).acknowledgeWarning(AUTHORIZATION_WARNINGS.openApi, 'A public demo');
      CoreAnnotations.of(Stack.of(workflow)).acknowledgeWarning(AUTHORIZATION_WARNINGS.openApiWithFailureInjection, 'A DLQ drill environment');
    });
    expect(acknowledged.warningIds).toEqual([]);
  });
});

describe('iam()', () => {
  let caller: iam.Role;
  const built = build(() => ({ authorization: OrdersApiAuthorization.iam() }), (workflow, stack) => {
    caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    workflow.grantInvoke(caller);
  });

  test('POST /orders is AWS_IAM, without authorizer or API key', () => {
    const post = postOrders(built.template);
    expect(post.AuthorizationType).toBe('AWS_IAM');
    expect(post).not.toHaveProperty('AuthorizerId');
    expect(post).not.toHaveProperty('ApiKeyRequired');
    built.template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    built.template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    expect(apiEnvironment(built).AUTHORIZATION_MODE).toBe('iam');
  });

  test('grantInvoke: exactly execute-api:Invoke on POST /orders of the prod stage, nothing else', () => {
    const policies = built.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalId(built.stack, caller) }] } });
    expect(Object.values(policies).map((p: any) => p.Properties.PolicyDocument)).toEqual([{
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: {
          'Fn::Join': ['', [
            'arn:', { Ref: 'AWS::Partition' }, ':execute-api:us-east-1:111111111111:',
            { Ref: logicalId(built.stack, built.workflow.api) },
            '/',
            { Ref: logicalId(built.stack, built.workflow.api.deploymentStage) },
            '/POST/orders',
          ]],
        },
      }],
    }]);
  });

  test('no warnings: the API is closed and the grant decides who may call', () => {
    expect(built.warningIds).toEqual([]);
  });

  test('a route added later on workflow.api is closed too (the RestApi\'s default method options)', () => {
    const extra = build(() => ({ authorization: OrdersApiAuthorization.iam() }), (workflow) => {
      workflow.api.root.addResource('extra').addMethod('GET');
    });
    // The construct's GET routes (two order reads, two ops reads) and the extra one.
    expect(methods(extra.template, 'GET')).toEqual(Array(5).fill(expect.objectContaining({ AuthorizationType: 'AWS_IAM' })));
  });
});

describe('apiKey()', () => {
  const built = build(() => ({
    authorization: OrdersApiAuthorization.apiKey({
      throttle: { rateLimit: 20, burstLimit: 40 },
      quota: { limit: 10_000, period: apigateway.Period.DAY },
    }),
    stackOutputs: true,
  }), (workflow, stack) => {
    workflow.grantInvoke(new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
  });
  const keyId = () => logicalId(built.stack, built.workflow.apiKey);
  const planId = () => logicalId(built.stack, built.workflow.usagePlan);

  test('POST /orders requires an API key', () => {
    const post = postOrders(built.template);
    expect(post.ApiKeyRequired).toBe(true);
    expect(post.AuthorizationType).toBe('NONE');
    expect(apiEnvironment(built).AUTHORIZATION_MODE).toBe('apiKey');
  });

  test('one enabled key whose value API Gateway generates (never in the template)', () => {
    const keys = built.template.findResources('AWS::ApiGateway::ApiKey');
    expect(Object.keys(keys)).toEqual([keyId()]);
    expect(keys[keyId()].Properties).toEqual({
      Description: expect.stringMatching(/^Calls POST \/orders of .*-api \(cdk-orders-workflow\)$/),
      Enabled: true,
    });
  });

  test('a usage plan on the prod stage with the throttle and quota, and the key in it', () => {
    const plan = built.template.findResources('AWS::ApiGateway::UsagePlan')[planId()].Properties;
    expect(plan.ApiStages).toEqual([{
      ApiId: { Ref: logicalId(built.stack, built.workflow.api) },
      Stage: { Ref: logicalId(built.stack, built.workflow.api.deploymentStage) },
      Throttle: {},
    }]);
    expect(plan.Throttle).toEqual({ RateLimit: 20, BurstLimit: 40 });
    expect(plan.Quota).toEqual({ Limit: 10_000, Period: 'DAY' });
    built.template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
    built.template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: { Ref: keyId() }, KeyType: 'API_KEY', UsagePlanId: { Ref: planId() },
    });
  });

  test('the key\'s id (not its value) is a public property and, with stackOutputs, the ApiKeyId output', () => {
    expect(built.stack.resolve(built.workflow.apiKey!.keyId)).toEqual({ Ref: keyId() });
    expect(built.template.findOutputs('ApiKeyId')).toEqual({
      ApiKeyId: { Description: 'ApiKeyId of TestStack/Orders (cdk-orders-workflow)', Value: { Ref: keyId() } },
    });
  });

  test('without options: a usage plan with no throttle or quota of its own (the stage throttle applies)', () => {
    const plain = build(() => ({ authorization: OrdersApiAuthorization.apiKey() }));
    const [plan] = Object.values(plain.template.findResources('AWS::ApiGateway::UsagePlan')).map((p: any) => p.Properties);
    expect(plan).not.toHaveProperty('Throttle');
    expect(plan).not.toHaveProperty('Quota');
    expect(plain.template.findOutputs('ApiKeyId')).toEqual({});
  });

  test('grantInvoke in this mode warns that IAM is not checked', () => {
    expect(built.warningIds).toEqual([AUTHORIZATION_WARNINGS.grantInvokeWithoutIam]);
    Annotations.fromStack(built.stack).hasWarning('/TestStack/Orders',
      Match.stringLikeRegexp("the API's authorization is apiKey, not iam\\(\\): API Gateway does not check IAM"));
  });
});

describe('cognito()', () => {
  const built = build((stack) => ({
    authorization: OrdersApiAuthorization.cognito({ userPool: newPool(stack), scopes: ['orders/write'], operatorsGroup: 'operators' }),
  }));
  const authorizerIds = () => Object.keys(built.template.findResources('AWS::ApiGateway::Authorizer'));

  test('a Cognito user pool authorizer reading the Authorization header, for the given pool', () => {
    expect(authorizerIds()).toHaveLength(1);
    built.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Pool'), 'Arn'] }],
      RestApiId: { Ref: logicalId(built.stack, built.workflow.api) },
    });
    expect(apiEnvironment(built).AUTHORIZATION_MODE).toBe('cognito');
  });

  test('POST /orders uses it, with the scopes as authorizationScopes', () => {
    const post = postOrders(built.template);
    expect(post).toMatchObject({
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: { Ref: authorizerIds()[0] },
      AuthorizationScopes: ['orders/write'],
    });
  });

  test('without scopes: no authorizationScopes (API Gateway then wants an ID token)', () => {
    const plain = build((stack) => ({ authorization: OrdersApiAuthorization.cognito({ userPool: newPool(stack) }) }));
    expect(postOrders(plain.template).AuthorizationType).toBe('COGNITO_USER_POOLS');
    expect(postOrders(plain.template)).not.toHaveProperty('AuthorizationScopes');
  });

  test('an imported pool works the same', () => {
    const imported = build((stack) => ({
      authorization: OrdersApiAuthorization.cognito({ userPool: cognito.UserPool.fromUserPoolId(stack, 'Imported', 'us-east-1_AbC123') }),
    }));
    imported.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      ProviderARNs: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cognito-idp:us-east-1:111111111111:userpool/us-east-1_AbC123']] }],
    });
  });

  test('no warnings', () => {
    expect(built.warningIds).toEqual([]);
  });
});

describe('CORS preflight works without credentials in every mode', () => {
  test.each(MODES)('%s: every OPTIONS method is open (NONE, no key, no authorizer, no scopes) and answered by API Gateway', (_mode, authorization) => {
    const built = build((stack) => ({ authorization: authorization(stack), corsAllowOrigins: ['https://shop.example'] }));
    const options = methods(built.template, 'OPTIONS');
    expect(options).toHaveLength(6); // the root, /orders, /orders/{orderId}, /ops, /ops/queues, /ops/redrive
    for (const method of options) {
      expect(method.AuthorizationType).toBe('NONE');
      expect(method.ApiKeyRequired).toBe(false);
      expect(method).not.toHaveProperty('AuthorizerId');
      expect(method).not.toHaveProperty('AuthorizationScopes');
      expect(method.Integration.Type).toBe('MOCK');
    }
    // CDK warns when scopes reach a method that is not COGNITO (they would on the preflights if
    // they were in the default method options).
    expect(built.warningIds).not.toContain('@aws-cdk/aws-apigateway:invalidAuthScope');
  });
});

describe('the factories reject invalid options with every problem named', () => {
  test.each([
    ['a quota without a period', () => OrdersApiAuthorization.apiKey({ quota: { limit: 100 } }), 'quota needs both limit and period'],
    ['a zero quota', () => OrdersApiAuthorization.apiKey({ quota: { limit: 0, period: apigateway.Period.DAY } }), 'quota.limit must be a whole number of at least 1 (got 0)'],
    ['an offset past the limit', () => OrdersApiAuthorization.apiKey({ quota: { limit: 10, offset: 10, period: apigateway.Period.WEEK } }),
      'quota.offset must be a whole number from 0 to below quota.limit (got 10)'],
    ['a zero rate', () => OrdersApiAuthorization.apiKey({ throttle: { rateLimit: 0 } }), 'throttle.rateLimit must be positive (got 0)'],
    ['a fractional burst', () => OrdersApiAuthorization.apiKey({ throttle: { burstLimit: 1.5 } }), 'throttle.burstLimit must be a whole number of at least 1 (got 1.5)'],
    ['no user pool', () => OrdersApiAuthorization.cognito({} as any), 'OrdersApiAuthorization.cognito: userPool is required'],
    ['an empty scope list', () => OrdersApiAuthorization.cognito({ userPool: fakePool(), scopes: [] }), 'scopes must list at least one scope'],
    ['a scope with a space', () => OrdersApiAuthorization.cognito({ userPool: fakePool(), scopes: ['orders write'] }),
      "scopes entries must be 1 to 256 characters without spaces, like 'orders/write' (got 'orders write')"],
    ['a group name with a space', () => OrdersApiAuthorization.cognito({ userPool: fakePool(), operatorsGroup: 'on call' }),
      "operatorsGroup must be a Cognito group name: 1 to 128 characters without spaces (got 'on call')"],
  ])('%s', (_case, create, message) => {
    expect(create).toThrow(message);
  });

  test('several problems are reported together', () => {
    expect(() => OrdersApiAuthorization.apiKey({ throttle: { rateLimit: -1, burstLimit: 0 } }))
      .toThrow('Invalid OrdersApiAuthorization.apiKey() options:\n  - throttle.rateLimit must be positive (got -1).\n' +
        '  - throttle.burstLimit must be a whole number of at least 1 (got 0).');
  });
});

function fakePool(): cognito.IUserPool {
  return cognito.UserPool.fromUserPoolId(new Stack(), 'Pool', 'us-east-1_AbC123');
}
