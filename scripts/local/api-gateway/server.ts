/**
 * API Gateway (REST, Lambda proxy integration) in front of the bundled API handler, on
 * 127.0.0.1 only. What the template configures is what it does: routes, each method's
 * authorization and API key (method-authorization.ts), the CORS preflight (MOCK OPTIONS
 * methods), gateway responses; what API Gateway always does too: 403 "Missing Authentication
 * Token" for unknown routes, 413 over 10 MB, 502 when the function fails, 504 past the
 * integration timeout.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { gatewayErrorResponse } from './gateway-responses';
import { MethodAuthorizer, VerifiedCaller } from './method-authorization';
import { ApiGatewayModel, MAX_REQUEST_BYTES, matchRoute, mockResponseHeaders, RouteMatch } from './model';
import { ReceivedRequest } from './sigv4-authorizer';
import { LocalFunction } from '../lambda/local-function';

export const API_HOST = '127.0.0.1';

export interface ApiServerOptions {
  readonly model: ApiGatewayModel;
  /** Functions by logical id (the proxy integrations' targets). */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** 0 picks a free port. */
  readonly port: number;
  readonly accountId: string;
  /** Each method's authorization and API key checks. */
  readonly authorizer: MethodAuthorizer;
  readonly log: (message: string) => void;
}

export interface ApiServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface ResponseParts {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | string;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const server = createServer((request, response) => {
    handle(request, options).then(
      (parts) => send(response, parts),
      (error) => {
        options.log(`api: internal error of the local runner: ${(error as Error).stack ?? error}`);
        send(response, gatewayErrorResponse(options.model, 'BAD_GATEWAY'));
      },
    );
  });
  // API Gateway's integration timeout bounds every request; keep-alive connections may idle longer.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, API_HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${API_HOST}:${port}`, port, close: () => closeServer(server) };
}

async function handle(request: IncomingMessage, options: ApiServerOptions): Promise<ResponseParts> {
  const { model } = options;
  const started = Date.now();
  const requestId = randomUUID();
  const url = new URL(request.url ?? '/', `http://${request.headers.host ?? API_HOST}`);
  // The deployed URL has the stage in front (`/prod/orders`); locally both forms work.
  const stagePrefix = `/${model.stageName}`;
  const path = url.pathname === stagePrefix || url.pathname.startsWith(`${stagePrefix}/`)
    ? url.pathname.slice(stagePrefix.length) || '/'
    : url.pathname;
  const method = (request.method ?? 'GET').toUpperCase();
  const finish = (parts: ResponseParts, note?: string): ResponseParts => {
    options.log(`api: ${method} ${url.pathname}${url.search} -> ${parts.statusCode} (${Date.now() - started} ms)${note ? `: ${note}` : ''}`);
    return { ...parts, headers: { ...parts.headers, 'x-amzn-RequestId': requestId } };
  };

  const body = await readBody(request);
  if (body === 'too-large') return finish(gatewayErrorResponse(model, 'REQUEST_TOO_LARGE'));

  const match = matchRoute(model, method, path);
  if (!match) return finish(gatewayErrorResponse(model, 'MISSING_AUTHENTICATION_TOKEN'));

  const access = await options.authorizer.check(match.method.access, receivedRequest(request, url, body));
  if (!access.allowed) return finish(gatewayErrorResponse(model, access.error), access.reason);

  if (match.method.kind === 'mock') {
    const origin = headerValue(request, 'origin');
    return finish({
      statusCode: match.method.statusCode,
      headers: { 'Content-Type': 'application/json', ...mockResponseHeaders(match.method, origin) },
      body: '',
    });
  }

  const fn = options.functions.get(match.method.functionLogicalId);
  if (!fn) return finish(gatewayErrorResponse(model, 'BAD_GATEWAY'));
  const event = toProxyEvent(request, {
    match, path, url, body, requestId, stageName: model.stageName, accountId: options.accountId, model, caller: access.caller,
  });

  const timeoutMs = match.method.timeoutMs;
  const outcome = await Promise.race([
    fn.invoke(event),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref()),
  ]);
  if (outcome === 'timeout') return finish(gatewayErrorResponse(model, 'INTEGRATION_TIMEOUT'));
  if (!outcome.ok) {
    options.log(`api: function ${fn.options.functionName} failed (${outcome.kind}: ${outcome.error.errorType}: ${outcome.error.errorMessage}) -> 502`);
    return finish(gatewayErrorResponse(model, 'BAD_GATEWAY'));
  }
  const proxied = fromProxyResult(outcome.value);
  if (!proxied) {
    options.log(`api: malformed Lambda proxy response ${JSON.stringify(outcome.value)?.slice(0, 200)} -> 502`);
    return finish(gatewayErrorResponse(model, 'BAD_GATEWAY'));
  }
  return finish(proxied);
}

