/**
 * Who is calling, read from what API Gateway verified and wrote into the proxy event's
 * requestContext, never from a header the client controls:
 *
 * - Cognito user pool authorizer: `requestContext.authorizer.claims` (`sub`, and
 *   `cognito:username` in an ID token or `username` in an access token);
 * - AWS_IAM: `requestContext.identity.userArn`;
 * - API key: `requestContext.identity.apiKeyId` (`identity.apiKey` is the secret itself and is
 *   never read).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { AUTHORIZATION_MODES, AuthorizationMode } from '../../src/auth/authorization-mode';
import { SubmittedBy } from '../shared/order-contract';
import { ANONYMOUS_SCOPE, callerScope } from '../shared/order-state';

export { ANONYMOUS_SCOPE };

export type CallerResult =
  /** `submittedBy` is undefined exactly in mode `none`. */
  | { readonly ok: true; readonly submittedBy?: SubmittedBy; readonly scope: string }
  /** The mode needs an identity and the event has none: `missing` names the field. */
  | { readonly ok: false; readonly missing: string };

/** `AUTHORIZATION_MODE` as the construct writes it; unset means `none` (the default and older deployments). */
export function parseAuthorizationMode(value: string | undefined): AuthorizationMode {
  const mode = value?.trim() || 'none';
  if (!(AUTHORIZATION_MODES as readonly string[]).includes(mode)) {
    throw new Error(`AUTHORIZATION_MODE must be one of ${AUTHORIZATION_MODES.join(', ')}, got "${value}"`);
  }
  return mode as AuthorizationMode;
}

type RequestContext = Partial<Pick<APIGatewayProxyEvent['requestContext'], 'authorizer' | 'identity'>> | null | undefined;

export function identifyCaller(mode: AuthorizationMode, requestContext: RequestContext): CallerResult {
  switch (mode) {
    case 'none':
      return { ok: true, scope: ANONYMOUS_SCOPE };
    case 'iam': {
      const userArn = nonEmpty(requestContext?.identity?.userArn);
      return userArn === undefined
        ? { ok: false, missing: 'requestContext.identity.userArn' }
        : identified({ type: 'iam', id: userArn });
    }
    case 'apiKey': {
      const apiKeyId = nonEmpty(requestContext?.identity?.apiKeyId);
      return apiKeyId === undefined
        ? { ok: false, missing: 'requestContext.identity.apiKeyId' }
        : identified({ type: 'apiKey', id: apiKeyId });
    }
    case 'cognito': {
      const claims = requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
      const sub = nonEmpty(claims?.sub);
      if (sub === undefined) return { ok: false, missing: 'requestContext.authorizer.claims.sub' };
      const username = nonEmpty(claims?.['cognito:username']) ?? nonEmpty(claims?.username);
      return identified({ type: 'cognito', id: sub, ...(username !== undefined ? { username } : {}) });
    }
  }
}

/**
 * The type and id, with the id percent-encoded so the scope never contains the `|` that
 * separates it from the rest of the deduplication key (an IAM path may contain one). Two
 * callers get two scopes, and no caller's scope equals the anonymous one. The worker derives
 * the same scope from the event's submittedBy to find the order's record.
 */
function identified(submittedBy: SubmittedBy): CallerResult {
  return { ok: true, submittedBy, scope: callerScope(submittedBy) };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
