import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { OrdersApiAccess } from '../auth/orders-api-access';

/**
 * The operations routes are never open (docs/http-api.md): with Cognito they use the API's
 * Cognito authorizer (and scopes) and the handler admits only the operators group; in every
 * other mode they are AWS_IAM, whatever the API's default. In `apiKey()` mode they need no API
 * key: a key names a client application and its usage plan, not a person, and the SigV4
 * signature already identifies the operator, who should not need the application's key.
 */
export function operationsMethodOptions(access: OrdersApiAccess): apigateway.MethodOptions {
  if (access.mode === 'cognito') return access.routeOptions;
  return { authorizationType: apigateway.AuthorizationType.IAM, apiKeyRequired: false };
}

/** `iam` or `cognito`: how the handler checks the caller (lambda/operations/config.ts). */
export function operationsAuthorization(access: OrdersApiAccess): 'iam' | 'cognito' {
  return access.mode === 'cognito' ? 'cognito' : 'iam';
}
