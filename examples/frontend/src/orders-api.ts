/**
 * The reads of the orders API (docs/http-api.md): `GET /orders` (newest first, opaque cursor)
 * and the operations routes (`GET /ops/queues`, `POST`/`GET /ops/redrive`), which only an
 * operator's token opens. POST /orders stays in api.ts with its idempotency rules.
 */
import type { JsonObject, OrderItem } from '../../../lambda/shared/order-contract';
import { ORDER_STATUSES, STEP_STATUSES, type OrderStatus, type StageView, type StepStatus } from '../../../lambda/shared/order-status';

export { STEP_STATUSES };
export type { StageView, StepStatus } from '../../../lambda/shared/order-status';

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
  /** With stages: every step, in order. Absent for a workflow without stages. */
  readonly stages?: readonly StageView[];
  /** REJECTED with stages: the step that refused the order. */
  readonly rejectedStep?: string;
  /** FAILED with stages: the step whose last attempt failed. */
  readonly failedStep?: string;
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

/** A stage's queue pair, or a compensation's (`<stage>/compensation`). */
export interface StageQueueDepths {
  readonly name: string;
  readonly mainQueue: QueueDepth;
  readonly deadLetterQueue: QueueDepth;
}

export interface QueueDepths {
  readonly mainQueue: QueueDepth;
  readonly deadLetterQueue: QueueDepth;
  /** With stages: every stage's pair and every compensation's, in order. */
  readonly stages?: readonly StageQueueDepths[];
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

async function call(
  apiUrl: string, route: string, options: ReadOptions & { method?: 'GET' | 'POST'; body?: Record<string, unknown> } = {},
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(routeUrl(apiUrl, route), {
      method: options.method ?? 'GET',
      headers: {
        Accept: 'application/json',
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(options.token === undefined ? {} : { Authorization: options.token }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
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
  const orders = Array.isArray(json.orders) ? json.orders.filter(isOrderView).map(withParsedStages) : [];
  return { orders, nextCursor: typeof json.nextCursor === 'string' ? json.nextCursor : undefined };
}

export async function queueDepths(apiUrl: string, options: ReadOptions = {}): Promise<QueueDepths> {
  const json = await call(apiUrl, 'ops/queues', options);
  const stages = Array.isArray(json.stages)
    ? json.stages.flatMap((pair: unknown) => {
      const fields = (pair ?? {}) as Record<string, unknown>;
      return typeof fields.name === 'string' && fields.name !== ''
        ? [{ name: fields.name, mainQueue: depthOf(fields.mainQueue), deadLetterQueue: depthOf(fields.deadLetterQueue) }] : [];
    })
    : undefined;
  return { mainQueue: depthOf(json.mainQueue), deadLetterQueue: depthOf(json.deadLetterQueue), ...(stages !== undefined ? { stages } : {}) };
}

/**
 * Starts the move task of the main pair, or of `stage`'s pair (a name GET /ops/queues lists):
 * the body is `{"stage": name}` then, and empty for the main pair.
 */
export async function startRedrive(apiUrl: string, options: ReadOptions & { stage?: string } = {}): Promise<RedriveStarted> {
  const { stage, ...rest } = options;
  const json = await call(apiUrl, 'ops/redrive', { ...rest, method: 'POST', ...(stage !== undefined ? { body: { stage } } : {}) });
  return {
    taskHandle: typeof json.taskHandle === 'string' ? json.taskHandle : undefined,
    approximateNumberOfMessagesToMove: numberOf(json.approximateNumberOfMessagesToMove),
  };
}

/** The latest move task; undefined when there has been none. */
export async function latestRedrive(apiUrl: string, options: ReadOptions & { stage?: string } = {}): Promise<RedriveTask | undefined> {
  const { stage, ...rest } = options;
  const json = await call(apiUrl, stage === undefined ? 'ops/redrive' : `ops/redrive?${new URLSearchParams({ stage })}`, rest);
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

/**
 * The order with its `stages` read strictly: entries without a name or with an unknown status
 * are dropped, optional fields of the wrong type left out. An order without stages (or with an
 * unreadable list) has none, and renders as in a workflow without stages.
 */
export function withParsedStages(order: OrderView): OrderView {
  const raw = order as unknown as Record<string, unknown>;
  const { stages: rawStages, rejectedStep, failedStep, ...rest } = raw;
  const stages = Array.isArray(rawStages) ? rawStages.flatMap(stageOf) : undefined;
  return {
    ...(rest as unknown as OrderView),
    ...(stages !== undefined && stages.length > 0 ? { stages } : {}),
    ...(typeof rejectedStep === 'string' && rejectedStep !== '' ? { rejectedStep } : {}),
    ...(typeof failedStep === 'string' && failedStep !== '' ? { failedStep } : {}),
  };
}

function stageOf(value: unknown): StageView[] {
  const stage = (value ?? {}) as Record<string, unknown>;
  if (typeof stage.name !== 'string' || stage.name === '' || typeof stage.status !== 'string'
    || !(STEP_STATUSES as readonly string[]).includes(stage.status)) {
    return [];
  }
  const text = (field: unknown) => (typeof field === 'string' && field !== '' ? field : undefined);
  const at = text(stage.at);
  const lastError = text(stage.lastError);
  const reason = text(stage.reason);
  return [{
    name: stage.name,
    status: stage.status as StepStatus,
    ...(at !== undefined ? { at } : {}),
    attempts: numberOf(stage.attempts) ?? 0,
    ...(lastError !== undefined ? { lastError } : {}),
    ...(reason !== undefined ? { reason } : {}),
  }];
}
