/**
 * What API Gateway (REST) would do with a request, read from the synthesized template:
 * routes (resources and methods), the CORS preflight mock, the gateway responses, and who
 * may call each method (access-model.ts). Pure: no I/O here, server.ts does the HTTP.
 */
import { ApiAccessModel, MethodAccess, readApiAccessModel, readMethodAccess } from './access-model';
import { placeholderFor } from '../template/intrinsics';
import { lambdaFunctionOf, logicalIdOf } from '../template/references';
import { CfnTemplate } from '../template/synthesized-stack';

export type ApiMethod = { readonly access: MethodAccess } & (
  /** AWS_PROXY to a Lambda function: the request becomes a proxy event. */
  | { readonly kind: 'lambda-proxy'; readonly functionLogicalId: string; readonly timeoutMs: number }
  /** MOCK integration, as CDK generates for CORS preflight (OPTIONS, open in every authorization mode). */
  | { readonly kind: 'mock'; readonly statusCode: number; readonly headers: Readonly<Record<string, string>>; readonly originOverrides: readonly string[] });

export interface ApiRoute {
  /** `/orders`, `/items/{id}`, `/{proxy+}`: API Gateway's resource path. */
  readonly resourcePath: string;
  readonly resourceLogicalId: string;
  /** By HTTP method (`ANY` included). */
  readonly methods: ReadonlyMap<string, ApiMethod>;
}

export interface GatewayResponse {
  readonly statusCode?: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ApiGatewayModel {
  readonly restApiLogicalId: string;
  readonly stageName: string;
  readonly routes: readonly ApiRoute[];
  /** Customised gateway responses by type (`DEFAULT_4XX`, `MISSING_AUTHENTICATION_TOKEN`, ...). */
  readonly gatewayResponses: ReadonlyMap<string, GatewayResponse>;
  readonly binaryMediaTypes: readonly string[];
  /** Authorizers, API key source and keys. */
  readonly access: ApiAccessModel;
}

/** API Gateway's hard limit for REST API payloads. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** API Gateway's default (and maximum) integration timeout for REST APIs. */
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

/** Reads the REST API that proxies to `functionLogicalId` (or the only REST API). */
export function readApiGatewayModel(template: CfnTemplate, restApiLogicalId: string): ApiGatewayModel {
  const resources = Object.entries(template.Resources);
  const ofApi = (props: Record<string, any> | undefined) => refersTo(props?.RestApiId, restApiLogicalId);

  // Resource tree -> full paths. The root is `Fn::GetAtt [RestApi, RootResourceId]`.
  const apiResources = new Map<string, { parent: unknown; pathPart: string }>();
  for (const [id, resource] of resources) {
    if (resource.Type === 'AWS::ApiGateway::Resource' && ofApi(resource.Properties)) {
      apiResources.set(id, { parent: resource.Properties!.ParentId, pathPart: String(resource.Properties!.PathPart) });
    }
  }
  const pathOf = (parentRef: unknown, depth = 0): { path: string; logicalId: string } => {
    const parentId = logicalIdOf(parentRef);
    if (parentId === restApiLogicalId || parentId === undefined || depth > 50) return { path: '', logicalId: restApiLogicalId };
    const node = apiResources.get(parentId);
    if (!node) return { path: '', logicalId: restApiLogicalId };
    return { path: `${pathOf(node.parent, depth + 1).path}/${node.pathPart}`, logicalId: parentId };
  };

  const routes = new Map<string, { resourcePath: string; resourceLogicalId: string; methods: Map<string, ApiMethod> }>();
  for (const [, resource] of resources) {
    if (resource.Type !== 'AWS::ApiGateway::Method' || !ofApi(resource.Properties)) continue;
    const props = resource.Properties!;
    const { path, logicalId } = pathOf(props.ResourceId);
    const resourcePath = path || '/';
    const route = routes.get(resourcePath) ?? { resourcePath, resourceLogicalId: logicalId, methods: new Map<string, ApiMethod>() };
    routes.set(resourcePath, route);
    const httpMethod = String(props.HttpMethod).toUpperCase();
    const method = readMethod(props, `${httpMethod} ${resourcePath}`);
    if (method) route.methods.set(httpMethod, method);
  }

  const gatewayResponses = new Map<string, GatewayResponse>();
  for (const [, resource] of resources) {
    if (resource.Type !== 'AWS::ApiGateway::GatewayResponse' || !ofApi(resource.Properties)) continue;
    const props = resource.Properties!;
    gatewayResponses.set(String(props.ResponseType), {
      statusCode: props.StatusCode !== undefined ? Number(props.StatusCode) : undefined,
      headers: staticHeaders(props.ResponseParameters, 'gatewayresponse.header.'),
    });
  }

  const stage = resources.find(([, resource]) => resource.Type === 'AWS::ApiGateway::Stage' && ofApi(resource.Properties));
  const restApi = template.Resources[restApiLogicalId]?.Properties ?? {};
  return {
    restApiLogicalId,
    stageName: String(stage?.[1].Properties?.StageName ?? 'prod'),
    routes: [...routes.values()],
    gatewayResponses,
    binaryMediaTypes: (restApi.BinaryMediaTypes ?? []).map((type: string) => type.replace(/~1/g, '/')),
    access: readApiAccessModel(template, restApiLogicalId, stage?.[0]),
  };
}

function readMethod(props: Record<string, any>, where: string): ApiMethod | undefined {
  const integration = props.Integration ?? {};
  const access = readMethodAccess(props, where);
  if (integration.Type === 'AWS_PROXY') {
    const functionLogicalId = lambdaFunctionOf(integration.Uri);
    if (!functionLogicalId) return undefined;
    return { access, kind: 'lambda-proxy', functionLogicalId, timeoutMs: Number(integration.TimeoutInMillis ?? DEFAULT_INTEGRATION_TIMEOUT_MS) };
  }
  if (integration.Type === 'MOCK') {
    const response = (integration.IntegrationResponses ?? []).find((candidate: any) => !candidate.SelectionPattern)
      ?? integration.IntegrationResponses?.[0] ?? {};
    const template = literal(Object.values(response.ResponseTemplates ?? {})[0]) ?? '';
    return {
      access,
      kind: 'mock',
      statusCode: Number(response.StatusCode ?? 200),
      headers: staticHeaders(response.ResponseParameters, 'method.response.header.'),
      originOverrides: corsOriginOverrides(template),
    };
  }
  return undefined;
}

/** `{ "x.header.Name": "'value'" }` -> `{ Name: value }` (static values are single-quoted). */
function staticHeaders(parameters: Record<string, unknown> | undefined, prefix: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, parameter] of Object.entries(parameters ?? {})) {
    const value = literal(parameter);
    if (!key.startsWith(prefix) || value === undefined) continue;
    const quoted = /^'(.*)'$/s.exec(value);
    if (quoted) headers[key.slice(prefix.length)] = quoted[1];
  }
  return headers;
}

