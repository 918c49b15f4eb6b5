/**
 * Who may operate: what API Gateway verified, read from the proxy event's requestContext.
 *
 * - IAM (every authorization mode but Cognito): API Gateway has checked the SigV4 signature and
 *   `execute-api:Invoke`; the handler still insists on the verified `identity.userArn`, so a
 *   method left open by mistake does not become an open redrive button.
 * - Cognito: the token's `cognito:groups` must contain the operators group. A REST API passes
 *   every claim as a string: a list arrives joined by commas (some clients see `[a b]`), so
 *   both forms are split; a real array is accepted too.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { OperationsConfig } from './config';

export type OperatorCheck =
  | { readonly ok: true; readonly operator: string }
  | { readonly ok: false; readonly reason: string };

export function checkOperator(config: OperationsConfig, requestContext: APIGatewayProxyEvent['requestContext'] | null | undefined): OperatorCheck {
  if (config.authorization === 'iam') {
    const userArn = requestContext?.identity?.userArn;
    return typeof userArn === 'string' && userArn.trim() !== ''
      ? { ok: true, operator: userArn }
      : { ok: false, reason: 'the request carries no verified IAM caller (requestContext.identity.userArn)' };
  }
  const claims = requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  const sub = typeof claims?.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
  if (sub === undefined) return { ok: false, reason: 'the request carries no verified Cognito user (claims.sub)' };
  if (config.operatorsGroup === undefined) {
    return { ok: false, reason: 'no operators group is configured (OrdersApiAuthorization.cognito({ operatorsGroup }))' };
  }
  return groupsOf(claims?.['cognito:groups']).includes(config.operatorsGroup)
    ? { ok: true, operator: sub }
    : { ok: false, reason: `the user is not a member of ${config.operatorsGroup}` };
}

export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim.replace(/^\[|\]$/g, '').split(/[,\s]+/).filter((group) => group !== '');
}
