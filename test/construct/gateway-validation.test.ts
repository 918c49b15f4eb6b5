import { onlyResource, synthWorkflow } from './synth';
import { ORDER_REQUEST_JSON_SCHEMA } from '../../src/api/order-request-schema.generated';

const postMethod = (template: ReturnType<typeof synthWorkflow>['template']) =>
  Object.values(template.findResources('AWS::ApiGateway::Method')).find((m) => m.Properties.HttpMethod === 'POST')!;

const nagAcknowledgements = (workflow: ReturnType<typeof synthWorkflow>['workflow']) =>
  ((workflow.api.node.defaultChild as never as { getMetadata(k: string): any }).getMetadata('cdk_nag')?.rules_to_suppress ?? [])
    .map((s: { id: string }) => s.id);

test('off by default: no model, no validator; the handler validates and the APIG2 finding is acknowledged', () => {
  const { template, workflow } = synthWorkflow();
  template.resourceCountIs('AWS::ApiGateway::Model', 0);
  template.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
  expect(postMethod(template).Properties.RequestValidatorId).toBeUndefined();
  expect(Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'))
    .map((r) => r.Properties.ResponseType)).not.toContain('BAD_REQUEST_BODY');
  expect(nagAcknowledgements(workflow)).toContain('AwsSolutions-APIG2');
});

describe('validateAtGateway: true', () => {
  const { template, stack, workflow } = synthWorkflow({ validateAtGateway: true });
  const model = onlyResource(template, 'AWS::ApiGateway::Model');
  const validator = onlyResource(template, 'AWS::ApiGateway::RequestValidator');

  test('the model is exactly the schema generated from the handler\'s, for JSON bodies', () => {
    expect(model.props.ContentType).toBe('application/json');
    expect(model.props.Name).toBe('OrderRequest');
    expect(model.props.Schema).toEqual(ORDER_REQUEST_JSON_SCHEMA);
    expect(model.props.RestApiId).toEqual({ Ref: stack.getLogicalId(workflow.api.node.defaultChild as never) });
  });

  test('POST /orders validates its body with the model', () => {
    expect(validator.props).toMatchObject({ ValidateRequestBody: true, ValidateRequestParameters: true });
    const method = postMethod(template).Properties;
    expect(method.RequestModels).toEqual({ 'application/json': { Ref: model.logicalId } });
    expect(method.RequestValidatorId).toEqual({ Ref: validator.logicalId });
  });

  test('a refused body gets 400 in the contract\'s error shape', () => {
    const response = onlyResource(template, 'AWS::ApiGateway::GatewayResponse').props;
    expect(response).toMatchObject({ ResponseType: 'BAD_REQUEST_BODY', StatusCode: '400' });
    // API Gateway substitutes the variables; what it sends is JSON of the contract's shape.
    const sent = response.ResponseTemplates['application/json']
      .replace('$context.error.validationErrorString', '[instance value (0) less than minimum (1)]')
      .replace('$context.requestId', 'c0ffee00-0000-4000-8000-000000000000');
    expect(JSON.parse(sent)).toEqual({
      message: 'Invalid order',
      errors: [{ path: '(root)', message: '[instance value (0) less than minimum (1)]' }],
      requestId: 'c0ffee00-0000-4000-8000-000000000000',
    });
    expect(response.ResponseParameters).toBeUndefined();
  });

  test('the APIG2 finding is closed, not acknowledged', () => {
    expect(nagAcknowledgements(workflow)).not.toContain('AwsSolutions-APIG2');
  });
});

test('with one CORS origin the 400 carries Access-Control-Allow-Origin, like the API\'s other gateway answers', () => {
  const { template } = synthWorkflow({ validateAtGateway: true, corsAllowOrigins: ['https://shop.example.com'] });
  const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);
  expect(responses.find((r) => r.ResponseType === 'BAD_REQUEST_BODY').ResponseParameters)
    .toEqual({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://shop.example.com'" });
});
