/**
 * The stack `npm run local` runs by default: the construct from this checkout with the
 * reference settings. (A consumer's app, e.g. examples/app, plugs in through `--app-dir`.)
 */
import { App, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { OrdersApiAuthorization, OrdersWorkflow, OrdersWorkflowProps } from '../../../src';

export const LOCAL_STACK_NAME = 'OrdersWorkflowLocal';

/** The Vite dev server of the example frontend, under both names a browser may use. */
export const LOCAL_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

export const LOCAL_WORKFLOW_PROPS: OrdersWorkflowProps = {
  namePrefix: 'orders',
  corsAllowOrigins: LOCAL_CORS_ORIGINS,
  stackOutputs: true,
};

/** Props over the reference settings, or a function of the stack when they need a resource of it (a user pool). */
export type LocalStackProps = OrdersWorkflowProps | ((stack: Stack) => OrdersWorkflowProps);

/** `npm run local -- --authorization <mode>`: the modes of `OrdersApiAuthorization`. */
export const LOCAL_AUTHORIZATION_MODES = ['none', 'iam', 'api-key', 'cognito'] as const;
export type LocalAuthorizationMode = (typeof LOCAL_AUTHORIZATION_MODES)[number];

/** The group the local user pool's demo user joins: the Cognito mode's `operatorsGroup`. */
export const LOCAL_OPERATORS_GROUP = 'operators';

/**
 * Synthesizes the stack in this process (no `cdk` CLI) into `outdir` and returns the cloud
 * assembly directory. `props` are merged over the reference settings, so a test (or a
 * developer) sees what a changed prop does to the local system.
 */
export function synthesizeLocalStack(outdir: string, props: LocalStackProps = {}): string {
  const app = new App({ outdir });
  const stack = new Stack(app, LOCAL_STACK_NAME, {
    description: 'cdk-orders-workflow, run locally by `npm run local`',
  });
  new OrdersWorkflow(stack, 'Orders', { ...LOCAL_WORKFLOW_PROPS, ...(typeof props === 'function' ? props(stack) : props) });
  return app.synth().directory;
}

/**
 * The reference stack with one authorization mode. `cognito` adds a user pool like the
 * example app's (no self sign-up, strong passwords, a browser app client without a secret
 * that signs in with USER_PASSWORD_AUTH, an `operators` group).
 */
export function localAuthorizationProps(mode: LocalAuthorizationMode): LocalStackProps {
  switch (mode) {
    case 'none':
      return { authorization: OrdersApiAuthorization.none() };
    case 'iam':
      return { authorization: OrdersApiAuthorization.iam() };
    case 'api-key':
      return { authorization: OrdersApiAuthorization.apiKey() };
    case 'cognito':
      return (stack) => ({
        authorization: OrdersApiAuthorization.cognito({ userPool: localUserPool(stack), operatorsGroup: LOCAL_OPERATORS_GROUP }),
      });
  }
}

/** A user pool, its browser client and the operators group, as the example app has them. */
export function localUserPool(stack: Stack): cognito.UserPool {
  const userPool = new cognito.UserPool(stack, 'Users', {
    selfSignUpEnabled: false,
    signInAliases: { username: true, email: true },
    passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
  });
  userPool.addClient('WebClient', { generateSecret: false, authFlows: { userPassword: true }, disableOAuth: true });
  userPool.addGroup('Operators', { groupName: LOCAL_OPERATORS_GROUP });
  return userPool;
}
