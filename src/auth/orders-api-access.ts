import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { AuthorizationMode } from './authorization-mode';
import { OrdersApiAuthorization } from './orders-api-authorization';

export interface OrdersApiAccessProps {
  readonly authorization: OrdersApiAuthorization;
}

/**
 * The API Gateway side of an `OrdersApiAuthorization`: the method options every route gets,
 * the Cognito authorizer, and the API key with its usage plan.
 *
 * The options are the RestApi's `defaultMethodOptions`, so a route added later (by this
 * construct or by a user on `workflow.api`) is closed by default. CDK's CORS preflight
 * methods set `authorizationType: NONE` and `apiKeyRequired: false` themselves, so preflights
 * stay open. Scopes are NOT in the defaults: CDK would apply them to the preflights too and
 * warn; they go on the routes that need them (`routeOptions`).
 */
export class OrdersApiAccess extends Construct {
  public readonly mode: AuthorizationMode;
  /** For the RestApi's `defaultMethodOptions`. */
  public readonly defaultMethodOptions: apigateway.MethodOptions;
  /** For each route the construct adds: the defaults plus the Cognito scopes. */
  public readonly routeOptions: apigateway.MethodOptions;
  /** With `apiKey()`: the key callers send in `x-api-key` (`attachTo` creates it). */
  public apiKey?: apigateway.IApiKey;
  /** With `apiKey()`: the usage plan on the stage that the key belongs to. */
  public usagePlan?: apigateway.UsagePlan;

  private readonly authorization: OrdersApiAuthorization;

  constructor(scope: Construct, id: string, props: OrdersApiAccessProps) {
    super(scope, id);
    this.authorization = props.authorization;
    this.mode = props.authorization._mode;
    const defaults = this.methodOptionsFor(props.authorization);
    this.defaultMethodOptions = defaults;
    const scopes = props.authorization._cognito?.scopes;
    this.routeOptions = scopes ? { ...defaults, authorizationScopes: scopes } : defaults;
  }

  /** Creates what needs the deployed stage: the API key and its usage plan. */
  public attachTo(api: apigateway.RestApi): void {
    const options = this.authorization._apiKey;
    if (this.mode !== 'apiKey' || options === undefined) return;
    const key = new apigateway.ApiKey(this, 'ApiKey', {
      description: `Calls POST /orders of ${api.restApiName} (cdk-orders-workflow)`,
      enabled: true,
    });
    const plan = new apigateway.UsagePlan(this, 'UsagePlan', {
      description: `Throttle and quota of the API keys of ${api.restApiName} (cdk-orders-workflow)`,
      apiStages: [{ api, stage: api.deploymentStage }],
      throttle: options.throttle,
      quota: options.quota,
    });
    plan.addApiKey(key);
    this.apiKey = key;
    this.usagePlan = plan;
  }

  private methodOptionsFor(authorization: OrdersApiAuthorization): apigateway.MethodOptions {
    switch (authorization._mode) {
      case 'iam':
        return { authorizationType: apigateway.AuthorizationType.IAM };
      case 'apiKey':
        return { apiKeyRequired: true };
      case 'cognito':
        return {
          authorizationType: apigateway.AuthorizationType.COGNITO,
          authorizer: new apigateway.CognitoUserPoolsAuthorizer(this, 'CognitoAuthorizer', {
            cognitoUserPools: [authorization._cognito!.userPool],
          }),
        };
      case 'none':
        return {};
    }
  }
}
