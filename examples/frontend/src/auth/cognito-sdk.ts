/**
 * The only parts of the AWS SDK the page uses. cognito.ts imports this module on demand:
 * importing the SDK package itself dynamically would keep every command of the client (a
 * module namespace cannot be tree-shaken), about four times the size.
 */
export {
  CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
