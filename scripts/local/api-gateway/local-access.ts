/**
 * Sets up, for one local run, what the API's methods require, read from the template: the
 * Cognito authorizers with their user pools in the emulator (and a demo user to sign in
 * with), the API keys, and credentials for SigV4. Returns the checks for the server and the
 * values a caller needs (written to the outputs; never into the runner's log lines).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAuthorizerModel, MethodAccess } from './access-model';
import { ApiKeyCheck, LocalApiKey } from './api-keys';
import { CognitoAuthorizer } from './cognito-authorizer';
import { MethodAuthorizer } from './method-authorization';
import { ApiGatewayModel } from './model';
import { createLocalPrincipal, SigV4Authorizer } from './sigv4-authorizer';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../emulator/clients';
import { ensureUserPool, ensureUserPoolClient, userPoolIdOfArn } from '../emulator/cognito';
import { ensureDemoUser } from '../emulator/demo-user';
import { ProvisionedStack } from '../emulator/provision';
import { resolveString, resolveValue } from '../template/intrinsics';
import { logicalIdOf } from '../template/references';
import { SynthesizedStack } from '../template/synthesized-stack';

/** The outputs a caller of the local API needs, by the HTTP contract's names. */
export interface AccessOutputs {
  readonly UserPoolId?: string;
  readonly UserPoolClientId?: string;
  readonly DemoUsername?: string;
  readonly DemoPassword?: string;
  readonly ApiKey?: string;
  readonly ApiKeyId?: string;
  readonly LocalAccessKeyId?: string;
  readonly LocalSecretAccessKey?: string;
}

export interface LocalAccessOptions {
  readonly api: ApiGatewayModel;
  readonly stack: SynthesizedStack;
  readonly provisioned: ProvisionedStack;
  readonly apiKeys: readonly LocalApiKey[];
  /** The API function's environment as in the template: an `OPERATORS_GROUP` there names the operators group. */
  readonly apiEnvironment: Readonly<Record<string, unknown>>;
  readonly emulatorEndpoint: string;
  readonly cognito: CognitoIdentityProviderClient;
  readonly log: (message: string) => void;
}

export interface LocalAccess {
  readonly authorizer: MethodAuthorizer;
  readonly outputs: AccessOutputs;
}

/** The stand-in for a user pool the stack imports (it exists only in the account): its name in the emulator. */
const IMPORTED_POOL_PREFIX = 'imported-';

export async function prepareLocalAccess(options: LocalAccessOptions): Promise<LocalAccess> {
  const { api, log } = options;
  const methods = api.routes.flatMap((route) => [...route.methods].map(([httpMethod, method]) => ({
    name: `${httpMethod} ${route.resourcePath}`, access: method.access,
  })));
  for (const method of methods) {
    if (method.access.authorizationType !== 'NONE' || method.access.apiKeyRequired) log(`authorization: ${method.name}: ${describe(method.access, api)}`);
  }
  const uses = (test: (access: MethodAccess) => boolean) => methods.some((method) => test(method.access));
  let outputs: AccessOutputs = {};

  const cognito = new Map<string, CognitoAuthorizer>();
  const usedAuthorizers = [...new Set(methods.map((method) => method.access.authorizerLogicalId).filter((id): id is string => id !== undefined))];
  for (const authorizerId of usedAuthorizers) {
    const model = api.access.authorizers.get(authorizerId);
    if (!model) throw new Error(`A method refers to authorizer ${authorizerId}, which is not a Cognito authorizer of the API`);
    const pools = await userPoolsOf(model, options);
    const userPoolIds = pools.map((pool) => pool.id);
    const authorizer = new CognitoAuthorizer({ authorizer: model, userPoolIds, emulatorEndpoint: options.emulatorEndpoint });
    await authorizer.loadKeys();
    cognito.set(authorizerId, authorizer);
    if (outputs.UserPoolId === undefined) outputs = { ...outputs, ...await signInOutputs(pools[0], options) };
  }

  if (uses((access) => access.apiKeyRequired)) {
    if (api.access.apiKeySource !== 'HEADER') {
      throw new Error('The API reads API keys from a Lambda authorizer (ApiKeySourceType AUTHORIZER), which the local runner does not emulate');
    }
    const usable = options.apiKeys.filter((key) => key.enabled);
    log(`API keys: ${usable.length} usable (${usable.map((key) => key.id).join(', ') || 'none: every request is refused'}), ` +
      'values generated for this run; usage plan throttle and quota are not emulated (no 429 locally)');
    if (usable.length > 0) outputs = { ...outputs, ApiKey: usable[0].value, ApiKeyId: usable[0].id };
  }

  let iam: SigV4Authorizer | undefined;
  if (uses((access) => access.authorizationType === 'AWS_IAM')) {
    const principal = createLocalPrincipal(LOCAL_ACCOUNT_ID);
    iam = new SigV4Authorizer(principal, LOCAL_REGION);
    log(`IAM: requests signed with SigV4 (service execute-api, region ${LOCAL_REGION}) by LocalAccessKeyId ${principal.accessKeyId} ` +
      `act as ${principal.userArn}; IAM and resource policies are not evaluated locally`);
    outputs = { ...outputs, LocalAccessKeyId: principal.accessKeyId, LocalSecretAccessKey: principal.secretAccessKey };
  }

  return { authorizer: new MethodAuthorizer({ cognito, iam, apiKeys: new ApiKeyCheck(options.apiKeys) }), outputs };
}

