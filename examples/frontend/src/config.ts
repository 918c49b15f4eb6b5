/**
 * Where the app sends orders, who may sign in, and what it shows in the header.
 *
 * Build time: `VITE_API_URL`, `VITE_ENV_NAME`, `VITE_AWS_REGION`, `VITE_USER_POOL_ID`,
 * `VITE_USER_POOL_CLIENT_ID`, `VITE_COGNITO_ENDPOINT`, `VITE_FAILURE_INJECTION`,
 * `VITE_OPERATORS_GROUP`, `VITE_API_LOG_GROUP`, `VITE_WORKER_LOG_GROUP`, `VITE_DASHBOARD_NAME`
 * (e.g. in `.env.local`).
 * Run time: `/config.json` next to index.html overrides them field by field. The CDK app
 * writes that file at deploy time, so one build serves every environment; `npm run
 * frontend:dev` serves one made from the local runner's `.local/outputs.json`.
 */
export interface AppConfig {
  /** Base URL of the API stage (`https://…/prod/`); orders go to `<apiUrl>/orders`. Empty when unknown. */
  readonly apiUrl: string;
  readonly envName: string;
  readonly region: string;
  /** The Cognito user pool to sign in to. Empty: the API is open and the page has no sign-in. */
  readonly userPoolId: string;
  /** The pool's app client for this site (no secret). Empty: no sign-in. */
  readonly userPoolClientId: string;
  /** Cognito's endpoint; empty for the pool region's public one (the local runner sets its emulator's). */
  readonly cognitoEndpoint: string;
  /**
   * Whether the worker fails `FAIL-ME` orders on purpose (the construct's `failureInjection`):
   * the form mentions the SKU only when it does. Undefined: not known (says "if on").
   */
  readonly failureInjection?: boolean;
  /**
   * The Cognito group whose members see the operations views (queue depths, Replay DLQ): the
   * construct's `operatorsGroup`. Empty: nobody does (without Cognito the page cannot sign the
   * IAM requests those routes need).
   */
  readonly operatorsGroup: string;
  /** The API function's log group, for the Logs Insights link. Empty: no link. */
  readonly apiLogGroupName: string;
  /** The worker function's log group, for the Logs Insights link. */
  readonly workerLogGroupName: string;
  /** The workflow's CloudWatch dashboard. Empty: no dashboard link. */
  readonly dashboardName: string;
  /** Where `apiUrl` came from, shown in the footer to make misconfiguration obvious. */
  readonly source: 'build' | 'config.json';
}

/** What the sign-in needs: present only when the config names a user pool and its client. */
export interface CognitoSettings {
  readonly userPoolId: string;
  readonly clientId: string;
  /** The pool's region (the part of its id before `_`). */
  readonly region: string;
  /** `https://cognito-idp.<region>.amazonaws.com`, or the configured endpoint. */
  readonly endpoint: string;
}

/** The fields `/config.json` may set; anything else in the file is ignored. */
const RUNTIME_FIELDS = [
  'apiUrl', 'envName', 'region', 'userPoolId', 'userPoolClientId', 'cognitoEndpoint',
  'operatorsGroup', 'apiLogGroupName', 'workerLogGroupName', 'dashboardName',
] as const;

export function buildTimeConfig(env: Record<string, string | boolean | undefined> = import.meta.env): AppConfig {
  const text = (name: string, fallback: string) => {
    const value = env[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
  };
  return {
    apiUrl: text('VITE_API_URL', ''),
    envName: text('VITE_ENV_NAME', 'dev'),
    region: text('VITE_AWS_REGION', 'us-east-1'),
    userPoolId: text('VITE_USER_POOL_ID', ''),
    userPoolClientId: text('VITE_USER_POOL_CLIENT_ID', ''),
    cognitoEndpoint: text('VITE_COGNITO_ENDPOINT', ''),
    failureInjection: flag(env.VITE_FAILURE_INJECTION),
    operatorsGroup: text('VITE_OPERATORS_GROUP', ''),
    apiLogGroupName: text('VITE_API_LOG_GROUP', ''),
    workerLogGroupName: text('VITE_WORKER_LOG_GROUP', ''),
    dashboardName: text('VITE_DASHBOARD_NAME', ''),
    source: 'build',
  };
}

/**
 * The sign-in settings, or undefined when the config has no user pool (an API without
 * authorization). A pool id without a client id (or the reverse) is a misconfiguration:
 * it throws, and the page says so instead of sending unauthenticated orders.
 */
export function cognitoSettings(config: AppConfig): CognitoSettings | undefined {
  const { userPoolId, userPoolClientId, cognitoEndpoint } = config;
  if (userPoolId === '' && userPoolClientId === '') return undefined;
  const region = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$/.exec(userPoolId)?.[1];
  if (region === undefined || userPoolClientId === '') {
    throw new Error(`Sign-in needs both a user pool id like "us-east-1_AbC123" and an app client id (got "${userPoolId}" and "${userPoolClientId}").`);
  }
  let endpoint = `https://cognito-idp.${region}.amazonaws.com`;
  if (cognitoEndpoint !== '') {
    if (!URL.canParse(cognitoEndpoint)) throw new Error(`cognitoEndpoint "${cognitoEndpoint}" is not a URL.`);
    endpoint = new URL(cognitoEndpoint).origin;
  }
  return { userPoolId, clientId: userPoolClientId, region, endpoint };
}

function flag(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** Applies the string fields (and the `failureInjection` flag) of a parsed config.json over `base`. */
export function mergeRuntimeConfig(base: AppConfig, runtime: unknown): AppConfig {
  if (typeof runtime !== 'object' || runtime === null || Array.isArray(runtime)) {
    return base;
  }
  const overrides: Partial<Record<(typeof RUNTIME_FIELDS)[number], string>> & { failureInjection?: boolean } = {};
  for (const field of RUNTIME_FIELDS) {
    const value = (runtime as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.trim() !== '') {
      overrides[field] = value.trim();
    }
  }
  const failureInjection = (runtime as Record<string, unknown>).failureInjection;
  if (typeof failureInjection === 'boolean') {
    overrides.failureInjection = failureInjection;
  }
  return { ...base, ...overrides, source: Object.keys(overrides).length > 0 ? 'config.json' : base.source };
}

/**
 * Reads `/config.json` if the host serves one. A missing file is normal (`npm run frontend:dev`);
 * so is getting index.html back instead (SPA fallbacks on CloudFront and in Vite's dev server),
 * which is why the body is parsed defensively rather than trusted because of a 200.
 */
export async function loadConfig(timeoutMs = 3000): Promise<AppConfig> {
  const base = buildTimeConfig();
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}config.json`, {
      cache: 'no-store',
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      return base;
    }
    return mergeRuntimeConfig(base, JSON.parse(await response.text()));
  } catch {
    return base;
  }
}
