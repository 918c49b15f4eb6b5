import { DEFAULT_EVENT_SOURCE, ORDER_CREATED_DETAIL_TYPE } from '../shared/order-contract';

/** The API function's settings, from the environment the construct sets. */
export interface ApiConfig {
  readonly eventBusName: string;
  readonly eventSource: string;
  readonly eventDetailType: string;
  /** Exact origins, or `*`; empty means no CORS headers at all. */
  readonly corsAllowOrigins: readonly string[];
}

/**
 * Read once at cold start (Lambda env cannot change within a container). A missing bus
 * name fails the init loudly rather than every request publishing nowhere.
 */
export function readApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  const eventBusName = env.EVENT_BUS_NAME?.trim();
  if (!eventBusName) {
    throw new Error('EVENT_BUS_NAME must be set to the name or ARN of the orders event bus');
  }
  return {
    eventBusName,
    eventSource: env.EVENT_SOURCE?.trim() || DEFAULT_EVENT_SOURCE,
    eventDetailType: env.EVENT_DETAIL_TYPE?.trim() || ORDER_CREATED_DETAIL_TYPE,
    corsAllowOrigins: parseOriginList(env.CORS_ALLOW_ORIGINS),
  };
}

/** Browsers send `Origin` without a trailing slash, so a configured `https://a.example/` still matches. */
function parseOriginList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin.length > 0);
}
