/**
 * API Gateway's Cognito user pool authorizer (REST), locally: the token in the authorizer's
 * header is verified with aws-jwt-verify, AWS's own verifier, against the JWKS that moto's
 * cognito-idp serves for the pool, with the rules API Gateway applies:
 *
 * - a method without OAuth scopes takes an ID token; with scopes, an access token carrying at
 *   least one of them (an ID token, or an access token without a matching scope, is refused);
 * - the signature, the issuer (the authorizer's user pools) and the expiry are checked, the
 *   app client is not (any client of the pool will do), unless the authorizer has an
 *   IdentityValidationExpression, which the token's `aud` must match;
 * - no token, or one that fails, is 401 `{"message":"Unauthorized"}`; an expired one is 401
 *   `{"message":"The incoming token has expired"}`; the integration is not called;
 * - the claims reach the integration as `requestContext.authorizer.claims`, every value a
 *   string, as REST APIs pass them: `exp`/`iat` as dates, lists joined by commas.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwtExpiredError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { CognitoAuthorizerModel } from './access-model';
import { GatewayError } from './gateway-responses';

export type AuthorizerVerdict =
  | { readonly ok: true; readonly claims: Record<string, string> }
  | { readonly ok: false; readonly error: GatewayError; /** For the runner's log: why, never the token. */ readonly reason: string };

export interface CognitoAuthorizerOptions {
  readonly authorizer: CognitoAuthorizerModel;
  /** The emulator's ids of the authorizer's user pools (`us-east-1_...`). */
  readonly userPoolIds: readonly string[];
  /** moto serves each pool's JWKS at `<endpoint>/<poolId>/.well-known/jwks.json`. */
  readonly emulatorEndpoint: string;
}

const UNAUTHORIZED: GatewayError = { type: 'UNAUTHORIZED' };
const EXPIRED: GatewayError = { type: 'UNAUTHORIZED', message: 'The incoming token has expired' };
const JWKS_FETCH_TIMEOUT_MS = 10_000;

type Verifier = { verify(token: string): Promise<JwtPayload> };

export class CognitoAuthorizer {
  private readonly jwksCache: SimpleJwksCache;
  /** One verifier per scope list (the methods of one authorizer may differ in scopes). */
  private readonly verifiers = new Map<string, Verifier>();

  constructor(private readonly options: CognitoAuthorizerOptions) {
    if (options.userPoolIds.length === 0) {
      throw new Error(`Cognito authorizer ${options.authorizer.name}: no user pool (ProviderARNs is empty)`);
    }
    this.jwksCache = new SimpleJwksCache({ fetcher: { fetch: (uri) => fetchFromEmulator(uri, options.emulatorEndpoint) } });
  }

  /**
   * Fetches each pool's keys from the emulator once, before the first request: moto's keys
   * never change, and a request should not wait for (or, with the emulator busy, fail on) a
   * fetch. A token whose key id is not among them still makes the cache fetch again.
   */
  async loadKeys(): Promise<void> {
    await Promise.all(this.options.userPoolIds.map((userPoolId) =>
      this.jwksCache.getJwks(CognitoJwtVerifier.parseUserPoolId(userPoolId).jwksUri)));
  }

  /** `headers`: the request's headers with lower-case names. */
  async authorize(headers: Readonly<Record<string, string | undefined>>, scopes: readonly string[]): Promise<AuthorizerVerdict> {
    const token = tokenOf(headers[this.options.authorizer.tokenHeader]);
    if (token === undefined) {
      return { ok: false, error: UNAUTHORIZED, reason: `no token in the ${this.options.authorizer.tokenHeader} header` };
    }
    let payload: JwtPayload;
    try {
      payload = await this.verifier(scopes).verify(token);
    } catch (error) {
      const reason = `${(error as Error).constructor.name}: ${(error as Error).message}`;
      if (error instanceof JwtExpiredError) return { ok: false, error: EXPIRED, reason };
      // The emulator did not serve the keys: the authorizer cannot work, not the caller's fault.
      if (error instanceof FetchError) return { ok: false, error: { type: 'AUTHORIZER_CONFIGURATION_ERROR' }, reason };
      return { ok: false, error: UNAUTHORIZED, reason };
    }
    const pattern = this.options.authorizer.audiencePattern;
    const audience = String(payload.aud ?? payload.client_id ?? '');
    if (pattern !== undefined && !new RegExp(`^(?:${pattern})$`).test(audience)) {
      return { ok: false, error: UNAUTHORIZED, reason: `aud ${audience} does not match IdentityValidationExpression ${pattern}` };
    }
    return { ok: true, claims: restApiClaims(payload) };
  }

  private verifier(scopes: readonly string[]): Verifier {
    const key = scopes.join(' ');
    let verifier = this.verifiers.get(key);
    if (!verifier) {
      const tokenUse = scopes.length > 0 ? 'access' as const : 'id' as const;
      const pools = this.options.userPoolIds.map((userPoolId) => ({
        userPoolId,
        tokenUse,
        // API Gateway accepts a token of any app client of the pool.
        clientId: null,
        scope: scopes.length > 0 ? [...scopes] : undefined,
      }));
      verifier = CognitoJwtVerifier.create(pools, { jwksCache: this.jwksCache }) as unknown as Verifier;
      this.verifiers.set(key, verifier);
    }
    return verifier;
  }
}

/** The raw token; a `Bearer ` prefix is accepted, as API Gateway's Cognito authorizer accepts it. */
function tokenOf(header: string | undefined): string | undefined {
  const value = header?.trim().replace(/^Bearer\s+/, '');
  return value ? value : undefined;
}

/**
 * The JWKS URI aws-jwt-verify derives from a pool id names the real Cognito host; the same
 * path on the emulator serves that pool's keys. Nothing else is fetched: a local run never
 * reaches the Internet.
 */
async function fetchFromEmulator(uri: string, emulatorEndpoint: string): Promise<ArrayBuffer> {
  const match = /^https:\/\/(?:issuer-)?cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([^/]+)\/\.well-known\/jwks\.json$/.exec(uri);
  if (!match) throw new FetchError(uri, 'only Cognito JWKS URIs are served locally (by the emulator)');
  const local = `${emulatorEndpoint}/${match[1]}/.well-known/jwks.json`;
  let response: Response;
  try {
    response = await fetch(local, { signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new FetchError(local, (error as Error).message);
  }
  if (!response.ok) throw new FetchError(local, `HTTP ${response.status}`);
  return response.arrayBuffer();
}

/**
 * The claims as a REST API's Cognito authorizer passes them: strings only; `exp` and `iat`
 * in Java's Date format (`Tue Apr 04 18:39:39 UTC 2023`), `auth_time` as the number's
 * digits; lists (`cognito:groups`) joined by commas.
 */
export function restApiClaims(payload: JwtPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') claims[name] = javaDate(value);
    else if (Array.isArray(value)) claims[name] = value.map(String).join(',');
    else if (typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}

function javaDate(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}
