import { Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AuthorizationMode } from './authorization-mode';

/** Options of `OrdersApiAuthorization.apiKey()`: the usage plan every key of the API belongs to. */
export interface OrdersApiKeyOptions {
  /**
   * Steady rate (requests per second) and burst allowed per API key, the usage plan's
   * throttle. A key over it gets `429 Too Many Requests`. The stage-wide `apiThrottle` still
   * applies to all callers together.
   *
   * @default - no per-key throttle: only the stage-wide `apiThrottle` limits a key
   */
  readonly throttle?: apigateway.ThrottleSettings;

  /**
   * Requests allowed per key per day, week or month (`limit` and `period` both required,
   * optional `offset` for the first period), the usage plan's quota. A key over it gets
   * `429 Too Many Requests` until the period ends.
   *
   * @default - no quota
   */
  readonly quota?: apigateway.QuotaSettings;
}

/** Options of `OrdersApiAuthorization.cognito()`. */
export interface OrdersApiCognitoOptions {
  /**
   * The user pool whose tokens the API accepts (`Authorization: <token>` header, no
   * `Bearer` prefix). Created in your stack or imported with `UserPool.fromUserPoolId`.
   */
  readonly userPool: cognito.IUserPool;

  /**
   * OAuth scopes for `POST /orders`, for example `['orders/write']`. With scopes, API Gateway
   * accepts only an ACCESS token that carries at least one of them; without, it accepts the
   * pool's ID tokens (API Gateway's Cognito authorizer rule).
   *
   * @default - no scopes: an ID token of the pool is required
   */
  readonly scopes?: string[];

  /**
   * Name of the Cognito group whose members are the API's operators. The operations routes
   * (`GET /ops/queues`, `POST /ops/redrive`, `GET /ops/redrive`) use the same authorizer (and
   * scopes) and then admit members of this group only (the token's `cognito:groups` claim),
   * answering 403 to every other user. The order routes admit every signed-in user of the
   * pool, in the group or not. Without a group nobody may operate, and synth warns.
   *
   * @default - no operators group: in Cognito mode no token holder is an operator (the ops routes answer 403)
   */
  readonly operatorsGroup?: string;
}

const SCOPE = /^\S{1,256}$/;
/** Cognito's rule for group names. */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/**
 * Who may call the orders API, and how the API knows who called. Pass one to
 * `OrdersWorkflowProps.authorization`.
 *
 * In every mode other than `none()` the API function reads the caller from what API Gateway
 * verified (IAM principal ARN, API key id, Cognito `sub` and username), puts it on the event
 * as `detail.submittedBy`, logs it, and scopes idempotency keys per caller. CORS preflights
 * (`OPTIONS`) never require credentials.
 */
export class OrdersApiAuthorization {
  /**
   * No authorization: anyone who knows the URL can create orders (the reference system's
   * curl examples). Synth warns, and warns again while `failureInjection` is on.
   */
  public static none(): OrdersApiAuthorization {
    return new OrdersApiAuthorization('none');
  }

  /**
   * AWS IAM (SigV4-signed requests): a caller needs `execute-api:Invoke` on `POST /orders`,
   * which `OrdersWorkflow.grantInvoke()` grants.
   */
  public static iam(): OrdersApiAuthorization {
    return new OrdersApiAuthorization('iam');
  }

  /**
   * An API key in the `x-api-key` header. The construct creates one key (its value generated
   * by API Gateway, never in the template) and a usage plan on the stage with `options`.
   *
   * @param options the usage plan's throttle and quota
   */
  public static apiKey(options: OrdersApiKeyOptions = {}): OrdersApiAuthorization {
    return new OrdersApiAuthorization('apiKey', { apiKey: validApiKeyOptions(options ?? {}) });
  }

