/**
 * Cognito user pools in the emulator, from the template: pools, their app clients, groups
 * and resource servers (the custom OAuth scopes), with the settings moto understands. moto's
 * cognito-idp signs users in and issues RS256 JWTs (issuer
 * `https://cognito-idp.<region>.amazonaws.com/<poolId>`) whose keys it serves at
 * `<endpoint>/<poolId>/.well-known/jwks.json`; the local API Gateway verifies them there.
 *
 * Not emulated: Lambda triggers, e-mail and SMS delivery, threat protection, hosted UI domains.
 * Idempotent: against an emulator that already holds a pool of that name, it is reused.
 */
import {
  CognitoIdentityProviderClient, CreateGroupCommand, CreateResourceServerCommand, CreateUserPoolClientCommand,
  CreateUserPoolCommand, CreateUserPoolCommandInput, CreateUserPoolClientCommandInput, DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand, ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './clients';
import { PhysicalResource, resolveValue, ResolveContext } from '../template/intrinsics';
import { generatedName } from '../template/references';
import { CfnResource, SynthesizedStack } from '../template/synthesized-stack';

export const COGNITO_RESOURCE_TYPES = [
  'AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolResourceServer', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolGroup',
] as const;

/** CreateUserPool settings with the same name in the template (the rest has no local effect, or is another service's). */
const POOL_SETTINGS = [
  'Policies', 'AutoVerifiedAttributes', 'AliasAttributes', 'UsernameAttributes', 'UsernameConfiguration', 'MfaConfiguration',
  'AdminCreateUserConfig', 'Schema', 'AccountRecoverySetting',
] as const;
const CLIENT_SETTINGS = [
  'GenerateSecret', 'RefreshTokenValidity', 'AccessTokenValidity', 'IdTokenValidity', 'TokenValidityUnits', 'ReadAttributes',
  'WriteAttributes', 'ExplicitAuthFlows', 'SupportedIdentityProviders', 'CallbackURLs', 'LogoutURLs', 'DefaultRedirectURI',
  'AllowedOAuthFlows', 'AllowedOAuthScopes', 'AllowedOAuthFlowsUserPoolClient', 'PreventUserExistenceErrors', 'EnableTokenRevocation',
  'AuthSessionValidity',
] as const;

/** Creates the template's Cognito resources in dependency order; registers each so Refs to it resolve. */
export async function createCognitoResources(
  stack: SynthesizedStack, ctx: ResolveContext, cognito: CognitoIdentityProviderClient,
  register: (logicalId: string, physical: PhysicalResource) => void,
): Promise<void> {
  const ofType = (type: string) => Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === type);
  for (const [logicalId, pool] of ofType('AWS::Cognito::UserPool')) {
    const props = resolved(pool, ctx, logicalId, ['UserPoolName', ...POOL_SETTINGS]);
    const name: string = props.UserPoolName ?? generatedName(stack.stackName, logicalId, 128);
    register(logicalId, await ensureUserPool(cognito, { PoolName: name, ...pick(props, POOL_SETTINGS) }));
  }
  for (const [logicalId, server] of ofType('AWS::Cognito::UserPoolResourceServer')) {
    const props = resolved(server, ctx, logicalId, ['UserPoolId', 'Identifier', 'Name', 'Scopes']);
    try {
      await cognito.send(new CreateResourceServerCommand({
        UserPoolId: props.UserPoolId, Identifier: props.Identifier, Name: props.Name, Scopes: props.Scopes,
      }));
    } catch (error) {
      if ((error as Error).name !== 'InvalidParameterException' && (error as Error).name !== 'DuplicateProviderException') throw error;
    }
    register(logicalId, { ref: props.Identifier, attributes: {} });
  }
  for (const [logicalId, client] of ofType('AWS::Cognito::UserPoolClient')) {
    const props = resolved(client, ctx, logicalId, ['UserPoolId', 'ClientName', ...CLIENT_SETTINGS]);
    const name: string = props.ClientName ?? generatedName(stack.stackName, logicalId, 128);
    register(logicalId, await ensureUserPoolClient(cognito, { UserPoolId: props.UserPoolId, ClientName: name, ...pick(props, CLIENT_SETTINGS) }));
  }
  for (const [logicalId, group] of ofType('AWS::Cognito::UserPoolGroup')) {
    const props = resolved(group, ctx, logicalId, ['UserPoolId', 'GroupName', 'Description', 'Precedence']);
    const name: string = props.GroupName ?? generatedName(stack.stackName, logicalId, 128);
    try {
      await cognito.send(new CreateGroupCommand({
        UserPoolId: props.UserPoolId,
        GroupName: name,
        Description: props.Description,
        Precedence: props.Precedence !== undefined ? Number(props.Precedence) : undefined,
      }));
    } catch (error) {
      if ((error as Error).name !== 'GroupExistsException') throw error;
    }
    register(logicalId, { ref: name, attributes: {} });
  }
}

