import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AuthorizationMode } from './authorization-mode';

/**
 * Stable ids of the synth warnings about authorization, for
 * `Annotations.of(workflow).acknowledgeWarning(id, reason)`.
 */
export const AUTHORIZATION_WARNINGS = {
  openApi: 'cdk-orders-workflow:open-api',
  openApiWithFailureInjection: 'cdk-orders-workflow:open-api-failure-injection',
  grantInvokeWithoutIam: 'cdk-orders-workflow:grant-invoke-without-iam',
  grantOperationsWithoutIam: 'cdk-orders-workflow:grant-operations-without-iam',
  noOperators: 'cdk-orders-workflow:no-operators-group',
} as const;

const HOW_TO_CLOSE = 'Set authorization to OrdersApiAuthorization.iam(), .apiKey() or .cognito({ userPool }) to close it';

/** The default is an open API: say so at every synth, with the way out, until acknowledged. */
export function warnAboutOpenApi(workflow: IConstruct, mode: AuthorizationMode, failureInjection: boolean): void {
  if (mode !== 'none') return;
  Annotations.of(workflow).addWarningV2(AUTHORIZATION_WARNINGS.openApi,
    'The orders API is open: anyone who knows its URL can POST /orders (authorization: OrdersApiAuthorization.none(), ' +
    `the default). ${HOW_TO_CLOSE}.`);
  if (failureInjection) {
    Annotations.of(workflow).addWarningV2(AUTHORIZATION_WARNINGS.openApiWithFailureInjection,
      'The orders API is open and failureInjection is on: anyone can POST an order with sku FAIL-ME, ' +
      'which fails every delivery, lands in the dead-letter queue and raises the DLQ alarm (pages on-call). ' +
      `Set failureInjection: false, or ${HOW_TO_CLOSE[0].toLowerCase()}${HOW_TO_CLOSE.slice(1)}.`);
  }
}

/** `grantInvoke` adds an IAM permission that API Gateway checks only for AWS_IAM methods. */
export function warnAboutGrantWithoutIam(workflow: IConstruct, mode: AuthorizationMode): void {
  if (mode === 'iam') return;
  Annotations.of(workflow).addWarningV2(AUTHORIZATION_WARNINGS.grantInvokeWithoutIam,
    `grantInvoke() added execute-api:Invoke on POST /orders, but the API's authorization is ${mode}, not iam(): ` +
    'API Gateway does not check IAM permissions for this method, so the grant neither opens nor closes anything. ' +
    'Use OrdersApiAuthorization.iam() for the grant to decide who may call.');
}

/** With Cognito the ops methods admit the operators group only: without one, nobody. */
export function warnAboutNoOperators(workflow: IConstruct, mode: AuthorizationMode, operatorsGroup: string | undefined): void {
  if (mode !== 'cognito' || operatorsGroup !== undefined) return;
  Annotations.of(workflow).addWarningV2(AUTHORIZATION_WARNINGS.noOperators,
    'OrdersApiAuthorization.cognito() has no operatorsGroup: the operations routes (GET /ops/queues, POST and GET /ops/redrive) ' +
    'answer 403 to every user. Set operatorsGroup to the Cognito group of your operators to open them to its members.');
}

/** The ops methods are AWS_IAM except with Cognito, where the operators group decides. */
export function warnAboutGrantOperationsWithoutIam(workflow: IConstruct, mode: AuthorizationMode): void {
  if (mode !== 'cognito') return;
  Annotations.of(workflow).addWarningV2(AUTHORIZATION_WARNINGS.grantOperationsWithoutIam,
    'grantOperations() added execute-api:Invoke on the operations routes, but with OrdersApiAuthorization.cognito() those ' +
    'routes use the Cognito authorizer and admit the operatorsGroup\'s members: API Gateway does not check IAM for them, so the ' +
    'grant neither opens nor closes anything. Add the operator to the operators group instead.');
}
