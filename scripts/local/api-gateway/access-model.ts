/**
 * Who may call the REST API, read from the synthesized template: each method's authorization
 * type, authorizer, OAuth scopes and API key requirement; the Cognito authorizers; the API
 * keys that a usage plan of this API admits. Pure: the runner supplies what only exists once
 * the stack runs locally (user pool ids, key values, credentials).
 */
import { logicalIdOf } from '../template/references';
import { CfnTemplate } from '../template/synthesized-stack';

export type AuthorizationType = 'NONE' | 'AWS_IAM' | 'COGNITO_USER_POOLS';

/** What API Gateway checks before it calls a method's integration. */
export interface MethodAccess {
  readonly authorizationType: AuthorizationType;
  /** The AWS::ApiGateway::Authorizer of a COGNITO_USER_POOLS method. */
  readonly authorizerLogicalId?: string;
  /**
   * OAuth scopes of a Cognito method. With none, API Gateway takes the token as an ID token;
   * with some, as an access token that must carry at least one of them.
   */
  readonly authorizationScopes: readonly string[];
  readonly apiKeyRequired: boolean;
}

export interface CognitoAuthorizerModel {
  readonly logicalId: string;
  readonly name: string;
  /** The request header with the token (`IdentitySource: method.request.header.<name>`), lower case. */
  readonly tokenHeader: string;
  /** A regular expression the token's `aud` must match (`IdentityValidationExpression`). */
  readonly audiencePattern?: string;
  /** `ProviderARNs` as in the template (Fn::GetAtt of a pool, or an imported pool's ARN), resolved once the pools exist. */
  readonly providerArns: readonly unknown[];
}

export interface ApiKeyModel {
  readonly logicalId: string;
  /** `Enabled` (CloudFormation's default is false; CDK writes true). */
  readonly enabled: boolean;
  /** A literal `Value` in the template; usually absent, and API Gateway generates the value. */
  readonly value?: string;
}

export interface ApiAccessModel {
  /** Cognito authorizers of the API by logical id. */
  readonly authorizers: ReadonlyMap<string, CognitoAuthorizerModel>;
  /** Where API Gateway reads the key: the `x-api-key` header, or a Lambda authorizer's usageIdentifierKey. */
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  /** Keys in a usage plan on this API: the only ones API Gateway accepts on an ApiKeyRequired method. */
  readonly apiKeys: readonly ApiKeyModel[];
}

const OPEN: MethodAccess = { authorizationType: 'NONE', authorizationScopes: [], apiKeyRequired: false };

/** The access rules of one AWS::ApiGateway::Method; `where` names it in errors. */
export function readMethodAccess(props: Record<string, any>, where: string): MethodAccess {
  const type = String(props.AuthorizationType ?? 'NONE').toUpperCase();
  const apiKeyRequired = props.ApiKeyRequired === true || props.ApiKeyRequired === 'true';
  const authorizationScopes = Array.isArray(props.AuthorizationScopes) ? props.AuthorizationScopes.map(String) : [];
  switch (type) {
    case 'NONE':
      return { ...OPEN, apiKeyRequired };
    case 'AWS_IAM':
      return { authorizationType: 'AWS_IAM', authorizationScopes: [], apiKeyRequired };
    case 'COGNITO_USER_POOLS': {
      const authorizerLogicalId = logicalIdOf(props.AuthorizerId);
      if (authorizerLogicalId === undefined) {
        throw new Error(`${where}: a COGNITO_USER_POOLS method needs an AuthorizerId that refers to an authorizer of the stack`);
      }
      return { authorizationType: 'COGNITO_USER_POOLS', authorizerLogicalId, authorizationScopes, apiKeyRequired };
    }
    default:
      throw new Error(`${where}: authorization type ${type} (a Lambda authorizer) is not emulated by the local runner; ` +
        'it runs NONE, AWS_IAM, COGNITO_USER_POOLS and API keys.');
  }
}

export function readApiAccessModel(template: CfnTemplate, restApiLogicalId: string, stageLogicalId: string | undefined): ApiAccessModel {
  const resources = Object.entries(template.Resources);
  const ofApi = (props: Record<string, any> | undefined) => logicalIdOf(props?.RestApiId) === restApiLogicalId;

  const authorizers = new Map<string, CognitoAuthorizerModel>();
  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'AWS::ApiGateway::Authorizer' || !ofApi(resource.Properties)) continue;
    const props = resource.Properties!;
    if (props.Type !== 'COGNITO_USER_POOLS') continue; // a method that uses one fails in readMethodAccess
    const header = /^method\.request\.header\.(.+)$/.exec(String(props.IdentitySource ?? 'method.request.header.Authorization'));
    if (!header) {
      throw new Error(`${logicalId}: IdentitySource ${JSON.stringify(props.IdentitySource)} is not a request header, ` +
        'which a Cognito authorizer needs');
    }
    authorizers.set(logicalId, {
      logicalId,
      name: String(props.Name ?? logicalId),
      tokenHeader: header[1].toLowerCase(),
      audiencePattern: typeof props.IdentityValidationExpression === 'string' ? props.IdentityValidationExpression : undefined,
      providerArns: Array.isArray(props.ProviderARNs) ? props.ProviderARNs : [],
    });
  }

  const restApi = template.Resources[restApiLogicalId]?.Properties ?? {};
  return {
    authorizers,
    apiKeySource: restApi.ApiKeySourceType === 'AUTHORIZER' ? 'AUTHORIZER' : 'HEADER',
    apiKeys: apiKeysOf(template, restApiLogicalId, stageLogicalId),
  };
}

/** Keys joined by an AWS::ApiGateway::UsagePlanKey to a usage plan whose ApiStages name this API (and stage). */
function apiKeysOf(template: CfnTemplate, restApiLogicalId: string, stageLogicalId: string | undefined): ApiKeyModel[] {
  const resources = Object.entries(template.Resources);
  const plansOfApi = new Set(resources.filter(([, resource]) => resource.Type === 'AWS::ApiGateway::UsagePlan'
    && (resource.Properties?.ApiStages ?? []).some((apiStage: Record<string, unknown>) => logicalIdOf(apiStage.ApiId) === restApiLogicalId
      && (stageLogicalId === undefined || logicalIdOf(apiStage.Stage) === undefined || logicalIdOf(apiStage.Stage) === stageLogicalId)))
    .map(([logicalId]) => logicalId));
  const keyIds = new Set(resources
    .filter(([, resource]) => resource.Type === 'AWS::ApiGateway::UsagePlanKey' && plansOfApi.has(logicalIdOf(resource.Properties?.UsagePlanId) ?? ''))
    .map(([, resource]) => logicalIdOf(resource.Properties?.KeyId))
    .filter((id): id is string => id !== undefined && template.Resources[id]?.Type === 'AWS::ApiGateway::ApiKey'));
  return [...keyIds].sort().map((logicalId) => {
    const props = template.Resources[logicalId].Properties ?? {};
    return {
      logicalId,
      enabled: props.Enabled === true || props.Enabled === 'true',
      value: typeof props.Value === 'string' ? props.Value : undefined,
    };
  });
}
