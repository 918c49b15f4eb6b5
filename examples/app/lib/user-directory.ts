import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The group whose members the orders API treats as operators (its Cognito mode's `operatorsGroup`). */
export const OPERATORS_GROUP = 'operators';

export interface UserDirectoryProps {
  /** Keep the pool (and its users) when the stack is deleted, and refuse deletion until this is turned off. */
  readonly retain: boolean;
}

/**
 * Who may sign in to the orders frontend: a Cognito user pool that only administrators add
 * users to, and the browser's app client.
 *
 * The client signs in with USER_PASSWORD_AUTH (the password goes over TLS to Cognito, never
 * to the orders API), not SRP: Cognito's threat protection checks passwords against known
 * breaches only when it sees them, which SRP prevents, and the local emulator verifies
 * passwords only in this flow. See docs/examples-and-frontend.md.
 */
export class UserDirectory extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly webClient: cognito.UserPoolClient;
  public readonly operatorsGroup: cognito.UserPoolGroup;

  constructor(scope: Construct, id: string, props: UserDirectoryProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Operators are invited by an administrator (`aws cognito-idp admin-create-user`).
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Users may add an authenticator app; SMS would need an SNS role and a spend limit.
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus: threat protection blocks sign-ins with leaked passwords and risky sign-ins
      // (AwsSolutions-COG8). It is billed per monthly active user.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.webClient = this.userPool.addClient('WebClient', {
      // A browser cannot keep a secret.
      generateSecret: false,
      authFlows: { userPassword: true },
      // The frontend has its own sign-in form: no hosted UI, no OAuth redirects.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // The frontend never uses refresh tokens (it asks to sign in again); the shortest Cognito allows.
      refreshTokenValidity: Duration.hours(1),
      authSessionValidity: Duration.minutes(3),
    });

    // What threat protection does about risk (without this, full function only records it).
    new cognito.CfnUserPoolRiskConfigurationAttachment(this, 'ThreatProtection', {
      userPoolId: this.userPool.userPoolId,
      clientId: 'ALL',
      compromisedCredentialsRiskConfiguration: {
        eventFilter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'],
        actions: { eventAction: 'BLOCK' },
      },
      // No notification e-mails: those need an SES identity, which this example does not have.
      accountTakeoverRiskConfiguration: {
        actions: {
          lowAction: { eventAction: 'NO_ACTION', notify: false },
          mediumAction: { eventAction: 'MFA_IF_CONFIGURED', notify: false },
          highAction: { eventAction: 'BLOCK', notify: false },
        },
      },
    });

    this.operatorsGroup = this.userPool.addGroup('Operators', {
      groupName: OPERATORS_GROUP,
      description: 'Operators of the orders workflow (the orders API\'s operatorsGroup)',
    });
  }
}
