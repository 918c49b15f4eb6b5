import type { CognitoSettings } from '../config';
import { type AuthSession, sessionFromTokens } from './session';

/**
 * Sign-in against the Cognito user pool with USER_PASSWORD_AUTH: the password goes over TLS to
 * Cognito (never to the orders API), which lets threat protection check it against leaked
 * passwords; SRP would hide it from that check. The AWS SDK is imported on demand, in a chunk
 * of its own, so the first paint does not wait for it.
 */
export type SignInStep =
  | { readonly kind: 'signed-in'; readonly session: AuthSession }
  /** An administrator created the user with a temporary password. */
  | { readonly kind: 'new-password-required'; readonly username: string; readonly challengeSession: string }
  /** The user has an authenticator app, and this sign-in needs its code. */
  | { readonly kind: 'mfa-required'; readonly username: string; readonly challengeSession: string }
  | { readonly kind: 'failed'; readonly message: string };

type Sdk = typeof import('./cognito-sdk');
const clients = new Map<string, Promise<{ client: InstanceType<Sdk['CognitoIdentityProviderClient']>; sdk: Sdk }>>();

function cognito(settings: CognitoSettings) {
  let entry = clients.get(settings.endpoint);
  if (entry === undefined) {
    entry = import('./cognito-sdk').then((sdk) => ({
      sdk,
      // No credentials: these operations are unauthenticated (the client id and the password or token are the proof).
      client: new sdk.CognitoIdentityProviderClient({ region: settings.region, endpoint: settings.endpoint, maxAttempts: 2 }),
    }));
    entry.catch(() => clients.delete(settings.endpoint));
    clients.set(settings.endpoint, entry);
  }
  return entry;
}

/** Starts loading the SDK (call when the sign-in form appears). */
export function preloadCognito(settings: CognitoSettings): void {
  void cognito(settings).catch(() => undefined);
}

export async function signIn(settings: CognitoSettings, username: string, password: string): Promise<SignInStep> {
  return attempt(settings, async ({ client, sdk }) => next(settings, username, await client.send(new sdk.InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: settings.clientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  }))));
}

export async function completeNewPassword(settings: CognitoSettings, username: string, challengeSession: string, newPassword: string): Promise<SignInStep> {
  return attempt(settings, async ({ client, sdk }) => next(settings, username, await client.send(new sdk.RespondToAuthChallengeCommand({
    ClientId: settings.clientId,
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: challengeSession,
    ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
  }))));
}

export async function answerMfa(settings: CognitoSettings, username: string, challengeSession: string, code: string): Promise<SignInStep> {
  return attempt(settings, async ({ client, sdk }) => next(settings, username, await client.send(new sdk.RespondToAuthChallengeCommand({
    ClientId: settings.clientId,
    ChallengeName: 'SOFTWARE_TOKEN_MFA',
    Session: challengeSession,
    ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
  }))));
}

/**
 * Revokes the user's refresh tokens and access tokens at Cognito (GlobalSignOut). The ID token
 * the API accepts stays valid until it expires (at most an hour); the page forgets it at once.
 * Best effort: the page signs out locally whatever Cognito answers.
 */
export async function signOut(settings: CognitoSettings, accessToken: string): Promise<void> {
  try {
    const { client, sdk } = await cognito(settings);
    await client.send(new sdk.GlobalSignOutCommand({ AccessToken: accessToken }), { abortSignal: AbortSignal.timeout(5000) });
  } catch {
    // Expired or already revoked tokens, or no network: nothing more to do.
  }
}

interface ChallengeAnswer {
  readonly AuthenticationResult?: { readonly IdToken?: string; readonly AccessToken?: string };
  readonly ChallengeName?: string;
  readonly Session?: string;
}

function next(settings: CognitoSettings, username: string, answer: ChallengeAnswer): SignInStep {
  const tokens = answer.AuthenticationResult;
  if (tokens?.IdToken !== undefined && tokens.AccessToken !== undefined) {
    return { kind: 'signed-in', session: sessionFromTokens(tokens.IdToken, tokens.AccessToken, settings.clientId) };
  }
  if (answer.ChallengeName === 'NEW_PASSWORD_REQUIRED' && answer.Session !== undefined) {
    return { kind: 'new-password-required', username, challengeSession: answer.Session };
  }
  if (answer.ChallengeName === 'SOFTWARE_TOKEN_MFA' && answer.Session !== undefined) {
    return { kind: 'mfa-required', username, challengeSession: answer.Session };
  }
  return {
    kind: 'failed',
    message: `Cognito asked for ${answer.ChallengeName ?? 'an unknown step'}, which this page cannot do. Ask an administrator to check your account.`,
  };
}

async function attempt(settings: CognitoSettings, call: (cognitoClient: Awaited<ReturnType<typeof cognito>>) => Promise<SignInStep>): Promise<SignInStep> {
  let loaded: Awaited<ReturnType<typeof cognito>>;
  try {
    loaded = await cognito(settings);
  } catch {
    return { kind: 'failed', message: 'The sign-in code could not be loaded. Check your connection and try again.' };
  }
  try {
    return await call(loaded);
  } catch (error) {
    return { kind: 'failed', message: signInErrorMessage(error, settings.endpoint) };
  }
}

/** Cognito's error, in words a user can act on. */
export function signInErrorMessage(error: unknown, endpoint: string): string {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  switch (name) {
    case 'NotAuthorizedException':
      // Also "Password attempts exceeded" and threat protection's block: Cognito's words say which.
      return message === undefined || /incorrect username or password/i.test(message)
        ? 'Incorrect username or password.'
        : `Cognito refused the sign-in: ${message}`;
    case 'UserNotFoundException':
      // The same words as a wrong password: the page must not tell whether a user exists.
      return 'Incorrect username or password.';
    case 'PasswordResetRequiredException':
      return 'Your password must be reset. Ask an administrator.';
    case 'UserNotConfirmedException':
      return 'Your account is not confirmed yet. Ask an administrator.';
    case 'InvalidPasswordException':
      return message ?? 'The new password does not meet the password policy.';
    case 'CodeMismatchException':
      return 'The code is wrong. Enter the current 6-digit code from your authenticator app.';
    case 'ExpiredCodeException':
    case 'ResourceNotFoundException':
      return 'The sign-in took too long. Start again.';
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return 'Too many sign-in attempts. Wait a minute, then try again.';
    case 'TypeError':
    case 'TimeoutError':
    case 'AbortError':
      return `Cannot reach Cognito (${endpoint}). Check your connection and try again.`;
    default:
      return `Sign-in failed${name ? ` (${name})` : ''}${message ? `: ${message}` : '.'}`;
  }
}
