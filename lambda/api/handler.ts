/**
 * POST /orders: validate the order, publish one OrderCreated event, answer 202 with the ids;
 * a retry with the same deduplication key gets the first answer again instead of a second order.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { identifyCaller } from './caller';
import { readApiConfig } from './config';
import { createOrderCreation, OrderNotPublishedError } from './create-order';
import { corsHeaders, Headers, headerValue, isJsonContentType, jsonResponse } from './http';
import { DeduplicationKey, deduplicationKey, readIdempotencyKeyHeader } from './idempotency-key';
import { readJsonBody } from './request-body';
import { errorMessageOf, LOG_EVENTS, logger, logOutcome } from '../shared/log';
import { metrics, publishMetrics, recordAccepted, recordRejected } from '../shared/metrics';
import { ErrorResponse, FieldError, OrderAccepted, OrderRequest, SubmittedBy } from '../shared/order-contract';
import { validateOrderRequest } from '../shared/order-validation';

const config = readApiConfig(process.env);
const orders = createOrderCreation(config);
metrics(); // at init: a missing metrics namespace fails the cold start, not the first request

/**
 * Bounds the 400 body and its log line: a 64 KiB body of unknown keys could otherwise
 * produce thousands of errors. A real order (100 items, a few bad fields each) stays under it.
 */
const MAX_REPORTED_ERRORS = 500;
/** Paths only, and few: a log line must stay one CloudWatch event (256 KiB) and carry no order data. */
const MAX_LOGGED_PATHS = 20;
const RETRY_IS_SAFE = 'retrying with the same Idempotency-Key is safe';

/** One EMF line per invocation (none when nothing was counted), also if anything below throws. */
export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  try {
    return await answer(event, context);
  } finally {
    publishMetrics();
  }
};

async function answer(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  logger.addContext(context);
  const cors = corsHeaders(headerValue(event.headers, 'origin'), config.corsAllowOrigins);

  if (event.httpMethod === 'OPTIONS') {
    // API Gateway answers preflights itself; this only runs if a proxy route forwards one.
    const preflight = Object.keys(cors).length > 0
      ? { ...cors, 'Access-Control-Allow-Methods': 'POST,OPTIONS', 'Access-Control-Allow-Headers': 'Content-Type,Idempotency-Key' }
      : {};
    return jsonResponse(204, undefined, preflight);
  }
  // Before anything else is read: an unidentified caller learns nothing about the request.
  const caller = identifyCaller(config.authorizationMode, event.requestContext);
  if (!caller.ok) {
    // API Gateway lets no request through without the identity its authorization verified, so
    // this is a misconfiguration (a route or test-invoke without the authorizer): refuse, loudly.
    logOutcome('error', LOG_EVENTS.callerUnidentified, { authorizationMode: config.authorizationMode, missing: caller.missing });
    recordRejected('unidentified');
    const message = `Forbidden: the request carries no verified caller identity (this API requires ${config.authorizationMode} ` +
      'authorization); nothing was published.';
    return jsonResponse(403, { message } satisfies ErrorResponse, cors);
  }
  const { submittedBy } = caller;
  if (event.httpMethod !== 'POST') {
    logOutcome('info', LOG_EVENTS.methodNotAllowed, { httpMethod: event.httpMethod });
    recordRejected('method_not_allowed');
    return jsonResponse(405, { message: 'Method not allowed' } satisfies ErrorResponse, { ...cors, Allow: 'POST' });
  }
  const contentType = headerValue(event.headers, 'content-type');
  if (!isJsonContentType(contentType)) {
    logOutcome('info', LOG_EVENTS.unsupportedMediaType, { contentType: contentType?.slice(0, 100) });
    recordRejected('unsupported_media_type');
    const message = 'Content-Type must be application/json';
    return jsonResponse(415, { message } satisfies ErrorResponse, cors);
  }

  const keyHeader = readIdempotencyKeyHeader(event.headers);
  const body = readJsonBody(event);
  const validation = body.ok ? validateOrderRequest(body.value) : body;
  if (!keyHeader.ok || !validation.ok) {
    return rejectInvalid([...(keyHeader.ok ? [] : keyHeader.errors), ...(validation.ok ? [] : validation.errors)], cors);
  }

  const request = validation.value;
  // Scoped per caller (HTTP contract): two callers sending the same Idempotency-Key get two orders.
  const key = deduplicationKey(caller.scope, keyHeader.header, request);
  // Bounds a claim to this invocation's remaining time: if this process dies holding it, a
  // retry can take the key over once the invocation would have timed out.
  orders.idempotencyConfig.registerLambdaContext(context);
  try {
    const { accepted, replayed, itemCount } = await orders.create(request, key?.value, submittedBy);
    if (replayed) {
      logOutcome('info', LOG_EVENTS.idempotentReplay, { ...accepted, submittedBy });
      return jsonResponse(202, accepted satisfies OrderAccepted, { ...cors, 'Idempotent-Replayed': 'true' });
    }
    logOutcome('info', LOG_EVENTS.orderAccepted, { ...accepted, itemCount, deduplicated: key !== undefined, submittedBy });
    recordAccepted();
    return jsonResponse(202, accepted satisfies OrderAccepted, cors);
  } catch (error) {
    return answerFailure(error, request, key, submittedBy, context, cors);
  }
}

