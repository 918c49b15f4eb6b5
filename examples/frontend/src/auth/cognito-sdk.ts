/**
 * The only parts of the AWS SDK the page uses. cognito.ts imports this module on demand:
 * importing the SDK package itself dynamically would keep every command of the client (a
 * module namespace cannot be tree-shaken): 268 KB instead of 151 KB minified.
 */
export {
  CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