interface LocalUserPool {
  readonly id: string;
  /** The template's pool, or undefined for the stand-in of an imported one. */
  readonly logicalId?: string;
}

/** The authorizer's pools in the emulator: the template's own, or a stand-in for an imported one. */
async function userPoolsOf(model: CognitoAuthorizerModel, options: LocalAccessOptions): Promise<LocalUserPool[]> {
  const pools: LocalUserPool[] = [];
  for (const [index, providerArn] of model.providerArns.entries()) {
    const logicalId = logicalIdOf(providerArn);
    if (logicalId !== undefined && options.stack.template.Resources[logicalId]?.Type === 'AWS::Cognito::UserPool') {
      pools.push({ id: options.provisioned.physical(logicalId).ref, logicalId });
      continue;
    }
    const arn = resolveString(providerArn, options.provisioned.resolveContext, `${model.logicalId}.ProviderARNs[${index}]`);
    const importedId = userPoolIdOfArn(arn);
    if (importedId === undefined) throw new Error(`${model.logicalId}: ProviderARNs[${index}] ${arn} is not a user pool ARN`);
    const standIn = await ensureUserPool(options.cognito, { PoolName: `${IMPORTED_POOL_PREFIX}${importedId}` });
    options.log(`authorizer ${model.name}: user pool ${importedId} is imported (not in the template); locally its stand-in is ` +
      `${standIn.ref}, whose tokens the authorizer accepts instead`);
    pools.push({ id: standIn.ref });
  }
  return pools;
}

/** An app client to sign in with and a confirmed demo user (in the operators group when the stack names one). */
async function signInOutputs(pool: LocalUserPool, options: LocalAccessOptions): Promise<AccessOutputs> {
  const { stack, provisioned, log } = options;
  const resources = Object.entries(stack.template.Resources);
  const ofPool = (type: string) => resources.filter(([, resource]) => resource.Type === type
    && pool.logicalId !== undefined && logicalIdOf(resource.Properties?.UserPoolId) === pool.logicalId);

  // A browser cannot keep a secret: prefer a client without one.
  const clients = ofPool('AWS::Cognito::UserPoolClient')
    .sort(([, a], [, b]) => Number(a.Properties?.GenerateSecret === true) - Number(b.Properties?.GenerateSecret === true));
  const clientId = clients.length > 0
    ? provisioned.physical(clients[0][0]).ref
    : (await ensureUserPoolClient(options.cognito, {
      UserPoolId: pool.id,
      ClientName: 'local-client',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    })).ref;

  const groups = ofPool('AWS::Cognito::UserPoolGroup').map(([logicalId]) => provisioned.physical(logicalId).ref);
  const operatorsGroup = operatorsGroupOf(options.apiEnvironment, groups, options);
  const template = pool.logicalId !== undefined ? stack.template.Resources[pool.logicalId].Properties ?? {} : {};
  const poolProps = resolveValue({ UsernameAttributes: template.UsernameAttributes, Policies: template.Policies },
    provisioned.resolveContext, pool.logicalId ?? pool.id) as Record<string, any>;
  const user = await ensureDemoUser(options.cognito, {
    userPoolId: pool.id,
    groups: operatorsGroup !== undefined ? [operatorsGroup] : [],
    usernameAttributes: poolProps.UsernameAttributes ?? [],
    minimumPasswordLength: poolProps.Policies?.PasswordPolicy?.MinimumLength,
  });
  log(`Cognito: demo user ${user.username} in user pool ${pool.id} (app client ${clientId}), ` +
    `${operatorsGroup !== undefined ? `member of ${operatorsGroup}` : 'in no group (the stack names no operators group)'}; ` +
    'its password is in the outputs');
  return { UserPoolId: pool.id, UserPoolClientId: clientId, DemoUsername: user.username, DemoPassword: user.password };
}

/**
 * The operators group: the API function's `OPERATORS_GROUP` when the stack sets one, else a
 * group of the pool named `operators` (the example app's). The construct's `operatorsGroup`
 * itself is not in the template.
 */
function operatorsGroupOf(
  environment: Readonly<Record<string, unknown>>, groups: readonly string[], options: LocalAccessOptions,
): string | undefined {
  const fromEnvironment = environment.OPERATORS_GROUP;
  if (fromEnvironment !== undefined) return resolveString(fromEnvironment, options.provisioned.resolveContext, 'OPERATORS_GROUP');
  return groups.find((group) => /^operators?$/i.test(group));
}

function describe(access: MethodAccess, api: ApiGatewayModel): string {
  const parts: string[] = [];
  if (access.authorizationType === 'AWS_IAM') parts.push('AWS_IAM (SigV4)');
  if (access.authorizationType === 'COGNITO_USER_POOLS') {
    const authorizer = api.access.authorizers.get(access.authorizerLogicalId!);
    parts.push(`COGNITO_USER_POOLS (authorizer ${authorizer?.name ?? access.authorizerLogicalId}, ` +
      (access.authorizationScopes.length > 0 ? `access tokens with scope ${access.authorizationScopes.join(' or ')})` : 'ID tokens)'));
  }
  if (access.apiKeyRequired) parts.push('API key (x-api-key)');
  return parts.join(' + ');
}
