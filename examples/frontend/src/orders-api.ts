/**
 * The reads of the orders API (docs/http-api.md): `GET /orders` (newest first, opaque cursor)
 * and the operations routes (`GET /ops/queues`, `POST`/`GET /ops/redrive`), which only an
 * operator's token opens. POST /orders stays in api.ts with its idempotency rules.
 */
import type { JsonObject, OrderItem } from '../../../lambda/shared/order-contract';
import { ORDER_STATUSES, type OrderStatus } from '../../../lambda/shared/order-status';

export interface OrderView {
  readonly orderId: string;
  readonly eventId: string;
  readonly status: OrderStatus;
  readonly createdAt: string;
  readonly updatedAt?: string;
  readonly customerId?: string;
  readonly items: readonly OrderItem[];
  readonly attempts?: number;
  readonly lastError?: string;
  /** The order's own fields, as the client sent them. */
  readonly attributes?: JsonObject;
  /** PROCESSED: what the processor returned (e.g. a reservation). */
  readonly result?: JsonObject;
  /** REJECTED: why the processor refused the order. */
  readonly reason?: string;
}

export interface OrdersPage {
  readonly orders: readonly OrderView[];
  readonly nextCursor?: string;
}

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly oldestAgeSeconds?: number;
}

export interface QueueDepths {
  readonly mainQueue: QueueDepth;
  readonly deadLetterQueue: QueueDepth;
}

export interface RedriveStarted {
  readonly taskHandle?: string;
  readonly approximateNumberOfMessagesToMove?: number;
}

/** The latest message move task, as SQS's ListMessageMoveTasks describes it. */
export interface RedriveTask {
  /** RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED. */
  readonly status: string;
  readonly moved?: number;
  readonly toMove?: number;
  readonly failureReason?: string;
}

/** A request the API refused or that never got an answer, in words for the page. */
export class ApiError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ReadOptions {
  /** The signed-in user's ID token (Cognito), sent as `Authorization`. */
  readonly token?: string;
  readonly signal?: AbortSignal;
}

export const READ_TIMEOUT_MS = 10_000;

function routeUrl(apiUrl: string, route: string): string {
  return new URL(route, apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`).toString();
}

async function call(apiUrl: string, route: string, options: ReadOptions & { method?: 'GET' | 'POST' } = {}): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(routeUrl(apiUrl, route), {
      method: options.method ?? 'GET',
      headers: { Accept: 'application/json', ...(options.token === undefined ? {} : { Authorization: options.token }) },
      signal: options.signal ?? AbortSignal.timeout(READ_TIMEOUT_MS),
    });
  } catch {
    throw new ApiError(`No response from the API (${route.split('?')[0]}).`);
  }
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = undefined;
  }
  const json = typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Record<string, unknown> : {};
  if (!response.ok) {
    const message = typeof json.message === 'string' ? json.message : response.statusText;
    throw new ApiError(`${message || 'Request refused'} (HTTP ${response.status})`, response.status);
  }
  return json;
}

export async function listOrders(apiUrl: string, limit: number, cursor: string | undefined, options: ReadOptions = {}): Promise<OrdersPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor !== undefined) query.set('cursor', cursor);
  const json = await call(apiUrl, `orders?${query}`, options);
  const orders = Array.isArray(json.orders) ? json.orders.filter(isOrderView) : [];
  return { orders, nextCursor: typeof json.nextCursor === 'string' ? json.nextCursor : undefined };
}

export async function queueDepths(apiUrl: string, options: ReadOptions = {}): Promise<QueueDepths> {
  const json = await call(apiUrl, 'ops/queues', options);
  return { mainQueue: depthOf(json.mainQueue), deadLetterQueue: depthOf(json.deadLetterQueue) };
}

export async function startRedrive(apiUrl: string, options: ReadOptions = {}): Promise<RedriveStarted> {
  const json = await call(apiUrl, 'ops/redrive', { ...options, method: 'POST' });
  return {
    taskHandle: typeof json.taskHandle === 'string' ? json.taskHandle : undefined,
    approximateNumberOfMessagesToMove: numberOf(json.approximateNumberOfMessagesToMove),
  };
}

/** The latest move task; undefined when there has been none. */
export async function latestRedrive(apiUrl: string, options: ReadOptions = {}): Promise<RedriveTask | undefined> {
  const json = await call(apiUrl, 'ops/redrive', options);
  // The contract says "the latest task's status": accept the task itself, `{ task }` or `{ tasks: [latest, ...] }`,
  // in the API's camelCase or SQS's own PascalCase.
  const task = (Array.isArray(json.tasks) ? json.tasks[0] : json.task ?? json) as Record<string, unknown> | undefined;
  const status = task?.status ?? task?.Status;
  if (task === undefined || typeof status !== 'string') return undefined;
  const reason = task.failureReason ?? task.FailureReason;
  return {
    status,
    moved: numberOf(task.approximateNumberOfMessagesMoved ?? task.ApproximateNumberOfMessagesMoved),
    toMove: numberOf(task.approximateNumberOfMessagesToMove ?? task.ApproximateNumberOfMessagesToMove),
    failureReason: typeof reason === 'string' ? reason : undefined,
  };
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function depthOf(value: unknown): QueueDepth {
  const depth = (value ?? {}) as Record<string, unknown>;
  return { visible: numberOf(depth.visible) ?? 0, inFlight: numberOf(depth.inFlight) ?? 0, oldestAgeSeconds: numberOf(depth.oldestAgeSeconds) };
}

function isOrderView(value: unknown): value is OrderView {
  const order = value as Partial<OrderView> | null;
  return typeof order === 'object' && order !== null
    && typeof order.orderId === 'string' && typeof order.eventId === 'string'
    && typeof order.status === 'string' && (ORDER_STATUSES as readonly string[]).includes(order.status)
    && typeof order.createdAt === 'string' && Array.isArray(order.items);
}
