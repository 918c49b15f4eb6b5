/**
 * The environment a function's process gets: what Lambda sets, the variables the template
 * gives that function (Refs resolved to the emulator's resources), and the emulator endpoint.
 *
 * Built from scratch rather than inherited: the developer's AWS_PROFILE, real credentials or
 * region must never reach a handler, so a local run can only ever talk to the emulator.
 */
import * as path from 'node:path';
import { DUMMY_CREDENTIALS, LOCAL_REGION } from '../emulator/clients';
import { placeholderFor, resolveString, ResolveContext } from '../template/intrinsics';
import { FunctionModel } from '../template/workflow-model';

export interface HandlerEnvOptions {
  readonly emulatorEndpoint: string;
  /** SQS only (`AWS_ENDPOINT_URL_SQS`): the runner's proxy that adds the message move task (sqs/message-move-task.ts). */
  readonly sqsEndpoint?: string;
  readonly resolveContext: ResolveContext;
  /** Applied last (e.g. `FAILURE_INJECTION_ENABLED: 'false'`, or a test's own endpoint). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Told about each reference to a resource that is not emulated, and the stand-in used. */
  readonly onPlaceholder?: (variable: string, reference: string, placeholder: string) => void;
}

/** moto accepts any session token; one is set because Lambda always sets one. */
const LOCAL_SESSION_TOKEN = 'local-session-token';

export function handlerEnvironment(fn: FunctionModel, options: HandlerEnvOptions): Record<string, string> {
  const fromTemplate: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.environment)) {
    const context = {
      ...options.resolveContext,
      fallback: (logicalId: string, attribute: string | undefined) => {
        const placeholder = placeholderFor(logicalId, attribute);
        options.onPlaceholder?.(`${fn.functionName} ${name}`, attribute ? `${logicalId}.${attribute}` : logicalId, placeholder);
        return placeholder;
      },
    };
    fromTemplate[name] = resolveString(value, context, `${fn.logicalId} environment ${name}`);
  }
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  return {
    // The runtime's own variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: 'UTC',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${process.pid}`,
    LAMBDA_TASK_ROOT: fn.codeDir,
    // The execution role's credentials, as Lambda gives them (temporary: with a session token).
    // Required, not just convenient: the bundles read credentials from these variables only
    // (lambda/shared/lambda-credentials.ts), never from the files or metadata services below.
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: LOCAL_SESSION_TOKEN,
    // SDK v3 sends every client to this endpoint (no code change in the handlers).
    AWS_ENDPOINT_URL: options.emulatorEndpoint,
    // The SDK's service-specific override wins for SQS: moto lacks the message move task.
    ...(options.sqsEndpoint !== undefined ? { AWS_ENDPOINT_URL_SQS: options.sqsEndpoint } : {}),
    // Nothing from ~/.aws (profiles, service endpoints) and no instance metadata lookups.
    AWS_CONFIG_FILE: path.join(fn.codeDir, '.no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(fn.codeDir, '.no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // The bundles target Lambda's nodejs22.x; on an older local Node the SDK would warn once per process.
    ...(nodeMajor < 22 ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {}),
    ...fromTemplate,
    ...options.overrides,
  };
}
