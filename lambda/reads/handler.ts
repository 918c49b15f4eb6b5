/**
 * GET /orders/{orderId} and GET /orders: the caller's orders and their status. A function of
 * its own, so the POST path's bundle and cold start carry none of this, and its role can only
 * read (GetItem, Query).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { readReadsConfig } from './config';
import { orderSummary, orderView } from './order-views';
import { parseCursor, parseLimit, recentOrders } from './recent-orders';
import { identifyCaller } from '../api/caller';
import { corsHeaders, headerValue, jsonResponse } from '../api/http';
import { LOG_EVENTS, logger, logOutcome } from '../shared/log';
import { ErrorResponse, FieldError } from '../shared/order-contract';
import { OrderStateStore } from '../shared/order-state';
import { identifierSchema } from '../shared/order-validation';

const config = readReadsConfig(process.env);
const client = new DynamoDBClient({});
const store = new OrderStateStore(config.ordersTableName, client);

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  const cors = corsHeaders(headerValue(event.headers, 'origin'), config.corsAllowOrigins);
  const caller = identifyCaller(config.authorizationMode, event.requestContext);
  if (!caller.ok) {
    logOutcome('error', LOG_EVENTS.callerUnidentified, { authorizationMode: config.authorizationMode, missing: caller.missing });
    const message = `Forbidden: the request carries no verified caller identity (this API requires ${config.authorizationMode} authorization).`;
    return jsonResponse(403, { message } satisfies ErrorResponse, cors);
  }
  if (event.httpMethod !== 'GET') {
    return jsonResponse(405, { message: 'Method not allowed' } satisfies ErrorResponse, { ...cors, Allow: 'GET' });
  }

  const orderId = event.pathParameters?.orderId;
  if (orderId !== undefined) {
    const valid = identifierSchema.safeParse(orderId);
    if (!valid.success) {
      const errors: FieldError[] = [{ path: 'orderId', message: valid.error.issues[0]?.message ?? 'is not a valid order id' }];
      return jsonResponse(400, { message: 'Invalid order id', errors } satisfies ErrorResponse, cors);
    }
    // The key includes the caller's scope: another caller's order is as unknown as a missing one.
    const record = await store.get(caller.scope, orderId);
    return record === undefined
      ? jsonResponse(404, { message: `No order ${orderId}` } satisfies ErrorResponse, cors)
      : jsonResponse(200, orderView(record), cors);
  }

  const query = event.queryStringParameters ?? {};
  const limit = parseLimit(query.limit);
  const cursor = parseCursor(query.cursor, caller.scope);
  if (!limit.ok || !cursor.ok) {
    const errors: FieldError[] = [
      ...(limit.ok ? [] : [{ path: 'limit', message: limit.message }]),
      ...(cursor.ok ? [] : [{ path: 'cursor', message: cursor.message }]),
    ];
    return jsonResponse(400, { message: 'Invalid query', errors } satisfies ErrorResponse, cors);
  }
  const page = await recentOrders(client, config.ordersTableName, config.ordersIndexName, caller.scope, limit.value, cursor.value);
  return jsonResponse(200, { orders: page.orders.map(orderSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, cors);
};