  /**
   * A Cognito user pool authorizer: the caller sends a token of `options.userPool` in the
   * `Authorization` header.
   *
   * @param options the user pool, and optionally scopes and the operators group
   */
  public static cognito(options: OrdersApiCognitoOptions): OrdersApiAuthorization {
    return new OrdersApiAuthorization('cognito', { cognito: validCognitoOptions(options) });
  }

  /** @internal */
  public readonly _mode: AuthorizationMode;
  /** @internal */
  public readonly _apiKey?: OrdersApiKeyOptions;
  /** @internal */
  public readonly _cognito?: OrdersApiCognitoOptions;

  private constructor(mode: AuthorizationMode, options: { apiKey?: OrdersApiKeyOptions; cognito?: OrdersApiCognitoOptions } = {}) {
    this._mode = mode;
    this._apiKey = options.apiKey;
    this._cognito = options.cognito;
  }
}

function validApiKeyOptions(options: OrdersApiKeyOptions): OrdersApiKeyOptions {
  const problems: string[] = [];
  const { throttle, quota } = options;
  if (throttle?.rateLimit !== undefined && !Token.isUnresolved(throttle.rateLimit) && !(throttle.rateLimit > 0)) {
    problems.push(`throttle.rateLimit must be positive (got ${throttle.rateLimit}).`);
  }
  if (throttle?.burstLimit !== undefined && !Token.isUnresolved(throttle.burstLimit)
    && !(Number.isInteger(throttle.burstLimit) && throttle.burstLimit >= 1)) {
    problems.push(`throttle.burstLimit must be a whole number of at least 1 (got ${throttle.burstLimit}).`);
  }
  if (quota !== undefined) {
    if (quota.limit === undefined || quota.period === undefined) {
      problems.push('quota needs both limit and period (for example { limit: 10000, period: Period.DAY }).');
    }
    if (quota.limit !== undefined && !Token.isUnresolved(quota.limit) && !(Number.isInteger(quota.limit) && quota.limit >= 1)) {
      problems.push(`quota.limit must be a whole number of at least 1 (got ${quota.limit}).`);
    }
    if (quota.offset !== undefined && !Token.isUnresolved(quota.offset)) {
      const belowLimit = quota.limit === undefined || Token.isUnresolved(quota.limit) || quota.offset < quota.limit;
      if (!(Number.isInteger(quota.offset) && quota.offset >= 0 && belowLimit)) {
        problems.push(`quota.offset must be a whole number from 0 to below quota.limit (got ${quota.offset}).`);
      }
    }
  }
  throwProblems('apiKey', problems);
  return { throttle, quota };
}

function validCognitoOptions(options: OrdersApiCognitoOptions | undefined): OrdersApiCognitoOptions {
  // Reachable from Python and other jsii languages, where nothing stops a None.
  if (options?.userPool === undefined || options.userPool === null) {
    throw new Error('OrdersApiAuthorization.cognito: userPool is required (the user pool whose tokens the API accepts).');
  }
  const problems: string[] = [];
  const { scopes, operatorsGroup } = options;
  if (scopes !== undefined) {
    if (scopes.length === 0) {
      problems.push('scopes must list at least one scope; omit it to accept the pool\'s ID tokens instead.');
    }
    for (const scope of scopes) {
      if (!Token.isUnresolved(scope) && !SCOPE.test(scope)) {
        problems.push(`scopes entries must be 1 to 256 characters without spaces, like 'orders/write' (got '${scope}').`);
      }
    }
  }
  if (operatorsGroup !== undefined && !Token.isUnresolved(operatorsGroup) && !GROUP_NAME.test(operatorsGroup)) {
    problems.push(`operatorsGroup must be a Cognito group name: 1 to 128 characters without spaces (got '${operatorsGroup}').`);
  }
  throwProblems('cognito', problems);
  return { userPool: options.userPool, scopes: scopes ? [...scopes] : undefined, operatorsGroup };
}

function throwProblems(factory: string, problems: string[]): void {
  if (problems.length > 0) {
    throw new Error(`Invalid OrdersApiAuthorization.${factory}() options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
