import { parseAuthorizationMode } from './caller';
import type { AuthorizationMode } from '../../src/auth/authorization-mode';
import { positiveSeconds } from '../shared/env';
import { DEFAULT_EVENT_SOURCE, ORDER_CREATED_DETAIL_TYPE } from '../shared/order-contract';

/** The API function's settings, from the environment the construct sets. */
export interface ApiConfig {
  readonly eventBusName: string;
  readonly eventSource: string;
  readonly eventDetailType: string;
  /** Exact origins, or `*`; empty means no CORS headers at all. */
  readonly corsAllowOrigins: readonly string[];
  /** Holds the request-deduplication records (Powertools idempotency). */
  readonly ordersTableName: string;
  /** How long a deduplication key is remembered. */
  readonly idempotencyWindowSeconds: number;
  /** Which verified caller identity API Gateway puts on each request (`none`: no caller known). */
  readonly authorizationMode: AuthorizationMode;
}

/** 24 hours, the contract's default window. */
export const DEFAULT_IDEMPOTENCY_WINDOW_SECONDS = 86_400;

/**
 * Read once at cold start (Lambda env cannot change within a container). A missing bus or
 * table name fails the init loudly rather than every request publishing nowhere.
 */
export function readApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  const eventBusName = env.EVENT_BUS_NAME?.trim();
  if (!eventBusName) {
    throw new Error('EVENT_BUS_NAME must be set to the name or ARN of the orders event bus');
  }
  const ordersTableName = env.ORDERS_TABLE_NAME?.trim();
  if (!ordersTableName) {
    throw new Error('ORDERS_TABLE_NAME must be set to the name of the orders table');
  }
  return {
    eventBusName,
    eventSource: env.EVENT_SOURCE?.trim() || DEFAULT_EVENT_SOURCE,
    eventDetailType: env.EVENT_DETAIL_TYPE?.trim() || ORDER_CREATED_DETAIL_TYPE,
    corsAllowOrigins: parseOriginList(env.CORS_ALLOW_ORIGINS),
    ordersTableName,
    idempotencyWindowSeconds: positiveSeconds(env, 'IDEMPOTENCY_WINDOW_SECONDS', DEFAULT_IDEMPOTENCY_WINDOW_SECONDS),
    authorizationMode: parseAuthorizationMode(env.AUTHORIZATION_MODE),
  };
}

/** Browsers send `Origin` without a trailing slash, so a configured `https://a.example/` still matches. */
function parseOriginList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin.length > 0);
}
