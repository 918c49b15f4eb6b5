import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, synthWorkflow } from './synth';
import { ORDER_LIMITS } from '../../lambda/shared/order-contract';
import { validateOrderRequest } from '../../lambda/shared/order-validation';
import { OrdersApiWaf } from '../../src';

const WEB_ACL = 'AWS::WAFv2::WebACL';
const ASSOCIATION = 'AWS::WAFv2::WebACLAssociation';

test('no waf: no web ACL, no association', () => {
  const { template, workflow } = synthWorkflow();
  template.resourceCountIs(WEB_ACL, 0);
  template.resourceCountIs(ASSOCIATION, 0);
  expect(workflow.webAclArn).toBeUndefined();
});

describe('OrdersApiWaf.managed()', () => {
  const built = synthWorkflow({ namePrefix: 'orders', waf: OrdersApiWaf.managed() });
  const acl = onlyResource(built.template, WEB_ACL);
  const rule = (name: string) => acl.props.Rules.find((r: { Name: string }) => r.Name === name);

  test('a REGIONAL web ACL that allows what no rule blocks, with metrics and sampled requests', () => {
    expect(acl.props).toMatchObject({
      Name: 'orders-api',
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'orders-api-waf-all' },
    });
    for (const r of acl.props.Rules) {
      expect(r.VisibilityConfig).toEqual({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: `orders-api-waf-${r.Name}` });
    }
  });

  test('IP reputation first, then the per-IP rate rule, then the Common and KnownBadInputs groups, each blocking', () => {
    expect(acl.props.Rules.map((r: { Name: string; Priority: number }) => [r.Priority, r.Name])).toEqual([
      [0, 'AWSManagedRulesAmazonIpReputationList'],
      [1, 'RateLimitPerIp'],
      [2, 'AWSManagedRulesCommonRuleSet'],
      [3, 'AWSManagedRulesKnownBadInputsRuleSet'],
    ]);
    for (const name of ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']) {
      // `none` keeps the group's own (block) actions; `count` would only observe.
      expect(rule(name).OverrideAction).toEqual({ None: {} });
      expect(rule(name).Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: name });
    }
  });

  test('the rate rule: 1000 requests per IP per 5 minutes, answered 429 with a JSON body', () => {
    expect(rule('RateLimitPerIp').Statement).toEqual({ RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } });
    expect(rule('RateLimitPerIp').Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests' } } });
    const body = acl.props.CustomResponseBodies.TooManyRequests;
    expect(body.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body.Content)).toEqual({ message: expect.stringMatching(/Too many requests/) });
  });

  test('the Common group\'s 8 KB body rule only counts: the largest valid order is bigger than 8 KB', () => {
    expect(rule('AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement.RuleActionOverrides)
      .toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    const { maxItems, maxSkuLength, maxQty, maxIdLength } = ORDER_LIMITS;
    const largest = {
      items: Array.from({ length: maxItems }, () => ({ sku: 'S'.repeat(maxSkuLength), qty: maxQty })),
      customerId: 'c'.repeat(maxIdLength),
      orderId: 'o'.repeat(maxIdLength),
    };
    expect(validateOrderRequest(largest).ok).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(largest))).toBeGreaterThan(8 * 1024);
  });

  test('associated with the API\'s stage; webAclArn is the created ACL', () => {
    const association = built.template.findResources(ASSOCIATION);
    const [id] = Object.keys(association);
    expect(association[id].Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [acl.logicalId, 'Arn'] });
    // A reference to the stage: CloudFormation creates the association after it.
    const stageId = built.stack.getLogicalId(built.workflow.api.deploymentStage.node.defaultChild as never);
    const apiId = built.stack.getLogicalId(built.workflow.api.node.defaultChild as never);
    expect(association[id].Properties.ResourceArn).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:us-east-1::/restapis/', { Ref: apiId }, '/stages/', { Ref: stageId }]],
    });
    expect(built.stack.resolve(built.workflow.webAclArn)).toEqual({ 'Fn::GetAtt': [acl.logicalId, 'Arn'] });
  });

  test('no request logging unless asked', () => {
    built.template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
  });
});

test('rateLimitPerIp sets the rate rule\'s limit', () => {
  const { template } = synthWorkflow({ waf: OrdersApiWaf.managed({ rateLimitPerIp: 50 }) });
  const rules = onlyResource(template, WEB_ACL).props.Rules;
  expect(rules.find((r: { Name: string }) => r.Name === 'RateLimitPerIp').Statement.RateBasedStatement.Limit).toBe(50);
});

test('without namePrefix the web ACL gets a CloudFormation name and unique metric names', () => {
  const { template } = synthWorkflow({ waf: OrdersApiWaf.managed() });
  const acl = onlyResource(template, WEB_ACL).props;
  expect(acl.Name).toBeUndefined();
  expect(acl.VisibilityConfig.MetricName).toMatch(/^TestStack-Orders-[A-Za-z0-9]+-api-waf-all$/);
});

describe('logRequests', () => {
  const { template, stack } = synthWorkflow({ namePrefix: 'orders', waf: OrdersApiWaf.managed({ logRequests: true }) });

  test('to aws-waf-logs-<prefix> with the workflow\'s retention and removal policy', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: 'aws-waf-logs-orders', RetentionInDays: 14 },
      DeletionPolicy: 'Delete',
    });
  });

  test('the log group\'s ARN without `:*` (what WAF accepts), the ACL\'s ARN, auth headers redacted', () => {
    const logging = onlyResource(template, 'AWS::WAFv2::LoggingConfiguration');
    expect(stack.resolve(logging.props.LogDestinationConfigs)).toEqual([{
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111111111111:log-group:aws-waf-logs-orders']],
    }]);
    expect(logging.props.ResourceArn).toEqual({ 'Fn::GetAtt': [onlyResource(template, WEB_ACL).logicalId, 'Arn'] });
    expect(logging.props.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'x-api-key' } }]);
  });
});

describe('OrdersApiWaf.fromWebAclArn()', () => {
  const arn = 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/shared/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
  const { template, workflow } = synthWorkflow({ waf: OrdersApiWaf.fromWebAclArn(arn) });

  test('associates the given web ACL and creates none', () => {
    template.resourceCountIs(WEB_ACL, 0);
    template.hasResourceProperties(ASSOCIATION, { WebACLArn: arn, ResourceArn: Match.anyValue() });
    expect(workflow.webAclArn).toBe(arn);
  });
});

test('a web ACL ARN known only at deploy time is accepted as is', () => {
  const { template } = synthWorkflow(undefined, (stack: Stack) => ({
    waf: OrdersApiWaf.fromWebAclArn(new CfnParameter(stack, 'WebAcl').valueAsString),
  }));
  template.hasResourceProperties(ASSOCIATION, { WebACLArn: { Ref: 'WebAcl' } });
});
