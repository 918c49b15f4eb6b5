import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { ResolvedProps } from '../resolved-props';
import { ORDER_REQUEST_JSON_SCHEMA } from './order-request-schema.generated';

export interface GatewayValidationProps {
  readonly api: apigateway.RestApi;
  readonly settings: ResolvedProps;
}

/**
 * The answer to a body the model refuses, in the contract's error shape. API Gateway reports
 * only the first violation and no dependable field path, hence one error at `(root)`. A gateway
 * response template is plain substitution (no VTL); `validationErrorString` is API Gateway's
 * own text for the violation.
 */
export const BAD_REQUEST_BODY_TEMPLATE = JSON.stringify({
  message: 'Invalid order',
  errors: [{ path: '(root)', message: '$context.error.validationErrorString' }],
  requestId: '$context.requestId',
});

/**
 * `validateAtGateway`: an API Gateway model of the order request, generated at build time from
 * the handler's own schema (src/api/order-request-schema.generated.ts), and a request validator,
 * so API Gateway refuses a malformed body before it reaches (and is billed by) the function.
 */
export class GatewayValidation extends Construct {
  /** For `POST /orders`: the model for `application/json` bodies and the validator. */
  public readonly methodOptions: apigateway.MethodOptions;

  constructor(scope: Construct, id: string, props: GatewayValidationProps) {
    super(scope, id);
    const { api, settings } = props;
    const model = new apigateway.Model(this, 'OrderRequestModel', {
      restApi: api,
      // Only JSON bodies: API Gateway skips validation for a content type without a model, so a
      // request with another type reaches the handler and gets the contract's 415.
      contentType: 'application/json',
      modelName: 'OrderRequest',
      description: 'POST /orders body; generated from the API function\'s schema (lambda/shared/order-validation.ts)',
      schema: ORDER_REQUEST_JSON_SCHEMA as apigateway.JsonSchema,
    });
    const validator = new apigateway.RequestValidator(this, 'RequestValidator', {
      restApi: api,
      validateRequestBody: true,
      // No route declares a required parameter, so this checks nothing today; it is on so that a
      // route that declares one later is checked without another change.
      validateRequestParameters: true,
    });
    api.addGatewayResponse('BadRequestBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      // As for the API's other gateway answers: with one allowed origin the browser can read it.
      responseHeaders: settings.corsAllowOrigins.length === 1
        ? { 'Access-Control-Allow-Origin': `'${settings.corsAllowOrigins[0]}'` }
        : undefined,
      templates: { 'application/json': BAD_REQUEST_BODY_TEMPLATE },
    });
    this.methodOptions = { requestModels: { 'application/json': model }, requestValidator: validator };
  }
}
