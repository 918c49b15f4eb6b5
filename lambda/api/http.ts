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
    return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSED_HEADERS, 'Vary': 'Origin' };
  }
  if (origin !== undefined && allowOrigins.includes(origin)) {
    return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS, 'Vary': 'Origin' };
  }
  return {};
}

/** Response headers a browser script may read beyond the CORS-safelisted ones: the contract's replay and retry hints. */
const EXPOSED_HEADERS = 'Idempotent-Replayed, Retry-After';

/**
 * `application/json`, with or without parameters (`; charset=utf-8`), in any letter case. Any
 * other type, or none, is refused: a browser can POST text/plain or a form cross-site without
 * a CORS preflight, so accepting them would open the API to "simple" cross-site requests.
 */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  return value.split(';')[0].trim().toLowerCase() === 'application/json';
}

export function jsonResponse(statusCode: number, body: unknown, headers: Headers = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}
