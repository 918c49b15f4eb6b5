/**
 * POST /orders: validate the order, publish one OrderCreated event, answer 202 with the ids.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { readApiConfig } from './config';
import { corsHeaders, headerValue, jsonResponse } from './http';
import { buildOrderCreatedDetail } from './order-created';
import { publishOrderCreated } from './publish';
import { readJsonBody } from './request-body';
import { errorMessageOf, LOG_EVENTS, logger, logOutcome } from '../shared/log';
import { ErrorResponse, FieldError, OrderAccepted } from '../shared/order-contract';
import { validateOrderRequest } from '../shared/order-validation';

const config = readApiConfig(process.env);

/**
 * Bounds the 400 body and its log line: a 64 KiB body of unknown keys could otherwise
 * produce thousands of errors. A real order (100 items, a few bad fields each) stays under it.
 */
const MAX_REPORTED_ERRORS = 500;
/** Paths only, and few: a log line must stay one CloudWatch event (256 KiB) and carry no order data. */
const MAX_LOGGED_PATHS = 20;

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  const cors = corsHeaders(headerValue(event.headers, 'origin'), config.corsAllowOrigins);

  if (event.httpMethod === 'OPTIONS') {
    // API Gateway answers preflights itself; this only runs if a proxy route forwards one.
    const preflight = Object.keys(cors).length > 0
      ? { ...cors, 'Access-Control-Allow-Methods': 'POST,OPTIONS', 'Access-Control-Allow-Headers': 'Content-Type' }
      : {};
    return jsonResponse(204, undefined, preflight);
  }
  if (event.httpMethod !== 'POST') {
    logOutcome('info', LOG_EVENTS.methodNotAllowed, { httpMethod: event.httpMethod });
    return jsonResponse(405, { message: 'Method not allowed' } satisfies ErrorResponse, { ...cors, Allow: 'POST' });
  }

  const body = readJsonBody(event);
  const validation = body.ok ? validateOrderRequest(body.value) : body;
  if (!validation.ok) {
    return rejectInvalid(validation.errors, cors);
  }

  const detail = buildOrderCreatedDetail(validation.value);
  const ids = { eventId: detail.eventId, orderId: detail.orderId };
  try {
    await publishOrderCreated(detail, config);
  } catch (error) {
    logOutcome('error', LOG_EVENTS.publishFailed, { ...ids, errorMessage: errorMessageOf(error), error });
    const failure: ErrorResponse = { message: 'The order could not be accepted; please retry', requestId: context.awsRequestId };
    return jsonResponse(502, failure, cors);
  }
  logOutcome('info', LOG_EVENTS.orderAccepted, { ...ids, itemCount: detail.items.length });
  return jsonResponse(202, ids satisfies OrderAccepted, cors);
};

function rejectInvalid(allErrors: FieldError[], cors: Record<string, string>): APIGatewayProxyResult {
  const errors = allErrors.slice(0, MAX_REPORTED_ERRORS);
  if (allErrors.length > errors.length) {
    errors.push({ path: '(root)', message: `${allErrors.length - errors.length} more errors not shown` });
  }
  logOutcome('info', LOG_EVENTS.validationFailed, {
    errorCount: allErrors.length,
    errorPaths: allErrors.slice(0, MAX_LOGGED_PATHS).map((error) => error.path),
  });
  return jsonResponse(400, { message: 'Invalid order', errors } satisfies ErrorResponse, cors);
}
