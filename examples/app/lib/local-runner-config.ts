/**
 * The frontend's `/config.json` for a local run (the local counterpart of `FrontendRuntimeConfig`,
 * which the stack writes at deploy time), made from what `npm run local` writes to
 * `.local/outputs.json`: the local API, and for a stack with Cognito the user pool, its app
 * client and the emulator as the Cognito endpoint. `npm run frontend:dev` serves it (see
 * examples/frontend/vite.config.ts) and the browser test serves the same, so the two cannot
 * drift apart. Plain TypeScript without imports: Vite's config loads it too.
 */
export interface LocalRunnerConfig {
  readonly apiUrl?: string;
  readonly envName?: string;
  readonly userPoolId?: string;
  readonly userPoolClientId?: string;
  readonly cognitoEndpoint?: string;
  /** The group whose members see the operations views (the example app's `operators`). */
  readonly operatorsGroup?: string;
  /** For the order's Logs Insights link: the log groups the functions would write to on AWS. */
  readonly apiLogGroupName?: string;
  readonly workerLogGroupName?: string;
  readonly dashboardName?: string;
  /** Whether FAIL-ME fails (the runner's failure-injection switch, when it reports one). */
  readonly failureInjection?: boolean;
}

/** The operators group of the example app's user pool (examples/app/lib/user-directory.ts). */
export const LOCAL_OPERATORS_GROUP = 'operators';

/**
 * @param outputs the parsed `.local/outputs.json`
 * @param isSet whether a `VITE_*` variable is set: a set variable wins, so its field is left out
 */
export function configFromLocalOutputs(outputs: Record<string, unknown>, isSet: (variable: string) => boolean = () => false): LocalRunnerConfig {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const unless = <T>(variable: string, value: T) => (isSet(variable) ? undefined : value);
  const userPoolId = text(outputs.UserPoolId);
  return {
    apiUrl: unless('VITE_API_URL', text(outputs.ApiEndpoint)),
    envName: unless('VITE_ENV_NAME', 'local'),
    userPoolId: unless('VITE_USER_POOL_ID', userPoolId),
    userPoolClientId: unless('VITE_USER_POOL_CLIENT_ID', text(outputs.UserPoolClientId)),
    // The runner's Cognito is the emulator's cognito-idp.
    cognitoEndpoint: unless('VITE_COGNITO_ENDPOINT', userPoolId !== undefined ? text(outputs.EmulatorEndpoint) : undefined),
    operatorsGroup: unless('VITE_OPERATORS_GROUP', text(outputs.OperatorsGroup) ?? (userPoolId !== undefined ? LOCAL_OPERATORS_GROUP : undefined)),
    apiLogGroupName: unless('VITE_API_LOG_GROUP', text(outputs.ApiLogGroupName)),
    workerLogGroupName: unless('VITE_WORKER_LOG_GROUP', text(outputs.WorkerLogGroupName)),
    dashboardName: unless('VITE_DASHBOARD_NAME', text(outputs.DashboardName)),
    failureInjection: unless('VITE_FAILURE_INJECTION', typeof outputs.FailureInjection === 'boolean' ? outputs.FailureInjection : undefined),
  };
}