/**
 * A string, or a Fn::Join of strings and references: API Gateway settings may name resources
 * (a consumer's CloudFront domain as the allowed origin). The API model is read before
 * anything exists, and those resources are not emulated, so references become placeholders.
 */
function literal(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const join = (value as Record<string, unknown> | null)?.['Fn::Join'];
  if (!Array.isArray(join) || typeof join[0] !== 'string' || !Array.isArray(join[1])) return undefined;
  return join[1].map((part: unknown) => {
    if (typeof part === 'string') return part;
    const getAtt = (part as Record<string, unknown> | null)?.['Fn::GetAtt'];
    const ref = (part as Record<string, unknown> | null)?.Ref;
    return Array.isArray(getAtt) ? placeholderFor(String(getAtt[0]), String(getAtt[1])) : placeholderFor(String(ref ?? 'token'), undefined);
  }).join(join[0]);
}

/**
 * With several allowed origins, CDK's preflight answers the first one statically and a VTL
 * template overrides Access-Control-Allow-Origin when the request's Origin is one of the
 * others: `#if($origin == "https://b" || $origin == "https://c")`. These are those others.
 */
function corsOriginOverrides(template: string): string[] {
  if (!template.includes('responseOverride.header.Access-Control-Allow-Origin')) return [];
  const origins: string[] = [];
  for (const match of template.matchAll(/\$origin\s*==\s*"([^"]*)"/g)) {
    if (match[1] !== '') origins.push(match[1]);
  }
  return origins;
}

function refersTo(value: unknown, logicalId: string): boolean {
  return logicalIdOf(value) === logicalId;
}

export interface RouteMatch {
  readonly route: ApiRoute;
  readonly method: ApiMethod;
  readonly pathParameters: Record<string, string> | null;
}

/**
 * API Gateway's routing: the most specific resource wins (literal segments before
 * `{param}`, `{param+}` last). `null` = no such resource or method, which REST APIs answer
 * with 403 "Missing Authentication Token".
 */
export function matchRoute(model: ApiGatewayModel, httpMethod: string, path: string): RouteMatch | null {
  const segments = path.split('/').filter((segment) => segment.length > 0);
  let best: { match: RouteMatch; score: number[] } | undefined;
  for (const route of model.routes) {
    const pathParameters = matchPath(route.resourcePath, segments);
    if (!pathParameters) continue;
    const method = route.methods.get(httpMethod.toUpperCase()) ?? route.methods.get('ANY');
    if (!method) continue;
    const score = specificity(route.resourcePath);
    if (!best || compareScores(score, best.score) > 0) {
      best = { match: { route, method, pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null }, score };
    }
  }
  return best?.match ?? null;
}

function matchPath(resourcePath: string, segments: string[]): Record<string, string> | undefined {
  const parts = resourcePath.split('/').filter((part) => part.length > 0);
  const parameters: Record<string, string> = {};
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      if (index >= segments.length) return undefined;
      parameters[greedy[1]] = segments.slice(index).map(safeDecode).join('/');
      return parameters;
    }
    if (index >= segments.length) return undefined;
    const param = /^\{(.+)\}$/.exec(part);
    if (param) {
      parameters[param[1]] = safeDecode(segments[index]);
    } else if (part !== segments[index]) {
      return undefined;
    }
  }
  return parts.length === segments.length ? parameters : undefined;
}

function specificity(resourcePath: string): number[] {
  return resourcePath.split('/').filter(Boolean).map((part) => (part.endsWith('+}') ? 0 : part.startsWith('{') ? 1 : 2));
}

function compareScores(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The preflight answer of a MOCK method: its static headers, with the allow-origin header
 * overridden when the request's Origin is one the VTL template lets through.
 */
export function mockResponseHeaders(method: Extract<ApiMethod, { kind: 'mock' }>, origin: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { ...method.headers };
  if (origin !== undefined && method.originOverrides.includes(origin)) {
    headers['Access-Control-Allow-Origin'] = origin;
  }
  return headers;
}
