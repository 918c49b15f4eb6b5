/**
 * The responses API Gateway generates itself (it never calls the integration for them), by
 * gateway response type, with the template's customisation (AWS::ApiGateway::GatewayResponse:
 * status code and headers, or DEFAULT_4XX/DEFAULT_5XX) applied as API Gateway applies it.
 */
import { ApiGatewayModel } from './model';

export type GatewayResponseType =
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'UNAUTHORIZED'
  | 'INVALID_API_KEY'
  | 'INVALID_SIGNATURE'
  | 'EXPIRED_TOKEN'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'REQUEST_TOO_LARGE'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'BAD_GATEWAY';

/** What a denial says: the default message of its type unless given, and API Gateway's `x-amzn-ErrorType`. */
export interface GatewayError {
  readonly type: GatewayResponseType;
  /** `null` is what API Gateway sends for an authorizer configuration error. */
  readonly message?: string | null;
  readonly errorType?: string;
}

export interface GatewayErrorResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const DEFAULTS: Record<GatewayResponseType, { statusCode: number; message: string | null; errorType?: string }> = {
  // Also the answer for a route or method that does not exist: REST APIs do not say 404.
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 403, message: 'Missing Authentication Token', errorType: 'MissingAuthenticationTokenException' },
  // Cognito: no token, or one that does not verify.
  UNAUTHORIZED: { statusCode: 401, message: 'Unauthorized', errorType: 'UnauthorizedException' },
  INVALID_API_KEY: { statusCode: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  INVALID_SIGNATURE: { statusCode: 403, message: 'Forbidden', errorType: 'InvalidSignatureException' },
  EXPIRED_TOKEN: { statusCode: 403, message: 'Forbidden', errorType: 'InvalidSignatureException' },
  AUTHORIZER_CONFIGURATION_ERROR: { statusCode: 500, message: null, errorType: 'AuthorizerConfigurationException' },
  REQUEST_TOO_LARGE: { statusCode: 413, message: 'Request Too Long' },
  INTEGRATION_FAILURE: { statusCode: 504, message: 'Internal server error' },
  INTEGRATION_TIMEOUT: { statusCode: 504, message: 'Endpoint request timed out' },
  // A Lambda error or a malformed proxy response.
  BAD_GATEWAY: { statusCode: 502, message: 'Internal server error' },
};

/** A response API Gateway generates itself, with the template's customisation applied. */
export function gatewayErrorResponse(model: ApiGatewayModel, error: GatewayResponseType | GatewayError): GatewayErrorResponse {
  const { type, message, errorType } = typeof error === 'string' ? { type: error, message: undefined, errorType: undefined } : error;
  const defaults = DEFAULTS[type];
  // REQUEST_TOO_LARGE cannot be customised on REST APIs (AWS docs): always the default.
  const custom = type === 'REQUEST_TOO_LARGE'
    ? undefined
    : model.gatewayResponses.get(type) ?? model.gatewayResponses.get(defaults.statusCode < 500 ? 'DEFAULT_4XX' : 'DEFAULT_5XX');
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...custom?.headers };
  const amznErrorType = errorType ?? defaults.errorType;
  if (amznErrorType) headers['x-amzn-ErrorType'] = amznErrorType;
  return {
    statusCode: model.gatewayResponses.get(type)?.statusCode ?? defaults.statusCode,
    headers,
    body: JSON.stringify({ message: message === undefined ? defaults.message : message }),
  };
}