/**
 * The body, or 'too-large' past API Gateway's 10 MB. The rest of an oversized body is read
 * and dropped (not buffered), so the client gets the 413 instead of a reset connection.
 */
function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = Number(request.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES ? Infinity : 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => resolve(size > MAX_REQUEST_BYTES ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

interface EventParts {
  readonly match: RouteMatch;
  readonly path: string;
  readonly url: URL;
  readonly body: Buffer;
  readonly requestId: string;
  readonly stageName: string;
  readonly accountId: string;
  readonly model: ApiGatewayModel;
  /** What the method's authorizer and API key check verified. */
  readonly caller: VerifiedCaller;
}

/** The REST API proxy event (payload format 1.0), headers with the case the client used. */
export function toProxyEvent(request: IncomingMessage, parts: EventParts): APIGatewayProxyEvent {
  const { match, path, url, body, requestId, stageName, accountId, model, caller } = parts;
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const multiValueHeaders: Record<string, string[]> = {};
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    (multiValueHeaders[raw[index]] ??= []).push(raw[index + 1]);
  }
  const added: Record<string, string> = {
    'X-Forwarded-For': sourceIp,
    'X-Forwarded-Port': String(request.socket.localPort ?? ''),
    'X-Forwarded-Proto': 'http',
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
  };
  for (const [name, value] of Object.entries(added)) {
    if (!Object.keys(multiValueHeaders).some((key) => key.toLowerCase() === name.toLowerCase())) multiValueHeaders[name] = [value];
  }

  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (multiValueQuery[name] ??= []).push(value);
  const hasQuery = Object.keys(multiValueQuery).length > 0;
  // The single-value maps keep the last value, as API Gateway does.
  const lastValues = (multi: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(multi).map(([name, values]) => [name, values[values.length - 1]]));
  const headers = lastValues(multiValueHeaders);

  const contentType = (headerValue(request, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  const binary = contentType !== '' && model.binaryMediaTypes.some((type) => mediaTypeMatches(type, contentType));
  const now = new Date();

  return {
    resource: match.route.resourcePath,
    path,
    httpMethod: (request.method ?? 'GET').toUpperCase(),
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? lastValues(multiValueQuery) : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: match.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId,
      apiId: 'local',
      authorizer: caller.authorizer,
      domainName: headers.Host ?? headers.host ?? API_HOST,
      domainPrefix: 'local',
      extendedRequestId: requestId.slice(0, 16),
      httpMethod: (request.method ?? 'GET').toUpperCase(),
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: headerValue(request, 'user-agent') ?? null,
        userArn: null,
        ...caller.identity,
      },
      path: `/${stageName}${path}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTime: formatRequestTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: match.route.resourceLogicalId,
      resourcePath: match.route.resourcePath,
      stage: stageName,
    },
    body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary && body.length > 0,
  };
}

/** The request as its signature covers it: headers by lower-case name, repeated ones joined with commas (SigV4's rule). */
function receivedRequest(request: IncomingMessage, url: URL, body: Buffer): ReceivedRequest {
  const headers: Record<string, string> = {};
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index].toLowerCase();
    headers[name] = name in headers ? `${headers[name]},${raw[index + 1]}` : raw[index + 1];
  }
  const rawPath = (request.url ?? '/').split('?')[0];
  return { method: (request.method ?? 'GET').toUpperCase(), rawPath, query: url.searchParams, headers, body };
}

/** `{ statusCode, headers, multiValueHeaders, body, isBase64Encoded }` -> the HTTP response; undefined if malformed. */
function fromProxyResult(value: unknown): ResponseParts | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const result = value as Record<string, unknown>;
  const statusCode = Number(result.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') return undefined;
  const headers: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries((result.multiValueHeaders ?? {}) as Record<string, unknown[]>)) {
    headers[name] = (values ?? []).map(String);
  }
  for (const [name, header] of Object.entries((result.headers ?? {}) as Record<string, unknown>)) {
    if (!(name in headers)) headers[name] = String(header);
  }
  const text = (result.body as string | undefined | null) ?? '';
  return { statusCode, headers, body: result.isBase64Encoded === true ? Buffer.from(text, 'base64') : text };
}

function send(response: ServerResponse, parts: ResponseParts): void {
  const body = typeof parts.body === 'string' ? Buffer.from(parts.body, 'utf8') : parts.body;
  for (const [name, value] of Object.entries(parts.headers)) response.setHeader(name, value);
  response.setHeader('Content-Length', body.length);
  response.statusCode = parts.statusCode;
  response.end(body);
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function mediaTypeMatches(pattern: string, contentType: string): boolean {
  if (pattern === '*/*') return true;
  const [type, subtype] = pattern.toLowerCase().split('/');
  const [actualType, actualSubtype] = contentType.split('/');
  return (type === '*' || type === actualType) && (subtype === '*' || subtype === actualSubtype);
}

/** API Gateway's `requestTime` format: `24/Nov/2026:00:12:28 +0000`. */
function formatRequestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