/** The pool with this name, created if the emulator has none. */
export async function ensureUserPool(cognito: CognitoIdentityProviderClient, input: CreateUserPoolCommandInput): Promise<PhysicalResource> {
  let id = await findUserPool(cognito, input.PoolName!);
  let arn: string | undefined;
  if (id === undefined) {
    const created = (await cognito.send(new CreateUserPoolCommand(input))).UserPool!;
    id = created.Id!;
    arn = created.Arn;
  }
  return userPoolResource(id, arn);
}

/** The app client with this name in the pool, created if there is none. */
export async function ensureUserPoolClient(
  cognito: CognitoIdentityProviderClient, input: CreateUserPoolClientCommandInput,
): Promise<PhysicalResource> {
  let clientId: string | undefined;
  let nextToken: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: input.UserPoolId, MaxResults: 60, NextToken: nextToken }));
    clientId = page.UserPoolClients?.find((client) => client.ClientName === input.ClientName)?.ClientId;
    nextToken = page.NextToken;
  } while (clientId === undefined && nextToken);
  const client = clientId === undefined
    ? (await cognito.send(new CreateUserPoolClientCommand(input))).UserPoolClient!
    : (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: input.UserPoolId, ClientId: clientId }))).UserPoolClient!;
  return {
    ref: client.ClientId!,
    attributes: { ClientId: client.ClientId!, Name: client.ClientName!, ...(client.ClientSecret ? { ClientSecret: client.ClientSecret } : {}) },
  };
}

/** What CloudFormation returns for a pool: Ref is the id; Arn, ProviderName, ProviderURL and UserPoolId by Fn::GetAtt. */
export function userPoolResource(id: string, arn?: string): PhysicalResource {
  return {
    ref: id,
    attributes: {
      Arn: arn ?? `arn:aws:cognito-idp:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:userpool/${id}`,
      ProviderName: `cognito-idp.${LOCAL_REGION}.amazonaws.com/${id}`,
      ProviderURL: `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${id}`,
      UserPoolId: id,
    },
  };
}

/** The pool id in a user pool ARN (`arn:aws:cognito-idp:<region>:<account>:userpool/<id>`). */
export function userPoolIdOfArn(arn: string): string | undefined {
  return /:userpool\/([^/]+)$/.exec(arn)?.[1];
}

async function findUserPool(cognito: CognitoIdentityProviderClient, name: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: nextToken }));
    const found = page.UserPools?.find((pool) => pool.Name === name)?.Id;
    if (found) return found;
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

function resolved(resource: CfnResource, ctx: ResolveContext, logicalId: string, keys: readonly string[]): Record<string, any> {
  const props = Object.fromEntries(Object.entries(resource.Properties ?? {}).filter(([key]) => keys.includes(key)));
  return resolveValue(props, ctx, logicalId) as Record<string, any>;
}

function pick(props: Record<string, any>, keys: readonly string[]): Record<string, any> {
  return Object.fromEntries(keys.filter((key) => props[key] !== undefined).map((key) => [key, props[key]]));
}
