import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export type Headers = Record<string, string>;

/** API Gateway passes headers as the client sent them; HTTP header names are case-insensitive. */
export function headerValue(headers: APIGatewayProxyEvent['headers'] | null | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/**
 * CORS headers for one response: only when the request's origin is allowed, so a
 * disallowed origin learns nothing and the browser blocks the read.
 */
export function corsHeaders(origin: string | undefined, allowOrigins: readonly string[]): Headers {
  if (allowOrigins.includes('*')) {
    return { 'Access-Control-Allow-Origin': '*', 'Vary': 'Origin' };
  }
  if (origin !== undefined && allowOrigins.includes(origin)) {
    return { 'Access-Control-Allow-Origin': origin, 'Vary': 'Origin' };
  }
  return {};
}

export function jsonResponse(statusCode: number, body: unknown, headers: Headers = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}
