import { App, Stack, Token } from 'aws-cdk-lib';
import { OrdersApiWaf, OrdersWorkflow, OrdersWorkflowProps } from '../../src';

/** `region: null` builds an environment-agnostic stack (region known only at deploy time). */
function build(props: OrdersWorkflowProps, region: string | null = 'us-east-1'): void {
  const stack = new Stack(new App(), 'Validation', region === null ? {} : { env: { account: '111111111111', region } });
  new OrdersWorkflow(stack, 'Orders', props);
}

const REGIONAL_ACL = 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/shared/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

test.each<[string, OrdersWorkflowProps, RegExp]>([
  ['workerMaxConcurrency 1 (the event source minimum is 2)', { workerMaxConcurrency: 1 }, /workerMaxConcurrency must be an integer from 2 to 1000 \(got 1\)/],
  ['workerMaxConcurrency 1001', { workerMaxConcurrency: 1001 }, /workerMaxConcurrency must be an integer from 2 to 1000 \(got 1001\)/],
  ['workerMaxConcurrency 2.5', { workerMaxConcurrency: 2.5 }, /workerMaxConcurrency must be an integer/],
  ['apiReservedConcurrency 0 (the API would never run)', { apiReservedConcurrency: 0 }, /apiReservedConcurrency must be a whole number of at least 1 \(got 0\)/],
  ['apiReservedConcurrency 1.5', { apiReservedConcurrency: 1.5 }, /apiReservedConcurrency must be a whole number/],
  ['rateLimitPerIp 9', { waf: OrdersApiWaf.managed({ rateLimitPerIp: 9 }) }, /waf rateLimitPerIp must be a whole number from 10 to 2000000000 .*\(got 9\)/],
  ['rateLimitPerIp 10.5', { waf: OrdersApiWaf.managed({ rateLimitPerIp: 10.5 }) }, /waf rateLimitPerIp must be a whole number/],
  ['a web ACL ARN that is not one', { waf: OrdersApiWaf.fromWebAclArn('my-acl') }, /waf web ACL ARN must look like arn:aws:wafv2:<region>:<account>:regional\/webacl\/<name>\/<id> \(got 'my-acl'\)/],
  ['a CloudFront web ACL', { waf: OrdersApiWaf.fromWebAclArn(REGIONAL_ACL.replace('regional', 'global')) }, /is a CloudFront \(global\) web ACL: an API Gateway stage needs a REGIONAL one/],
])('%s', (_name, props, message) => {
  expect(() => build(props)).toThrow(message);
});

test('a web ACL in another region is refused', () => {
  expect(() => build({ waf: OrdersApiWaf.fromWebAclArn(REGIONAL_ACL) }, 'eu-west-1'))
    .toThrow(/is in us-east-1, but the API is in eu-west-1: WAF associates a web ACL only with resources in its own region/);
});

test('limits in range and values known only at deploy time are accepted', () => {
  expect(() => build({ workerMaxConcurrency: 2, apiReservedConcurrency: 1, waf: OrdersApiWaf.managed({ rateLimitPerIp: 10 }) })).not.toThrow();
  expect(() => build({ workerMaxConcurrency: 1000, waf: OrdersApiWaf.managed({ rateLimitPerIp: 2_000_000_000 }) })).not.toThrow();
  expect(() => build({ apiReservedConcurrency: Token.asNumber({ Ref: 'Reserved' }) })).not.toThrow();
  expect(() => build({ waf: OrdersApiWaf.fromWebAclArn(REGIONAL_ACL) }, null)).not.toThrow();
});

test('problems with these props are reported together with the others', () => {
  expect(() => build({ batchSize: 0, workerMaxConcurrency: 1, apiReservedConcurrency: 0, waf: OrdersApiWaf.managed({ rateLimitPerIp: 1 }) }))
    .toThrow(/batchSize must[^]*workerMaxConcurrency must[^]*apiReservedConcurrency must[^]*waf rateLimitPerIp must/);
});
