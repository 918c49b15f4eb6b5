/**
 * The user a local run signs in with: created in the emulator's pool, confirmed (a permanent
 * password, no first-sign-in challenge), in the given groups. The password is random for
 * every run and meets the pool's password policy; it exists only in the emulator, which is
 * gone when the runner stops it.
 */
import { randomInt } from 'node:crypto';
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

export interface DemoUserOptions {
  readonly userPoolId: string;
  /** Groups to add the user to (the operators group, when the stack names one). */
  readonly groups: readonly string[];
  /** The pool's `UsernameAttributes`: with `email`, the username must be an e-mail address. */
  readonly usernameAttributes: readonly string[];
  /** The pool's `Policies.PasswordPolicy.MinimumLength`. */
  readonly minimumPasswordLength?: number;
}

export interface DemoUser {
  readonly username: string;
  readonly password: string;
}

export const DEMO_EMAIL = 'demo@example.com';
const DEMO_USERNAME = 'demo';
/** Long enough for any policy up to this; Cognito allows at most 99. */
const PASSWORD_LENGTH = 24;

export async function ensureDemoUser(cognito: CognitoIdentityProviderClient, options: DemoUserOptions): Promise<DemoUser> {
  const username = options.usernameAttributes.includes('email') ? DEMO_EMAIL : DEMO_USERNAME;
  const password = strongPassword(Math.max(PASSWORD_LENGTH, options.minimumPasswordLength ?? 0));
  try {
    await cognito.send(new AdminCreateUserCommand({
      UserPoolId: options.userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      TemporaryPassword: password,
      UserAttributes: [{ Name: 'email', Value: DEMO_EMAIL }, { Name: 'email_verified', Value: 'true' }],
    }));
  } catch (error) {
    // A reused emulator keeps the user of an earlier run: it gets this run's password.
    if ((error as Error).name !== 'UsernameExistsException') throw error;
  }
  // A permanent password confirms the user: no NEW_PASSWORD_REQUIRED challenge at sign-in.
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: options.userPoolId, Username: username, Password: password, Permanent: true }));
  for (const group of options.groups) {
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: options.userPoolId, Username: username, GroupName: group }));
  }
  return { username, password };
}

/** Random, with every character class a Cognito policy can require (lower, upper, digit, symbol). */
function strongPassword(length: number): string {
  const classes = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!#%*+-=?@^_'];
  const all = classes.join('');
  const characters = classes.map((alphabet) => alphabet[randomInt(alphabet.length)]);
  while (characters.length < length) characters.push(all[randomInt(all.length)]);
  for (let index = characters.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [characters[index], characters[other]] = [characters[other], characters[index]];
  }
  return characters.join('');
}
