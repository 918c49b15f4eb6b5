import type { ErrorResponse, FieldError, OrderAccepted } from '../../../lambda/shared/order-contract';

/** Request header of the API's create contract (docs/http-api.md, POST /orders). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Response header on an answer the API replayed for a key it had already seen. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** What one POST /orders came to, in the terms the UI shows. */
export type SubmitResult =
  | {
    readonly kind: 'accepted'; readonly status: number; readonly orderId: string; readonly eventId: string;
    /** The API had already accepted this key: this is the first answer again, not a new order. */
    readonly replayed?: boolean;
  }
  /** 400: the API checked the order and published nothing. */
  | { readonly kind: 'rejected'; readonly status: number; readonly message: string; readonly errors: readonly FieldError[]; readonly requestId?: string }
  /** No answer (network, CORS, timeout) or a 5xx: the order may or may not have been accepted; a retry with the same key is safe. */
  | { readonly kind: 'uncertain'; readonly status?: number; readonly title: string; readonly detail: string; readonly requestId?: string }
  /** 409: the first request with this key is still running. */
  | { readonly kind: 'in-progress'; readonly status: number; readonly message: string; readonly retryAfterSeconds: number }
  /** 422: the key was already used for a different order. */
  | { readonly kind: 'key-reused'; readonly status: number; readonly message: string }
  /**
   * 401, or a session that expired before sending: the API did not accept the order. After
   * signing in again, Retry sends it. `status` is absent when nothing was sent.
   */
  | { readonly kind: 'unauthorized'; readonly status?: number; readonly message: string }
  /** Anything else: refused (4xx) or not the orders API. Retrying the same request would get the same answer. */
  | { readonly kind: 'failed'; readonly status?: number; readonly title: string; readonly detail: string; readonly requestId?: string };

export type SubmitResultKind = SubmitResult['kind'];
export const SUBMIT_RESULT_KINDS: readonly SubmitResultKind[] = ['accepted', 'rejected', 'uncertain', 'in-progress', 'key-reused', 'unauthorized', 'failed'];

export const REQUEST_TIMEOUT_MS = 15_000;
/** When a 409 carries no readable Retry-After. */
export const DEFAULT_RETRY_AFTER_SECONDS = 2;

/** `https://x/prod/` or `https://x/prod` -> `https://x/prod/orders`. */
export function ordersUrl(apiUrl: string): string {
  return new URL('orders', apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`).toString();
}

export interface SubmitOptions {
  /** The signed-in user's ID token, sent as `Authorization` (no `Bearer`, as API Gateway's Cognito authorizer expects). */
  readonly token?: string;
  readonly timeoutMs?: number;
}

/**
 * Sends `body` (the exact JSON string, so a retry is byte-for-byte the first request) under
 * `idempotencyKey`.
 */
export async function submitOrder(apiUrl: string, body: string, idempotencyKey: string, options: SubmitOptions = {}): Promise<SubmitResult> {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  if (apiUrl === '') {
    return {
      kind: 'failed',
      title: 'No API URL configured',
      detail: 'Set VITE_API_URL when building or serving the app, or serve a config.json with an "apiUrl" next to index.html.',
    };
  }
  let url: string;
  try {
    url = ordersUrl(apiUrl);
  } catch {
    return { kind: 'failed', title: 'Invalid API URL', detail: `"${apiUrl}" is not a URL. Check VITE_API_URL or config.json.` };
  }

  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Accept': 'application/json',
        [IDEMPOTENCY_KEY_HEADER]: idempotencyKey,
        ...(options.token === undefined ? {} : { Authorization: options.token }),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // The request may have reached the API and been accepted before the answer was lost.
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      return {
        kind: 'uncertain',
        title: 'The API did not answer in time',
        detail: `No response from ${url} within ${timeoutMs / 1000} seconds.`,
      };
    }
    return {
      kind: 'uncertain',
      title: 'No response from the API',
      detail: `The request to ${url} failed before a response arrived: the connection dropped, the network is down, ` +
        'the API URL is wrong, or the API does not allow this site\'s origin (CORS).',
    };
  }

  let text: string;
  try {
    text = await response.text();
  } catch {
    // The status line arrived, the body did not: a 2xx here would have been an accepted order.
    return {
      kind: 'uncertain',
      status: response.status,
      title: `The response was cut off (HTTP ${response.status})`,
      detail: `The connection to ${url} dropped while the answer was being read.`,
    };
  }
  const json = parseObject(text);
  const requestId = typeof json?.requestId === 'string' ? json.requestId : undefined;
  const message = typeof json?.message === 'string' ? json.message : undefined;

  if (response.ok) {
    if (typeof json?.orderId === 'string' && typeof json?.eventId === 'string') {
      const accepted = json as unknown as OrderAccepted;
      return {
        kind: 'accepted',
        status: response.status,
        orderId: accepted.orderId,
        eventId: accepted.eventId,
        replayed: response.headers.get(REPLAYED_HEADER)?.trim().toLowerCase() === 'true',
      };
    }
    return {
      kind: 'failed',
      status: response.status,
      title: 'Unexpected response',
      detail: `HTTP ${response.status} without an orderId and eventId. Is the API URL pointing at the orders API?`,
    };
  }
  if (response.status === 400) {
    return {
      kind: 'rejected',
      status: 400,
      message: message ?? 'The API rejected the order',
      errors: fieldErrorsOf(json),
      requestId,
    };
  }
  if (response.status === 401) {
    // API Gateway's own answer: no token, an expired one, or one of another pool. Nothing reached the handler.
    return {
      kind: 'unauthorized',
      status: 401,
      message: message === undefined || message === 'Unauthorized' ? 'The API did not accept your sign-in (it expired or was revoked).' : message,
    };
  }
  if (response.status === 409) {
    return {
      kind: 'in-progress',
      status: 409,
      message: message ?? 'A request with this Idempotency-Key is still being processed.',
      retryAfterSeconds: retryAfterSeconds(response.headers.get('Retry-After')),
    };
  }
  if (response.status === 422) {
    return {
      kind: 'key-reused',
      status: 422,
      message: message ?? 'This Idempotency-Key was already used for a different order.',
    };
  }
  if (response.status >= 500) {
    return {
      kind: 'uncertain',
      status: response.status,
      title: `The API failed (HTTP ${response.status})`,
      detail: message ?? 'The server could not process the request.',
      requestId,
    };
  }
  return {
    kind: 'failed',
    status: response.status,
    title: response.status === 429 ? 'Too many requests (HTTP 429)'
      : response.status === 403 ? 'Not allowed (HTTP 403)' : `Request refused (HTTP ${response.status})`,
    detail: message ?? (response.status === 429 ? 'The API is throttling requests; wait a moment and retry.' : response.statusText || 'No details.'),
    requestId,
  };
}

/**
 * `Retry-After` is delta-seconds or an HTTP date (RFC 9110). It is readable only because the
 * API lists it in Access-Control-Expose-Headers; otherwise the default applies.
 */
export function retryAfterSeconds(value: string | null, now = Date.now()): number {
  if (value === null || value.trim() === '') return DEFAULT_RETRY_AFTER_SECONDS;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(0, Math.ceil((date - now) / 1000));
}

function parseObject(text: string): (Partial<ErrorResponse> & Record<string, unknown>) | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function fieldErrorsOf(body: Record<string, unknown> | undefined): FieldError[] {
  const errors = body?.errors;
  if (!Array.isArray(errors)) {
    return [];
  }
  return errors.flatMap((error: unknown) => {
    const { path, message } = (error ?? {}) as Record<string, unknown>;
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
}