async function answerFailure(
  error: unknown, request: OrderRequest, key: DeduplicationKey | undefined, submittedBy: SubmittedBy | undefined,
  context: Context, cors: Headers,
): Promise<APIGatewayProxyResult> {
  const keyName = key?.source ?? 'Idempotency-Key';
  if (error instanceof IdempotencyValidationError) {
    logOutcome('info', LOG_EVENTS.idempotencyKeyReused, { keySource: keyName });
    recordRejected('key_reused');
    const message = `This ${keyName} was already used for a different order. Send a new ${keyName} for a new order.`;
    return jsonResponse(422, { message } satisfies ErrorResponse, cors);
  }
  if (error instanceof IdempotencyAlreadyInProgressError && key !== undefined) {
    const retryAfter = await orders.secondsUntilClaimExpires(request, key.value);
    logOutcome('info', LOG_EVENTS.requestInProgress, { keySource: keyName, retryAfter });
    recordRejected('in_progress');
    const message = `A request with this ${keyName} is still being processed; retry after ${retryAfter} s.`;
    return jsonResponse(409, { message } satisfies ErrorResponse, { ...cors, 'Retry-After': String(retryAfter) });
  }
  const requestId = context.awsRequestId;
  if (error instanceof IdempotencyPersistenceLayerError) {
    logOutcome('error', LOG_EVENTS.storeFailed, { errorMessage: errorMessageOf(error), cause: errorMessageOf(error.cause), error });
    const failure: ErrorResponse = { message: `The order could not be accepted; ${RETRY_IS_SAFE}`, requestId };
    return jsonResponse(503, failure, cors);
  }
  const ids = error instanceof OrderNotPublishedError ? error.ids : {};
  logOutcome('error', LOG_EVENTS.publishFailed, { ...ids, submittedBy, errorMessage: errorMessageOf(error), error });
  const failure: ErrorResponse = { message: `The order could not be published; ${RETRY_IS_SAFE}`, requestId };
  return jsonResponse(502, failure, cors);
}

function rejectInvalid(allErrors: FieldError[], cors: Record<string, string>): APIGatewayProxyResult {
  const errors = allErrors.slice(0, MAX_REPORTED_ERRORS);
  if (allErrors.length > errors.length) {
    errors.push({ path: '(root)', message: `${allErrors.length - errors.length} more errors not shown` });
  }
  logOutcome('info', LOG_EVENTS.validationFailed, {
    errorCount: allErrors.length,
    errorPaths: allErrors.slice(0, MAX_LOGGED_PATHS).map((error) => error.path),
  });
  recordRejected('validation');
  return jsonResponse(400, { message: 'Invalid order', errors } satisfies ErrorResponse, cors);
}
