/**
 * The signed-in user, as the page keeps it: the tokens Cognito issued and what the header
 * shows. Kept in sessionStorage, so a reload keeps the user signed in and closing the tab
 * signs them out; the site's CSP (scripts from this origin only) is what keeps other scripts
 * from reading it. No refresh token is kept: when the tokens expire, the user signs in again.
 */
export interface AuthSession {
  /** Sent as `Authorization` (the orders API's Cognito authorizer takes ID tokens without scopes). */
  readonly idToken: string;
  /** For Cognito's own calls (sign-out). */
  readonly accessToken: string;
  /** When the ID token stops being accepted, epoch milliseconds (its `exp`). */
  readonly expiresAt: number;
  /** Cognito's `sub`: who placed the orders this tab remembers. */
  readonly subject: string;
  readonly username: string;
  /** `cognito:groups` (the operators group, for instance). */
  readonly groups: readonly string[];
  /** The app client the tokens were issued to. */
  readonly clientId: string;
}

const STORAGE_KEY = 'orders-workflow.session';
/** A token this close to its expiry is treated as expired: the request could arrive after it. */
export const EXPIRY_MARGIN_MS = 30_000;

/**
 * Reads a JWT's claims without verifying it: the page only shows them, and API Gateway
 * verifies the token on every request.
 */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') throw new Error('Not a JWT');
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new Error('JWT claims are not an object');
  return claims as Record<string, unknown>;
}

export function sessionFromTokens(idToken: string, accessToken: string, clientId: string): AuthSession {
  const claims = jwtClaims(idToken);
  const exp = claims.exp;
  const subject = claims.sub;
  if (typeof exp !== 'number' || typeof subject !== 'string') {
    throw new Error('The ID token has no exp or sub claim');
  }
  const username = [claims['cognito:username'], claims.email, subject].find((value) => typeof value === 'string') as string;
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].filter((group) => typeof group === 'string') : [];
  return { idToken, accessToken, expiresAt: exp * 1000, subject, username, groups, clientId };
}

export function isExpired(session: AuthSession, now = Date.now()): boolean {
  return session.expiresAt - EXPIRY_MARGIN_MS <= now;
}

/** The stored session for this app client, if it is still usable. */
export function loadSession(clientId: string, now = Date.now()): AuthSession | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<AuthSession> | null;
    if (stored === null || stored.clientId !== clientId || typeof stored.idToken !== 'string' || typeof stored.accessToken !== 'string') {
      return undefined;
    }
    const session = sessionFromTokens(stored.idToken, stored.accessToken, clientId);
    return isExpired(session, now) ? undefined : session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: AuthSession): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ idToken: session.idToken, accessToken: session.accessToken, clientId: session.clientId }));
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
}

export function clearSession(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}
