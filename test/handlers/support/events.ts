import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { OrderCreatedDetail } from '../../../lambda/shared/order-contract';

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function lambdaContext(overrides: Partial<Context> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'orders-fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-fn',
    memoryLimitInMB: '256',
    awsRequestId: `req-${randomUUID()}`,
    logGroupName: '/aws/lambda/orders-fn',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

export interface ApiEventOptions {
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Record<string, string>;
  readonly httpMethod?: string;
  /** Merged into the requestContext: the caller identity API Gateway adds (`identity`, `authorizer`). */
  readonly requestContext?: Partial<APIGatewayProxyEvent['requestContext']>;
}

export function apiEvent(options: ApiEventOptions = {}): APIGatewayProxyEvent {
  return {
    httpMethod: options.httpMethod ?? 'POST',
    path: '/orders',
    resource: '/orders',
    body: options.body === undefined ? null : options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { requestId: randomUUID(), ...options.requestContext } as APIGatewayProxyEvent['requestContext'],
  };
}

/** An API event whose body is `value` as JSON. */
export function postJson(value: unknown, headers: Record<string, string> = {}): APIGatewayProxyEvent {
  return apiEvent({ body: JSON.stringify(value), headers });
}

export function orderDetail(overrides: Partial<OrderCreatedDetail> = {}): OrderCreatedDetail {
  return {
    schemaVersion: '1.0',
    eventId: randomUUID(),
    orderId: `order-${randomUUID()}`,
    createdAt: new Date().toISOString(),
    customerId: 'cust-1',
    items: [{ sku: 'SKU-1', qty: 2 }],
    ...overrides,
  };
}

/** The EventBridge envelope as the SQS target receives it (moto omits `account`, so it is left out). */
export function envelope(detail: unknown, detailType = 'OrderCreated'): string {
  return JSON.stringify({
    'version': '0',
    'id': randomUUID(),
    'detail-type': detailType,
    'source': 'myapp.orders',
    'time': new Date().toISOString(),
    'region': 'us-east-1',
    'resources': [],
    detail,
  });
}

export function sqsRecord(body: string, messageId: string = randomUUID(), receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: 'md5',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders-main',
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
