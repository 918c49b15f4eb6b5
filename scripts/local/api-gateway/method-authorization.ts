/**
 * API Gateway's checks between routing and the integration, in its order: the method's
 * authorization (AWS_IAM or COGNITO_USER_POOLS), then its API key. A denied request gets the
 * gateway's own response and never reaches the function; an admitted one carries what API
 * Gateway verified into the proxy event (`requestContext.authorizer.claims`,
 * `requestContext.identity`), which is where the API handler reads its caller from.
 */
import type { APIGatewayEventIdentity } from 'aws-lambda';
import { MethodAccess } from './access-model';
import { ApiKeyCheck } from './api-keys';
import { CognitoAuthorizer } from './cognito-authorizer';
import { GatewayError } from './gateway-responses';
import { ReceivedRequest, SigV4Authorizer } from './sigv4-authorizer';

/** What the proxy event's requestContext gets from the checks. */
export interface VerifiedCaller {
  readonly authorizer?: { readonly claims: Record<string, string> };
  readonly identity: Partial<APIGatewayEventIdentity>;
}

export type AccessDecision =
  | { readonly allowed: true; readonly caller: VerifiedCaller }
  | { readonly allowed: false; readonly error: GatewayError; /** For the runner's log line. */ readonly reason: string };

export interface MethodAuthorizerOptions {
  /** By AWS::ApiGateway::Authorizer logical id. */
  readonly cognito: ReadonlyMap<string, CognitoAuthorizer>;
  /** Present when a method uses AWS_IAM. */
  readonly iam?: SigV4Authorizer;
  readonly apiKeys: ApiKeyCheck;
}

const OPEN: AccessDecision = { allowed: true, caller: { identity: {} } };

export class MethodAuthorizer {
  constructor(private readonly options: MethodAuthorizerOptions) {}

  async check(access: MethodAccess, request: ReceivedRequest): Promise<AccessDecision> {
    if (access.authorizationType === 'NONE' && !access.apiKeyRequired) return OPEN;
    let caller: VerifiedCaller = { identity: {} };
    switch (access.authorizationType) {
      case 'AWS_IAM': {
        if (!this.options.iam) throw new Error('an AWS_IAM method, but no SigV4 authorizer was set up');
        const verdict = await this.options.iam.authorize(request);
        if (!verdict.ok) return { allowed: false, error: verdict.error, reason: `IAM: ${verdict.reason}` };
        caller = { identity: verdict.identity };
        break;
      }
      case 'COGNITO_USER_POOLS': {
        const authorizer = this.options.cognito.get(access.authorizerLogicalId!);
        if (!authorizer) throw new Error(`authorizer ${access.authorizerLogicalId} was not set up`);
        const verdict = await authorizer.authorize(request.headers, access.authorizationScopes);
        if (!verdict.ok) return { allowed: false, error: verdict.error, reason: `Cognito: ${verdict.reason}` };
        caller = { authorizer: { claims: verdict.claims }, identity: {} };
        break;
      }
      case 'NONE':
        break;
    }
    if (access.apiKeyRequired) {
      const verdict = this.options.apiKeys.check(request.headers['x-api-key']);
      if (!verdict.ok) return { allowed: false, error: verdict.error, reason: `API key: ${verdict.reason}` };
      caller = { ...caller, identity: { ...caller.identity, ...verdict.identity } };
    }
    return { allowed: true, caller };
  }
}
