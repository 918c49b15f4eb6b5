import type { ErrorResponse, FieldError, OrderAccepted, OrderRequest } from '../../../lambda/shared/order-contract';

/** What one POST /orders came to, in the terms the UI shows. */
export type SubmitResult =
  | { readonly kind: 'accepted'; readonly status: number; readonly orderId: string; readonly eventId: string }
  | { readonly kind: 'rejected'; readonly status: number; readonly message: string; readonly errors: readonly FieldError[]; readonly requestId?: string }
  | { readonly kind: 'failed'; readonly status?: number; readonly title: string; readonly detail: string; readonly requestId?: string };

export const REQUEST_TIMEOUT_MS = 15_000;

/** `https://x/prod/` or `https://x/prod` -> `https://x/prod/orders`. */
export function ordersUrl(apiUrl: string): string {
  return new URL('orders', apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`).toString();
}

export async function submitOrder(apiUrl: string, order: OrderRequest, timeoutMs = REQUEST_TIMEOUT_MS): Promise<SubmitResult> {
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
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      return {
        kind: 'failed',
        title: 'The API did not answer in time',
        detail: `No response from ${url} within ${timeoutMs / 1000} seconds. The order may or may not have been accepted.`,
      };
    }
    return {
      kind: 'failed',
      title: 'Could not reach the API',
      detail: `The request to ${url} failed before any response arrived: the network is down, the API URL is wrong, ` +
        'or the API does not allow this site\'s origin (CORS). Nothing was accepted.',
    };
  }

  const body = await readJson(response);
  const requestId = typeof body?.requestId === 'string' ? body.requestId : undefined;
  const message = typeof body?.message === 'string' ? body.message : undefined;

  if (response.ok) {
    if (typeof body?.orderId === 'string' && typeof body?.eventId === 'string') {
      const accepted = body as unknown as OrderAccepted;
      return { kind: 'accepted', status: response.status, orderId: accepted.orderId, eventId: accepted.eventId };
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
      errors: fieldErrorsOf(body),
      requestId,
    };
  }
  if (response.status >= 500) {
    return {
      kind: 'failed',
      status: response.status,
      title: `The API failed (HTTP ${response.status})`,
      detail: `${message ?? 'The server could not process the request.'} Please retry in a moment.`,
      requestId,
    };
  }
  return {
    kind: 'failed',
    status: response.status,
    title: response.status === 429 ? 'Too many requests (HTTP 429)' : `Request refused (HTTP ${response.status})`,
    detail: message ?? (response.status === 429 ? 'The API is throttling requests; wait a moment and retry.' : response.statusText || 'No details.'),
    requestId,
  };
}

async function readJson(response: Response): Promise<(Partial<ErrorResponse> & Record<string, unknown>) | undefined> {
  try {
    const parsed: unknown = JSON.parse(await response.text());
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
