import type { AuthorizationMode } from '../../src/auth/authorization-mode';
import { parseAuthorizationMode } from '../api/caller';

/** The reads function's settings, from the environment the construct sets. */
export interface ReadsConfig {
  readonly ordersTableName: string;
  /** The GSI on (scope, createdAt) that lists a caller's orders newest first. */
  readonly ordersIndexName: string;
  readonly corsAllowOrigins: readonly string[];
  readonly authorizationMode: AuthorizationMode;
}

/** Read once at cold start; a missing table or index fails the init loudly. */
export function readReadsConfig(env: NodeJS.ProcessEnv): ReadsConfig {
  const ordersTableName = env.ORDERS_TABLE_NAME?.trim();
  const ordersIndexName = env.ORDERS_INDEX_NAME?.trim();
  if (!ordersTableName) throw new Error('ORDERS_TABLE_NAME must be set to the name of the orders table');
  if (!ordersIndexName) throw new Error('ORDERS_INDEX_NAME must be set to the orders table\'s caller-scope index');
  return {
    ordersTableName,
    ordersIndexName,
    corsAllowOrigins: (env.CORS_ALLOW_ORIGINS ?? '').split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter((origin) => origin !== ''),
    authorizationMode: parseAuthorizationMode(env.AUTHORIZATION_MODE),
  };
}
